/**
 * Physical lengths for labels and scale bars (SI metres in, readable units out). Neutral: shared
 * by the UI's canvases and the core's figure PNGs, so both pick the same round bar length.
 */

const UNITS: Array<[number, string]> = [
  [1e-3, 'mm'],
  [1e-6, 'µm'],
  [1e-9, 'nm'],
  [1e-12, 'pm'],
];

/** 1.2e-8 → "12 nm", 3e-6 → "3 µm"; up to `digits` significant digits (default 3). */
export function formatLengthM(m: number, digits = 3): string {
  if (!Number.isFinite(m)) return '–';
  if (m === 0) return '0 m';
  const a = Math.abs(m);
  if (a >= 1) return `${Number(m.toPrecision(digits))} m`;
  for (const [f, u] of UNITS) if (a >= f) return `${Number((m / f).toPrecision(digits))} ${u}`;
  return `${Number((m / 1e-12).toPrecision(digits))} pm`;
}

export interface ScaleBar {
  /** The bar's length in metres: 1, 2 or 5 × 10^k. */
  lengthM: number;
  /** Its length on screen (or in the figure), in pixels. */
  lengthPx: number;
  /** "500 nm", "2 µm". */
  label: string;
}

/**
 * Scale bar: the largest 1-2-5 length whose bar is at most `maxPx` screen pixels long, given the
 * object pixel size and the current zoom (screen px per image px). Null without a pixel size.
 */
export function scaleBar(pixelSizeM: number, screenPxPerImagePx: number, maxPx: number): ScaleBar | null {
  if (!(pixelSizeM > 0) || !(screenPxPerImagePx > 0) || !(maxPx > 0)) return null;
  const maxM = (maxPx / screenPxPerImagePx) * pixelSizeM;
  const mag = 10 ** Math.floor(Math.log10(maxM) + 1e-9);
  const f = maxM / mag;
  const lengthM = Number(((f >= 5 ? 5 : f >= 2 ? 2 : 1) * mag).toPrecision(12));
  return { lengthM, lengthPx: (lengthM / pixelSizeM) * screenPxPerImagePx, label: formatLengthM(lengthM) };
}
