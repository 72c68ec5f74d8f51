/**
 * The full evaluation pipeline (`ptycho evaluate`, `ptycho infer --ground_truth`):
 *
 * 1. crop the ground truth to the scan area ± ⌊M/2⌋ and centre-crop both to a common shape;
 * 2. unless disabled, register |recon| on |gt| by phase cross-correlation (upsample 50),
 *    shift the complex reconstruction with a Fourier phase ramp, crop 2 px from every edge;
 * 3. trim `evalTrimPx` (2 = PtychoPINN's offset/2) from every edge of both;
 * 4. phase = arg (wrapped, no unwrapping) with a least-squares plane (default) or the mean
 *    removed from each image separately; amplitude of the reconstruction rescaled by
 *    mean(|gt|)/mean(|recon|);
 * 5. metrics for amplitude and phase: MAE, MSE, PSNR (true data range, and OpenCV's
 *    255-peak convention), SSIM (Gaussian, and skimage's defaults), MS-SSIM, FRC.
 *
 * `metricsJson(report)` turns the report into a JSON-safe object where every number carries
 * its unit and convention; `formatFrcCsv(report)` gives the FRC curves as CSV.
 */
import {
  alignForEvaluation,
  matchMean,
  removePlane,
  subtractMean,
  trimImage,
  type Plane,
  type ScanCoordsYX,
} from './alignment';
import { fourierRingCorrelation, type FrcCrossing, type FrcResult } from './frc';
import { halfPeriodNm } from './resolution';
import {
  amplitudeOf,
  borderBox,
  cropComplex,
  mapImage,
  phaseOf,
  type ComplexImage2D,
  type Image2D,
  type PixelBox,
} from '../../numerics/image';
import {
  dataRangeOf,
  meanAbsoluteError,
  meanSquaredError,
  msSsim,
  psnr,
  psnrOpenCv,
  ssim,
  SSIM_GAUSSIAN,
  SSIM_SKIMAGE_DEFAULTS,
  type MsSsimResult,
} from './metrics';
import { estimateShift, fourierShiftComplex, type RegistrationEstimator, type ShiftPx } from './registration';

export interface EvaluateOptions {
  /** Scan positions in ground-truth pixels (y = row, x = column); enables the scan-area crop. */
  scanCoordsYX?: ScanCoordsYX;
  /** Stitch crop size M (PtychoPINN: 20). */
  stitchCropSize?: number;
  /** Sub-pixel registration (default true). */
  registration?: boolean;
  upsampleFactor?: number;
  /** Shift estimator (default 'phase-correlation' = PtychoPINN/skimage parity); the other one is
   * always run as a cross-check and a disagreement > 0.5 px is reported in `warnings`. */
  registrationEstimator?: RegistrationEstimator;
  /** Border cropped after the Fourier shift (default 2 px). */
  registrationBorderPx?: number;
  /** Trim before metrics (default 2 px = PtychoPINN offset 4 / 2). */
  evalTrimPx?: number;
  phaseAlign?: 'plane' | 'mean';
  /** Gaussian pre-smoothing σ of the amplitude pair for MS-SSIM (default 1.0). */
  msSsimSigma?: number;
  /** Gaussian smoothing σ of the FRC curves (default 0 = none). */
  frcSigma?: number;
  /** Object pixel size in metres, for FRC frequencies in 1/nm and resolutions in nm. */
  pixelSizeM?: number;
}

export type ResolvedEvaluateOptions = Required<Omit<EvaluateOptions, 'scanCoordsYX' | 'pixelSizeM'>> & {
  pixelSizeM: number | null;
  scanCoordsGiven: boolean;
};

export interface ComponentMetrics {
  mae: number;
  mse: number;
  /** Peak (data range) used for `psnrDb`: max − min of the aligned ground truth. */
  psnrDataRange: number;
  psnrDb: number;
  psnr255Db: number;
  /** Gaussian-window SSIM (σ = 1.5, population covariance). */
  ssim: number;
  /** SSIM with skimage's defaults (7×7 uniform, sample covariance) — PtychoPINN's number. */
  ssimSkimageDefaults: number;
  ssimDataRange: number;
  msSsim: MsSsimResult;
  frc: FrcResult;
}

export interface AlignedImages {
  groundTruthAmplitude: Image2D;
  reconAmplitude: Image2D;
  groundTruthPhase: Image2D;
  reconPhase: Image2D;
}

export interface EvaluationReport {
  options: ResolvedEvaluateOptions;
  alignment: {
    inputShapes: { recon: [number, number]; groundTruth: [number, number] };
    groundTruthScanBox: PixelBox | null;
    reconCommonBox: PixelBox;
    groundTruthCommonBox: PixelBox;
    commonShape: [number, number];
    /** Shift applied to the reconstruction (content moved by +dy rows, +dx columns), px. */
    registrationShiftPx: ShiftPx | null;
    /** Shift found by the other estimator (the windowed one in a single pass), for comparison (null without registration). */
    registrationCrossCheckShiftPx: ShiftPx | null;
    /** Final (height, width) the metrics were computed on. */
    evaluatedShape: [number, number];
    amplitudeScale: number;
    phasePlane: { recon: Plane; groundTruth: Plane } | null;
    phaseMean: { recon: number; groundTruth: number } | null;
  };
  amplitude: ComponentMetrics;
  phase: ComponentMetrics;
  /** Conditions a reader should know about (e.g. registration estimators disagree). */
  warnings: string[];
  /** The arrays the metrics saw (for comparison figures). Shapes = evaluatedShape. */
  aligned: AlignedImages;
}

export function evaluateReconstruction(
  recon: ComplexImage2D,
  groundTruth: ComplexImage2D,
  opts: EvaluateOptions = {},
): EvaluationReport {
  const o: ResolvedEvaluateOptions = {
    stitchCropSize: opts.stitchCropSize ?? 20,
    registration: opts.registration ?? true,
    upsampleFactor: opts.upsampleFactor ?? 50,
    registrationEstimator: opts.registrationEstimator ?? 'phase-correlation',
    registrationBorderPx: opts.registrationBorderPx ?? 2,
    evalTrimPx: opts.evalTrimPx ?? 2,
    phaseAlign: opts.phaseAlign ?? 'plane',
    msSsimSigma: opts.msSsimSigma ?? 1.0,
    frcSigma: opts.frcSigma ?? 0,
    pixelSizeM: opts.pixelSizeM ?? null,
    scanCoordsGiven: opts.scanCoordsYX !== undefined,
  };
  if (o.phaseAlign !== 'plane' && o.phaseAlign !== 'mean') {
    throw new Error(`phase alignment must be 'plane' or 'mean', got '${String(o.phaseAlign)}'`);
  }
  if (o.pixelSizeM !== null && !(o.pixelSizeM > 0))
    throw new Error(`pixel size must be > 0 m, got ${o.pixelSizeM}`);

  assertFinite(recon, 'reconstruction');
  assertFinite(groundTruth, 'ground truth');
  const crop = alignForEvaluation(recon, groundTruth, opts.scanCoordsYX, o.stitchCropSize);
  let r = crop.recon;
  let g = crop.groundTruth;
  let registrationShiftPx: ShiftPx | null = null;
  let registrationCrossCheckShiftPx: ShiftPx | null = null;
  const warnings: string[] = [];
  if (o.registration) {
    const ag = amplitudeOf(g);
    const ar = amplitudeOf(r);
    const other: RegistrationEstimator =
      o.registrationEstimator === 'phase-correlation' ? 'windowed-cross-correlation' : 'phase-correlation';
    const shift = estimateShift(ag, ar, o.registrationEstimator, o.upsampleFactor);
    // a single windowed pass suffices for a 0.5 px plausibility check (its bias is a few % of the shift)
    const check = estimateShift(ag, ar, other, o.upsampleFactor, 1);
    registrationShiftPx = shift;
    registrationCrossCheckShiftPx = check;
    if (Math.abs(shift.dy - check.dy) > 0.5 || Math.abs(shift.dx - check.dx) > 0.5) {
      warnings.push(
        `registration estimators disagree: ${o.registrationEstimator} found (dy, dx) = (${shift.dy}, ${shift.dx}) px, ` +
          `${other} found (${check.dy}, ${check.dx}) px; the metrics use the former`,
      );
    }
    r = fourierShiftComplex(r, shift);
    const box = borderBox(r, o.registrationBorderPx);
    r = cropComplex(r, box);
    g = cropComplex(g, box);
  }

  const ampG = trimImage(amplitudeOf(g), o.evalTrimPx);
  const ampRraw = trimImage(amplitudeOf(r), o.evalTrimPx);
  const phiGraw = trimImage(phaseOf(g), o.evalTrimPx);
  const phiRraw = trimImage(phaseOf(r), o.evalTrimPx);

  let phiG: Image2D;
  let phiR: Image2D;
  let phasePlane: EvaluationReport['alignment']['phasePlane'] = null;
  let phaseMean: EvaluationReport['alignment']['phaseMean'] = null;
  if (o.phaseAlign === 'plane') {
    const pg = removePlane(phiGraw);
    const pr = removePlane(phiRraw);
    phiG = pg.image;
    phiR = pr.image;
    phasePlane = { recon: pr.plane, groundTruth: pg.plane };
  } else {
    const mg = subtractMean(phiGraw);
    const mr = subtractMean(phiRraw);
    phiG = mg.image;
    phiR = mr.image;
    phaseMean = { recon: mr.mean, groundTruth: mg.mean };
  }
  const { image: ampR, scale } = matchMean(ampG, ampRraw);

  const amplitude = componentMetrics(ampG, ampR, {
    ssimDataRange: dataRangeOf(ampG),
    msSsimSigma: o.msSsimSigma,
    frcSigma: o.frcSigma,
  });
  const toUnit = (p: Image2D): Image2D => mapImage(p, (v) => (v + Math.PI) / (2 * Math.PI));
  const phase = componentMetrics(phiG, phiR, {
    ssimDataRange: 1,
    ssimMap: toUnit,
    msSsimSigma: 0,
    frcSigma: o.frcSigma,
  });

  return {
    options: o,
    alignment: {
      inputShapes: {
        recon: [recon.height, recon.width],
        groundTruth: [groundTruth.height, groundTruth.width],
      },
      groundTruthScanBox: crop.groundTruthScanBox,
      reconCommonBox: crop.reconCommonBox,
      groundTruthCommonBox: crop.groundTruthCommonBox,
      commonShape: [crop.recon.height, crop.recon.width],
      registrationShiftPx,
      registrationCrossCheckShiftPx,
      evaluatedShape: [ampG.height, ampG.width],
      amplitudeScale: scale,
      phasePlane,
      phaseMean,
    },
    amplitude,
    phase,
    warnings,
    aligned: { groundTruthAmplitude: ampG, reconAmplitude: ampR, groundTruthPhase: phiG, reconPhase: phiR },
  };
}

function assertFinite(z: ComplexImage2D, name: string): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < z.re.length; i++) {
    if (!Number.isFinite(z.re[i]!) || !Number.isFinite(z.im[i]!)) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad > 0) {
    const row = Math.floor(first / z.width);
    throw new Error(
      `${name} (${z.height}×${z.width}) has ${bad} non-finite pixel(s), first at row ${row}, column ${first - row * z.width}`,
    );
  }
}

/** Shared colour limits for a ground-truth-vs-reconstruction figure (same limits for both panels). */
export function comparisonColourLimits(report: EvaluationReport): {
  amplitude: { min: number; max: number };
  phase: { min: number; max: number };
} {
  const lim = (a: Image2D, b: Image2D) => {
    let min = Infinity;
    let max = -Infinity;
    for (const img of [a, b])
      for (const v of img.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    return { min, max };
  };
  const x = report.aligned;
  return {
    amplitude: lim(x.groundTruthAmplitude, x.reconAmplitude),
    phase: lim(x.groundTruthPhase, x.reconPhase),
  };
}

function componentMetrics(
  gt: Image2D,
  rec: Image2D,
  c: { ssimDataRange: number; ssimMap?: (img: Image2D) => Image2D; msSsimSigma: number; frcSigma: number },
): ComponentMetrics {
  const psnrDataRange = dataRangeOf(gt);
  const sg = c.ssimMap ? c.ssimMap(gt) : gt;
  const sr = c.ssimMap ? c.ssimMap(rec) : rec;
  return {
    mae: meanAbsoluteError(gt, rec),
    mse: meanSquaredError(gt, rec),
    psnrDataRange,
    psnrDb: psnrDataRange > 0 ? psnr(gt, rec, psnrDataRange) : NaN,
    psnr255Db: psnrOpenCv(gt, rec, 255),
    ssim: ssim(sg, sr, { ...SSIM_GAUSSIAN, dataRange: c.ssimDataRange }),
    ssimSkimageDefaults: ssim(sg, sr, { ...SSIM_SKIMAGE_DEFAULTS, dataRange: c.ssimDataRange }),
    ssimDataRange: c.ssimDataRange,
    msSsim: msSsim(sg, sr, { presmoothSigma: c.msSsimSigma }),
    frc: fourierRingCorrelation(gt, rec, { sigma: c.frcSigma }),
  };
}

// ---------------------------------------------------------------- JSON & CSV

/** A number with its unit and convention. `value` is null for ±∞/NaN, with the reason in `note`. */
export interface Quantity {
  value: number | null;
  unit: string;
  convention: string;
  note?: string;
}

function q(value: number, unit: string, convention: string): Quantity {
  if (Number.isFinite(value)) return { value, unit, convention };
  const note = Number.isNaN(value)
    ? 'not defined (NaN)'
    : value > 0
      ? '+infinity (identical images)'
      : '-infinity';
  return { value: null, unit, convention, note };
}

function crossingJson(
  cr: FrcCrossing,
  threshold: string,
  pixelSizeM: number | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    threshold,
    reached: cr.ring !== null,
    ring: q(
      cr.ring ?? NaN,
      'ring index (fractional)',
      'first downward crossing, linearly interpolated between rings k−1 and k',
    ),
    frequency_per_px: q(
      cr.frequencyPerPx ?? NaN,
      'cycles/pixel',
      'ring / n, n = side of the square FRC crop',
    ),
    legacy_ring_index: {
      value: cr.legacyRingIndex,
      unit: 'ring index (integer)',
      convention:
        'PtychoPINN R1: first ring with FRC < threshold, curve length (rings up to Nyquist) if never',
    },
  };
  if (pixelSizeM !== null && cr.frequencyPerPx !== null) {
    const perNm = cr.frequencyPerPx / (pixelSizeM * 1e9);
    out.frequency_per_nm = q(perNm, 'cycles/nm', 'frequency_per_px / pixel size in nm');
    out.resolution_nm = q(
      1 / perNm,
      'nm',
      'full period = 1 / frequency (half-period resolution is half of this)',
    );
    out.half_period_resolution_nm = q(
      halfPeriodNm(cr.frequencyPerPx, pixelSizeM) ?? NaN,
      'nm',
      'half period = 1 / (2 · frequency) · pixel size',
    );
  }
  return out;
}

function componentJson(
  m: ComponentMetrics,
  kind: 'amplitude' | 'phase',
  pixelSizeM: number | null,
): Record<string, unknown> {
  const unit = kind === 'amplitude' ? 'amplitude (object units)' : 'rad';
  const unit2 = kind === 'amplitude' ? 'amplitude² (object units)' : 'rad²';
  const pre =
    kind === 'amplitude'
      ? 'reconstruction rescaled by mean(gt)/mean(recon)'
      : 'wrapped phase, plane or mean removed from each image separately';
  const ssimPre =
    kind === 'amplitude'
      ? `data_range = max−min of gt = ${m.ssimDataRange}`
      : 'phase mapped (φ+π)/(2π), data_range = 1';
  return {
    mae: q(m.mae, unit, `mean |gt − recon|; ${pre}`),
    mse: q(m.mse, unit2, `mean (gt − recon)²; ${pre}`),
    psnr_db: q(
      m.psnrDb,
      'dB',
      `10·log10(R²/MSE), data range R = max−min of ground truth = ${m.psnrDataRange}`,
    ),
    psnr_255_db: q(
      m.psnr255Db,
      'dB',
      'PtychoPINN/OpenCV convention: cv2.PSNR, 20·log10(255/(√MSE + DBL_EPSILON)), peak 255 regardless of data range',
    ),
    ssim: q(
      m.ssim,
      'dimensionless',
      `Gaussian window σ=1.5 (11×11), population covariance, K1=0.01, K2=0.03, reflect borders, mean over interior; ${ssimPre}`,
    ),
    ssim_skimage_defaults: q(
      m.ssimSkimageDefaults,
      'dimensionless',
      `PtychoPINN convention: skimage structural_similarity defaults (7×7 uniform window, sample covariance); ${ssimPre}`,
    ),
    ms_ssim: {
      ...q(
        m.msSsim.value,
        'dimensionless',
        `PtychoPINN MS-SSIM: Π SSIM_ℓ^w_ℓ, w = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333], skimage-default SSIM per level, ` +
          `data_range = max(ptp) of the pair = ${m.msSsim.dataRange}, decimation [::2, ::2], stop below 7 px, ` +
          `negative → 1e-4, NaN → 0` +
          (kind === 'amplitude'
            ? '; amplitude pair Gaussian-smoothed first'
            : '; phase mapped (φ+π)/(2π), not smoothed'),
      ),
      level_ssim: m.msSsim.levelSsim.map((v) => (Number.isFinite(v) ? v : null)),
      ...(m.msSsim.note ? { note: m.msSsim.note } : {}),
    },
    frc: {
      square_side_px: m.frc.n,
      rings: m.frc.frc.length,
      frc50: crossingJson(m.frc.frc50, '0.5', pixelSizeM),
      frc_1over7: crossingJson(m.frc.frc1over7, '1/7', pixelSizeM),
      half_bit: crossingJson(m.frc.halfBitCrossing, 'half-bit (van Heel & Schatz 2005)', pixelSizeM),
      curve: 'see frc.csv',
    },
  };
}

/** JSON-safe metrics object (what `metrics.json` should contain). */
export function metricsJson(report: EvaluationReport): Record<string, unknown> {
  const o = report.options;
  const a = report.alignment;
  return {
    schema: 'ptycho-workstation/evaluation-metrics@1',
    conventions: {
      images: 'row-major; shapes are [rows, columns]; x = column, y = row',
      amplitude: '|object|; reconstruction mean-matched to the ground truth',
      phase: `arg(object) in rad, wrapped (no unwrapping), ${o.phaseAlign === 'plane' ? 'least-squares plane a·x+b·y+c removed' : 'mean removed'} from each image separately`,
      frc_rings:
        'ring k = round(distance from the zero frequency of the fftshift-ed spectrum), frequency k/n cycles/pixel on the centre-cropped n×n square, k = 0 … ⌊n/2⌋ (the curve stops at Nyquist, 0.5 cycles/pixel)',
    },
    options: {
      stitch_crop_size_px: o.stitchCropSize,
      scan_area_crop: o.scanCoordsGiven,
      registration: o.registration,
      upsample_factor: o.upsampleFactor,
      registration_estimator: o.registrationEstimator,
      registration_border_crop_px: o.registrationBorderPx,
      eval_trim_px: o.evalTrimPx,
      phase_align: o.phaseAlign,
      ms_ssim_sigma_px: o.msSsimSigma,
      frc_sigma_rings: o.frcSigma,
      pixel_size_m: o.pixelSizeM,
    },
    alignment: {
      input_shape_recon: a.inputShapes.recon,
      input_shape_ground_truth: a.inputShapes.groundTruth,
      ground_truth_scan_box: a.groundTruthScanBox,
      common_shape: a.commonShape,
      registration_shift_px:
        a.registrationShiftPx === null
          ? null
          : {
              dy: a.registrationShiftPx.dy,
              dx: a.registrationShiftPx.dx,
              unit: 'px',
              estimator: o.registrationEstimator,
              convention:
                'applied to the reconstruction (Fourier phase ramp): content moved +dy rows (down), +dx columns (right); estimated on amplitudes',
            },
      registration_cross_check_shift_px:
        a.registrationCrossCheckShiftPx === null
          ? null
          : {
              dy: a.registrationCrossCheckShiftPx.dy,
              dx: a.registrationCrossCheckShiftPx.dx,
              unit: 'px',
              estimator:
                o.registrationEstimator === 'phase-correlation'
                  ? 'windowed-cross-correlation (single pass)'
                  : 'phase-correlation',
              convention: 'not applied; a disagreement > 0.5 px with the applied shift raises a warning',
            },
      evaluated_shape: a.evaluatedShape,
      amplitude_scale: {
        value: a.amplitudeScale,
        unit: 'dimensionless',
        convention: 'mean(gt amplitude)/mean(recon amplitude)',
      },
      phase_plane_rad_per_px: a.phasePlane,
      phase_mean_rad: a.phaseMean,
    },
    warnings: report.warnings,
    amplitude: componentJson(report.amplitude, 'amplitude', o.pixelSizeM),
    phase: componentJson(report.phase, 'phase', o.pixelSizeM),
  };
}

function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/**
 * FRC curves as CSV: one row per ring with ring, frequency (cycles/pixel, and cycles/nm when the
 * pixel size is known), pixels in the ring, FRC of amplitude and phase, half-bit threshold.
 * Undefined values (rings without power) are empty cells.
 */
export function formatFrcCsv(report: EvaluationReport): string {
  const fa = report.amplitude.frc;
  const fp = report.phase.frc;
  const px = report.options.pixelSizeM;
  const head = [
    'ring',
    'frequency_per_px',
    ...(px !== null ? ['frequency_per_nm'] : []),
    'pixels_in_ring',
    'frc_amplitude',
    'frc_phase',
    'half_bit_threshold',
  ];
  const lines = [head.join(',')];
  for (let k = 0; k < fa.frc.length; k++) {
    const f = fa.frequencyPerPx[k]!;
    lines.push(
      [
        String(k),
        csvNumber(f),
        ...(px !== null ? [csvNumber(f / (px * 1e9))] : []),
        String(fa.pixelsPerRing[k]),
        csvNumber(fa.frc[k]!),
        csvNumber(fp.frc[k]!),
        csvNumber(fa.halfBit[k]!),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
