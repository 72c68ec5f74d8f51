/**
 * Fourier ring correlation between two images.
 *
 * Ring definition (PtychoPINN's `ptycho/FRC` module, after van Heel & Schatz 2005):
 * images are centre-cropped to a square n×n first; in the fftshift-ed spectra, the pixel at
 * (R, C) frequency-index offsets from the zero frequency (located at ⌊n/2⌋) belongs to ring
 * k = round(√(R² + C²)). FRC_k = |Σ F1·F2*| / √(Σ|F1|² · Σ|F2|²) over ring k.
 * Ring k has spatial frequency k/n cycles per pixel.
 *
 * The curve stops at Nyquist, k = ⌊n/2⌋ (0.5 cycles/pixel), as every FRC tool does: past it
 * only the spectrum's corners are binned (PtychoPINN keeps them up to n/√2), rings shrink to a
 * few pixels, and the curve climbs back towards 1 and crosses the thresholds again — numbers
 * without meaning. Corner pixels are left out of every ring, the curve, the crossings and
 * `frc.csv`; smoothing (σ) acts on the truncated curve.
 *
 * Crossings are found at the first ring k ≥ 1 where the curve falls below the threshold and
 * are linearly interpolated between rings k−1 and k (fractional ring index). The DC ring is never
 * a crossing: it is a single pixel, where the half-bit threshold is 1 and the FRC is 1 up to
 * rounding. This is the only crossing rule; the renderer draws the crossings computed here.
 */
import { centreCropBox, cropImage, assertSameShape, type Image2D } from '../../numerics/image';
import { fft2InPlace } from '../../numerics/fft2';
import { gaussianFilter1d } from '../../numerics/filters';

export interface FrcCurve {
  /** Side of the square the FRC was computed on (after centre-cropping). */
  n: number;
  /** FRC per ring k = 0 … ⌊n/2⌋, Nyquist included (NaN where a ring carries no power). */
  frc: Float64Array;
  /** Pixels per ring. */
  pixelsPerRing: Uint32Array;
  /** Ring spatial frequency k/n, cycles per pixel. */
  frequencyPerPx: Float64Array;
  /** Half-bit threshold per ring (van Heel & Schatz 2005), from the ring's pixel count. */
  halfBit: Float64Array;
}

export interface FrcOptions {
  /** Gaussian smoothing σ (in rings) applied to the curve, as PtychoPINN's `frc_sigma`; 0 = none (default). */
  sigma?: number;
}

export function frcCurve(a: Image2D, b: Image2D, opts: FrcOptions = {}): FrcCurve {
  assertSameShape(a, b, 'first image', 'second image');
  const n = Math.min(a.width, a.height);
  if (n < 2) throw new Error(`FRC needs at least a 2×2 image, got ${a.height}×${a.width}`);
  const box = centreCropBox(a, n, n);
  const sa = cropImage(a, box);
  const sb = cropImage(b, box);
  const ar = Float64Array.from(sa.data);
  const ai = new Float64Array(n * n);
  const br = Float64Array.from(sb.data);
  const bi = new Float64Array(n * n);
  fft2InPlace(ar, ai, n, n);
  fft2InPlace(br, bi, n, n);
  const c = Math.floor(n / 2);
  // shifted position of unshifted index k is (k + c) mod n; its offset from the centre is that − c
  const off = new Int32Array(n);
  for (let k = 0; k < n; k++) off[k] = ((k + c) % n) - c;
  const nyquistRing = Math.floor(n / 2);
  const nr = nyquistRing + 1;
  const ring = new Int32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const k = Math.round(Math.sqrt(off[y]! * off[y]! + off[x]! * off[x]!));
      ring[y * n + x] = k <= nyquistRing ? k : -1; // −1: a corner past Nyquist, in no ring
    }
  }
  const cr = new Float64Array(nr);
  const ci = new Float64Array(nr);
  const p1 = new Float64Array(nr);
  const p2 = new Float64Array(nr);
  const count = new Uint32Array(nr);
  for (let i = 0; i < n * n; i++) {
    const k = ring[i]!;
    if (k < 0) continue;
    const xr = ar[i]!,
      xi = ai[i]!,
      yr = br[i]!,
      yi = bi[i]!;
    cr[k] += xr * yr + xi * yi;
    ci[k] += xi * yr - xr * yi;
    p1[k] += xr * xr + xi * xi;
    p2[k] += yr * yr + yi * yi;
    count[k]++;
  }
  let frc: Float64Array = new Float64Array(nr);
  for (let k = 0; k < nr; k++) frc[k] = Math.hypot(cr[k]!, ci[k]!) / Math.sqrt(p1[k]! * p2[k]!);
  if ((opts.sigma ?? 0) > 0) frc = gaussianFilter1d(frc, opts.sigma!);
  const frequencyPerPx = new Float64Array(nr);
  const halfBit = new Float64Array(nr);
  for (let k = 0; k < nr; k++) {
    frequencyPerPx[k] = k / n;
    halfBit[k] = halfBitThreshold(count[k]!);
  }
  return { n, frc, pixelsPerRing: count, frequencyPerPx, halfBit };
}

/** Half-bit information threshold for a ring of `pixels` pixels (van Heel & Schatz 2005). */
export function halfBitThreshold(pixels: number): number {
  const s = Math.sqrt(pixels);
  return (0.2071 + 1.9102 / s) / (1.2071 + 0.9102 / s);
}

export interface FrcCrossing {
  /** Fractional ring index where the curve meets the threshold; null if it never falls below up to Nyquist. */
  ring: number | null;
  /** ring / n, cycles per pixel (null if not reached). */
  frequencyPerPx: number | null;
  /** Legacy PtychoPINN (R1) value: first integer ring with FRC < threshold, or the curve length if none. */
  legacyRingIndex: number;
}

/**
 * First downward crossing of `curve` through `threshold` (a constant or a per-ring curve):
 * the first k ≥ 1 with curve[k] < threshold[k]; with d = curve − threshold, the crossing is
 * (k−1) + d[k−1] / (d[k−1] − d[k]). NaN rings are skipped. The DC ring (k = 0) is never the
 * crossing: a DC value below the threshold counts as d[0] = 0, so the crossing is then ring 1
 * at the latest. The legacy index keeps PtychoPINN's rule (ring 0 included).
 */
export function findCrossing(
  curve: ArrayLike<number>,
  threshold: number | ArrayLike<number>,
  n: number,
): FrcCrossing {
  const t = (k: number): number => (typeof threshold === 'number' ? threshold : threshold[k]!);
  let legacy = curve.length;
  for (let k = 0; k < curve.length; k++) {
    if (curve[k]! < t(k)) {
      legacy = k;
      break;
    }
  }
  let prev = 0;
  let dPrev = curve.length > 0 ? Math.max(0, curve[0]! - t(0)) : NaN;
  for (let k = 1; k < curve.length; k++) {
    const d = curve[k]! - t(k);
    if (Number.isNaN(d)) continue;
    if (d < 0) {
      const ring = dPrev > 0 ? prev + ((k - prev) * dPrev) / (dPrev - d) : k;
      return { ring, frequencyPerPx: ring / n, legacyRingIndex: legacy };
    }
    prev = k;
    dPrev = d;
  }
  return { ring: null, frequencyPerPx: null, legacyRingIndex: legacy };
}

/** The standard constant thresholds: 0.5 ("FRC50", PtychoPINN's headline) and 1/7 (Rosenthal & Henderson 2003). */
export const FRC_HALF = 0.5;
export const FRC_ONE_SEVENTH = 1 / 7;

/** First crossing of each standard threshold, in cycles per pixel (null: not below it up to Nyquist); the protocol's EvaluationSummary.frc.crossings. */
export interface FrcThresholdCrossings {
  half: number | null;
  oneSeventh: number | null;
  halfBit: number | null;
}

export interface FrcResult extends FrcCurve {
  frc50: FrcCrossing;
  frc1over7: FrcCrossing;
  halfBitCrossing: FrcCrossing;
}

export function fourierRingCorrelation(a: Image2D, b: Image2D, opts: FrcOptions = {}): FrcResult {
  const curve = frcCurve(a, b, opts);
  return {
    ...curve,
    frc50: findCrossing(curve.frc, FRC_HALF, curve.n),
    frc1over7: findCrossing(curve.frc, FRC_ONE_SEVENTH, curve.n),
    halfBitCrossing: findCrossing(curve.frc, curve.halfBit, curve.n),
  };
}
