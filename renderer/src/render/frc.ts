/**
 * Fourier ring correlation display helpers: the standard thresholds and threshold crossings.
 *
 * Thresholds (van Heel & Schatz 2005):
 * - 0.5 ("FRC50", PtychoPINN's headline number)
 * - 1/7 ≈ 0.143 (Rosenthal & Henderson 2003)
 * - half-bit: T(r) = (0.2071 + 1.9102/√n) / (1.2071 + 0.9102/√n), n = pixels in ring r.
 *   For a square N×N image without the ring counts, n(r) ≈ 2π·r_px is used, where
 *   r_px = frequency · N (frequency in cycles per pixel).
 */

export const FRC_HALF = 0.5;
export const FRC_ONE_SEVENTH = 1 / 7;

export function halfBitThreshold(ringPixels: number): number {
  const s = Math.sqrt(Math.max(1, ringPixels));
  return (0.2071 + 1.9102 / s) / (1.2071 + 0.9102 / s);
}

/** Half-bit curve from per-ring pixel counts. */
export function halfBitCurve(ringPixels: ArrayLike<number>): number[] {
  return Array.from(ringPixels, (n) => halfBitThreshold(n));
}

/** Half-bit curve estimated for an N×N image from frequencies in cycles per pixel. */
export function halfBitCurveForSize(frequency: ArrayLike<number>, imageSize: number): number[] {
  return Array.from(frequency, (f) => halfBitThreshold(Math.max(1, 2 * Math.PI * f * imageSize)));
}

/**
 * First frequency where the FRC drops below a threshold (constant or per-ring), linearly
 * interpolated between the last sample above and the first below; null when it never drops
 * below. Index 0 (the DC ring) is never reported as a crossing; NaN samples (rings without power)
 * are skipped. Otherwise the rule of compute/ptycho/eval/frc.ts `findCrossing`, in frequency units.
 */
export function firstCrossing(
  frequency: ArrayLike<number>,
  frc: ArrayLike<number>,
  threshold: number | ArrayLike<number>,
): number | null {
  const thr = (i: number): number => (typeof threshold === 'number' ? threshold : threshold[i]!);
  const n = Math.min(frequency.length, frc.length);
  if (n === 0) return null;
  let prev = 0;
  // The DC ring is never a crossing (a threshold estimate of 1 there would otherwise trigger it).
  let dPrev = Math.max(0, frc[0]! - thr(0));
  for (let i = 1; i < n; i++) {
    const d = frc[i]! - thr(i);
    if (Number.isNaN(d)) continue;
    if (d < 0) {
      if (!(dPrev > 0)) return frequency[i]!;
      const f = dPrev / (dPrev - d);
      return frequency[prev]! + f * (frequency[i]! - frequency[prev]!);
    }
    prev = i;
    dPrev = d;
  }
  return null;
}

/** Crossing frequency (cycles/pixel) → resolution 1/f as text ("12.3 nm", or "4.1 px" without a pixel size). */
export function resolutionLabel(frequencyPerPx: number | null, pixelSizeM?: number | null): string {
  if (frequencyPerPx == null || !(frequencyPerPx > 0)) return '–';
  const px = 1 / frequencyPerPx;
  if (pixelSizeM && pixelSizeM > 0) return `${(px * pixelSizeM * 1e9).toPrecision(3)} nm`;
  return `${px.toPrecision(3)} px`;
}
