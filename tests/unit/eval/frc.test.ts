import { describe, expect, it } from 'vitest';
import { findCrossing, fourierRingCorrelation, halfBitThreshold } from '../../../compute/ptycho/eval/frc';
import { gaussianFilter1d } from '../../../compute/numerics/filters';
import { image } from '../../../compute/numerics/image';
import { loadExpected, readF64 } from './helpers';

const E = loadExpected();
const a = readF64(E.pairA.a);
const b = readF64(E.pairA.b);
const X = E.pairA.expected.frc;

// The numpy reference bins PtychoPINN's rings up to the corners (k ≈ n/√2); ours stop at
// Nyquist (k = n/2), so the reference is compared on its first n/2 + 1 rings.
const nyq = (x: { n: number }): number => Math.floor(x.n / 2) + 1;

describe('FRC against the numpy ring-binning reference (64×64 fixture)', () => {
  const r = fourierRingCorrelation(a, b);

  it('ring count, pixels per ring and every ring value up to Nyquist', () => {
    expect(r.n).toBe(X.n);
    expect(r.frc.length).toBe(nyq(X));
    expect(Array.from(r.pixelsPerRing)).toEqual(X.pixels_per_ring.slice(0, nyq(X)));
    // FRC ∈ [0, 1]; compared absolutely (a wrong ring assignment changes values by ~1e-2)
    r.frc.forEach((v, k) => expect(Math.abs(v - X.frc[k])).toBeLessThan(1e-12));
    r.halfBit.forEach((v, k) => expect(v).toBeCloseTo(X.half_bit[k], 14));
    expect(r.frc[0]).toBeCloseTo(1, 14);
    expect(r.frequencyPerPx[32]).toBe(0.5);
  });

  it('FRC50, FRC at 1/7 and the half-bit crossing (fractional rings) and legacy indices', () => {
    for (const [key, cr] of [
      ['frc50', r.frc50],
      ['frc1over7', r.frc1over7],
      ['half_bit_crossing', r.halfBitCrossing],
    ] as const) {
      const want = X[key];
      if (want.ring === null) expect(cr.ring).toBeNull();
      else expect(cr.ring!).toBeCloseTo(want.ring, 9);
      expect(cr.legacyRingIndex).toBe(want.legacy);
    }
  });

  it('optional curve smoothing equals scipy gaussian_filter1d(σ=2) away from the Nyquist end', () => {
    // smoothing acts on the truncated curve, so the last 4σ rings see a different boundary
    const s = fourierRingCorrelation(a, b, { sigma: 2 });
    expect(s.frc.length).toBe(nyq(X));
    for (let k = 0; k < nyq(X) - 8; k++)
      expect(Math.abs(s.frc[k]! - E.pairA.expected.frc_smoothed_sigma2[k])).toBeLessThan(1e-12);
  });
});

describe('FRC rings stop at Nyquist', () => {
  it('the last ring is 0.5 cycles/px (even n) or just below it (odd n); no corner ring', () => {
    for (const [w, h] of [
      [64, 64],
      [30, 22],
      [33, 33],
    ]) {
      const d = new Float64Array(w * h).map((_, i) => Math.sin(i * 0.37) + (i % 7));
      const e = new Float64Array(w * h).map((_, i) => Math.cos(i * 0.11) + (i % 5));
      const r = fourierRingCorrelation(image(w, h, d), image(w, h, e));
      const f = r.frequencyPerPx;
      expect(f.length).toBe(Math.floor(r.n / 2) + 1);
      expect(f[f.length - 1]!).toBeLessThanOrEqual(0.5);
      expect(f[f.length - 1]!).toBeGreaterThan(0.5 - 1 / r.n);
      expect(r.frc.length).toBe(f.length);
      expect(r.halfBit.length).toBe(f.length);
      // every ring up to Nyquist is a full annulus (≥ 2πk·(1/2) pixels), never a 4–8 pixel corner
      for (let k = 1; k < f.length; k++) expect(r.pixelsPerRing[k]!).toBeGreaterThanOrEqual(Math.PI * k);
    }
  });

  it('a crossing the full-corner curve would place past Nyquist is "not reached"', () => {
    const X2 = E.pairB.expected_plane.phase.frc; // numpy reference: FRC50 at ring 33.29 > 66/2
    expect(X2.frc50.ring).toBeGreaterThan(X2.n / 2);
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
    const w = 30,
      h = 22;
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
    expect(findCrossing([1, 0.9], 0.5, 10)).toEqual({ ring: null, frequencyPerPx: null, legacyRingIndex: 2 });
  });

  it('the DC ring is never a crossing, even when the half-bit threshold (1 at one pixel) is above it', () => {
    const c = findCrossing([0.9999999, 0.9, 0.6, 0.4, 0.1], [1, 0.5, 0.5, 0.5, 0.5], 10);
    expect(c.ring).toBeCloseTo(2.5, 12);
    expect(c.legacyRingIndex).toBe(0); // PtychoPINN's integer rule still sees ring 0
    // a curve below the threshold from the start crosses at ring 1
    expect(findCrossing([0.2, 0.1, 0.1], 0.5, 10).ring).toBe(1);
  });

  it('half-bit threshold: 1 for a single pixel, → 0.1716 for large rings', () => {
    expect(halfBitThreshold(1)).toBeCloseTo(1, 12);
    expect(halfBitThreshold(1e12)).toBeCloseTo(0.2071 / 1.2071, 5);
  });

  it('gaussianFilter1d keeps a constant', () => {
    gaussianFilter1d([2, 2, 2], 3).forEach((v) => expect(v).toBeCloseTo(2, 14));
  });
});
