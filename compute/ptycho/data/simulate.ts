/**
 * Simulated ptychography scans (PtychoPINN §11.1): ground-truth patches cut from an object at
 * the scan positions (bilinear, centred: patch pixel (i, j) = object (y + i − N/2, x + j − N/2)),
 * exit waves ψ = s·O·P with one dataset-wide scale s = sqrt(nphotons / mean Σ|O·P|²),
 * far field A = sqrt(fftshift(|FFT2 ψ|²)/N²), Poisson counts on A², stored as
 * diffraction = sqrt(counts)/s (amplitudes at the object·probe energy scale, with the noise of
 * nphotons counts per pattern). Deterministic for a seed.
 */
import { fft2InPlace, fftshiftIndex } from '../../numerics/fft2';
import { Rng } from '../../numerics/rng';
import type { ComplexImage } from './dataset';
import { aberratedProbe, defaultProbe, type ProbeField } from './probe';
import { makeObject, type ObjectKind } from './objects';
import { naturalObject, spiralObjectSize, spiralPositions, zonePlateProbe } from './testbed';
import { complexFromSplit, f32, f64, type AnyNdArray } from '../../io/ndarray';
import { DEFAULT_SIMULATION_CONFIG } from '../config/config';

export interface ScanOptions {
  N: number;
  /** Number of positions (random scans). */
  nImages?: number;
  /** Raster step in pixels (overrides random positions). */
  gridStep?: number;
  /** Keep positions this far from the object's edges (default N/2 + 1: patches fit inside). */
  buffer?: number;
  seed: number;
  /** Given positions (x = column, y = row, object pixels), instead of random or raster ones. */
  positions?: { x: Float64Array; y: Float64Array };
}

export interface SimulateOptions extends ScanOptions {
  object: ComplexImage;
  probe: ProbeField;
  nphotons: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SimulatedScan {
  N: number;
  M: number;
  diffraction: Float32Array;
  xcoords: Float64Array;
  ycoords: Float64Array;
  groundTruthPatches: { re: Float32Array; im: Float32Array };
  /** The dataset-wide scale s (for reference). */
  scale: number;
}

export function scanPositions(o: ScanOptions & { width: number; height: number }): {
  x: Float64Array;
  y: Float64Array;
} {
  if (o.gridStep !== undefined && !(o.gridStep > 0))
    throw new Error(`grid step must be > 0 pixels, got ${o.gridStep}`);
  if (o.nImages !== undefined && !(Number.isInteger(o.nImages) && o.nImages >= 1))
    throw new Error(`number of images must be a positive integer, got ${o.nImages}`);
  if (o.buffer !== undefined && !(o.buffer >= 0))
    throw new Error(`buffer must be ≥ 0 pixels, got ${o.buffer}`);
  if (o.positions) return o.positions;
  const buffer = Math.min(o.buffer ?? o.N / 2 + 1, Math.min(o.width, o.height) / 2 - 1);
  if (o.gridStep !== undefined) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let y = buffer; y <= o.height - buffer; y += o.gridStep)
      for (let x = buffer; x <= o.width - buffer; x += o.gridStep) {
        xs.push(x);
        ys.push(y);
      }
    return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
  }
  const n = o.nImages ?? DEFAULT_SIMULATION_CONFIG.n_images;
  const rng = new Rng(o.seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = buffer + rng.uniform() * (o.width - 2 * buffer);
    y[i] = buffer + rng.uniform() * (o.height - 2 * buffer);
  }
  return { x, y };
}

/**
 * The true object patches at many positions (e.g. a grouping's centroids), for scoring a
 * reconstruction patch by patch: `(count, N, N)` split complex, count = positions.length / 2.
 * @param positions interleaved (x, y) in object pixels
 */
export function extractPatchesAt(
  obj: ComplexImage,
  positions: ArrayLike<number>,
  N: number,
): { re: Float64Array; im: Float64Array } {
  const count = positions.length / 2;
  const NN = N * N;
  const re = new Float64Array(count * NN);
  const im = new Float64Array(count * NN);
  for (let b = 0; b < count; b++)
    extractPatch(
      obj,
      positions[2 * b]!,
      positions[2 * b + 1]!,
      N,
      re.subarray(b * NN, (b + 1) * NN),
      im.subarray(b * NN, (b + 1) * NN),
    );
  return { re, im };
}

/**
 * Bilinear patch centred at (x, y), zero outside the object: out(i, j) = object(y + i − N/2,
 * x + j − N/2) interpolated from its four neighbours; out-of-object neighbours contribute nothing.
 */
export function extractPatch(
  obj: ComplexImage,
  x: number,
  y: number,
  N: number,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const W = obj.width;
  const H = obj.height;
  const ore = obj.re;
  const oim = obj.im;
  const xx0 = x - N / 2;
  const x0Base = Math.floor(xx0);
  const fx = xx0 - x0Base;
  for (let i = 0; i < N; i++) {
    const yy = y + i - N / 2;
    const y0 = Math.floor(yy);
    const fy = yy - y0;
    const in0 = y0 >= 0 && y0 < H;
    const in1 = y0 + 1 >= 0 && y0 + 1 < H;
    for (let j = 0; j < N; j++) {
      const x0 = x0Base + j;
      let r = 0;
      let m = 0;
      // Same four terms in the same order as the textbook formula; zero weights are skipped.
      let w = (1 - fy) * (1 - fx);
      if (w !== 0 && in0 && x0 >= 0 && x0 < W) {
        r += w * ore[y0 * W + x0]!;
        m += w * oim[y0 * W + x0]!;
      }
      w = (1 - fy) * fx;
      if (w !== 0 && in0 && x0 + 1 >= 0 && x0 + 1 < W) {
        r += w * ore[y0 * W + x0 + 1]!;
        m += w * oim[y0 * W + x0 + 1]!;
      }
      w = fy * (1 - fx);
      if (w !== 0 && in1 && x0 >= 0 && x0 < W) {
        r += w * ore[(y0 + 1) * W + x0]!;
        m += w * oim[(y0 + 1) * W + x0]!;
      }
      w = fy * fx;
      if (w !== 0 && in1 && x0 + 1 >= 0 && x0 + 1 < W) {
        r += w * ore[(y0 + 1) * W + x0 + 1]!;
        m += w * oim[(y0 + 1) * W + x0 + 1]!;
      }
      outRe[i * N + j] = r;
      outIm[i * N + j] = m;
    }
  }
}

/** Exit wave ψ = O_patch · P (complex product), rounded to float32 like every stored array; returns Σ|ψ|². */
function exitWave(
  pr: Float64Array,
  pi: Float64Array,
  probe: ProbeField,
  outRe: Float64Array,
  outIm: Float64Array,
): number {
  let energy = 0;
  const qr = probe.re;
  const qi = probe.im;
  for (let k = 0; k < pr.length; k++) {
    const a = pr[k]! * qr[k]! - pi[k]! * qi[k]!;
    const b = pr[k]! * qi[k]! + pi[k]! * qr[k]!;
    energy += a * a + b * b;
    outRe[k] = Math.fround(a);
    outIm[k] = Math.fround(b);
  }
  return energy;
}

/**
 * Simulate a scan. Two passes over the positions, so that memory stays at the stored arrays
 * (ground-truth patches and diffraction): the first cuts the patches and sums Σ|O·P|² for the
 * dataset-wide scale s, the second recomputes each exit wave, propagates it (radix-2 FFT) and
 * draws the Poisson counts.
 */
export function simulateScan(o: SimulateOptions): SimulatedScan {
  const { N, object, probe } = o;
  if (probe.re.length !== N * N) throw new Error(`probe must be ${N}×${N}`);
  if (!(o.nphotons > 0)) throw new Error(`nphotons must be > 0, got ${o.nphotons}`);
  const pos = scanPositions({ ...o, width: object.width, height: object.height });
  const M = pos.x.length;
  if (M === 0)
    throw new Error(`no scan positions fit in a ${object.width}×${object.height} object with N = ${N}`);
  const NN = N * N;
  const gtRe = new Float32Array(M * NN);
  const gtIm = new Float32Array(M * NN);
  const pr = new Float64Array(NN);
  const pi = new Float64Array(NN);
  const fr = new Float64Array(NN);
  const fi = new Float64Array(NN);
  let energy = 0;
  for (let m = 0; m < M; m++) {
    extractPatch(object, pos.x[m]!, pos.y[m]!, N, pr, pi);
    gtRe.set(pr, m * NN);
    gtIm.set(pi, m * NN);
    energy += exitWave(pr, pi, probe, fr, fi);
  }
  if (!(energy > 0))
    throw new Error('the object is zero wherever the probe illuminates it; nothing to diffract');
  const s = Math.sqrt(o.nphotons / (energy / M));
  const rng = new Rng((o.seed ^ 0x9e3779b9) >>> 0);
  const diffraction = new Float32Array(M * NN);
  const shift = fftshiftIndex(N);
  for (let m = 0; m < M; m++) {
    extractPatch(object, pos.x[m]!, pos.y[m]!, N, pr, pi);
    exitWave(pr, pi, probe, fr, fi);
    for (let k = 0; k < NN; k++) {
      fr[k]! *= s;
      fi[k]! *= s;
    }
    fft2InPlace(fr, fi, N, N);
    const base = m * NN;
    for (let k = 0; k < NN; k++) {
      const intensity = (fr[k]! * fr[k]! + fi[k]! * fi[k]!) / NN;
      diffraction[base + shift[k]!] = Math.sqrt(rng.poisson(intensity)) / s;
    }
    if (o.onProgress && (m % 256 === 255 || m === M - 1)) o.onProgress(m + 1, M);
  }
  return {
    N,
    M,
    diffraction,
    xcoords: pos.x,
    ycoords: pos.y,
    groundTruthPatches: { re: gtRe, im: gtIm },
    scale: s,
  };
}

/** The arrays of a PtychoPINN NPZ for a (subset of a) simulated scan. */
export function scanArrays(
  sim: SimulatedScan,
  object: ComplexImage,
  probe: ProbeField,
  idx?: ArrayLike<number>,
): Record<string, AnyNdArray> {
  const N = sim.N;
  const NN = N * N;
  const sel = idx ?? Uint32Array.from({ length: sim.M }, (_, i) => i);
  const n = sel.length;
  const d = new Float32Array(n * NN);
  const gr = new Float32Array(n * NN);
  const gi = new Float32Array(n * NN);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = sel[i]!;
    d.set(sim.diffraction.subarray(m * NN, (m + 1) * NN), i * NN);
    gr.set(sim.groundTruthPatches.re.subarray(m * NN, (m + 1) * NN), i * NN);
    gi.set(sim.groundTruthPatches.im.subarray(m * NN, (m + 1) * NN), i * NN);
    x[i] = sim.xcoords[m]!;
    y[i] = sim.ycoords[m]!;
  }
  return {
    diffraction: f32(d, [n, N, N]),
    xcoords: f64(x, [n]),
    ycoords: f64(y, [n]),
    xcoords_start: f64(x.slice(), [n]),
    ycoords_start: f64(y.slice(), [n]),
    scan_index: { dtype: 'int64', shape: [n], data: new BigInt64Array(n) },
    probeGuess: complexFromSplit(probe.re, probe.im, [N, N]),
    objectGuess: complexFromSplit(object.re, object.im, [object.height, object.width]),
    ground_truth_patches: complexFromSplit(gr, gi, [n, N, N]),
  };
}

/**
 * Spatial train/test split along y (or x): the round(frac·M) patterns with the smallest
 * coordinate are the train part, the rest the test part (indices in scan order). PtychoPINN's
 * split tool cuts at min + frac·range instead, which on random positions gives a different share
 * of the patterns than asked (0.67 gave 70 %); here `--split 0.67` means 67 % of the patterns.
 */
export function spatialSplit(coord: Float64Array, frac: number): { train: Uint32Array; test: Uint32Array } {
  const m = coord.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => coord[a]! - coord[b]! || a - b);
  const nTrain = Math.round(frac * m);
  const isTrain = new Uint8Array(m);
  for (let k = 0; k < nTrain; k++) isTrain[order[k]!] = 1;
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < m; i++) (isTrain[i] ? train : test).push(i);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

export interface SimulationRequest {
  /** Patch size N (64, 128 or 256). */
  N: number;
  /** A synthetic object family (`natural`: the specimen-like test-bed object), or a given object (e.g. an NPZ's objectGuess). */
  object: ObjectKind | 'natural' | ComplexImage;
  /** Side of a synthetic object in pixels (default round(3.5·N), PtychoPINN's lines size). */
  objectSize?: number;
  /** Give a synthetic object PtychoPINN's phase φ = π·tanh((A − max/2)/(3·mean)). */
  setPhi?: boolean;
  /** The probe: given, PtychoPINN's real default probe, that probe with aberrations, or a defocused zone-plate probe (default 'default'). */
  probe?: ProbeField | 'default' | 'aberrated' | 'zoneplate';
  /** A jittered Fermat spiral (step ≈ nearest-neighbour distance) instead of random or raster positions; nImages positions. */
  spiral?: { stepPx: number; jitterPx: number };
  /** Photons per pattern (mean over the scan). */
  nphotons: number;
  /** Random positions (default 500) unless `gridStep` asks for a raster. */
  nImages?: number;
  gridStep?: number;
  buffer?: number;
  /** Seeds the object, the positions and the noise. */
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Simulation {
  scan: SimulatedScan;
  object: ComplexImage;
  probe: ProbeField;
  /** PtychoPINN NPZ arrays for all patterns, or for the rows `idx` (e.g. one side of `spatialSplit`). */
  arrays(idx?: ArrayLike<number>): Record<string, AnyNdArray>;
}

/**
 * Simulate a scan from a request (what `ptycho simulate` does): build or take the object and
 * probe, place the positions, illuminate, diffract and draw the Poisson counts.
 */
export function simulate(req: SimulationRequest): Simulation {
  const N = req.N;
  if (![64, 128, 256].includes(N)) throw new Error(`N must be 64, 128 or 256, got ${N}`);
  let object: ComplexImage;
  const nSpiral = req.nImages ?? DEFAULT_SIMULATION_CONFIG.n_images;
  if (typeof req.object === 'string') {
    const fallback = req.spiral
      ? spiralObjectSize(nSpiral, req.spiral.stepPx, N, req.spiral.jitterPx)
      : Math.round(3.5 * N);
    const size = req.objectSize ?? fallback;
    if (size < N + 4) throw new Error(`object size must be at least N + 4 = ${N + 4}, got ${size}`);
    object =
      req.object === 'natural'
        ? naturalObject(size, req.seed)
        : makeObject(req.object, size, req.seed, Boolean(req.setPhi));
  } else object = req.object;
  const probe =
    req.probe === undefined || req.probe === 'default'
      ? defaultProbe(N)
      : req.probe === 'aberrated'
        ? aberratedProbe(N)
        : req.probe === 'zoneplate'
          ? zonePlateProbe(N)
          : req.probe;
  const positions = req.spiral
    ? spiralPositions(
        nSpiral,
        req.spiral.stepPx,
        req.spiral.jitterPx,
        req.seed,
        object.width / 2,
        object.height / 2,
      )
    : undefined;
  if (positions) {
    for (let i = 0; i < positions.x.length; i++) {
      const x = positions.x[i]!;
      const y = positions.y[i]!;
      if (x < N / 2 || y < N / 2 || x > object.width - N / 2 || y > object.height - N / 2) {
        throw new Error(
          `spiral position ${i} (${x.toFixed(1)}, ${y.toFixed(1)}) puts its patch outside the ${object.width}×${object.height} object; use a larger object or fewer positions`,
        );
      }
    }
  }
  const scan = simulateScan({
    N,
    object,
    probe,
    nphotons: req.nphotons,
    seed: req.seed,
    ...(req.nImages !== undefined ? { nImages: req.nImages } : {}),
    ...(req.gridStep !== undefined ? { gridStep: req.gridStep } : {}),
    ...(req.buffer !== undefined ? { buffer: req.buffer } : {}),
    ...(positions ? { positions } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  });
  return { scan, object, probe, arrays: (idx) => scanArrays(scan, object, probe, idx) };
}
