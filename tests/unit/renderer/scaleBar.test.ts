import { describe, expect, it } from 'vitest';
import { formatLengthM, scaleBar } from '../../../compute/render/units';
import { renderFigure } from '../../../compute/render/figure';
import { decodePng, encodeFigurePng } from '../../../compute/io/png';
import { drawText, textWidth, GLYPH_HEIGHT } from '../../../compute/render/font';

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

describe('figure PNGs with a scale bar', () => {
  const W = 64;
  const values = Float32Array.from({ length: W * W }, (_, i) => (i % W) / W);
  const base = { title: 'amplitude', values, width: W, height: W, colormap: 'gray' as const, unit: 'a.u.' };

  it('draws a bar of the round length under the image, with its label, only when a pixel size is given', () => {
    const plain = renderFigure(base);
    expect(plain.layout!.scaleBar).toBeUndefined();
    const f = renderFigure({ ...base, pixelSizeM: 64.6e-9 });
    const L = f.layout!;
    // 64 px enlarged ×8 = 512 px; a quarter (128 screen px = 16 object px = 1.03 µm) → 1 µm
    expect(L.zoom).toBe(8);
    expect(L.scaleBar!.label).toBe('1 µm');
    expect(L.scaleBar!.width).toBe(Math.round((1e-6 / 64.6e-9) * 8));
    expect(L.scaleBar!.y).toBeGreaterThan(L.image.y + L.image.height);
    expect(f.height).toBeGreaterThanOrEqual(plain.height);
    // the PNG carries the bar: a dark run of exactly its width on its row, nothing on the plain figure's same row
    const png = decodePng(encodeFigurePng(f));
    const row = L.scaleBar!.y + 1;
    let run = 0;
    for (let x = L.scaleBar!.x; x < L.scaleBar!.x + L.scaleBar!.width + 4; x++) {
      const i = (row * png.width + x) * 4;
      if (png.data[i]! < 60 && png.data[i + 3]! === 255) run++;
    }
    expect(run).toBe(L.scaleBar!.width);
    // and the label's glyphs, as the font draws them, right of the bar
    const lineH = GLYPH_HEIGHT * 2;
    const ref = new Uint8ClampedArray(textWidth('1 µm', 2) * lineH * 4);
    drawText(ref, textWidth('1 µm', 2), lineH, '1 µm', 0, 0, [0, 0, 0, 255], 2);
    const lx = L.scaleBar!.x + L.scaleBar!.width + 8;
    const ly = L.image.y + L.image.height + 10;
    let same = 0;
    let inked = 0;
    for (let y = 0; y < lineH; y++)
      for (let x = 0; x < textWidth('1 µm', 2); x++) {
        if (ref[(y * textWidth('1 µm', 2) + x) * 4 + 3] !== 255) continue;
        inked++;
        if (f.rgba[((ly + y) * f.width + lx + x) * 4]! < 60) same++;
      }
    expect(inked).toBeGreaterThan(20);
    expect(same).toBe(inked);
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
