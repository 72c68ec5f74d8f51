import { describe, expect, it } from 'vitest';
import { renderFigure, tileFigures, zoomFactor } from '../../../compute/render/figure';
import { drawText, glyphRows, textWidth } from '../../../compute/render/font';
import { getColormap } from '../../../compute/render/colormaps';
import { decodePng, encodeFigurePng } from '../../../compute/io/png';

const W = 180;
const ramp = Float32Array.from({ length: W * W }, (_, i) => ((i % W) / (W - 1)) * 2 * Math.PI - Math.PI);
const mask = Float32Array.from({ length: W * W }, (_, i) => (Math.floor(i / W) < 20 ? 0 : 1)); // top 20 rows uncovered

const dark = (d: Uint8ClampedArray | Uint8Array, i: number): boolean =>
  d[i]! < 80 && d[i + 1]! < 80 && d[i + 2]! < 80 && d[i + 3]! === 255;

describe('figure PNGs (title, colour bar, ≥ 600 px)', () => {
  const f = renderFigure({
    title: 'PINN · phase',
    values: ramp,
    width: W,
    height: W,
    colormap: 'twilight',
    unit: 'phase (rad)',
    mask,
  });
  const L = f.layout!;

  it('is at least 600 px wide with the image enlarged by an integer factor', () => {
    expect(f.width).toBeGreaterThanOrEqual(600);
    expect(L.zoom).toBe(3);
    expect(L.image.width).toBe(540);
    expect(zoomFactor(64, 64)).toBe(8);
    const png = decodePng(encodeFigurePng(f));
    expect([png.width, png.height, png.channels]).toEqual([f.width, f.height, 4]);
  });

  it('has a colour bar in the same colormap, vmax on top, with tick marks and labels beside it', () => {
    const lut = getColormap('twilight');
    const at = (x: number, y: number) =>
      Array.from(f.rgba.subarray((y * f.width + x) * 4, (y * f.width + x) * 4 + 3));
    const cx = L.bar.x + Math.floor(L.bar.width / 2);
    expect(at(cx, L.bar.y)).toEqual(Array.from(lut.subarray(255 * 4, 255 * 4 + 3)));
    expect(at(cx, L.bar.y + L.bar.height - 1)).toEqual(Array.from(lut.subarray(0, 3)));
    let labelInk = 0;
    for (let y = L.bar.y; y < L.bar.y + L.bar.height; y++)
      for (let x = L.bar.x + L.bar.width + 6; x < f.width; x++)
        if (dark(f.rgba, (y * f.width + x) * 4)) labelInk++;
    expect(labelInk).toBeGreaterThan(200);
  });

  it('draws the title and leaves uncovered pixels transparent', () => {
    let titleInk = 0;
    for (let y = 0; y < L.image.y; y++)
      for (let x = 0; x < f.width; x++) if (dark(f.rgba, (y * f.width + x) * 4)) titleInk++;
    expect(titleInk).toBeGreaterThan(100);
    const inside = (y: number, x: number) => f.rgba[((L.image.y + y) * f.width + L.image.x + x) * 4 + 3];
    expect(inside(10, 100)).toBe(0); // row 3 of the data: uncovered
    expect(inside(200, 100)).toBe(255);
  });

  it('tiles figures into a grid', () => {
    const t = tileFigures([f, f, f, f], 2);
    expect([t.width, t.height]).toEqual([2 * f.width, 2 * f.height]);
  });
});

describe('bitmap font', () => {
  it('has distinct glyphs, a fallback, and measured widths', () => {
    expect(glyphRows('A')).not.toEqual(glyphRows('B'));
    expect(glyphRows('π')).not.toEqual(glyphRows('?'));
    expect(glyphRows('\u2603')).toEqual(glyphRows('?'));
    expect(textWidth('ab', 2)).toBe(22);
    const buf = new Uint8ClampedArray(12 * 8 * 4);
    drawText(buf, 12, 8, 'I', 0, 0, [0, 0, 0, 255]);
    expect(buf[(0 * 12 + 2) * 4 + 3]).toBe(255); // top of the I's stem
    expect(buf[(0 * 12 + 0) * 4 + 3]).toBe(0);
  });
});
