/**
 * The project's seeded random numbers: xoshiro128** (32-bit state words, fast in JS) seeded
 * through splitmix32, with uniform, normal (Box–Muller), Poisson and sampling helpers.
 * Same seed ⇒ same stream on every platform.
 *
 * `mulberry32(seed)` is the second, older stream: a bare uniform [0, 1) function that the
 * engine's parameter initialisation (compute/engine/params.ts, one stream per parameter name)
 * and several test fixtures are seeded with. It stays a separate generator because switching the
 * initial weights to xoshiro would change every seeded training result recorded in docs/DESIGN.md
 * and bench/results; new code uses `Rng`.
 *
 * Poisson: Knuth's multiplication method for λ < 30; for λ ≥ 30 Hörmann's PTRS
 * (transformed rejection with squeeze, "The transformed rejection method for generating
 * Poisson random variables", 1993), which is exact, not an approximation.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let r = 0;
    for (let i = 2; i <= k; i++) r += Math.log(i);
    return r;
  }
  // Stirling series, accurate to < 1e-10 for k ≥ 20.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

/** Seeded uniform [0, 1) generator (mulberry32); see the header for why it exists next to `Rng`. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  /**
   * The four 32-bit state words. A typed array, not four number fields: uint32 values above
   * 2³⁰ do not fit V8's small integers, and storing them in object fields allocates a heap
   * number per write (measured: ~60 ns per draw instead of a few).
   */
  private readonly s = new Int32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    const sm = splitmix32(seed >>> 0);
    const s = this.s;
    for (let i = 0; i < 4; i++) s[i] = sm();
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const s2 = s[2]! ^ s0;
    const s3 = s[3]! ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** Poisson(λ) draw (exact for every λ ≥ 0). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const L = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > L) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    // PTRS (Hörmann 1993)
    const slam = Math.sqrt(lambda);
    let loglam = NaN; // only the rare squeeze-failure branch needs log λ
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.uniform() - 0.5;
      const V = this.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (loglam !== loglam) loglam = Math.log(lambda);
      if (
        Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      )
        return k;
    }
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** k distinct indices from [0, n), in random order (partial Fisher–Yates). */
  choice(n: number, k: number): Uint32Array {
    if (k > n) throw new Error(`cannot choose ${k} distinct items from ${n}`);
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    return idx.slice(0, k);
  }
}
