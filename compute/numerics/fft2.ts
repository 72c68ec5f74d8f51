/**
 * 2-D FFTs on row-major data, numpy conventions: `fft2`/`ifft2` match `numpy.fft.fft2`/`ifft2`
 * (axis 0 = rows = y, axis 1 = columns = x; forward unnormalised, inverse 1/(width·height)),
 * plus fftfreq/fftshift helpers and the square power-of-two fast path. 1-D kernels: fft1d.ts.
 * Complex data are separate Float64Array real/imaginary parts (never interleaved).
 */
import { fft1d, isPowerOfTwo } from './fft1d';

export { fft1d, isPowerOfTwo, smallPrimeFactors } from './fft1d';

/**
 * In-place 2-D FFT of a row-major height×width complex array (numpy `fft2`, or `ifft2`
 * with the 1/(width·height) factor when `inverse`).
 */
export function fft2InPlace(
  re: Float64Array,
  im: Float64Array,
  width: number,
  height: number,
  inverse = false,
): void {
  if (re.length !== width * height || im.length !== width * height) {
    throw new Error(`fft2: arrays of ${re.length}/${im.length} samples do not match ${height}×${width}`);
  }
  if (width === height && width >= 2 && isPowerOfTwo(width)) {
    squareFft2(width).run(re, im, inverse);
    return;
  }
  for (let y = 0; y < height; y++) {
    const o = y * width;
    fft1d(re.subarray(o, o + width), im.subarray(o, o + width), inverse);
  }
  if (height <= 1) return;
  const cr = new Float64Array(height);
  const ci = new Float64Array(height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      cr[y] = re[y * width + x]!;
      ci[y] = im[y * width + x]!;
    }
    fft1d(cr, ci, inverse);
    for (let y = 0; y < height; y++) {
      re[y * width + x] = cr[y]!;
      im[y * width + x] = ci[y]!;
    }
  }
}

export interface ComplexArray2D {
  readonly width: number;
  readonly height: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Out-of-place numpy-style `fft2`; `im` may be omitted for real input. */
export function fft2(
  width: number,
  height: number,
  re: ArrayLike<number>,
  im?: ArrayLike<number>,
): ComplexArray2D {
  const r = Float64Array.from(re);
  const i = im === undefined ? new Float64Array(r.length) : Float64Array.from(im);
  fft2InPlace(r, i, width, height, false);
  return { width, height, re: r, im: i };
}

/** Out-of-place numpy-style `ifft2` (normalised by 1/(width·height)). */
export function ifft2(
  width: number,
  height: number,
  re: ArrayLike<number>,
  im: ArrayLike<number>,
): ComplexArray2D {
  const r = Float64Array.from(re);
  const i = Float64Array.from(im);
  fft2InPlace(r, i, width, height, true);
  return { width, height, re: r, im: i };
}

/** numpy.fft.fftfreq(n, d): sample frequencies in cycles per unit of d (cycles/pixel for d = 1). */
export function fftfreq(n: number, d = 1): Float64Array {
  const out = new Float64Array(n);
  const nPos = Math.floor((n - 1) / 2) + 1;
  for (let k = 0; k < n; k++) out[k] = (k < nPos ? k : k - n) / (n * d);
  return out;
}

/** Index of the zero frequency after numpy.fft.fftshift of a length-n axis: floor(n/2). */
export function fftshiftCentre(n: number): number {
  return Math.floor(n / 2);
}

/**
 * Index map of numpy.fft.fftshift for an n×n image (n even): `shifted[map[k]] = unshifted[k]`,
 * i.e. zero frequency moves from (0, 0) to (n/2, n/2).
 */
export function fftshiftIndex(n: number): Uint32Array {
  const map = new Uint32Array(n * n);
  const h = n >>> 1;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) map[r * n + c] = ((r + h) % n) * n + ((c + h) % n);
  return map;
}

/**
 * 2-D FFT of an n×n array, n a power of two: the same radix-2 butterflies, twiddles and
 * order of operations as the 1-D path (row transforms, then column transforms; the inverse
 * by conjugation and 1/n per axis), so results are bitwise identical to it, but each stage
 * runs as "vector" butterflies between whole rows (long contiguous inner loops) on a
 * transposed copy, with no allocation per call. The iterative solver calls it thousands of
 * times per second.
 */
interface SquareFft2 {
  run(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

const squareCache = new Map<number, SquareFft2>();

export function squareFft2(n: number): SquareFft2 {
  let p = squareCache.get(n);
  if (p === undefined) {
    p = makeSquareFft2(n);
    if (squareCache.size > 16) squareCache.clear();
    squareCache.set(n, p);
  }
  return p;
}

function makeSquareFft2(n: number): SquareFft2 {
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const a = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  let bits = 0;
  while (1 << bits < n) bits++;
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    rev[i] = r;
  }
  const tr = new Float64Array(n * n);
  const ti = new Float64Array(n * n);
  const transpose = (sr: Float64Array, si: Float64Array, dr: Float64Array, di: Float64Array): void => {
    for (let r = 0; r < n; r++) {
      const o = r * n;
      for (let c = 0; c < n; c++) {
        dr[c * n + r] = sr[o + c]!;
        di[c * n + r] = si[o + c]!;
      }
    }
  };
  /** 1-D transforms along axis 0 of (re, im): column c of the array is one signal. */
  const axis0 = (re: Float64Array, im: Float64Array, inverse: boolean): void => {
    const nn = n * n;
    if (inverse) for (let k = 0; k < nn; k++) im[k] = -im[k]!;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const a = i * n;
        const b = j * n;
        for (let c = 0; c < n; c++) {
          let t = re[a + c]!;
          re[a + c] = re[b + c]!;
          re[b + c] = t;
          t = im[a + c]!;
          im[a + c] = im[b + c]!;
          im[b + c] = t;
        }
      }
    }
    for (let size = 2; size <= n; size *= 2) {
      const h = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let j = 0; j < h; j++) {
          const a0 = (start + j) * n;
          const b0 = a0 + h * n;
          if (j === 0) {
            // twiddle 1: the 1-D path's products with (1, −0) are exact, so skip them
            for (let c = 0; c < n; c++) {
              const br = re[b0 + c]!;
              const bi = im[b0 + c]!;
              const ar = re[a0 + c]!;
              const ai = im[a0 + c]!;
              re[b0 + c] = ar - br;
              im[b0 + c] = ai - bi;
              re[a0 + c] = ar + br;
              im[a0 + c] = ai + bi;
            }
            continue;
          }
          const wr = cos[j * step]!;
          const wi = -sin[j * step]!;
          for (let c = 0; c < n; c++) {
            const br = re[b0 + c]!;
            const bi = im[b0 + c]!;
            const xr = wr * br - wi * bi;
            const xi = wr * bi + wi * br;
            const ar = re[a0 + c]!;
            const ai = im[a0 + c]!;
            re[b0 + c] = ar - xr;
            im[b0 + c] = ai - xi;
            re[a0 + c] = ar + xr;
            im[a0 + c] = ai + xi;
          }
        }
      }
    }
    if (inverse)
      for (let k = 0; k < nn; k++) {
        re[k] = re[k]! / n;
        im[k] = -im[k]! / n;
      }
  };
  return {
    run(re, im, inverse) {
      // rows first (as signals along axis 0 of the transpose), then columns
      transpose(re, im, tr, ti);
      axis0(tr, ti, inverse);
      transpose(tr, ti, re, im);
      axis0(re, im, inverse);
    },
  };
}
