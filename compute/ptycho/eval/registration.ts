/**
 * Sub-pixel translation registration and Fourier-domain shifting.
 *
 * `phaseCrossCorrelation` follows the algorithm of scikit-image's
 * `skimage.registration.phase_cross_correlation` (Guizar-Sicairos et al., Opt. Lett. 33,
 * 156 (2008)): whole-pixel peak of the (phase-normalised by default) cross-correlation, then a
 * 1.5-pixel neighbourhood refined on an upsampled grid by a matrix-multiply DFT.
 *
 * Shift convention (skimage's, and PtychoPINN's `find_translation_offset`): the returned
 * (dy, dx) in pixels is the translation to APPLY TO `moving` so that it lines up with
 * `reference`; dy is along rows (down), dx along columns (right). `fourierShift*` moves
 * content by +(dy, dx), so `fourierShift(moving, phaseCrossCorrelation(ref, moving).shift)`
 * registers the two.
 */
import { fft2InPlace, fftfreq } from '../../numerics/fft2';
import {
  assertSameShape,
  complexImage,
  image,
  type ComplexImage2D,
  type Image2D,
} from '../../numerics/image';

export interface ShiftPx {
  /** Rows (down), pixels. */
  dy: number;
  /** Columns (right), pixels. */
  dx: number;
}

export interface PhaseCrossCorrelationOptions {
  /** Sub-pixel precision is 1/upsampleFactor pixel. Default 50 (PtychoPINN). */
  upsampleFactor?: number;
  /** 'phase' (skimage ≥ 0.19 default) whitens the cross-power spectrum; 'none' does not. */
  normalization?: 'phase' | 'none';
}

export interface PhaseCrossCorrelationResult {
  shift: ShiftPx;
  /** Whole-pixel estimate before refinement. */
  coarseShift: ShiftPx;
  upsampleFactor: number;
}

const EPS = 2.220446049250313e-16;

export function phaseCrossCorrelation(
  reference: Image2D,
  moving: Image2D,
  opts: PhaseCrossCorrelationOptions = {},
): PhaseCrossCorrelationResult {
  assertSameShape(reference, moving, 'reference', 'moving');
  return correlateSpectra(spectrumOf(reference), spectrumOf(moving), reference.width, reference.height, opts);
}

interface Spectrum {
  re: Float64Array;
  im: Float64Array;
}

function spectrumOf(img: Image2D): Spectrum {
  const re = Float64Array.from(img.data);
  const im = new Float64Array(re.length);
  fft2InPlace(re, im, img.width, img.height);
  return { re, im };
}

/** skimage's algorithm from the two spectra S (reference) and T (moving). */
function correlateSpectra(
  s: Spectrum,
  t: Spectrum,
  w: number,
  h: number,
  opts: PhaseCrossCorrelationOptions,
): PhaseCrossCorrelationResult {
  const uf = opts.upsampleFactor ?? 50;
  if (!(uf >= 1)) throw new Error(`upsample factor must be ≥ 1, got ${uf}`);
  const n = w * h;
  const { re: sr, im: si } = s;
  const { re: tr, im: ti } = t;
  // image product P = S·conj(T), optionally whitened
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  const whiten = (opts.normalization ?? 'phase') === 'phase';
  for (let i = 0; i < n; i++) {
    let re = sr[i]! * tr[i]! + si[i]! * ti[i]!;
    let im = si[i]! * tr[i]! - sr[i]! * ti[i]!;
    if (whiten) {
      const mag = Math.max(Math.hypot(re, im), 100 * EPS);
      re /= mag;
      im /= mag;
    }
    pr[i] = re;
    pi[i] = im;
  }
  const cr = Float64Array.from(pr);
  const ci = Float64Array.from(pi);
  fft2InPlace(cr, ci, w, h, true);
  let best = -1;
  let bestIdx = 0;
  for (let i = 0; i < n; i++) {
    const m = cr[i]! * cr[i]! + ci[i]! * ci[i]!;
    if (m > best) {
      best = m;
      bestIdx = i;
    }
  }
  let sy = Math.floor(bestIdx / w);
  let sx = bestIdx % w;
  if (sy > Math.trunc(h / 2)) sy -= h;
  if (sx > Math.trunc(w / 2)) sx -= w;
  const coarseShift = { dy: sy, dx: sx };
  let dy = sy;
  let dx = sx;
  if (uf > 1) {
    dy = Math.round(dy * uf) / uf;
    dx = Math.round(dx * uf) / uf;
    const region = Math.ceil(uf * 1.5);
    const dftshift = Math.trunc(region / 2);
    const offY = dftshift - dy * uf;
    const offX = dftshift - dx * uf;
    const { re: ur, im: ui } = upsampledDft(pr, pi, w, h, region, uf, offY, offX);
    best = -1;
    bestIdx = 0;
    for (let i = 0; i < region * region; i++) {
      const m = ur[i]! * ur[i]! + ui[i]! * ui[i]!;
      if (m > best) {
        best = m;
        bestIdx = i;
      }
    }
    dy += (Math.floor(bestIdx / region) - dftshift) / uf;
    dx += ((bestIdx % region) - dftshift) / uf;
  }
  if (h === 1) dy = 0;
  if (w === 1) dx = 0;
  return { shift: { dy, dx }, coarseShift, upsampleFactor: uf };
}

/**
 * Cross-correlation sampled on a region×region grid with spacing 1/uf pixel, starting
 * (offY, offX) upsampled pixels before zero lag: out[v,u] = Σ_{y,x} P[y,x]·
 * e^{+2πi[(v−offY)·fy(y) + (u−offX)·fx(x)]/uf}, fy = fftfreq(h), fx = fftfreq(w).
 * Only |out| is used, so the overall conjugation skimage applies does not matter.
 */
function upsampledDft(
  pr: Float64Array,
  pi: Float64Array,
  w: number,
  h: number,
  region: number,
  uf: number,
  offY: number,
  offX: number,
): { re: Float64Array; im: Float64Array } {
  const fx = fftfreq(w, uf);
  const fy = fftfreq(h, uf);
  // kernels Kx[u,x] = e^{+2πi(u−offX)fx[x]}, Ky[v,y] = e^{+2πi(v−offY)fy[y]}
  const kxr = new Float64Array(region * w);
  const kxi = new Float64Array(region * w);
  for (let u = 0; u < region; u++) {
    for (let x = 0; x < w; x++) {
      const a = 2 * Math.PI * (u - offX) * fx[x]!;
      kxr[u * w + x] = Math.cos(a);
      kxi[u * w + x] = Math.sin(a);
    }
  }
  const kyr = new Float64Array(region * h);
  const kyi = new Float64Array(region * h);
  for (let v = 0; v < region; v++) {
    for (let y = 0; y < h; y++) {
      const a = 2 * Math.PI * (v - offY) * fy[y]!;
      kyr[v * h + y] = Math.cos(a);
      kyi[v * h + y] = Math.sin(a);
    }
  }
  // T[y,u] = Σ_x P[y,x]·Kx[u,x]
  const tr = new Float64Array(h * region);
  const ti = new Float64Array(h * region);
  for (let y = 0; y < h; y++) {
    for (let u = 0; u < region; u++) {
      let sr = 0;
      let si = 0;
      for (let x = 0; x < w; x++) {
        const a = pr[y * w + x]!;
        const b = pi[y * w + x]!;
        const c = kxr[u * w + x]!;
        const d = kxi[u * w + x]!;
        sr += a * c - b * d;
        si += a * d + b * c;
      }
      tr[y * region + u] = sr;
      ti[y * region + u] = si;
    }
  }
  // out[v,u] = Σ_y Ky[v,y]·T[y,u]
  const or = new Float64Array(region * region);
  const oi = new Float64Array(region * region);
  for (let v = 0; v < region; v++) {
    for (let y = 0; y < h; y++) {
      const c = kyr[v * h + y]!;
      const d = kyi[v * h + y]!;
      for (let u = 0; u < region; u++) {
        const a = tr[y * region + u]!;
        const b = ti[y * region + u]!;
        or[v * region + u] += a * c - b * d;
        oi[v * region + u] += a * d + b * c;
      }
    }
  }
  return { re: or, im: oi };
}

/**
 * Translates a complex image by (dy, dx) pixels with the Fourier phase ramp
 * e^{−2πi(dy·ky + dx·kx)} (periodic boundary: content leaving one edge re-enters at the
 * other, hence the border crop after registration). Content moves by +(dy, dx).
 */
export function fourierShiftComplex(img: ComplexImage2D, shift: ShiftPx): ComplexImage2D {
  const { width: w, height: h } = img;
  const re = Float64Array.from(img.re);
  const im = Float64Array.from(img.im);
  fft2InPlace(re, im, w, h);
  const ky = fftfreq(h);
  const kx = fftfreq(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = -2 * Math.PI * (shift.dy * ky[y]! + shift.dx * kx[x]!);
      const c = Math.cos(a);
      const s = Math.sin(a);
      const i = y * w + x;
      const r = re[i]!;
      const q = im[i]!;
      re[i] = r * c - q * s;
      im[i] = r * s + q * c;
    }
  }
  fft2InPlace(re, im, w, h, true);
  return complexImage(w, h, re, im);
}

/** Real-image variant of `fourierShiftComplex` (keeps the real part, like PtychoPINN). */
export function fourierShiftReal(img: Image2D, shift: ShiftPx): Image2D {
  const z = fourierShiftComplex(
    { width: img.width, height: img.height, re: img.data, im: new Float64Array(img.data.length) },
    shift,
  );
  return image(img.width, img.height, z.re);
}

/** Symmetric Hann window of length n (scipy.signal.windows.hann(n, sym=True)). */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

/** (img − mean(img)) · hann(rows) ⊗ hann(cols): removes the edge discontinuities that a
 * periodic cross-correlation otherwise sees as a strong zero-lag match. */
export function meanRemovedHann(img: Image2D): Image2D {
  const { width: w, height: h } = img;
  let mean = 0;
  for (const v of img.data) mean += v;
  mean /= img.data.length;
  const wy = hannWindow(h);
  const wx = hannWindow(w);
  const out = image(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) out.data[y * w + x] = (img.data[y * w + x]! - mean) * wy[y]! * wx[x]!;
  return out;
}

/**
 * Registration estimators offered by the pipeline:
 * - 'phase-correlation' (default, PtychoPINN parity): skimage's phase_cross_correlation on the
 *   raw magnitudes, phase-normalised. Non-periodic image edges and noise can pull it towards
 *   zero lag.
 * - 'windowed-cross-correlation': mean removed, Hann-windowed, unnormalised cross-correlation,
 *   same sub-pixel refinement. More robust on cropped, noisy, blurred reconstructions. Because
 *   the window does not move with the content, one pass is biased towards zero by a few % of
 *   the shift; the estimate is therefore iterated: the moving image is Fourier-shifted by the
 *   running estimate (wrapped-around edges fall where the window is ≈ 0) and the residual is
 *   measured again, up to `WINDOWED_ITERATIONS` passes or until the residual is below 1/upsample.
 */
export const WINDOWED_ITERATIONS = 4;

export type RegistrationEstimator = 'phase-correlation' | 'windowed-cross-correlation';

export function estimateShift(
  reference: Image2D,
  moving: Image2D,
  estimator: RegistrationEstimator,
  upsampleFactor = 50,
  /** Passes of the windowed estimator (1 = no refinement of the window bias). */
  windowedIterations = WINDOWED_ITERATIONS,
): ShiftPx {
  if (estimator === 'phase-correlation') {
    return phaseCrossCorrelation(reference, moving, { upsampleFactor, normalization: 'phase' }).shift;
  }
  if (estimator === 'windowed-cross-correlation') {
    assertSameShape(reference, moving, 'reference', 'moving');
    const { width: w, height: h } = moving;
    const ref = spectrumOf(meanRemovedHann(reference));
    const movSpectrum = spectrumOf(moving);
    const ky = fftfreq(h);
    const kx = fftfreq(w);
    let dy = 0;
    let dx = 0;
    for (let it = 0; it < Math.max(1, windowedIterations); it++) {
      let mov = moving;
      if (it > 0) {
        // Fourier-shift the moving image by the running estimate, from its cached spectrum
        const re = new Float64Array(w * h);
        const im = new Float64Array(w * h);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const a = -2 * Math.PI * (dy * ky[y]! + dx * kx[x]!);
            const c = Math.cos(a);
            const s = Math.sin(a);
            const i = y * w + x;
            re[i] = movSpectrum.re[i]! * c - movSpectrum.im[i]! * s;
            im[i] = movSpectrum.re[i]! * s + movSpectrum.im[i]! * c;
          }
        }
        fft2InPlace(re, im, w, h, true);
        mov = image(w, h, re);
      }
      const d = correlateSpectra(ref, spectrumOf(meanRemovedHann(mov)), w, h, {
        upsampleFactor,
        normalization: 'none',
      }).shift;
      dy += d.dy;
      dx += d.dx;
      if (Math.abs(d.dy) < 0.5 / upsampleFactor && Math.abs(d.dx) < 0.5 / upsampleFactor) break;
    }
    // the running sum of multiples of 1/upsample: snap away accumulated rounding
    return {
      dy: Math.round(dy * upsampleFactor) / upsampleFactor,
      dx: Math.round(dx * upsampleFactor) / upsampleFactor,
    };
  }
  throw new Error(`unknown registration estimator '${String(estimator)}'`);
}
