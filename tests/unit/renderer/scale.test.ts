import { describe, expect, it } from 'vitest';
import {
  LOG_MIN_RATIO,
  autoLimits,
  effectiveLimits,
  finiteMinMax,
  minPositive,
  percentileLimits,
  percentileOfSorted,
  scalePosition,
  scaleValue,
  type ScaleKind,
} from '../../../compute/render/scale';

describe('limits', () => {
  it('finite min/max ignores NaN and ±Inf, falls back to {0,1}', () => {
    expect(finiteMinMax(new Float32Array([3, NaN, -2, Infinity, 7, -Infinity]))).toEqual({
      vmin: -2,
      vmax: 7,
    });
    expect(finiteMinMax(new Float32Array([NaN, Infinity]))).toEqual({ vmin: 0, vmax: 1 });
    expect(finiteMinMax([])).toEqual({ vmin: 0, vmax: 1 });
  });

  it('percentiles interpolate linearly between ranks like numpy', () => {
    const sorted = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentileOfSorted(sorted, 0)).toBe(0);
    expect(percentileOfSorted(sorted, 100)).toBe(10);
    expect(percentileOfSorted(sorted, 50)).toBe(5);
    expect(percentileOfSorted(sorted, 25)).toBeCloseTo(2.5, 12);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBeCloseTo(2.5, 12); // numpy.percentile([1,2,3,4], 50) = 2.5
    expect(percentileOfSorted([10, 20], 10)).toBeCloseTo(11, 12);
  });

  it('percentile limits clip outliers and skip non-finite values', () => {
    // 0..999 shuffled plus two hot pixels and NaNs
    const n = 1000;
    const v = new Float32Array(n + 4);
    for (let i = 0; i < n; i++) v[i] = (i * 617) % n; // a permutation of 0..999 (617 coprime to 1000)
    v[n] = 1e9;
    v[n + 1] = -1e9;
    v[n + 2] = NaN;
    v[n + 3] = Infinity;
    const { vmin, vmax } = percentileLimits(v, 1, 99);
    // 1002 finite values: sorted[0] = −1e9, sorted[k] = k − 1 for k = 1..1000, sorted[1001] = 1e9.
    // p1 at position 0.01·1001 = 10.01 → 9.01; p99 at 990.99 → 989.99
    expect(vmin).toBeCloseTo(9.01, 6);
    expect(vmax).toBeCloseTo(989.99, 6);
    const mm = finiteMinMax(v);
    expect(mm.vmax).toBe(1e9);
  });

  it('percentile limits stay close on arrays larger than the sample cap', () => {
    const n = 1 << 20;
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = (i * 7919) % n;
    const { vmin, vmax } = percentileLimits(v, 0.5, 99.5);
    expect(Math.abs(vmin - 0.005 * n) / n).toBeLessThan(0.002);
    expect(Math.abs(vmax - 0.995 * n) / n).toBeLessThan(0.002);
  });

  it('autoLimits: explicit limits win, clipPercent selects percentile mode', () => {
    const v = new Float32Array([0, 1, 2, 3, 100]);
    expect(autoLimits(v)).toEqual({ vmin: 0, vmax: 100 });
    expect(autoLimits(v, { vmin: -5 })).toEqual({ vmin: -5, vmax: 100 });
    expect(autoLimits(v, { vmin: 1, vmax: 2, clipPercent: 10 })).toEqual({ vmin: 1, vmax: 2 });
    const clipped = autoLimits(v, { clipPercent: 25 });
    expect(clipped.vmin).toBeCloseTo(1, 12);
    expect(clipped.vmax).toBeCloseTo(3, 12);
  });
});

describe('log floor (zeros and negatives)', () => {
  it('uses vmin when positive', () => {
    expect(effectiveLimits('log', 2, 1000)).toEqual({ vmin: 2, vmax: 1000 });
  });

  it('replaces vmin ≤ 0 by the smallest positive value in the data', () => {
    const counts = new Float32Array([0, 0, -3, 1, 5, 250, NaN]);
    expect(minPositive(counts)).toBe(1);
    expect(effectiveLimits('log', -3, 250, counts)).toEqual({ vmin: 1, vmax: 250 });
  });

  it('never goes below vmax·LOG_MIN_RATIO, and handles data without positive values', () => {
    const tiny = new Float32Array([0, 1e-30, 1]);
    expect(effectiveLimits('log', 0, 1, tiny).vmin).toBeCloseTo(LOG_MIN_RATIO, 20);
    expect(effectiveLimits('log', 0, 100).vmin).toBeCloseTo(1e-4, 12); // no data given: 6 decades
    expect(effectiveLimits('log', -5, -1, new Float32Array([-5, -1]))).toEqual({ vmin: 1, vmax: 10 });
    expect(effectiveLimits('log', 0, 0, new Float32Array([0, 0]))).toEqual({ vmin: 1, vmax: 10 });
  });

  it('clips values at or below the floor to position 0, never NaN or −Inf', () => {
    const { vmin: lo, vmax: hi } = effectiveLimits('log', 0, 1000, new Float32Array([0, 1, 1000]));
    for (const v of [0, -1, -Infinity, 1e-12, 1]) expect(scalePosition('log', v, lo, hi)).toBe(0);
    expect(scalePosition('log', 1000, lo, hi)).toBe(1);
    expect(scalePosition('log', 10, lo, hi)).toBeCloseTo(1 / 3, 12);
    expect(scalePosition('log', Infinity, lo, hi)).toBe(1);
    expect(scalePosition('log', NaN, lo, hi)).toBeNaN();
  });
});

describe('scale positions', () => {
  it('linear and sqrt', () => {
    expect(scalePosition('linear', 5, 0, 10)).toBe(0.5);
    expect(scalePosition('linear', -5, 0, 10)).toBe(0);
    expect(scalePosition('linear', 50, 0, 10)).toBe(1);
    expect(scalePosition('sqrt', 2.5, 0, 10)).toBeCloseTo(0.5, 12);
    expect(scalePosition('sqrt', 3, 2, 6)).toBeCloseTo(0.5, 12);
    expect(scalePosition('sqrt', 1, 2, 6)).toBe(0);
    expect(scalePosition('linear', 3, 3, 3)).toBe(0); // degenerate limits
  });

  it.each(['linear', 'log', 'sqrt'] as ScaleKind[])('%s: scaleValue inverts scalePosition', (kind) => {
    const lo = kind === 'log' ? 0.1 : -2;
    const hi = 1000;
    for (const t of [0, 0.1, 0.5, 0.9, 1])
      expect(scalePosition(kind, scaleValue(kind, t, lo, hi), lo, hi)).toBeCloseTo(t, 9);
  });
});
