/**
 * Synthetic objects following PtychoPINN's recipes (§11.2), seeded with our Rng — the same
 * kind of object, not bit-identical to PtychoPINN's (different random streams).
 * - `lines`: one-pixel line segments with random endpoints on a 2·size canvas;
 *   image = blur(σ1) + 2·blur(σ5) + 5·blur(σ10); centre crop; normalised to max 1.
 * - `grf`: Gaussian random field with power spectrum ∝ k^−0.4, normalised to [0, 1], blurred σ = 1
 *   and stretched back to [0, 1].
 * Phase is zero unless `setPhi`: φ = π·tanh((A − max/2)/(3·mean)).
 */
import { Rng } from '../../numerics/rng';
import { gaussianFilter } from '../../numerics/filters';
import { fft2InPlace } from '../../numerics/fft2';
import type { ComplexImage } from './dataset';

export type ObjectKind = 'lines' | 'grf';

function drawLine(img: Float64Array, W: number, x0: number, y0: number, x1: number, y1: number): void {
  // Bresenham, like skimage.draw.line (integer endpoints, every pixel on the line set to 1).
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    img[y0 * W + x0] = 1;
    if (x0 === x1 && y0 === y1) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

function normaliseMax(a: Float64Array): Float64Array {
  let max = 0;
  for (const v of a) if (v > max) max = v;
  return max > 0 ? a.map((v) => v / max) : a;
}

export function linesAmplitude(size: number, rng: Rng, nlines = 400): Float64Array {
  const W = 2 * size;
  const img = new Float64Array(W * W);
  for (let i = 0; i < nlines; i++) drawLine(img, W, rng.int(W), rng.int(W), rng.int(W), rng.int(W));
  const im = { width: W, height: W, data: img };
  const a = gaussianFilter(im, 1).data;
  const b = gaussianFilter(im, 5).data;
  const c = gaussianFilter(im, 10).data;
  const out = new Float64Array(size * size);
  const o = Math.floor((W - size) / 2);
  for (let r = 0; r < size; r++)
    for (let col = 0; col < size; col++) {
      const k = (r + o) * W + col + o;
      out[r * size + col] = a[k]! + 2 * b[k]! + 5 * c[k]!;
    }
  return normaliseMax(out);
}

/**
 * White normal noise shaped in Fourier space: out = Re IFFT(gain(|k|) · FFT(noise)), |k| in
 * cycles per side. The GRF object and the test bed's textures share it.
 */
export function filteredNoise(size: number, rng: Rng, gain: (k: number) => number): Float64Array {
  const re = new Float64Array(size * size);
  const im = new Float64Array(size * size);
  for (let i = 0; i < re.length; i++) re[i] = rng.normal();
  fft2InPlace(re, im, size, size);
  for (let r = 0; r < size; r++) {
    const ky = r <= size / 2 ? r : r - size;
    for (let c = 0; c < size; c++) {
      const kx = c <= size / 2 ? c : c - size;
      const g = gain(Math.hypot(kx, ky));
      re[r * size + c]! *= g;
      im[r * size + c]! *= g;
    }
  }
  fft2InPlace(re, im, size, size, true);
  return re;
}

export function grfAmplitude(size: number, rng: Rng, powerExponent = -0.4): Float64Array {
  const re = filteredNoise(size, rng, (k) => (k === 0 ? 0 : Math.pow(k, powerExponent / 2)));
  let min = Infinity;
  let max = -Infinity;
  for (const v of re) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const norm = re.map((v) => (v - min) / (max - min || 1));
  // Blur, then stretch back to [0, 1]: the blur alone leaves a few percent of contrast.
  const blurred = gaussianFilter({ width: size, height: size, data: norm }, 1).data;
  let bmin = Infinity;
  let bmax = -Infinity;
  for (const v of blurred) {
    if (v < bmin) bmin = v;
    if (v > bmax) bmax = v;
  }
  return blurred.map((v) => (v - bmin) / (bmax - bmin || 1));
}

export function makeObject(kind: ObjectKind, size: number, seed: number, setPhi: boolean): ComplexImage {
  const rng = new Rng(seed);
  const amp = kind === 'lines' ? linesAmplitude(size, rng) : grfAmplitude(size, rng);
  let max = 0;
  let mean = 0;
  for (const v of amp) {
    max = Math.max(max, v);
    mean += v;
  }
  mean /= amp.length;
  const re = new Float32Array(amp.length);
  const im = new Float32Array(amp.length);
  for (let i = 0; i < amp.length; i++) {
    const phi = setPhi ? Math.PI * Math.tanh((amp[i]! - max / 2) / (3 * mean)) : 0;
    re[i] = amp[i]! * Math.cos(phi);
    im[i] = amp[i]! * Math.sin(phi);
  }
  return { re, im, width: size, height: size };
}
