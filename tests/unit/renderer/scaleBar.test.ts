import { describe, expect, it } from 'vitest';
import { formatLengthM, scaleBar } from '../../../compute/render/units';

describe('scale bar rule (compute/render/units.ts, shared by the UI and figure PNGs)', () => {
  it('picks the largest 1-2-5 × 10^k length that fits, labelled in the fitting SI unit', () => {
    // 64.6 nm pixels shown 1:1, at most 100 px: 6.46 µm fits → 5 µm
    const a = scaleBar(64.6e-9, 1, 100)!;
    expect(a.lengthM).toBeCloseTo(5e-6, 15);
    expect(a.label).toBe('5 µm');
    expect(a.lengthPx).toBeCloseTo(5e-6 / 64.6e-9, 9);
    expect(a.lengthPx).toBeLessThanOrEqual(100);
    // zoomed ×8: 100 screen px = 12.5 image px = 807.5 nm → 500 nm
    expect(scaleBar(64.6e-9, 8, 100)!.label).toBe('500 nm');
    // 1.9 → 1, 2 → 2, 4.99 → 2, 5 → 5 (× 10 nm at 1 nm pixels)
    expect(scaleBar(1e-9, 1, 19)!.lengthM).toBeCloseTo(1e-8, 18);
    expect(scaleBar(1e-9, 1, 20)!.lengthM).toBeCloseTo(2e-8, 18);
    expect(scaleBar(1e-9, 1, 49.9)!.lengthM).toBeCloseTo(2e-8, 18);
    expect(scaleBar(1e-9, 1, 50)!.label).toBe('50 nm');
    // exact decades stay exact (no 0.99999e-6 → "1000 nm")
    expect(scaleBar(1e-8, 1, 100)!.label).toBe('1 µm');
    expect(scaleBar(Number.NaN, 1, 100)).toBeNull();
    expect(scaleBar(1e-9, 0, 100)).toBeNull();
    expect(formatLengthM(6.4576e-8, 4)).toBe('64.58 nm');
    expect(formatLengthM(2)).toBe('2 m');
  });
});

describe('metrics table detail', () => {
  it("shows the core's half-period resolution in nm when it has one, else 1/f", async () => {
    const { metricDetail } = await import('../../../renderer/src/render/metrics');
    expect(metricDetail('frc50PerPx', 0.25, 10e-9, 20)).toBe('half-period 20 nm');
    expect(metricDetail('frc50PerPx', 0.25, null, null)).toBe('1/f = 4.00 px');
    expect(metricDetail('ssim', 0.9, 10e-9, 20)).toBe('');
  });
});
