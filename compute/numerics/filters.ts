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
    const v = Math.exp((-0.5 / (sigma * sigma)) * (x * x));
    w[x + radius] = v;
    sum += v;
  }
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / sum;
  return w;
}

/**
 * A 1-D line filter: `buf` holds the line extended by r reflected samples on each side
 * (buf[r + i] = x[i]); writes out[0..n).
 */
type LineFilter = (buf: Float64Array, n: number, out: Float64Array) => void;

/** Symmetric correlation in scipy's order: x[i]·w₀ + Σ_{j=r..1} (x[i−j] + x[i+j])·w_j. */
function symmetricLine(w: Float64Array): LineFilter {
  const r = (w.length - 1) >> 1;
  return (buf, n, out) => {
    const wc = w[r]!;
    for (let i = 0; i < n; i++) {
      const c = i + r;
      let s = buf[c]! * wc;
      for (let j = r; j >= 1; j--) s += (buf[c - j]! + buf[c + j]!) * w[r - j]!;
      out[i] = s;
    }
  };
}

/** scipy's uniform_filter1d: mean of the first window, then a running update (odd size). */
function uniformLine(size: number): LineFilter {
  return (buf, n, out) => {
    let t = 0;
    for (let k = 0; k < size; k++) t += buf[k]!;
    t /= size;
    out[0] = t;
    for (let i = 1; i < n; i++) {
      t += (buf[i + size - 1]! - buf[i - 1]!) / size;
      out[i] = t;
    }
  };
}

/** Applies `line` along axis 0 (down every column), then along axis 1 (every row), as scipy does. */
function applySeparable(img: Image2D, line: LineFilter, r: number): Image2D {
  const { width, height } = img;
  const tmp = new Float64Array(width * height);
  const out = image(width, height);
  const colIdx = new Int32Array(height + 2 * r);
  for (let i = 0; i < colIdx.length; i++) colIdx[i] = reflectIndex(i - r, height);
  const colBuf = new Float64Array(height + 2 * r);
  const colOut = new Float64Array(height);
  const src = img.data;
  for (let x = 0; x < width; x++) {
    for (let i = 0; i < colBuf.length; i++) colBuf[i] = src[colIdx[i]! * width + x]!;
    line(colBuf, height, colOut);
    for (let y = 0; y < height; y++) tmp[y * width + x] = colOut[y]!;
  }
  const rowIdx = new Int32Array(width + 2 * r);
  for (let i = 0; i < rowIdx.length; i++) rowIdx[i] = reflectIndex(i - r, width);
  const rowBuf = new Float64Array(width + 2 * r);
  const rowOut = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let i = 0; i < rowBuf.length; i++) rowBuf[i] = tmp[o + rowIdx[i]!]!;
    line(rowBuf, width, rowOut);
    out.data.set(rowOut, o);
  }
  return out;
}

/** Correlates along both axes with the odd-length symmetric kernel `w` (scipy correlate1d order). */
export function separableFilter(img: Image2D, w: Float64Array): Image2D {
  if (w.length % 2 !== 1) throw new Error(`separable filter kernel must have odd length, got ${w.length}`);
  return applySeparable(img, symmetricLine(w), (w.length - 1) >> 1);
}

export function gaussianFilter(img: Image2D, sigma: number, truncate = 4): Image2D {
  return separableFilter(img, gaussianKernel1d(sigma, truncate));
}

export function uniformFilter(img: Image2D, size: number): Image2D {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new Error(`uniform filter size must be a positive odd integer, got ${size}`);
  }
  return applySeparable(img, uniformLine(size), (size - 1) >> 1);
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
