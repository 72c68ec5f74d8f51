import { describe, expect, it } from 'vitest';
import { findCrossing, fourierRingCorrelation, halfBitThreshold } from '../../../compute/ptycho/eval/frc';
import { gaussianFilter1d } from '../../../compute/ptycho/eval/filters';
import { image } from '../../../compute/ptycho/eval/image';
import { loadExpected, readF64 } from './helpers';

const E = loadExpected();
const a = readF64(E.pairA.a);
const b = readF64(E.pairA.b);
const X = E.pairA.expected.frc;

describe('FRC against the numpy ring-binning reference (64×64 fixture)', () => {
  const r = fourierRingCorrelation(a, b);

  it('ring count, pixels per ring and every ring value', () => {
    expect(r.n).toBe(X.n);
    expect(r.frc.length).toBe(X.frc.length);
    expect(Array.from(r.pixelsPerRing)).toEqual(X.pixels_per_ring);
    // FRC ∈ [0, 1]; compared absolutely (a wrong ring assignment changes values by ~1e-2)
    r.frc.forEach((v, k) => expect(Math.abs(v - X.frc[k])).toBeLessThan(1e-12));
    r.halfBit.forEach((v, k) => expect(v).toBeCloseTo(X.half_bit[k], 14));
    expect(r.frc[0]).toBeCloseTo(1, 14);
    expect(r.frequencyPerPx[32]).toBe(0.5);
  });

  it('FRC50, FRC at 1/7 and the half-bit crossing (fractional rings) and legacy indices', () => {
    for (const [key, cr] of [['frc50', r.frc50], ['frc1over7', r.frc1over7], ['half_bit_crossing', r.halfBitCrossing]] as const) {
      const want = X[key];
      if (want.ring === null) expect(cr.ring).toBeNull();
      else expect(cr.ring!).toBeCloseTo(want.ring, 9);
      expect(cr.legacyRingIndex).toBe(want.legacy);
    }
  });

  it('optional curve smoothing equals scipy gaussian_filter1d(σ=2)', () => {
    const s = fourierRingCorrelation(a, b, { sigma: 2 });
    s.frc.forEach((v, k) => expect(Math.abs(v - E.pairA.expected.frc_smoothed_sigma2[k])).toBeLessThan(1e-12));
  });
});

describe('FRC properties', () => {
  it('an image with itself has FRC 1 everywhere and no crossing', () => {
    const r = fourierRingCorrelation(a, a);
    r.frc.forEach((v) => expect(v).toBeCloseTo(1, 12));
    expect(r.frc50.ring).toBeNull();
    expect(r.frc50.legacyRingIndex).toBe(r.frc.length);
  });

  it('centre-crops non-square images to the smaller side', () => {
    const w = 30, h = 22;
    const d = new Float64Array(w * h).map((_, i) => Math.sin(i * 0.37) + (i % 7));
    const img = image(w, h, d);
    const r = fourierRingCorrelation(img, img);
    expect(r.n).toBe(22);
  });

  it('linear interpolation of crossings; threshold curves; NaN rings are skipped', () => {
    expect(findCrossing([1, 0.8, 0.6, 0.4, 0.2], 0.5, 10).ring).toBeCloseTo(2.5, 14);
    expect(findCrossing([1, 0.8, 0.6, 0.4, 0.2], 0.5, 10).frequencyPerPx).toBeCloseTo(0.25, 14);
    expect(findCrossing([1, 0.9, 0.7], [0.5, 0.8, 0.8], 4).ring).toBeCloseTo(1.5, 14);
    expect(findCrossing([1, 0.8, NaN, 0.2], 0.5, 10).ring).toBeCloseTo(2, 14);
    expect(findCrossing([1, 0.9], 0.5, 10)).toEqual({ ring: null, frequencyPerPx: null, beyondNyquist: false, legacyRingIndex: 2 });
    expect(findCrossing([1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1], 0.5, 10).beyondNyquist).toBe(true);
  });

  it('half-bit threshold: 1 for a single pixel, → 0.1716 for large rings', () => {
    expect(halfBitThreshold(1)).toBeCloseTo(1, 12);
    expect(halfBitThreshold(1e12)).toBeCloseTo(0.2071 / 1.2071, 5);
  });

  it('gaussianFilter1d keeps a constant', () => {
    gaussianFilter1d([2, 2, 2], 3).forEach((v) => expect(v).toBeCloseTo(2, 14));
  });
});
