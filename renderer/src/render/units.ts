/** Physical lengths for read-outs and scale bars (SI metres in, readable units out). */

const UNITS: Array<[number, string]> = [
  [1e-3, 'mm'],
  [1e-6, 'µm'],
  [1e-9, 'nm'],
  [1e-12, 'pm'],
];

/** 1.2e-8 → "12 nm", 3e-6 → "3 µm"; up to 3 significant digits. */
export function formatLengthM(m: number): string {
  if (!Number.isFinite(m)) return '–';
  if (m === 0) return '0 m';
  const a = Math.abs(m);
  if (a >= 1) return `${Number(m.toPrecision(3))} m`;
  for (const [f, u] of UNITS) if (a >= f) return `${Number((m / f).toPrecision(3))} ${u}`;
  return `${Number((m / 1e-12).toPrecision(3))} pm`;
}

/**
 * Scale bar: the largest 1-2-5 length whose bar is at most `maxPx` screen pixels long, given the
 * object pixel size and the current zoom (screen px per image px).
 */
export function scaleBar(pixelSizeM: number, screenPxPerImagePx: number, maxPx: number): { lengthM: number; lengthPx: number; label: string } | null {
  if (!(pixelSizeM > 0) || !(screenPxPerImagePx > 0) || !(maxPx > 0)) return null;
  const maxM = (maxPx / screenPxPerImagePx) * pixelSizeM;
  const mag = 10 ** Math.floor(Math.log10(maxM));
  const f = maxM / mag;
  const lengthM = (f >= 5 ? 5 : f >= 2 ? 2 : 1) * mag;
  return { lengthM, lengthPx: (lengthM / pixelSizeM) * screenPxPerImagePx, label: formatLengthM(lengthM) };
}
