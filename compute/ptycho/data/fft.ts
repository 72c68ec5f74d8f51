/**
 * Radix-2 complex FFT for the data layer (simulation of far-field patterns, GRF objects).
 *
 * - Lengths must be powers of two (N ∈ {64, 128, 256} and the object sizes we synthesise);
 *   other lengths are refused — the evaluation library (`ptycho/eval/fft2`) handles any length.
 * - numpy conventions: forward X_k = Σ_j x_j·e^{−2πi·jk/n} (unnormalised), inverse
 *   x_j = (1/n)·Σ_k X_k·e^{+2πi·jk/n}. 2-D transforms act on row-major data (axis 0 = rows = y,
 *   axis 1 = columns = x) exactly like `numpy.fft.fft2` / `ifft2`.
 * - Complex data are split: separate Float64Array real and imaginary parts, transformed in place.
 *
 * Algorithm: iterative decimation in time (bit-reversal permutation, then log₂n butterfly
 * stages) with a precomputed twiddle table per length; columns are gathered into a scratch
 * vector so every butterfly runs on contiguous memory.
 */

export class FftPlan {
  readonly n: number;
  private readonly rev: Uint32Array;
  /** cos(2πk/n), −sin(2πk/n) for k < n/2: the forward twiddles e^{−2πik/n}. */
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;
  private readonly colRe: Float64Array;
  private readonly colIm: Float64Array;

  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0)) throw new Error(`radix-2 FFT needs a power-of-two length, got ${n}`);
    this.n = n;
    const bits = Math.round(Math.log2(n));
    this.rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    const half = Math.max(1, n >>> 1);
    this.wr = new Float64Array(half);
    this.wi = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = (2 * Math.PI * k) / n;
      this.wr[k] = Math.cos(a);
      this.wi[k] = -Math.sin(a);
    }
    this.colRe = new Float64Array(n);
    this.colIm = new Float64Array(n);
  }

  /**
   * In-place transform of the n values re[off .. off+n), im[off .. off+n).
   * Forward is unnormalised; inverse conjugates the twiddles and divides by n.
   */
  transform(re: Float64Array, im: Float64Array, off = 0, inverse = false): void {
    const n = this.n;
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const a = off + i;
        const b = off + j;
        const tr = re[a]!;
        re[a] = re[b]!;
        re[b] = tr;
        const ti = im[a]!;
        im[a] = im[b]!;
        im[b] = ti;
      }
    }
    const wr = this.wr;
    const wi = this.wi;
    const sign = inverse ? -1 : 1;
    for (let size = 2; size <= n; size <<= 1) {
      const halfSize = size >>> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < halfSize; k++) {
          const cr = wr[k * step]!;
          const ci = sign * wi[k * step]!;
          const a = off + start + k;
          const b = a + halfSize;
          const xr = re[b]! * cr - im[b]! * ci;
          const xi = re[b]! * ci + im[b]! * cr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
    if (inverse) {
      const s = 1 / n;
      for (let i = off; i < off + n; i++) {
        re[i]! *= s;
        im[i]! *= s;
      }
    }
  }

  /** In-place 2-D transform of the n×n row-major image starting at `off` (like numpy.fft.fft2). */
  transform2d(re: Float64Array, im: Float64Array, off = 0, inverse = false): void {
    const n = this.n;
    for (let r = 0; r < n; r++) this.transform(re, im, off + r * n, inverse);
    const cr = this.colRe;
    const ci = this.colIm;
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < n; r++) {
        cr[r] = re[off + r * n + c]!;
        ci[r] = im[off + r * n + c]!;
      }
      this.transform(cr, ci, 0, inverse);
      for (let r = 0; r < n; r++) {
        re[off + r * n + c] = cr[r]!;
        im[off + r * n + c] = ci[r]!;
      }
    }
  }
}

const plans = new Map<number, FftPlan>();

/** The cached plan for length n (power of two). Plans hold scratch space: not re-entrant across threads, fine in one JS thread. */
export function fftPlan(n: number): FftPlan {
  let p = plans.get(n);
  if (!p) {
    p = new FftPlan(n);
    plans.set(n, p);
  }
  return p;
}

/** In-place 1-D FFT (inverse divides by n), numpy conventions. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  if (re.length !== im.length) throw new Error(`fft: re has ${re.length} values, im ${im.length}`);
  fftPlan(re.length).transform(re, im, 0, inverse);
}

/** In-place 2-D FFT of a square n×n row-major image (inverse divides by n²), numpy conventions. */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (re.length !== n * n || im.length !== n * n) throw new Error(`fft2: expected ${n}×${n} = ${n * n} values, got ${re.length} and ${im.length}`);
  fftPlan(n).transform2d(re, im, 0, inverse);
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
