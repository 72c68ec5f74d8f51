/**
 * The physical units of a scan, as facts for people: object pixel size in nm, energy and
 * wavelength, detector distance and pixel — or a plain statement that the scan is in pixels.
 * One wording for the CLI's `inspect`, the Dataset view's facts table and the reports.
 */
import type { DatasetGeometry } from './dataset';
import { formatLengthM } from '../../render/units';

/** Said wherever a scan carries no geometry. */
export const PIXEL_SIZE_UNKNOWN = 'pixel size unknown (positions in object pixels)';

/** Object pixel size in metres when the geometry states it (and it is a usable number). */
export function objectPixelSize(g: DatasetGeometry | null | undefined): number | null {
  const v = g?.objectPixelSizeM;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/** A length in nm with 3 significant digits: 6.46e-8 → "64.6 nm". */
export function formatNm(m: number): string {
  return `${Number((m * 1e9).toPrecision(3))} nm`;
}

/** [label, text] rows: what is known of the geometry, the object pixel first. */
export function physicalFacts(g: DatasetGeometry | null | undefined): Array<[string, string]> {
  const px = objectPixelSize(g);
  const rows: Array<[string, string]> = [
    ['Object pixel size', px !== null ? formatNm(px) : PIXEL_SIZE_UNKNOWN],
  ];
  if (!g) return rows;
  const ok = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (ok(g.energyEV) || ok(g.wavelengthM)) {
    const e = ok(g.energyEV) ? `${Number((g.energyEV / 1000).toPrecision(4))} keV` : null;
    const l = ok(g.wavelengthM) ? `λ ${Number((g.wavelengthM * 1e9).toPrecision(4))} nm` : null;
    rows.push(['Energy', e && l ? `${e} (${l})` : (e ?? l!)]);
  }
  if (ok(g.detectorDistanceM)) rows.push(['Detector distance', formatLengthM(g.detectorDistanceM, 4)]);
  if (ok(g.detectorPixelSizeM)) rows.push(['Detector pixel', formatLengthM(g.detectorPixelSizeM, 4)]);
  return rows;
}
