/**
 * Evaluation of a stitched reconstruction against an objectGuess, and the files and summaries
 * made from it (metrics.json, frc.csv, comparison.png; the UI's EvaluationSummary).
 */
import { join } from 'node:path';
import {
  evaluateReconstruction,
  metricsJson,
  formatFrcCsv,
  comparisonColourLimits,
  type EvaluationReport,
} from '../eval/evaluate';
import type { ComplexImage } from '../data/dataset';
import type { Stitched } from '../stitch/reassemble';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { writeFigurePng } from '../../io/png';
import { renderFigure, tileFigures } from '../../render/figure';
import type { EvaluationSummary } from '../../protocol';
import type { FrcResult, FrcThresholdCrossings } from '../eval/frc';
import { DEFAULT_INFERENCE_CONFIG } from '../config/config';
import { halfPeriodNm } from '../eval/resolution';
import { formatNm, PIXEL_SIZE_UNKNOWN } from '../data/units';

export interface EvaluationOptions {
  stitchCropSize?: number;
  registrationEstimator?: 'phase-correlation' | 'windowed-cross-correlation';
  phaseAlign?: 'plane' | 'mean';
  registration?: boolean;
  pixelSizeM?: number;
}

/**
 * Evaluate a stitched canvas against the object it reconstructs. PtychoPINN crops the ground
 * truth to the scan's bounding box ± M/2 and centre-crops both images, which can leave them
 * several pixels apart; our canvas knows its origin in object pixels (x0, y0), so the ground
 * truth is cut to exactly the canvas's footprint first, and registration only has to fix the
 * sub-pixel remainder. `centroids` are kept for the PtychoPINN-style crop when the origin is
 * unknown (NaN).
 */
export function evaluateStitched(
  s: Stitched,
  gt: ComplexImage,
  centroids: ArrayLike<number>,
  o: EvaluationOptions = {},
): EvaluationReport {
  let rec = { width: s.width, height: s.height, re: Float64Array.from(s.re), im: Float64Array.from(s.im) };
  let truth = {
    width: gt.width,
    height: gt.height,
    re: Float64Array.from(gt.re),
    im: Float64Array.from(gt.im),
  };
  let scanCoordsYX: { y: Float64Array; x: Float64Array } | undefined;
  if (Number.isFinite(s.x0) && Number.isFinite(s.y0)) {
    // The part of the canvas that patches cover (weight ≥ half a patch), in object pixels.
    let rMin = s.height;
    let rMax = -1;
    let cMin = s.width;
    let cMax = -1;
    for (let r = 0; r < s.height; r++)
      for (let c = 0; c < s.width; c++)
        if (s.weights[r * s.width + c]! >= 0.5) {
          rMin = Math.min(rMin, r);
          rMax = Math.max(rMax, r);
          cMin = Math.min(cMin, c);
          cMax = Math.max(cMax, c);
        }
    if (rMax < 0) throw new Error('the reconstruction canvas has no covered pixels');
    const r0 = Math.round(s.y0);
    const c0 = Math.round(s.x0);
    const top = Math.max(0, r0 + rMin);
    const left = Math.max(0, c0 + cMin);
    const bottom = Math.min(gt.height, r0 + rMax + 1);
    const right = Math.min(gt.width, c0 + cMax + 1);
    if (bottom - top < 8 || right - left < 8)
      throw new Error(
        `the reconstruction (origin x=${s.x0.toFixed(1)}, y=${s.y0.toFixed(1)}, ${s.width}×${s.height}) does not overlap the ${gt.width}×${gt.height} ground truth`,
      );
    const cut = (img: typeof rec, y: number, x: number, h: number, w: number) => {
      const re = new Float64Array(h * w);
      const im = new Float64Array(h * w);
      for (let r = 0; r < h; r++) {
        re.set(img.re.subarray((y + r) * img.width + x, (y + r) * img.width + x + w), r * w);
        im.set(img.im.subarray((y + r) * img.width + x, (y + r) * img.width + x + w), r * w);
      }
      return { width: w, height: h, re, im };
    };
    truth = cut(truth, top, left, bottom - top, right - left);
    rec = cut(rec, top - r0, left - c0, bottom - top, right - left);
  } else {
    const B = centroids.length / 2;
    scanCoordsYX = {
      y: Float64Array.from({ length: B }, (_, b) => centroids[2 * b + 1]!),
      x: Float64Array.from({ length: B }, (_, b) => centroids[2 * b]!),
    };
  }
  const opts = {
    ...(scanCoordsYX ? { scanCoordsYX } : {}),
    // PtychoPINN's estimator (phase correlation on raw magnitudes) is pulled towards edge and noise
    // artefacts on crops like these (measured in compute/ptycho/eval's tests); the windowed
    // cross-correlation recovers known shifts to 0.02 px. The report records both.
    registrationEstimator: o.registrationEstimator ?? 'windowed-cross-correlation',
    stitchCropSize: o.stitchCropSize ?? DEFAULT_INFERENCE_CONFIG.stitch_crop_size,
    ...(o.phaseAlign ? { phaseAlign: o.phaseAlign } : {}),
    ...(o.pixelSizeM ? { pixelSizeM: o.pixelSizeM } : {}),
  };
  const report = evaluateReconstruction(rec, truth, {
    ...opts,
    ...(o.registration !== undefined ? { registration: o.registration } : {}),
  });
  // With the footprint known, a true misregistration is a pixel or two. A large "shift" means the
  // correlation locked onto noise (typical of an untrained or poor model); do not apply it.
  const sh = report.alignment.registrationShiftPx;
  if (!scanCoordsYX && sh && Math.hypot(sh.dy, sh.dx) > MAX_REGISTRATION_SHIFT_PX) {
    const plain = evaluateReconstruction(rec, truth, { ...opts, registration: false });
    plain.warnings.unshift(
      `registration found an implausible shift (dy, dx) = (${sh.dy.toFixed(2)}, ${sh.dx.toFixed(2)}) px for a canvas whose position is known; metrics computed without registration`,
    );
    return plain;
  }
  return report;
}

/** Largest registration shift trusted when the canvas origin is known (pixels). */
export const MAX_REGISTRATION_SHIFT_PX = 4;

export function writeEvaluation(dir: string, report: EvaluationReport): string[] {
  const metrics = join(dir, 'metrics.json');
  const frc = join(dir, 'frc.csv');
  const png = join(dir, 'comparison.png');
  atomicWriteFileSync(metrics, JSON.stringify(metricsJson(report), null, 2));
  atomicWriteFileSync(frc, formatFrcCsv(report));
  const lim = comparisonColourLimits(report);
  const a = report.aligned;
  const panel = (
    title: string,
    img: { width: number; height: number; data: Float64Array },
    phase: boolean,
    l: { min: number; max: number },
  ) =>
    renderFigure(
      {
        title,
        values: img.data,
        width: img.width,
        height: img.height,
        colormap: phase ? 'twilight' : 'gray',
        vmin: l.min,
        vmax: l.max,
        unit: phase ? 'phase (rad)' : 'amplitude (a.u.)',
        pixelSizeM: report.options.pixelSizeM,
      },
      { imageSize: 400, minWidth: 0 },
    );
  // Ground truth | reconstruction, amplitude above phase, each pair on one colour scale.
  const figs = [
    panel('Ground truth · amplitude', a.groundTruthAmplitude, false, lim.amplitude),
    panel('Reconstruction · amplitude', a.reconAmplitude, false, lim.amplitude),
    panel('Ground truth · phase', a.groundTruthPhase, true, lim.phase),
    panel('Reconstruction · phase', a.reconPhase, true, lim.phase),
  ];
  writeFigurePng(png, tileFigures(figs, 2));
  return [metrics, frc, png];
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The report's crossings of 0.5, 1/7 and the half-bit curve (those metrics.json gives), in cycles/pixel. */
function thresholdCrossings(f: FrcResult): FrcThresholdCrossings {
  return {
    half: f.frc50.frequencyPerPx,
    oneSeventh: f.frc1over7.frequencyPerPx,
    halfBit: f.halfBitCrossing.frequencyPerPx,
  };
}

export function evaluationSummary(r: EvaluationReport): EvaluationSummary {
  const pair = (f: (c: EvaluationReport['amplitude']) => number) => ({
    amplitude: fin(f(r.amplitude)),
    phase: fin(f(r.phase)),
  });
  const c = r.amplitude.frc;
  const px = r.options.pixelSizeM;
  return {
    mae: pair((c) => c.mae),
    mse: pair((c) => c.mse),
    psnrDb: pair((c) => c.psnrDb),
    ssim: pair((c) => c.ssim),
    msSsim: pair((c) => c.msSsim.value),
    frc50PerPx: pair((c) => c.frc.frc50.frequencyPerPx ?? NaN),
    frc: {
      frequencyPerPx: Float32Array.from(c.frequencyPerPx),
      amplitude: Float32Array.from(c.frc),
      phase: Float32Array.from(r.phase.frc.frc),
      halfBit: Float32Array.from(c.halfBit),
      crossings: { amplitude: thresholdCrossings(c), phase: thresholdCrossings(r.phase.frc) },
    },
    notes: [...r.warnings],
    pixelSizeM: px,
    resolutionNm:
      px === null
        ? null
        : {
            frc50: pair((c) => halfPeriodNm(c.frc.frc50.frequencyPerPx, px) ?? NaN),
            halfBit: pair((c) => halfPeriodNm(c.frc.halfBitCrossing.frequencyPerPx, px) ?? NaN),
          },
    groundTruth: {
      width: r.aligned.groundTruthAmplitude.width,
      height: r.aligned.groundTruthAmplitude.height,
      amplitude: Float32Array.from(r.aligned.groundTruthAmplitude.data),
      phase: Float32Array.from(r.aligned.groundTruthPhase.data),
    },
  };
}

/** A few lines for the terminal. */
export function formatMetricsTable(r: EvaluationReport): string {
  const row = (name: string, a: number, p: number, digits = 4): string =>
    `  ${name.padEnd(16)} ${a.toPrecision(digits).padStart(12)} ${p.toPrecision(digits).padStart(12)}`;
  const f50 = (c: EvaluationReport['amplitude']): number => c.frc.frc50.frequencyPerPx ?? NaN;
  const px = r.options.pixelSizeM;
  return [
    `  ${'metric'.padEnd(16)} ${'amplitude'.padStart(12)} ${'phase'.padStart(12)}`,
    row('MAE', r.amplitude.mae, r.phase.mae),
    row('MSE', r.amplitude.mse, r.phase.mse),
    row('PSNR (dB)', r.amplitude.psnrDb, r.phase.psnrDb),
    row('PSNR-255 (dB)', r.amplitude.psnr255Db, r.phase.psnr255Db),
    row('SSIM', r.amplitude.ssim, r.phase.ssim),
    row('MS-SSIM', r.amplitude.msSsim.value, r.phase.msSsim.value),
    row('FRC50 (1/px)', f50(r.amplitude), f50(r.phase)),
    ...(px !== null
      ? [
          row(
            'FRC50 res. (nm)',
            halfPeriodNm(f50(r.amplitude), px) ?? NaN,
            halfPeriodNm(f50(r.phase), px) ?? NaN,
            3,
          ),
          `  (half-period 1/(2f) at object pixel ${formatNm(px)})`,
        ]
      : [`  (FRC resolution in px only: ${PIXEL_SIZE_UNKNOWN})`]),
    ...r.warnings.map((w) => `  note: ${w}`),
  ].join('\n');
}
