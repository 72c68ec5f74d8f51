import { describe, expect, it } from 'vitest';
import { Rng } from '../../../compute/numerics/rng';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

function poissonPmf(k: number, lambda: number): number {
  let logF = 0;
  for (let i = 2; i <= k; i++) logF += Math.log(i);
  return Math.exp(-lambda + k * Math.log(lambda) - logF);
}

describe('seeded RNG (xoshiro128** via splitmix32)', () => {
  it('is a fixed stream per seed (pinned: fixtures and tests depend on it)', () => {
    const r = new Rng(42);
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([2837322924, 544945897, 479756282]);
    const q = new Rng(7);
    expect([q.poisson(3), q.poisson(1e4), q.poisson(1e7)]).toEqual([3, 10115, 9998482]);
    const a = new Rng(1);
    const b = new Rng(2);
    expect(Array.from({ length: 4 }, () => a.nextU32())).not.toEqual(
      Array.from({ length: 4 }, () => b.nextU32()),
    );
  });

  it('uniform is in [0, 1) with mean 1/2 and variance 1/12; int stays in range', () => {
    const r = new Rng(3);
    let lo = 1;
    let hi = 0;
    const m = moments(() => {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      return u;
    }, 200_000);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('normal has mean 0 and variance 1', () => {
    const r = new Rng(4);
    const m = moments(() => r.normal(), 200_000);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.015);
  });

  it.each([0.01, 0.7, 5, 29.5, 30, 31, 120, 1e4, 1e7])('poisson(%d) has mean and variance λ', (lambda) => {
    const r = new Rng(Math.round(lambda * 13) + 1);
    const n = 40_000;
    const m = moments(() => r.poisson(lambda), n);
    // 5σ bounds for the sample mean and (approximately) for the sample variance.
    expect(Math.abs(m.mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
    expect(Math.abs(m.variance - lambda)).toBeLessThan(5 * lambda * Math.sqrt((2 + 1 / lambda) / n));
  });

  it.each([8, 45, 300])(
    'poisson(%d) follows the exact pmf (χ² over the bulk), across both methods',
    (lambda) => {
      const r = new Rng(lambda);
      const n = 60_000;
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const k = r.poisson(lambda);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const lo = Math.max(0, Math.floor(lambda - 3 * Math.sqrt(lambda)));
      const hi = Math.ceil(lambda + 3 * Math.sqrt(lambda));
      let chi2 = 0;
      let bins = 0;
      for (let k = lo; k <= hi; k++) {
        const e = n * poissonPmf(k, lambda);
        if (e < 20) continue;
        chi2 += ((counts.get(k) ?? 0) - e) ** 2 / e;
        bins++;
      }
      // χ² with `bins` degrees of freedom: mean bins, sd sqrt(2·bins); allow ~5 sd.
      expect(chi2).toBeLessThan(bins + 5 * Math.sqrt(2 * bins));
    },
  );

  it('poisson of zero, negative or NaN rate is 0; integers only', () => {
    const r = new Rng(5);
    expect(r.poisson(0)).toBe(0);
    expect(r.poisson(-1)).toBe(0);
    expect(r.poisson(NaN)).toBe(0);
    for (let i = 0; i < 100; i++) expect(Number.isInteger(r.poisson(1e5))).toBe(true);
  });

  it('choice draws distinct indices; shuffle is a permutation', () => {
    const r = new Rng(6);
    const c = r.choice(50, 20);
    expect(new Set(c).size).toBe(20);
    expect(Math.max(...c)).toBeLessThan(50);
    expect(() => r.choice(3, 4)).toThrow(/cannot choose 4/);
    const a = Float64Array.from({ length: 30 }, (_, i) => i);
    r.shuffle(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
