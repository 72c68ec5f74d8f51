import { describe, expect, it } from 'vitest';
import {
  COLORMAP_NAMES,
  LUT_SIZE,
  colormapGradientCss,
  getColormap,
  getPackedColormap,
  isCyclic,
  srgbLightness,
  type ColormapName,
} from '../../../compute/render/colormaps';

const rgb = (lut: Uint8ClampedArray, i: number): number[] => [lut[i * 4]!, lut[i * 4 + 1]!, lut[i * 4 + 2]!];
const hex = (h: string): number[] => [0, 2, 4].map((o) => parseInt(h.slice(o, o + 2), 16));
const lightness = (lut: Uint8ClampedArray): number[] =>
  Array.from({ length: LUT_SIZE }, (_, i) => srgbLightness(lut[i * 4]!, lut[i * 4 + 1]!, lut[i * 4 + 2]!));

// matplotlib's _cm_listed tables at entries 0, 64, 128, 192, 255 (8-bit), independent of the anchors used.
const PUBLISHED: Record<string, Record<number, string>> = {
  viridis: { 0: '440154', 64: '3b528b', 128: '21918c', 192: '5ec962', 255: 'fde725' },
  magma: { 0: '000004', 64: '51127c', 128: 'b73779', 192: 'fc8961', 255: 'fcfdbf' },
  inferno: { 0: '000004', 64: '57106e', 128: 'bc3754', 192: 'f98e09', 255: 'fcffa4' },
  cividis: { 0: '00224e', 64: '434e6c', 128: '7d7c78', 192: 'bcae6c', 255: 'fee838' },
};

describe('colormaps', () => {
  it('every map is a 256-entry opaque RGBA LUT, cached', () => {
    for (const name of COLORMAP_NAMES) {
      const lut = getColormap(name);
      expect(lut.length).toBe(LUT_SIZE * 4);
      for (let i = 0; i < LUT_SIZE; i++) expect(lut[i * 4 + 3]).toBe(255);
      expect(getColormap(name)).toBe(lut);
      expect(getPackedColormap(name).length).toBe(LUT_SIZE);
    }
  });

  it('matches the published matplotlib tables at the endpoints and quartiles', () => {
    for (const [name, points] of Object.entries(PUBLISHED)) {
      const lut = getColormap(name as ColormapName);
      const tol = 2;
      for (const [i, h] of Object.entries(points)) {
        const got = rgb(lut, Number(i));
        const want = hex(h);
        for (let c = 0; c < 3; c++)
          expect(Math.abs(got[c]! - want[c]!), `${name}[${i}] channel ${c}`).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('gray runs black → white', () => {
    const lut = getColormap('gray');
    expect(rgb(lut, 0)).toEqual([0, 0, 0]);
    expect(rgb(lut, 255)).toEqual([255, 255, 255]);
  });

  it.each(['viridis', 'magma', 'inferno', 'cividis', 'gray'] as ColormapName[])(
    '%s has monotonically increasing lightness',
    (name) => {
      const L = lightness(getColormap(name));
      // 8-bit quantisation can make two neighbours equal or invert by a hair; allow 0.3 L* units.
      for (let i = 1; i < LUT_SIZE; i++) expect(L[i]! - L[i - 1]!, `${name} step ${i}`).toBeGreaterThan(-0.3);
      expect(L[255]! - L[0]!).toBeGreaterThan(75);
      // Perceptually uniform: no region of the map is much steeper than average.
      const avg = (L[255]! - L[0]!) / 255;
      for (let i = 8; i < LUT_SIZE; i += 8) expect((L[i]! - L[i - 8]!) / 8).toBeLessThan(avg * 2.2);
    },
  );

  it.each(['twilight', 'hsv'] as ColormapName[])(
    '%s is cyclic: last entry ≈ first, no jumps anywhere',
    (name) => {
      expect(isCyclic(name)).toBe(true);
      const lut = getColormap(name);
      const dist = (i: number, j: number): number =>
        Math.max(...[0, 1, 2].map((c) => Math.abs(lut[i * 4 + c]! - lut[j * 4 + c]!)));
      let maxStep = 0;
      for (let i = 1; i < LUT_SIZE; i++) maxStep = Math.max(maxStep, dist(i, i - 1));
      expect(dist(255, 0)).toBeLessThanOrEqual(maxStep);
      expect(dist(255, 0)).toBeLessThanOrEqual(12);
      expect(maxStep).toBeLessThanOrEqual(12);
    },
  );

  it('twilight: phase 0 (middle) is the light neutral point, ±π the dark one, symmetric in lightness', () => {
    const lut = getColormap('twilight');
    const L = lightness(lut);
    const [r, g, b] = rgb(lut, 128);
    expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!)).toBeLessThan(12); // near grey
    expect(L[128]!).toBeGreaterThan(85);
    expect(L[0]!).toBeLessThan(25);
    for (let k = 1; k < 127; k++) expect(Math.abs(L[128 + k]! - L[128 - k]!)).toBeLessThan(3);
    expect(isCyclic('viridis')).toBe(false);
  });

  it('builds a CSS gradient for swatches', () => {
    const css = colormapGradientCss('viridis', 'to top', 4);
    expect(css.startsWith('linear-gradient(to top, rgb(68, 1, 84) 0.0%')).toBe(true);
    expect(css.endsWith('rgb(253, 231, 37) 100.0%)')).toBe(true);
  });
});
