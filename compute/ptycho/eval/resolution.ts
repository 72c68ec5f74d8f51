/**
 * FRC crossings as physical resolutions. The half-period resolution of a crossing at spatial
 * frequency f (cycles/pixel) is 1 / (2f) pixels — the usual way ptychography reports FRC
 * resolution (a line pair of period 1/f is resolved; each line is half of it) — and in nm with
 * the object pixel size.
 */

/** Half-period resolution in nm, 1 / (2f) · pixel size; null without a crossing or pixel size. */
export function halfPeriodNm(
  frequencyPerPx: number | null | undefined,
  pixelSizeM: number | null | undefined,
): number | null {
  if (frequencyPerPx == null || !(frequencyPerPx > 0) || !Number.isFinite(frequencyPerPx)) return null;
  if (pixelSizeM == null || !(pixelSizeM > 0)) return null;
  return (pixelSizeM * 1e9) / (2 * frequencyPerPx);
}
