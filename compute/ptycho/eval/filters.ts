/**
 * Separable smoothing filters matching scipy.ndimage defaults, which scikit-image's SSIM
 * and PtychoPINN's pre-smoothing use:
 * - `gaussianFilter(img, sigma, truncate = 4)`: scipy.ndimage.gaussian_filter — weights
 *   exp(−x²/2σ²) for |x| ≤ r, r = floor(truncate·σ + 0.5), normalised to sum 1.
 * - `uniformFilter(img, size)`: scipy.ndimage.uniform_filter with an odd `size` (centred box mean).
 * Boundary: scipy's mode 'reflect' (half-sample symmetric, d c b a | a b c d | d c b a),
 * repeated periodically when the kernel is longer than the image.
 */
import { image, type Image2D } from './image';

/** scipy's 'reflect' extension: maps any integer index onto [0, n). */
export function reflectIndex(i: number, n: number): number {
  const p = 2 * n;
  let k = i % p;
  if (k < 0) k += p;
  return k >= n ? p - 1 - k : k;
}

export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0)) throw new Error(`Gaussian sigma must be > 0, got ${sigma}`);
  const radius = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const v = Math.exp((-0.5 * x * x) / (sigma * sigma));
    w[x + radius] = v;
    sum += v;
  }
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / sum;
  return w;
}

/** Correlates every row, then every column, with the odd-length symmetric kernel `w`. */
export function separableFilter(img: Image2D, w: Float64Array): Image2D {
  const { width, height } = img;
  const r = (w.length - 1) >> 1;
  const tmp = new Float64Array(width * height);
  const out = image(width, height);
  // axis 0 (along columns, i.e. over rows) first, as scipy does; then axis 1.
  const colIdx = new Int32Array(height + 2 * r);
  for (let i = 0; i < colIdx.length; i++) colIdx[i] = reflectIndex(i - r, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < w.length; k++) s += w[k]! * img.data[colIdx[y + k]! * width + x]!;
      tmp[y * width + x] = s;
    }
  }
  const rowIdx = new Int32Array(width + 2 * r);
  for (let i = 0; i < rowIdx.length; i++) rowIdx[i] = reflectIndex(i - r, width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < w.length; k++) s += w[k]! * tmp[o + rowIdx[x + k]!]!;
      out.data[o + x] = s;
    }
  }
  return out;
}

export function gaussianFilter(img: Image2D, sigma: number, truncate = 4): Image2D {
  return separableFilter(img, gaussianKernel1d(sigma, truncate));
}

export function uniformFilter(img: Image2D, size: number): Image2D {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new Error(`uniform filter size must be a positive odd integer, got ${size}`);
  }
  return separableFilter(img, new Float64Array(size).fill(1 / size));
}

/** 1-D Gaussian smoothing of a curve (scipy.ndimage.gaussian_filter1d, mode 'reflect'). */
export function gaussianFilter1d(values: ArrayLike<number>, sigma: number, truncate = 4): Float64Array {
  const w = gaussianKernel1d(sigma, truncate);
  const r = (w.length - 1) >> 1;
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < w.length; k++) s += w[k]! * values[reflectIndex(i + k - r, n)]!;
    out[i] = s;
  }
  return out;
}
