/**
 * Simulated ptychography scans (PtychoPINN §11.1): ground-truth patches cut from an object at
 * the scan positions (bilinear, centred: patch pixel (i, j) = object (y + i − N/2, x + j − N/2)),
 * exit waves ψ = s·O·P with one dataset-wide scale s = sqrt(nphotons / mean Σ|O·P|²),
 * far field A = sqrt(fftshift(|FFT2 ψ|²)/N²), Poisson counts on A², stored as
 * diffraction = sqrt(counts)/s (amplitudes at the object·probe energy scale, with the noise of
 * nphotons counts per pattern). Deterministic for a seed.
 */
import { fft2InPlace } from '../eval/fft2';
import { Rng } from './rng';
import type { ComplexImage } from './dataset';
import type { ProbeField } from './probe';
import { complexFromSplit, f32, f64, type AnyNdArray } from '../../io/ndarray';

export interface ScanOptions {
  N: number;
  /** Number of positions (random scans). */
  nImages?: number;
  /** Raster step in pixels (overrides random positions). */
  gridStep?: number;
  /** Keep positions this far from the object's edges (default N/2 + 1: patches fit inside). */
  buffer?: number;
  seed: number;
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

export function scanPositions(o: ScanOptions & { width: number; height: number }): { x: Float64Array; y: Float64Array } {
  const buffer = Math.min(o.buffer ?? o.N / 2 + 1, Math.min(o.width, o.height) / 2 - 1);
  if (o.gridStep) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let y = buffer; y <= o.height - buffer; y += o.gridStep) for (let x = buffer; x <= o.width - buffer; x += o.gridStep) {
      xs.push(x);
      ys.push(y);
    }
    return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
  }
  const n = o.nImages ?? 500;
  const rng = new Rng(o.seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = buffer + rng.uniform() * (o.width - 2 * buffer);
    y[i] = buffer + rng.uniform() * (o.height - 2 * buffer);
  }
  return { x, y };
}

/** Bilinear patch centred at (x, y), zero outside the object. */
export function extractPatch(obj: ComplexImage, x: number, y: number, N: number, outRe: Float64Array, outIm: Float64Array): void {
  const W = obj.width;
  const H = obj.height;
  for (let i = 0; i < N; i++) {
    const yy = y + i - N / 2;
    const y0 = Math.floor(yy);
    const fy = yy - y0;
    for (let j = 0; j < N; j++) {
      const xx = x + j - N / 2;
      const x0 = Math.floor(xx);
      const fx = xx - x0;
      let r = 0;
      let m = 0;
      const add = (yi: number, xi: number, w: number): void => {
        if (w === 0 || yi < 0 || yi >= H || xi < 0 || xi >= W) return;
        r += w * obj.re[yi * W + xi]!;
        m += w * obj.im[yi * W + xi]!;
      };
      add(y0, x0, (1 - fy) * (1 - fx));
      add(y0, x0 + 1, (1 - fy) * fx);
      add(y0 + 1, x0, fy * (1 - fx));
      add(y0 + 1, x0 + 1, fy * fx);
      outRe[i * N + j] = r;
      outIm[i * N + j] = m;
    }
  }
}

export function simulateScan(o: SimulateOptions): SimulatedScan {
  const { N, object, probe } = o;
  if (probe.re.length !== N * N) throw new Error(`probe must be ${N}×${N}`);
  const pos = scanPositions({ ...o, width: object.width, height: object.height });
  const M = pos.x.length;
  if (M === 0) throw new Error(`no scan positions fit in a ${object.width}×${object.height} object with N = ${N}`);
  const NN = N * N;
  const gtRe = new Float32Array(M * NN);
  const gtIm = new Float32Array(M * NN);
  const pr = new Float64Array(NN);
  const pi = new Float64Array(NN);
  // Exit waves ψ = O·P (unscaled), kept to find the dataset-wide scale first.
  const psiRe = new Float32Array(M * NN);
  const psiIm = new Float32Array(M * NN);
  let energy = 0;
  for (let m = 0; m < M; m++) {
    extractPatch(object, pos.x[m]!, pos.y[m]!, N, pr, pi);
    for (let k = 0; k < NN; k++) {
      gtRe[m * NN + k] = pr[k]!;
      gtIm[m * NN + k] = pi[k]!;
      const a = pr[k]! * probe.re[k]! - pi[k]! * probe.im[k]!;
      const b = pr[k]! * probe.im[k]! + pi[k]! * probe.re[k]!;
      psiRe[m * NN + k] = a;
      psiIm[m * NN + k] = b;
      energy += a * a + b * b;
    }
  }
  const s = Math.sqrt(o.nphotons / (energy / M));
  const rng = new Rng((o.seed ^ 0x9e3779b9) >>> 0);
  const diffraction = new Float32Array(M * NN);
  const fr = new Float64Array(NN);
  const fi = new Float64Array(NN);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < NN; k++) {
      fr[k] = psiRe[m * NN + k]! * s;
      fi[k] = psiIm[m * NN + k]! * s;
    }
    fft2InPlace(fr, fi, N, N);
    for (let r = 0; r < N; r++) {
      const rs = (r + N / 2) % N;
      for (let c = 0; c < N; c++) {
        const cs = (c + N / 2) % N;
        const k = r * N + c;
        const intensity = (fr[k]! * fr[k]! + fi[k]! * fi[k]!) / NN;
        diffraction[m * NN + rs * N + cs] = Math.sqrt(rng.poisson(intensity)) / s;
      }
    }
    if (o.onProgress && (m % 256 === 255 || m === M - 1)) o.onProgress(m + 1, M);
  }
  return { N, M, diffraction, xcoords: pos.x, ycoords: pos.y, groundTruthPatches: { re: gtRe, im: gtIm }, scale: s };
}

/** The arrays of a PtychoPINN NPZ for a (subset of a) simulated scan. */
export function scanArrays(sim: SimulatedScan, object: ComplexImage, probe: ProbeField, idx?: ArrayLike<number>): Record<string, AnyNdArray> {
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

/** PtychoPINN's split tool: spatially along y (or x) at min + frac·range. */
export function spatialSplit(coord: Float64Array, frac: number): { train: Uint32Array; test: Uint32Array } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of coord) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const cut = min + frac * (max - min);
  const train: number[] = [];
  const test: number[] = [];
  coord.forEach((v, i) => (v < cut ? train : test).push(i));
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}
