import { describe, expect, it } from 'vitest';
import {
  alignForEvaluation,
  fitPlane,
  matchMean,
  removePlane,
  scanBoundingBox,
  subtractMean,
  trimImage,
} from '../../../compute/ptycho/eval/alignment';
import { centreCropBox, complexImage, image } from '../../../compute/numerics/image';

function grid(w: number, h: number, f: (x: number, y: number) => number) {
  const d = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = f(x, y);
  return image(w, h, d);
}

describe('phase plane removal', () => {
  it('is exact on a synthetic ramp a·x + b·y + c (x = column, y = row)', () => {
    const ramp = grid(37, 23, (x, y) => 0.013 * x - 0.271 * y + 1.9);
    const p = fitPlane(ramp);
    expect(p.a).toBeCloseTo(0.013, 14);
    expect(p.b).toBeCloseTo(-0.271, 14);
    expect(p.c).toBeCloseTo(1.9, 13);
    const { image: res } = removePlane(ramp);
    res.data.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-13));
  });

  it('removes only the plane: a zero-mean, plane-orthogonal pattern survives unchanged', () => {
    // cos(2πx/w)·cos(2πy/h) is orthogonal to 1, x and y on the full grid
    const w = 32,
      h = 20;
    const pattern = (x: number, y: number) =>
      Math.cos((2 * Math.PI * x) / w) * Math.cos((2 * Math.PI * y) / h);
    const img = grid(w, h, (x, y) => pattern(x, y) + 0.5 * x - 0.2 * y + 3);
    const { image: res, plane } = removePlane(img);
    expect(plane.a).toBeCloseTo(0.5, 12);
    expect(plane.b).toBeCloseTo(-0.2, 12);
    res.data.forEach((v, i) => expect(v).toBeCloseTo(pattern(i % w, Math.floor(i / w)), 12));
  });

  it('mean subtraction', () => {
    const img = grid(5, 4, (x, y) => x + 10 * y);
    const { image: res, mean } = subtractMean(img);
    expect(mean).toBeCloseTo(2 + 15, 12);
    expect(res.data.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 11);
  });
});

describe('amplitude mean-matching and trimming', () => {
  it('scales the reconstruction by mean(gt)/mean(recon)', () => {
    const gt = grid(6, 6, (x, y) => 1 + x + y);
    const rec = grid(6, 6, (x, y) => 3 * (1 + x + y));
    const { image: m, scale } = matchMean(gt, rec);
    expect(scale).toBeCloseTo(1 / 3, 14);
    m.data.forEach((v, i) => expect(v).toBeCloseTo(gt.data[i]!, 12));
  });

  it('trims offset/2 pixels per side', () => {
    const t = trimImage(
      grid(10, 8, (x, y) => 100 * y + x),
      2,
    );
    expect([t.height, t.width]).toEqual([4, 6]);
    expect(t.data[0]).toBe(202);
  });
});

describe('scan-area crop and common centre crop', () => {
  it('rows [trunc(min y) − M/2, trunc(max y) + M/2), clipped; trunc is toward zero', () => {
    const box = scanBoundingBox({ width: 80, height: 96 }, { y: [14.3, 79.8, 30], x: [12.6, 66.2, 40] }, 20);
    expect(box).toEqual({ row0: 4, row1: 89, col0: 2, col1: 76 });
    const clipped = scanBoundingBox({ width: 50, height: 50 }, { y: [-0.7, 45.9], x: [3.2, 49.9] }, 20);
    // trunc(−0.7) = 0 → 0 − 10 clipped to 0; 45 + 10 = 55 clipped to 50
    expect(clipped).toEqual({ row0: 0, row1: 50, col0: 0, col1: 50 });
    const odd = scanBoundingBox({ width: 100, height: 100 }, { y: [50], x: [50] }, 21);
    expect(odd).toEqual({ row0: 40, row1: 60, col0: 40, col1: 60 });
  });

  it('refuses a scan area outside the ground truth', () => {
    expect(() => scanBoundingBox({ width: 10, height: 10 }, { y: [200], x: [200] }, 20)).toThrow(
      /does not overlap/,
    );
    expect(() => scanBoundingBox({ width: 10, height: 10 }, { y: [], x: [] }, 20)).toThrow(/non-empty/);
  });

  it('centre crop start = floor((size − target)/2)', () => {
    expect(centreCropBox({ width: 76, height: 84 }, 84, 74)).toEqual({
      row0: 0,
      row1: 84,
      col0: 1,
      col1: 75,
    });
    expect(centreCropBox({ width: 10, height: 9 }, 4, 4)).toEqual({ row0: 2, row1: 6, col0: 3, col1: 7 });
  });

  it('crops both complex images to the common shape and reports the boxes', () => {
    const gt = complexImage(80, 96);
    const rec = complexImage(76, 84);
    for (let i = 0; i < gt.re.length; i++) gt.re[i] = i;
    for (let i = 0; i < rec.re.length; i++) rec.re[i] = -i;
    const a = alignForEvaluation(rec, gt, { y: [14.3, 79.8], x: [12.6, 66.2] }, 20);
    expect([a.recon.height, a.recon.width]).toEqual([84, 74]);
    expect([a.groundTruth.height, a.groundTruth.width]).toEqual([84, 74]);
    expect(a.groundTruth.re[0]).toBe(4 * 80 + 2);
    expect(a.recon.re[0]).toBe(-1);
    const noCoords = alignForEvaluation(rec, gt, undefined);
    expect(noCoords.groundTruthScanBox).toBeNull();
    expect(noCoords.groundTruthCommonBox).toEqual({ row0: 6, row1: 90, col0: 2, col1: 78 });
  });
});
