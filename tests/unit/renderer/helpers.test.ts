import { describe, expect, it } from 'vitest';
import {
  colorbarTicks,
  formatNumber,
  linearTicks,
  logTicks,
  niceStep,
} from '../../../renderer/src/render/ticks';
import {
  fitTransform,
  imageToScreen,
  panBy,
  pixelAt,
  screenToImage,
  wheelFactor,
  zoomAt,
  zoomLimits,
} from '../../../renderer/src/render/viewTransform';
import { formatLengthM, scaleBar } from '../../../renderer/src/render/units';
import { resolutionLabel } from '../../../renderer/src/render/frc';
import { frcCurves } from '../../../renderer/src/api/frc';

describe('ticks and number formatting', () => {
  it('nice steps are 1, 2, 5 × 10^k', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBeCloseTo(0.2, 12);
    expect(niceStep(7, 5)).toBe(1);
    expect(niceStep(3000, 4)).toBe(1000);
    expect(niceStep(0.03, 5)).toBeCloseTo(0.005, 12);
  });

  it('linear ticks lie within the limits on multiples of the step', () => {
    expect(linearTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(linearTicks(-3.14159, 3.14159, 8)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(linearTicks(-3.14159, 3.14159, 4)).toEqual([-2, 0, 2]);
    expect(linearTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(linearTicks(5, 5)).toEqual([5]);
  });

  it('log ticks are decades (with 2 and 5 for short ranges)', () => {
    expect(logTicks(1, 1e4)).toEqual([1, 10, 100, 1000, 10000]);
    expect(logTicks(1, 50)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(formatNumber(10000)).toBe('10000');
    expect(logTicks(0.5, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1000000]);
    expect(logTicks(1e-9, 1).length).toBeLessThanOrEqual(10);
  });

  it('colour-bar tick positions follow the scale', () => {
    const t = colorbarTicks('log', 1, 1000);
    expect(t.map((x) => x.position)).toEqual([0, 1 / 3, 2 / 3, 1].map((p) => expect.closeTo(p, 12)));
    expect(t.map((x) => x.label)).toEqual(['1', '10', '100', '1000']);
    const s = colorbarTicks('sqrt', 0, 100, 2);
    expect(s.find((x) => x.value === 50)!.position).toBeCloseTo(Math.sqrt(0.5), 12);
  });

  it('formats compactly', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(-2.5)).toBe('−2.5');
    expect(formatNumber(-1.5e-5)).toBe('−1.5e-5');
    expect(formatNumber(1.5e-5)).toBe('1.5e-5');
    expect(formatNumber(123456)).toBe('1.235e5');
    expect(formatNumber(NaN)).toBe('–');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Infinity)).toBe('∞');
  });
});

describe('view transform', () => {
  it('fits and centres the image', () => {
    const t = fitTransform(100, 50, 400, 400);
    expect(t.scale).toBe(4);
    expect(t.tx).toBe(0);
    expect(t.ty).toBe(100);
    expect(fitTransform(0, 10, 100, 100)).toEqual({ scale: 1, tx: 0, ty: 0 });
  });

  it('zooming keeps the point under the cursor fixed and respects limits', () => {
    const t0 = fitTransform(64, 64, 256, 256);
    const before = screenToImage(t0, 100, 37);
    const t1 = zoomAt(t0, 2.5, 100, 37);
    const after = screenToImage(t1, 100, 37);
    expect(after.x).toBeCloseTo(before.x, 12);
    expect(after.y).toBeCloseTo(before.y, 12);
    expect(t1.scale).toBeCloseTo(10, 12);
    const lim = zoomLimits(t0.scale);
    expect(zoomAt(t0, 1000, 0, 0, lim).scale).toBe(lim.maxScale);
    expect(zoomAt(t0, 1e-6, 0, 0, lim).scale).toBe(lim.minScale);
    expect(wheelFactor(-100)).toBeCloseTo(1.25, 12);
    expect(wheelFactor(100)).toBeCloseTo(0.8, 12);
  });

  it('maps between screen and pixels (x = column, y = row)', () => {
    const t = panBy({ scale: 2, tx: 0, ty: 0 }, 10, 20);
    expect(imageToScreen(t, 3, 4)).toEqual({ sx: 16, sy: 28 });
    expect(pixelAt(t, 16.5, 28.5, 8, 8)).toEqual({ x: 3, y: 4 });
    expect(pixelAt(t, 9, 28, 8, 8)).toBeNull();
    expect(pixelAt(t, 10 + 16, 20, 8, 8)).toBeNull(); // x = 8 is outside an 8-wide image
  });
});

describe('FRC helpers', () => {
  it('FrcChart curves carry the crossings the core sent, not ones recomputed from the arrays', () => {
    const f = Float32Array.from([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    const amp = Float32Array.from([1, 0.9, 0.6, 0.4, 0.1, 0]);
    const pha = Float32Array.from([1, 0.9, 0.8, 0.7, 0.6, 0.6]);
    // Deliberately not what the arrays give (amplitude crosses 0.5 at 0.25): the renderer must not recompute them.
    const crossings = {
      amplitude: { half: 0.123, oneSeventh: 0.321, halfBit: null },
      phase: { half: null, oneSeventh: null, halfBit: 0.45 },
    };
    const [a, p] = frcCurves({
      frequencyPerPx: f,
      amplitude: amp,
      phase: pha,
      halfBit: Float32Array.from([1, 0.5, 0.5, 0.5, 0.5, 0.5]),
      crossings,
    });
    expect(a!.name).toBe('amplitude');
    expect(a!.frc).toBe(amp);
    expect(a!.crossings).toEqual({ half: 0.123, oneSeventh: 0.321, halfBit: null });
    expect(p!.name).toBe('phase');
    expect(p!.frc).toBe(pha);
    expect(p!.crossings).toEqual({ half: null, oneSeventh: null, halfBit: 0.45 });
  });

  it('labels resolution as 1/f in px or nm', () => {
    expect(resolutionLabel(0.25)).toBe('4.00 px');
    expect(resolutionLabel(0.25, 10e-9)).toBe('40.0 nm');
    expect(resolutionLabel(null)).toBe('–');
  });
});

describe('physical units', () => {
  it('formats lengths with SI prefixes', () => {
    expect(formatLengthM(1.2e-8)).toBe('12 nm');
    expect(formatLengthM(3e-6)).toBe('3 µm');
    expect(formatLengthM(2.5e-3)).toBe('2.5 mm');
    expect(formatLengthM(0)).toBe('0 m');
  });

  it('scale bars use 1-2-5 lengths that fit', () => {
    const b = scaleBar(10e-9, 2, 150)!; // 150 screen px = 75 image px = 750 nm → 500 nm
    expect(b.label).toBe('500 nm');
    expect(b.lengthPx).toBeCloseTo(100, 9);
    expect(scaleBar(0, 1, 100)).toBeNull();
  });
});
