/**
 * Probe preparation (PtychoPINN §2.7).
 * - `prepareProbe`: p / (probe_scale · mean over all N×N pixels of |mask · p|), mask = disk of
 *   radius N/4 with pixel centres at i − N/2 + 0.5; the model then sees a probe whose masked
 *   mean modulus is 1/probe_scale.
 * - `defaultProbe(N)`: PtychoPINN's simulation probe: a Gaussian window (std N/(0.7·π²))
 *   outer product, thresholded at 0.5 of its max (a disk), blurred with σ = 1, plus 1e-9; real.
 */
import type { ComplexImage } from './dataset';

export interface ProbeField {
  re: Float32Array;
  im: Float32Array;
}

export function probeMask(N: number): Float32Array {
  const m = new Float32Array(N * N);
  const r = N / 4;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const y = i - N / 2 + 0.5;
      const x = j - N / 2 + 0.5;
      m[i * N + j] = x * x + y * y < r * r ? 1 : 0;
    }
  return m;
}

/**
 * Normalise a probe for the model (§2.7): p / (probe_scale · mean over all N×N pixels of
 * |mask·p|). `prepareProbe(probe, probeScale)` takes N from the probe (N² pixels);
 * `prepareProbe(probe, N, probeScale)` also checks it. Returns new real/imag Float32Arrays.
 */
export function prepareProbe(probe: ProbeField | ComplexImage, probeScale: number): ProbeField;
export function prepareProbe(probe: ProbeField | ComplexImage, N: number, probeScale: number): ProbeField;
export function prepareProbe(probe: ProbeField | ComplexImage, a: number, b?: number): ProbeField {
  const N = b === undefined ? Math.round(Math.sqrt(probe.re.length)) : a;
  const probeScale = b === undefined ? a : b;
  if (!(probeScale > 0)) throw new Error(`probe_scale must be > 0, got ${probeScale}`);
  if (probe.re.length !== N * N || probe.im.length !== N * N)
    throw new Error(
      `probe has ${probe.re.length} real and ${probe.im.length} imaginary values, expected ${N}×${N}`,
    );
  const mask = probeMask(N);
  let s = 0;
  for (let i = 0; i < N * N; i++) if (mask[i]) s += Math.hypot(probe.re[i]!, probe.im[i]!);
  const mean = s / (N * N);
  if (!(mean > 0))
    throw new Error('probe is zero inside the central disk of radius N/4; cannot normalise it');
  const k = 1 / (probeScale * mean);
  return { re: probe.re.map((v) => v * k), im: probe.im.map((v) => v * k) };
}

function gaussianBlur2d(img: Float64Array, N: number, sigma: number): Float64Array {
  const rad = Math.ceil(4 * sigma);
  const k: number[] = [];
  let ks = 0;
  for (let i = -rad; i <= rad; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k.push(v);
    ks += v;
  }
  const kn = k.map((v) => v / ks);
  // scipy.ndimage 'reflect' boundary (d c b a | a b c d | d c b a)
  const refl = (i: number): number => {
    let j = i;
    while (j < 0 || j >= N) j = j < 0 ? -j - 1 : 2 * N - j - 1;
    return j;
  };
  const tmp = new Float64Array(N * N);
  const out = new Float64Array(N * N);
  for (let r = 0; r < N; r++)
    for (let c = 0; c < N; c++) {
      let s = 0;
      for (let t = -rad; t <= rad; t++) s += kn[t + rad]! * img[r * N + refl(c + t)]!;
      tmp[r * N + c] = s;
    }
  for (let r = 0; r < N; r++)
    for (let c = 0; c < N; c++) {
      let s = 0;
      for (let t = -rad; t <= rad; t++) s += kn[t + rad]! * tmp[refl(r + t) * N + c]!;
      out[r * N + c] = s;
    }
  return out;
}

export function defaultProbe(N: number): ProbeField {
  const std = N / (0.7 * Math.PI * Math.PI);
  const w = Float64Array.from({ length: N }, (_, n) => Math.exp(-0.5 * ((n - (N - 1) / 2) / std) ** 2));
  const disk = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) disk[i * N + j] = w[i]! * w[j]! > 0.5 ? 1 : 0;
  const blurred = gaussianBlur2d(disk, N, 1);
  return { re: Float32Array.from(blurred, (v) => v + 1e-9), im: new Float32Array(N * N) };
}

/**
 * A realistic, non-centrosymmetric probe for simulations: PtychoPINN's default probe
 * amplitude with an aberration phase (defocus, astigmatism and coma, in radians at the disk
 * edge). A real, centrosymmetric probe leaves the twin image O*(−r) exactly as consistent with
 * the data as O(r) for single patterns; measured probes are never that symmetric.
 */
export function aberratedProbe(
  N: number,
  a: { defocus?: number; astigmatism?: number; coma?: number } = {},
): ProbeField {
  const base = defaultProbe(N);
  const R = N / 4;
  const re = new Float32Array(N * N);
  const im = new Float32Array(N * N);
  const df = a.defocus ?? 2.0;
  const as = a.astigmatism ?? 1.0;
  const cm = a.coma ?? 0.8;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const y = (i - N / 2 + 0.5) / R;
      const x = (j - N / 2 + 0.5) / R;
      const r2 = x * x + y * y;
      const phi = df * r2 + as * (x * x - y * y) + cm * (3 * r2 - 2) * x;
      const amp = base.re[i * N + j]!;
      re[i * N + j] = amp * Math.cos(phi);
      im[i * N + j] = amp * Math.sin(phi);
    }
  return { re, im };
}
