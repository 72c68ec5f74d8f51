import { describe, expect, it } from 'vitest';
import { renderFigure } from '../../../compute/render/figure';
import { decodePng, encodeFigurePng } from '../../../compute/io/png';
import { drawText, textWidth, GLYPH_HEIGHT } from '../../../compute/render/font';

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
