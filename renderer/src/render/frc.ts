/**
 * Fourier ring correlation display helper. The curves, the half-bit threshold and the threshold
 * crossings are the core's (compute/ptycho/eval/frc.ts); this module only formats them.
 */

/** Crossing frequency (cycles/pixel) → resolution 1/f as text ("12.3 nm", or "4.1 px" without a pixel size). */
export function resolutionLabel(frequencyPerPx: number | null, pixelSizeM?: number | null): string {
  if (frequencyPerPx == null || !(frequencyPerPx > 0)) return '–';
  const px = 1 / frequencyPerPx;
  if (pixelSizeM && pixelSizeM > 0) return `${(px * pixelSizeM * 1e9).toPrecision(3)} nm`;
  return `${px.toPrecision(3)} px`;
}
