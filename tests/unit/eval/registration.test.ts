import { describe, expect, it } from 'vitest';
import { fft2InPlace } from '../../../compute/numerics/fft2';
import { complexImage, cropImage, image, type Image2D } from '../../../compute/numerics/image';
import {
  estimateShift,
  fourierShiftComplex,
  fourierShiftReal,
  hannWindow,
  phaseCrossCorrelation,
} from '../../../compute/ptycho/eval/registration';
import { loadExpected, readComplex, readF64, rng } from './helpers';

const E = loadExpected();

/** Periodic, band-limited random image: white noise low-passed in Fourier space. */
function smoothPeriodic(w: number, h: number, seed: number, cutoff = 0.12): Image2D {
  const r = rng(seed);
  const re = Float64Array.from({ length: w * h }, () => r() - 0.5);
  const im = new Float64Array(w * h);
  fft2InPlace(re, im, w, h);
  for (let y = 0; y < h; y++) {
    const fy = (y <= h / 2 ? y : y - h) / h;
    for (let x = 0; x < w; x++) {
      const fx = (x <= w / 2 ? x : x - w) / w;
      const g = Math.exp(-(fx * fx + fy * fy) / (2 * cutoff * cutoff));
      re[y * w + x] = re[y * w + x]! * g;
      im[y * w + x] = im[y * w + x]! * g;
    }
  }
  fft2InPlace(re, im, w, h, true);
  return image(
    w,
    h,
    re.map((v) => 1 + 20 * v),
  );
}

describe('phaseCrossCorrelation matches skimage.registration.phase_cross_correlation', () => {
  const a = readF64(E.pairA.a);
  const b = readF64(E.pairA.b);
  const X = E.pairA.expected;
  it('upsample 50, phase normalisation (skimage ≥ 0.19 default)', () => {
    const s = phaseCrossCorrelation(a, b, { upsampleFactor: 50 }).shift;
    expect(s.dy).toBeCloseTo(X.shift_phase_norm[0], 9);
    expect(s.dx).toBeCloseTo(X.shift_phase_norm[1], 9);
  });
  it('upsample 50, no normalisation', () => {
    const s = phaseCrossCorrelation(a, b, { upsampleFactor: 50, normalization: 'none' }).shift;
    expect(s.dy).toBeCloseTo(X.shift_no_norm[0], 9);
    expect(s.dx).toBeCloseTo(X.shift_no_norm[1], 9);
  });
  it('whole-pixel (upsample 1)', () => {
    const s = phaseCrossCorrelation(a, b, { upsampleFactor: 1 }).shift;
    expect(s.dy).toBe(X.shift_upsample1[0]);
    expect(s.dx).toBe(X.shift_upsample1[1]);
  });
  it('windowed estimator on the 96×80 fixture equals skimage on mean-removed, Hann-windowed magnitudes', () => {
    const gt = readComplex(E.pairB.gt_re, E.pairB.gt_im);
    const rec = readComplex(E.pairB.recon_re, E.pairB.recon_im);
    const mag = (z: { width: number; height: number; re: Float64Array; im: Float64Array }) =>
      image(
        z.width,
        z.height,
        z.re.map((v, i) => Math.hypot(v, z.im[i]!)),
      );
    const g = cropImage(mag(gt), { row0: 4, row1: 88, col0: 2, col1: 76 });
    const r = cropImage(mag(rec), { row0: 0, row1: 84, col0: 1, col1: 75 });
    const s = estimateShift(g, r, 'windowed-cross-correlation');
    expect(s.dy).toBeCloseTo(E.pairB.windowed_shift_common[0], 9);
    expect(s.dx).toBeCloseTo(E.pairB.windowed_shift_common[1], 9);
    // and it lands within 0.1 px of the true (blurred, noisy) offset, where phase correlation does not
    expect(Math.abs(s.dy - E.pairB.true_shift_common[0])).toBeLessThan(0.1);
    expect(Math.abs(s.dx - E.pairB.true_shift_common[1])).toBeLessThan(0.1);
  });
});

describe('registration recovers known sub-pixel shifts', () => {
  const shifts: Array<[number, number]> = [
    [0.37, -1.64],
    [-2.13, 0.58],
    [3.71, 2.29],
    [-0.49, -0.51],
  ];
  for (const [w, h] of [
    [64, 64],
    [70, 54],
  ] as const) {
    for (const [dy, dx] of shifts) {
      it(`${h}×${w} periodic image shifted by (${dy}, ${dx}) px: within 0.05 px`, () => {
        const ref = smoothPeriodic(w, h, 11 + w);
        const moved = fourierShiftReal(ref, { dy, dx });
        const s = estimateShift(ref, moved, 'phase-correlation');
        // moving must be moved by −(dy, dx) to line up with the reference
        expect(Math.abs(s.dy + dy)).toBeLessThanOrEqual(0.05);
        expect(Math.abs(s.dx + dx)).toBeLessThanOrEqual(0.05);
      });
    }
  }

  // (PtychoPINN's phase correlation is pulled to zero lag by the crop edges here: e.g. it finds
  // (−1.14, 0) for a (3.71, 2.29) shift, which is why the windowed estimator exists.)
  it('non-periodic crops of a shifted scene (edges present), windowed estimator: within 0.05 px', () => {
    const big = smoothPeriodic(128, 128, 5, 0.08);
    for (const [dy, dx] of shifts) {
      const bigMoved = fourierShiftReal(big, { dy, dx });
      const box = { row0: 20, row1: 100, col0: 24, col1: 90 };
      const ref = cropImage(big, box);
      const mov = cropImage(bigMoved, box);
      const s = estimateShift(ref, mov, 'windowed-cross-correlation');
      expect(Math.abs(s.dy + dy)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(s.dx + dx)).toBeLessThanOrEqual(0.05);
    }
  });
});

describe('Fourier shift', () => {
  it('moves content by +(dy, dx); integer shifts equal a circular roll', () => {
    const w = 20,
      h = 15;
    const z = complexImage(w, h);
    const r = rng(3);
    for (let i = 0; i < w * h; i++) {
      z.re[i] = r();
      z.im[i] = r();
    }
    const s = fourierShiftComplex(z, { dy: 2, dx: -3 });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((y - 2 + h) % h) * w + ((x + 3 + w) % w);
        expect(s.re[y * w + x]).toBeCloseTo(z.re[src]!, 12);
        expect(s.im[y * w + x]).toBeCloseTo(z.im[src]!, 12);
      }
    }
  });

  it('a sub-pixel shift followed by its inverse is the identity', () => {
    const img = smoothPeriodic(33, 27, 9);
    const back = fourierShiftReal(fourierShiftReal(img, { dy: 0.3, dx: -1.7 }), { dy: -0.3, dx: 1.7 });
    back.data.forEach((v, i) => expect(v).toBeCloseTo(img.data[i]!, 12));
  });

  it('symmetric Hann window matches scipy.signal.windows.hann', () => {
    const w = hannWindow(5);
    [0, 0.5, 1, 0.5, 0].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 15));
    expect(Array.from(hannWindow(1))).toEqual([1]);
  });
});
