/**
 * Pixel metrics on real images: MAE, MSE, PSNR (two labelled conventions), SSIM, MS-SSIM.
 * All functions take (reference = ground truth, test = reconstruction) of equal shape.
 */
import { assertSameShape, type Image2D } from '../../numerics/image';
import { gaussianFilter, gaussianKernel1d, separableFilter, uniformFilter } from '../../numerics/filters';

export function meanAbsoluteError(reference: Image2D, test: Image2D): number {
  assertSameShape(reference, test, 'reference', 'test');
  let s = 0;
  for (let i = 0; i < reference.data.length; i++) s += Math.abs(reference.data[i]! - test.data[i]!);
  return s / reference.data.length;
}

export function meanSquaredError(reference: Image2D, test: Image2D): number {
  assertSameShape(reference, test, 'reference', 'test');
  let s = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const d = reference.data[i]! - test.data[i]!;
    s += d * d;
  }
  return s / reference.data.length;
}

/** max − min of an image (numpy `ptp`). */
export function dataRangeOf(img: Image2D): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of img.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

/**
 * PSNR with an explicit peak (data range): 10·log10(R²/MSE) dB, as
 * skimage.metrics.peak_signal_noise_ratio(reference, test, data_range=R).
 * +Infinity when the images are identical.
 */
export function psnr(reference: Image2D, test: Image2D, dataRange: number): number {
  if (!(dataRange > 0)) throw new Error(`PSNR data range must be > 0, got ${dataRange}`);
  const mse = meanSquaredError(reference, test);
  return 10 * Math.log10((dataRange * dataRange) / mse);
}

/** DBL_EPSILON, which OpenCV adds to the RMS difference. */
export const DBL_EPSILON = 2.220446049250313e-16;

/**
 * PtychoPINN's PSNR: OpenCV `cv2.PSNR(reference, test)` with its default peak R = 255,
 * i.e. 20·log10(R / (√MSE + DBL_EPSILON)) dB, whatever the images' actual range.
 * Values are therefore not comparable with `psnr` (identical images give ≈ 361 dB).
 */
export function psnrOpenCv(reference: Image2D, test: Image2D, peak = 255): number {
  const rms = Math.sqrt(meanSquaredError(reference, test));
  return 20 * Math.log10(peak / (rms + DBL_EPSILON));
}

export interface SsimOptions {
  /** Dynamic range R of the data (C1 = (K1·R)², C2 = (K2·R)²). Required. */
  dataRange: number;
  /** 'gaussian' (default; σ = 1.5, truncated at 3.5σ → 11×11) or 'uniform' (winSize×winSize box). */
  window?: 'gaussian' | 'uniform';
  sigma?: number;
  /** Side of the uniform window (odd), default 7. Ignored for the Gaussian window. */
  winSize?: number;
  /** Scale variances by NP/(NP−1), NP = winSize². Default false. */
  useSampleCovariance?: boolean;
  k1?: number;
  k2?: number;
}

/**
 * SSIM of Wang et al. (2004) in the variant of skimage.metrics.structural_similarity:
 * Gaussian weights σ = 1.5 with `use_sample_covariance=False` (the default here), or
 * skimage's own defaults (7×7 uniform window, sample covariance) via SSIM_SKIMAGE_DEFAULTS.
 * Local statistics use scipy filters with 'reflect' borders; the SSIM map is averaged after
 * cropping (winSize−1)/2 pixels from every edge, as skimage does.
 */
export const SSIM_GAUSSIAN: Omit<SsimOptions, 'dataRange'> = Object.freeze({
  window: 'gaussian',
  sigma: 1.5,
  useSampleCovariance: false,
});

/** skimage's defaults (what PtychoPINN's `structural_similarity(a, b, data_range=R)` call uses). */
export const SSIM_SKIMAGE_DEFAULTS: Omit<SsimOptions, 'dataRange'> = Object.freeze({
  window: 'uniform',
  winSize: 7,
  useSampleCovariance: true,
});

export function ssimWindowSize(opts: Omit<SsimOptions, 'dataRange'>): number {
  if ((opts.window ?? 'gaussian') === 'gaussian') {
    const sigma = opts.sigma ?? 1.5;
    return 2 * Math.floor(3.5 * sigma + 0.5) + 1;
  }
  return opts.winSize ?? 7;
}

export function ssim(reference: Image2D, test: Image2D, opts: SsimOptions): number {
  assertSameShape(reference, test, 'reference', 'test');
  const { dataRange } = opts;
  if (!Number.isFinite(dataRange) || dataRange < 0)
    throw new Error(`SSIM data range must be ≥ 0, got ${dataRange}`);
  const gaussian = (opts.window ?? 'gaussian') === 'gaussian';
  const winSize = ssimWindowSize(opts);
  if (winSize % 2 === 0) throw new Error(`SSIM window size must be odd, got ${winSize}`);
  if (reference.width < winSize || reference.height < winSize) {
    throw new Error(
      `SSIM window (${winSize}×${winSize}) exceeds the ${reference.height}×${reference.width} image`,
    );
  }
  const kernel = gaussian ? gaussianKernel1d(opts.sigma ?? 1.5, 3.5) : null;
  const filt = (img: Image2D): Image2D =>
    kernel ? separableFilter(img, kernel) : uniformFilter(img, winSize);
  const n = reference.data.length;
  const x = reference.data;
  const y = test.data;
  const mk = (f: (i: number) => number): Image2D => {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = f(i);
    return { width: reference.width, height: reference.height, data: d };
  };
  const ux = filt(reference).data;
  const uy = filt(test).data;
  const uxx = filt(mk((i) => x[i]! * x[i]!)).data;
  const uyy = filt(mk((i) => y[i]! * y[i]!)).data;
  const uxy = filt(mk((i) => x[i]! * y[i]!)).data;
  const np = winSize * winSize;
  const covNorm = opts.useSampleCovariance ? np / (np - 1) : 1;
  const c1 = ((opts.k1 ?? 0.01) * dataRange) ** 2;
  const c2 = ((opts.k2 ?? 0.03) * dataRange) ** 2;
  const pad = (winSize - 1) >> 1;
  const { width, height } = reference;
  let sum = 0;
  let count = 0;
  for (let r = pad; r < height - pad; r++) {
    for (let c = pad; c < width - pad; c++) {
      const i = r * width + c;
      const mx = ux[i]!;
      const my = uy[i]!;
      const vx = covNorm * (uxx[i]! - mx * mx);
      const vy = covNorm * (uyy[i]! - my * my);
      const vxy = covNorm * (uxy[i]! - mx * my);
      const a1 = 2 * mx * my + c1;
      const a2 = 2 * vxy + c2;
      const b1 = mx * mx + my * my + c1;
      const b2 = vx + vy + c2;
      sum += (a1 * a2) / (b1 * b2);
      count++;
    }
  }
  return sum / count;
}

/** PtychoPINN's MS-SSIM level weights (Wang et al. 2003). */
export const MS_SSIM_WEIGHTS = Object.freeze([0.0448, 0.2856, 0.3001, 0.2363, 0.1333]);

export interface MsSsimOptions {
  /** Gaussian pre-smoothing σ of both images (scipy gaussian_filter, truncate 4); 0 = none. */
  presmoothSigma?: number;
  /** SSIM used at every level; default skimage defaults (PtychoPINN's call). */
  ssim?: Omit<SsimOptions, 'dataRange'>;
  weights?: readonly number[];
}

export interface MsSsimResult {
  value: number;
  /** SSIM at each level actually computed (before clamping). */
  levelSsim: number[];
  dataRange: number;
  /** Why the product stopped early, if it did. */
  note?: string;
}

/**
 * PtychoPINN's MS-SSIM: the product over levels ℓ of SSIM_ℓ^{w_ℓ}, where every level uses the
 * full SSIM (not contrast·structure), one data range max(ptp(a), ptp(b)) fixed after the
 * optional pre-smoothing, decimation by taking every 2nd pixel, and an early stop when the
 * decimated side drops below max(7, window) (remaining weights are simply not applied).
 * A negative level SSIM is clamped to 1e-4; a NaN level (e.g. constant images) makes the
 * result 0.
 */
export function msSsim(reference: Image2D, test: Image2D, opts: MsSsimOptions = {}): MsSsimResult {
  assertSameShape(reference, test, 'reference', 'test');
  const weights = opts.weights ?? MS_SSIM_WEIGHTS;
  const ssimOpts = opts.ssim ?? SSIM_SKIMAGE_DEFAULTS;
  const minSide = Math.max(7, ssimWindowSize(ssimOpts));
  let a = reference;
  let b = test;
  const sigma = opts.presmoothSigma ?? 0;
  if (sigma > 0) {
    a = gaussianFilter(a, sigma);
    b = gaussianFilter(b, sigma);
  }
  const dataRange = Math.max(dataRangeOf(a), dataRangeOf(b));
  let value = 1;
  const levelSsim: number[] = [];
  for (let level = 0; level < weights.length; level++) {
    let s = ssim(a, b, { ...ssimOpts, dataRange });
    levelSsim.push(s);
    if (Number.isNaN(s))
      return { value: 0, levelSsim, dataRange, note: `NaN SSIM at level ${level}; MS-SSIM set to 0` };
    if (s < 0) s = 1e-4;
    value *= s ** weights[level]!;
    if (level < weights.length - 1) {
      a = decimate2(a);
      b = decimate2(b);
      if (Math.min(a.width, a.height) < minSide) {
        return {
          value,
          levelSsim,
          dataRange,
          note: `stopped after ${level + 1} levels: next level ${a.height}×${a.width} is smaller than ${minSide} px`,
        };
      }
    }
  }
  return { value, levelSsim, dataRange };
}

/** Every 2nd pixel starting at 0 (numpy `img[::2, ::2]`). */
export function decimate2(img: Image2D): Image2D {
  const w = Math.ceil(img.width / 2);
  const h = Math.ceil(img.height / 2);
  const d = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = img.data[2 * y * img.width + 2 * x]!;
  return { width: w, height: h, data: d };
}
