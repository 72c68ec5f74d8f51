/**
 * Iterative reconstruction of a scan (ePIE / rPIE) with the known probe, optionally refined:
 * the reference a scientist puts next to a PINN reconstruction, and the PINN's refinement
 * (start from its stitched object instead of a flat one). Output is a `Stitched` canvas in the
 * same origin convention as `ptycho infer`, so every downstream tool takes both.
 *
 * The unknown global intensity scale is fitted, not assumed: for a flat start the probe is
 * scaled so that a unit-modulus object explains the measured energy (Parseval:
 * mean_m ΣA_m² = c²·Σ|P|²); an initial object is instead scaled by the least-squares factor
 * k = ΣA·|F(P·o)|/N / Σ(|F(P·o)|/N)². The object's absolute modulus is therefore relative to
 * that choice (reported as `probeScale`), as in any ptychographic solver without a flat field.
 */
import type { ComplexImage, RawDataset } from '../data/dataset';
import { fftshiftIndex, squareFft2 } from '../../numerics/fft2';
import type { Stitched } from '../stitch/reassemble';
import { extractPatchInto, illumination, IterativeError, layoutCanvas, type Canvas } from './geometry';
import { PieSweeper, type PieAlgorithm, type PieSettings, type PieState } from './pie';
import { makeIterativeConfig, PIE_ALPHA } from '../config/iterative';
import { ConfigError } from '../config/schema';

export { IterativeError } from './geometry';

export interface IterativeOptions {
  algorithm?: PieAlgorithm;
  /** Sweeps over all patterns. Defaults and ranges of these options: compute/ptycho/config/iterative.ts. */
  iterations?: number;
  /** rPIE α / ePIE step (default by engine: PIE_ALPHA). */
  alpha?: number;
  probeRefine?: boolean;
  /** First iteration that updates the probe. */
  probeStart?: number;
  /** Probe step β. */
  beta?: number;
  seed?: number;
  /** Start from this object (e.g. the PINN's stitched reconstruction) instead of a flat one. */
  initialObject?: Stitched;
  signal?: AbortSignal;
  /** Called after each iteration with its data error and a view of the current object. */
  onIteration?: (report: IterationReport, current: () => Stitched) => void;
}

export interface IterationReport {
  iteration: number;
  /** Normalised amplitude misfit Σ(|Ψ|/N − A)² / ΣA² of this sweep. */
  error: number;
  seconds: number;
}

export type StopReason = 'completed' | 'cancelled' | 'diverged';

export interface IterativeResult {
  stitched: Stitched;
  probe: ComplexImage;
  history: IterationReport[];
  stopReason: StopReason;
  /** A sentence for the user when the run did not complete. */
  message: string | null;
  /** Factor applied to the given probe (flat start) or to the initial object (k). */
  probeScale: number;
  objectScale: number;
  settings: PieSettings;
  seconds: number;
  patternIterationsPerSecond: number;
}

/**
 * An error that has grown this much over the best so far means the iterate is diverging; so
 * does one above MAX_ERROR (the normalised misfit of a zero object is exactly 1).
 */
const DIVERGENCE_FACTOR = 10;
const MAX_ERROR = 10;

/** The options as the engine runs them: defaults, ranges and messages from the iterative config schema. */
function settingsFrom(o: IterativeOptions): PieSettings {
  let c;
  try {
    c = makeIterativeConfig({
      algorithm: o.algorithm,
      iterations: o.iterations,
      alpha: o.alpha,
      probe_refine: o.probeRefine,
      probe_start: o.probeStart,
      beta: o.beta,
      seed: o.seed,
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new IterativeError(e.message);
    throw e;
  }
  return {
    algorithm: c.algorithm,
    iterations: c.iterations,
    alpha: c.alpha ?? PIE_ALPHA[c.algorithm].default,
    probeRefine: c.probe_refine,
    probeStart: c.probe_start,
    beta: c.beta,
    seed: c.seed,
  };
}

/** Measured amplitudes in FFT order, as float64, with their total energy. */
function unshiftedAmplitudes(raw: RawDataset): { amplitudes: Float64Array; energy: number } {
  const { M, N } = raw;
  const NN = N * N;
  const map = fftshiftIndex(N); // shifted[map[k]] = unshifted[k]
  const out = new Float64Array(M * NN);
  let energy = 0;
  for (let m = 0; m < M; m++) {
    const base = m * NN;
    for (let k = 0; k < NN; k++) {
      const v = raw.diffraction[base + map[k]!]!;
      if (!(v >= 0) || !Number.isFinite(v))
        throw new IterativeError(
          `${raw.file}: key 'diffraction': expected finite amplitudes ≥ 0, found ${v} in pattern ${m}`,
        );
      out[base + k] = v;
      energy += v * v;
    }
  }
  return { amplitudes: out, energy };
}

/** Bilinear resampling of a stitched canvas onto the solver's canvas; uncovered pixels get the covered mean. */
function resampleInitial(init: Stitched, canvas: Canvas): { re: Float64Array; im: Float64Array } {
  const { width: W, height: H } = canvas;
  let sr = 0;
  let si = 0;
  let n = 0;
  for (let k = 0; k < init.re.length; k++)
    if (init.weights[k]! >= 0.5) {
      sr += init.re[k]!;
      si += init.im[k]!;
      n++;
    }
  if (n === 0) throw new IterativeError('the initial object has no covered pixels');
  const fillRe = sr / n;
  const fillIm = si / n;
  const re = new Float64Array(W * H).fill(fillRe);
  const im = new Float64Array(W * H).fill(fillIm);
  const covered = (r: number, c: number): boolean =>
    r >= 0 && c >= 0 && r < init.height && c < init.width && init.weights[r * init.width + c]! >= 0.5;
  for (let r = 0; r < H; r++) {
    const y = canvas.y0 + r - init.y0;
    const r0 = Math.floor(y);
    const fy = y - r0;
    for (let c = 0; c < W; c++) {
      const x = canvas.x0 + c - init.x0;
      const c0 = Math.floor(x);
      const fx = x - c0;
      if (!(covered(r0, c0) && covered(r0, c0 + 1) && covered(r0 + 1, c0) && covered(r0 + 1, c0 + 1)))
        continue;
      const k = r0 * init.width + c0;
      const w = init.width;
      re[r * W + c] =
        (1 - fy) * ((1 - fx) * init.re[k]! + fx * init.re[k + 1]!) +
        fy * ((1 - fx) * init.re[k + w]! + fx * init.re[k + w + 1]!);
      im[r * W + c] =
        (1 - fy) * ((1 - fx) * init.im[k]! + fx * init.im[k + 1]!) +
        fy * ((1 - fx) * init.im[k + w]! + fx * init.im[k + w + 1]!);
    }
  }
  return { re, im };
}

/** Least-squares k with A ≈ k·|FFT(P·o)|/N over all patterns. */
function fitObjectScale(
  state: PieState,
  amplitudes: Float64Array,
  M: number,
  placement: ReturnType<typeof layoutCanvas>['placement'],
): number {
  const { N, W, oRe, oIm, pRe, pIm } = state;
  const NN = N * N;
  const fft = squareFft2(N);
  const a = new Float64Array(NN);
  const b = new Float64Array(NN);
  let num = 0;
  let den = 0;
  for (let m = 0; m < M; m++) {
    extractPatchInto(oRe, oIm, W, placement, m, N, a, b);
    for (let k = 0; k < NN; k++) {
      const r = a[k]! * pRe[k]! - b[k]! * pIm[k]!;
      const i = a[k]! * pIm[k]! + b[k]! * pRe[k]!;
      a[k] = r;
      b[k] = i;
    }
    fft.run(a, b, false);
    for (let k = 0; k < NN; k++) {
      const f = Math.hypot(a[k]!, b[k]!) / N;
      num += f * amplitudes[m * NN + k]!;
      den += f * f;
    }
  }
  if (!(den > 0)) throw new IterativeError('the initial object is zero wherever the probe illuminates it');
  return num / den;
}

function toStitched(state: PieState, canvas: Canvas, weights: Float32Array): Stitched {
  return {
    width: canvas.width,
    height: canvas.height,
    re: Float32Array.from(state.oRe),
    im: Float32Array.from(state.oIm),
    weights,
    x0: canvas.x0,
    y0: canvas.y0,
  };
}

/**
 * Reconstruct `raw` iteratively. Cancelling (signal) or a diverging update stops after the
 * current iteration and returns the last good iterate with `stopReason` and a message.
 */
export async function reconstructIterative(
  raw: RawDataset,
  o: IterativeOptions = {},
): Promise<IterativeResult> {
  const settings = settingsFrom(o);
  if (!raw.probe)
    throw new IterativeError(
      `${raw.file}: missing key 'probeGuess': iterative reconstruction needs the probe (a complex N×N array)`,
    );
  const { N, M } = raw;
  if (raw.probe.width !== N || raw.probe.height !== N)
    throw new IterativeError(
      `${raw.file}: key 'probeGuess': expected shape (${N}, ${N}) to match the diffraction patterns, found (${raw.probe.height}, ${raw.probe.width})`,
    );
  const t0 = performance.now();
  const { canvas, placement } = layoutCanvas(raw.xcoords, raw.ycoords, N, raw.file);
  const { amplitudes, energy } = unshiftedAmplitudes(raw);
  if (!(energy > 0)) throw new IterativeError(`${raw.file}: key 'diffraction': every pattern is zero`);
  const pRe = Float64Array.from(raw.probe.re);
  const pIm = Float64Array.from(raw.probe.im);
  let probeEnergy = 0;
  for (let k = 0; k < N * N; k++) probeEnergy += pRe[k]! * pRe[k]! + pIm[k]! * pIm[k]!;
  if (!(probeEnergy > 0)) throw new IterativeError(`${raw.file}: key 'probeGuess': the probe is zero`);
  const W = canvas.width;
  const H = canvas.height;
  let probeScale = 1;
  let objectScale = 1;
  let oRe: Float64Array;
  let oIm: Float64Array;
  if (o.initialObject) {
    ({ re: oRe, im: oIm } = resampleInitial(o.initialObject, canvas));
  } else {
    oRe = new Float64Array(W * H).fill(1);
    oIm = new Float64Array(W * H);
    probeScale = Math.sqrt(energy / M / probeEnergy);
    for (let k = 0; k < N * N; k++) {
      pRe[k] = pRe[k]! * probeScale;
      pIm[k] = pIm[k]! * probeScale;
    }
  }
  const state: PieState = { N, W, oRe, oIm, pRe, pIm };
  if (o.initialObject) {
    objectScale = fitObjectScale(state, amplitudes, M, placement);
    for (let k = 0; k < oRe.length; k++) {
      oRe[k] = oRe[k]! * objectScale;
      oIm[k] = oIm[k]! * objectScale;
    }
  }
  const intensity = new Float64Array(N * N);
  for (let k = 0; k < N * N; k++) intensity[k] = pRe[k]! * pRe[k]! + pIm[k]! * pIm[k]!;
  const weights = illumination(canvas, placement, N, intensity);
  const sweeper = new PieSweeper(state, { M, amplitudes, placement, energy }, settings);
  const history: IterationReport[] = [];
  let stopReason: StopReason = 'completed';
  let message: string | null = null;
  let best = Infinity;
  const good = { oRe: oRe.slice(), oIm: oIm.slice(), pRe: pRe.slice(), pIm: pIm.slice() };
  for (let it = 0; it < settings.iterations; it++) {
    // Let signals (Ctrl+C), progress writes and core messages through between sweeps.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (o.signal?.aborted) {
      stopReason = 'cancelled';
      message = `cancelled after ${it} of ${settings.iterations} iterations; the last iterate is kept`;
      break;
    }
    const error = sweeper.sweep(it) / energy;
    if (!Number.isFinite(error) || error > MAX_ERROR || error > DIVERGENCE_FACTOR * best) {
      oRe.set(good.oRe);
      oIm.set(good.oIm);
      pRe.set(good.pRe);
      pIm.set(good.pIm);
      stopReason = 'diverged';
      message = `iteration ${it + 1} diverged (data error ${Number.isFinite(error) ? error.toExponential(2) : String(error)}${Number.isFinite(best) ? ` against a best of ${best.toExponential(2)}` : ''}); stopped and kept iteration ${it}${settings.probeRefine ? '; try a smaller --beta or a later probe start' : '; try a smaller --alpha'}`;
      break;
    }
    best = Math.min(best, error);
    good.oRe.set(oRe);
    good.oIm.set(oIm);
    good.pRe.set(pRe);
    good.pIm.set(pIm);
    const report = { iteration: it + 1, error, seconds: (performance.now() - t0) / 1000 };
    history.push(report);
    o.onIteration?.(report, () => toStitched(state, canvas, weights));
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    stitched: toStitched(state, canvas, weights),
    probe: { re: Float32Array.from(pRe), im: Float32Array.from(pIm), width: N, height: N },
    history,
    stopReason,
    message,
    probeScale,
    objectScale,
    settings,
    seconds,
    patternIterationsPerSecond: (history.length * M) / seconds,
  };
}
