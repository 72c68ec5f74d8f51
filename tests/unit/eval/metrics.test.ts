/**
 * Metrics against values computed independently by tests/unit/eval/make_expected.py
 * (scikit-image / scipy / numpy) on the committed 64×64 fixture pair.
 */
import { describe, expect, it } from 'vitest';
import { gaussianFilter, uniformFilter } from '../../../compute/numerics/filters';
import { image } from '../../../compute/numerics/image';
import {
  dataRangeOf,
  meanAbsoluteError,
  meanSquaredError,
  msSsim,
  psnr,
  psnrOpenCv,
  ssim,
  SSIM_GAUSSIAN,
  SSIM_SKIMAGE_DEFAULTS,
} from '../../../compute/ptycho/eval/metrics';
import { loadExpected, readF64, relClose } from './helpers';

const E = loadExpected();
const a = readF64(E.pairA.a);
const b = readF64(E.pairA.b);
const X = E.pairA.expected;

describe('scipy-compatible filters', () => {
  it('gaussian_filter(σ=1) matches scipy at corners, edges and interior', () => {
    const g = gaussianFilter(a, 1.0);
    X.gaussian_sigma1_samples.index.forEach((idx: number, j: number) => {
      expect(relClose(g.data[idx]!, X.gaussian_sigma1_samples.value[j], 1e-13)).toBe(true);
    });
  });

  it("'reflect' repeats when the kernel is longer than the image (4×3, σ=2 and size 7)", () => {
    const s = E.small_reflect;
    const img = image(s.shape[1], s.shape[0], s.input);
    const g = gaussianFilter(img, 2.0);
    const u = uniformFilter(img, 7);
    for (let i = 0; i < 12; i++) {
      expect(g.data[i]).toBeCloseTo(s.gaussian_sigma2[i], 12);
      expect(u.data[i]).toBeCloseTo(s.uniform_size7[i], 12);
    }
  });
});

describe('pixel metrics (64×64 fixture vs numpy/skimage)', () => {
  it('MAE, MSE, data range', () => {
    expect(relClose(meanAbsoluteError(a, b), X.mae, 1e-12)).toBe(true);
    expect(relClose(meanSquaredError(a, b), X.mse, 1e-12)).toBe(true);
    expect(dataRangeOf(a)).toBeCloseTo(X.data_range, 14);
  });

  it('PSNR with the true data range (skimage) and the 255-peak OpenCV convention', () => {
    expect(psnr(a, b, X.data_range)).toBeCloseTo(X.psnr_db, 10);
    expect(psnrOpenCv(a, b)).toBeCloseTo(X.psnr_255_db, 10);
  });

  it('SSIM, Gaussian window (skimage gaussian_weights=True, σ=1.5, population covariance) to 1e-9 relative', () => {
    const v = ssim(a, b, { ...SSIM_GAUSSIAN, dataRange: X.data_range });
    expect(relClose(v, X.ssim_gaussian, 1e-9)).toBe(true);
  });

  it('SSIM with skimage defaults (7×7 uniform, sample covariance) to 1e-9 relative', () => {
    const v = ssim(a, b, { ...SSIM_SKIMAGE_DEFAULTS, dataRange: X.data_range });
    expect(relClose(v, X.ssim_default, 1e-9)).toBe(true);
  });

  it('MS-SSIM (PtychoPINN algorithm) with and without σ=1 pre-smoothing, per level', () => {
    const m1 = msSsim(a, b, { presmoothSigma: 1.0 });
    expect(relClose(m1.value, X.ms_ssim_sigma1, 1e-9)).toBe(true);
    expect(m1.levelSsim.length).toBe(X.ms_ssim_sigma1_levels.length);
    m1.levelSsim.forEach((v, i) => expect(relClose(v, X.ms_ssim_sigma1_levels[i], 1e-9)).toBe(true));
    const m0 = msSsim(a, b);
    expect(relClose(m0.value, X.ms_ssim_sigma0, 1e-9)).toBe(true);
    // 64 → 32 → 16 → 8 → 4: the 5th level is below 7 px, so 4 levels are used
    expect(m0.levelSsim.length).toBe(4);
    expect(m0.note).toMatch(/stopped after 4 levels/);
  });
});

describe('analytic cases', () => {
  const img = (w: number, h: number, f: (x: number, y: number) => number) => {
    const d = new Float64Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = f(x, y);
    return image(w, h, d);
  };

  it('PSNR of a constant offset d: 10·log10(R²/d²); OpenCV form 20·log10(255/d)', () => {
    const g = img(16, 12, (x, y) => (x * y) / 100);
    const t = img(16, 12, (x, y) => (x * y) / 100 + 0.1);
    expect(psnr(g, t, 2)).toBeCloseTo(10 * Math.log10(4 / 0.01), 9);
    expect(psnrOpenCv(g, t)).toBeCloseTo(20 * Math.log10(255 / 0.1), 9);
    // identical images: +∞ with a data range, ≈ 361.2 dB with OpenCV's DBL_EPSILON
    expect(psnr(g, g, 1)).toBe(Infinity);
    expect(psnrOpenCv(g, g)).toBeCloseTo(20 * Math.log10(255 / 2.220446049250313e-16), 9);
  });

  it('SSIM and MS-SSIM of an image with itself are 1; negative level SSIM is clamped', () => {
    expect(ssim(a, a, { dataRange: 1 })).toBeCloseTo(1, 14);
    expect(msSsim(a, a, { presmoothSigma: 1 }).value).toBeCloseTo(1, 14);
    const neg = image(
      a.width,
      a.height,
      a.data.map((v) => 1 - v),
    );
    const m = msSsim(a, neg);
    expect(m.levelSsim[0]!).toBeLessThan(0);
    expect(m.value).toBeGreaterThan(0);
  });

  it('constant images give NaN SSIM and MS-SSIM 0 (PtychoPINN rule)', () => {
    const c = img(20, 20, () => 3);
    expect(msSsim(c, c).value).toBe(0);
  });

  it('refuses images smaller than the SSIM window', () => {
    const s = img(10, 10, (x) => x);
    expect(() => ssim(s, s, { dataRange: 1 })).toThrow(/exceeds/);
  });
});
