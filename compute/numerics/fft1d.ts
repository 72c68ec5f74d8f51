/**
 * Small complex 1-D FFT (numerics shared by simulation, evaluation and the iterative solver).
 *
 * - Any length: radix-2 (iterative, in place) when n is a power of two; recursive mixed-radix
 *   decimation in time when every prime factor of n is ≤ 13 (e.g. 588 = 2²·3·7²); Bluestein's
 *   chirp-z algorithm (a power-of-two convolution) for lengths with a larger prime factor.
 * - numpy conventions: forward X_k = Σ_j x_j·e^{−2πi·jk/n} (unnormalised), inverse
 *   x_j = (1/n)·Σ_k X_k·e^{+2πi·jk/n}; 2-D transforms are in fft2.ts.
 * - Complex data are separate Float64Array real/imaginary parts (never interleaved).
 *
 * Plans (twiddles, chirps) are cached per length.
 */

interface Plan {
  /** Forward, unnormalised, in place on re[0..n), im[0..n). */
  forward(re: Float64Array, im: Float64Array): void;
}

const planCache = new Map<number, Plan>();

function planFor(n: number): Plan {
  let p = planCache.get(n);
  if (p === undefined) {
    const factors = smallPrimeFactors(n, MAX_MIXED_RADIX);
    p = isPowerOfTwo(n) ? radix2Plan(n) : factors !== null ? mixedRadixPlan(n, factors) : bluesteinPlan(n);
    if (planCache.size > 64) planCache.clear();
    planCache.set(n, p);
  }
  return p;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Largest prime handled by the mixed-radix path (its butterflies cost O(p²) per output group). */
const MAX_MIXED_RADIX = 13;

/** Prime factors of n in ascending order if all are ≤ maxPrime, else null. */
export function smallPrimeFactors(n: number, maxPrime: number): number[] | null {
  const out: number[] = [];
  let m = n;
  for (let p = 2; p <= maxPrime && m > 1; p++) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  return m === 1 ? out : null;
}

/**
 * Recursive mixed-radix decimation in time: with len = p·m,
 * X[k + r·m] = Σ_q W_p^{q·r} · (W_len^{q·k} · DFT_m(x[q], x[q+p], …)[k]).
 * Twiddles W_len come from one table of e^{−2πi·j/n}; radix 2 and 3 have closed-form
 * butterflies, other primes (≤ 13) an O(p²) one with a per-radix table.
 */
function mixedRadixPlan(n: number, factors: number[]): Plan {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = -Math.sin(a); // stored negated: (cos, sin) = e^{−2πi·k/n}
  }
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const maxP = Math.max(...factors);
  const tr = new Float64Array(maxP);
  const ti = new Float64Array(maxP);
  const wpr = new Map<number, Float64Array>();
  const wpi = new Map<number, Float64Array>();
  for (const p of new Set(factors)) {
    const r = new Float64Array(p);
    const i = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      r[j] = Math.cos((2 * Math.PI * j) / p);
      i[j] = -Math.sin((2 * Math.PI * j) / p);
    }
    wpr.set(p, r);
    wpi.set(p, i);
  }
  const S3 = Math.sqrt(3) / 2;
  let yr: Float64Array = xr;
  let yi: Float64Array = xi;

  /** In place on (yr, yi) at yo + q·m + k: length-p DFTs of the p values gathered in tr/ti. */
  const butterfly = (p: number, yo: number, m: number, k: number): void => {
    if (p === 2) {
      const a = yo + k;
      const b = a + m;
      yr[a] = tr[0]! + tr[1]!;
      yi[a] = ti[0]! + ti[1]!;
      yr[b] = tr[0]! - tr[1]!;
      yi[b] = ti[0]! - ti[1]!;
      return;
    }
    if (p === 3) {
      const sr = tr[1]! + tr[2]!;
      const si = ti[1]! + ti[2]!;
      const dr = tr[1]! - tr[2]!;
      const di = ti[1]! - ti[2]!;
      const mr = tr[0]! - 0.5 * sr;
      const mi = ti[0]! - 0.5 * si;
      const a = yo + k;
      yr[a] = tr[0]! + sr;
      yi[a] = ti[0]! + si;
      // −i·(√3/2)·d added for r = 1, subtracted for r = 2
      yr[a + m] = mr + S3 * di;
      yi[a + m] = mi - S3 * dr;
      yr[a + 2 * m] = mr - S3 * di;
      yi[a + 2 * m] = mi + S3 * dr;
      return;
    }
    const wr = wpr.get(p)!;
    const wi = wpi.get(p)!;
    for (let r = 0; r < p; r++) {
      let sr = tr[0]!;
      let si = ti[0]!;
      let idx = 0;
      for (let q = 1; q < p; q++) {
        idx += r;
        if (idx >= p) idx -= p;
        const c = wr[idx]!;
        const d = wi[idx]!;
        sr += tr[q]! * c - ti[q]! * d;
        si += tr[q]! * d + ti[q]! * c;
      }
      yr[yo + r * m + k] = sr;
      yi[yo + r * m + k] = si;
    }
  };

  const rec = (xo: number, xs: number, yo: number, len: number, fi: number): void => {
    const p = factors[fi]!;
    const m = len / p;
    if (m === 1) {
      for (let q = 0; q < p; q++) {
        tr[q] = xr[xo + q * xs]!;
        ti[q] = xi[xo + q * xs]!;
      }
      butterfly(p, yo, 1, 0);
      return;
    }
    for (let q = 0; q < p; q++) rec(xo + q * xs, xs * p, yo + q * m, m, fi + 1);
    const tw = n / len;
    for (let k = 0; k < m; k++) {
      tr[0] = yr[yo + k]!;
      ti[0] = yi[yo + k]!;
      for (let q = 1; q < p; q++) {
        const j = yo + q * m + k;
        const a = yr[j]!;
        const b = yi[j]!;
        const idx = q * k * tw; // < n
        const c = cos[idx]!;
        const d = sin[idx]!;
        tr[q] = a * c - b * d;
        ti[q] = a * d + b * c;
      }
      butterfly(p, yo, m, k);
    }
  };
  return {
    forward(re, im) {
      xr.set(re);
      xi.set(im);
      yr = re;
      yi = im;
      rec(0, 1, 0, n, 0);
    },
  };
}

function nextPowerOfTwo(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

function radix2Plan(n: number): Plan {
  const half = n >> 1;
  const cos = new Float64Array(Math.max(half, 1));
  const sin = new Float64Array(Math.max(half, 1));
  for (let k = 0; k < half; k++) {
    const a = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    rev[i] = r;
  }
  return {
    forward(re, im) {
      for (let i = 0; i < n; i++) {
        const j = rev[i]!;
        if (j > i) {
          let t = re[i]!;
          re[i] = re[j]!;
          re[j] = t;
          t = im[i]!;
          im[i] = im[j]!;
          im[j] = t;
        }
      }
      for (let size = 2; size <= n; size *= 2) {
        const h = size >> 1;
        const step = n / size;
        for (let start = 0; start < n; start += size) {
          for (let j = 0; j < h; j++) {
            // twiddle e^{−2πi·j/size} = cos − i·sin at table index j·step
            const wr = cos[j * step]!;
            const wi = -sin[j * step]!;
            const a = start + j;
            const b = a + h;
            const br = re[b]!;
            const bi = im[b]!;
            const tr = wr * br - wi * bi;
            const ti = wr * bi + wi * br;
            re[b] = re[a]! - tr;
            im[b] = im[a]! - ti;
            re[a] = re[a]! + tr;
            im[a] = im[a]! + ti;
          }
        }
      }
    },
  };
}

/**
 * Bluestein: jk = (j² + k² − (k−j)²)/2, so X_k = w_k·Σ_j (x_j·w_j)·conj(w_{k−j}) with
 * w_j = e^{−iπ·j²/n}: a linear convolution done with power-of-two FFTs of length m ≥ 2n−1.
 * j² is reduced mod 2n before the angle is formed, so the chirp stays accurate for large n.
 */
function bluesteinPlan(n: number): Plan {
  const m = nextPowerOfTwo(2 * n - 1);
  const inner = radix2Plan(m);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const j2 = (j * j) % (2 * n);
    const a = (Math.PI * j2) / n;
    wr[j] = Math.cos(a);
    wi[j] = -Math.sin(a);
  }
  // FFT of the filter b_j = conj(w_j), wrapped so that b_{m−j} = b_j.
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    br[j] = wr[j]!;
    bi[j] = -wi[j]!;
    if (j > 0) {
      br[m - j] = wr[j]!;
      bi[m - j] = -wi[j]!;
    }
  }
  inner.forward(br, bi);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return {
    forward(re, im) {
      ar.fill(0);
      ai.fill(0);
      for (let j = 0; j < n; j++) {
        const xr = re[j]!;
        const xi = im[j]!;
        ar[j] = xr * wr[j]! - xi * wi[j]!;
        ai[j] = xr * wi[j]! + xi * wr[j]!;
      }
      inner.forward(ar, ai);
      for (let k = 0; k < m; k++) {
        const xr = ar[k]!;
        const xi = ai[k]!;
        ar[k] = xr * br[k]! - xi * bi[k]!;
        ai[k] = xr * bi[k]! + xi * br[k]!;
      }
      // inverse FFT of length m through conjugation: ifft(z) = conj(fft(conj(z)))/m
      for (let k = 0; k < m; k++) ai[k] = -ai[k]!;
      inner.forward(ar, ai);
      for (let k = 0; k < n; k++) {
        const cr = ar[k]! / m;
        const ci = -ai[k]! / m;
        re[k] = cr * wr[k]! - ci * wi[k]!;
        im[k] = cr * wi[k]! + ci * wr[k]!;
      }
    },
  };
}

/** In-place 1-D FFT of re/im (length n ≥ 1). `inverse` includes the 1/n factor. */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new Error(`fft1d: re has ${n} samples but im has ${im.length}`);
  if (n <= 1) return;
  const plan = planFor(n);
  if (!inverse) {
    plan.forward(re, im);
    return;
  }
  for (let i = 0; i < n; i++) im[i] = -im[i]!;
  plan.forward(re, im);
  for (let i = 0; i < n; i++) {
    re[i] = re[i]! / n;
    im[i] = -im[i]! / n;
  }
}
