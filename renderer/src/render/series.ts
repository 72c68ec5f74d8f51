/** Pure data shaping for the ECharts building blocks (loss curves, scan scatter), unit tested. */

export type XY = [number, number];

/**
 * [x, y] pairs of finite points; on a log axis also drops y ≤ 0 (ECharts cannot place them and a
 * loss of exactly 0 is a logging artefact, not a value to draw).
 */
export function finitePoints<T>(
  items: readonly T[],
  x: (t: T) => number | null | undefined,
  y: (t: T) => number | null | undefined,
  logY: boolean,
): XY[] {
  const out: XY[] = [];
  for (const it of items) {
    const xv = x(it);
    const yv = y(it);
    if (xv == null || yv == null || !Number.isFinite(xv) || !Number.isFinite(yv)) continue;
    if (logY && !(yv > 0)) continue;
    out.push([xv, yv]);
  }
  return out;
}

/**
 * A log axis cannot show values ≤ 0 (PtychoPINN's Poisson NLL is usually negative): the constant
 * to subtract so every finite value plots as a positive distance above it, 1 % of the span below
 * the best (lowest) value. Null when all values are already positive (plot them as they are).
 */
export function logShift(values: readonly (number | null | undefined)[]): number | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v == null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo) || lo > 0) return null;
  const span = hi - lo;
  return lo - (span > 0 ? span * 0.01 : Math.max(Math.abs(lo) * 1e-3, 1e-12));
}

export interface AxisRange {
  min: number;
  max: number;
}

/**
 * Axis ranges with equal data units per screen pixel on both axes (object pixels are square),
 * covering [xmin, xmax] × [ymin, ymax] plus a `padFraction` margin, centred.
 */
export function equalAspectRanges(
  xmin: number,
  xmax: number,
  ymin: number,
  ymax: number,
  plotW: number,
  plotH: number,
  padFraction = 0.05,
): { x: AxisRange; y: AxisRange } {
  let w = Math.max(xmax - xmin, 1e-9);
  let h = Math.max(ymax - ymin, 1e-9);
  const pad = Math.max(w, h) * padFraction;
  w += 2 * pad;
  h += 2 * pad;
  const cx = (xmin + xmax) / 2;
  const cy = (ymin + ymax) / 2;
  if (plotW > 0 && plotH > 0) {
    const unitsPerPx = Math.max(w / plotW, h / plotH);
    w = unitsPerPx * plotW;
    h = unitsPerPx * plotH;
  }
  return { x: { min: cx - w / 2, max: cx + w / 2 }, y: { min: cy - h / 2, max: cy + h / 2 } };
}

/**
 * Index of the point nearest to (x, y), with distances measured in screen pixels
 * (pxPerX, pxPerY = screen px per data unit on each axis); null if none is within maxPx.
 */
export function nearestPoint(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x: number,
  y: number,
  pxPerX: number,
  pxPerY: number,
  maxPx = Infinity,
): number | null {
  let best = -1;
  let bestD = maxPx * maxPx;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const dx = (xs[i]! - x) * pxPerX;
    const dy = (ys[i]! - y) * pxPerY;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      if (d === bestD && best >= 0) continue;
      best = i;
      bestD = d;
    }
  }
  return best >= 0 ? best : null;
}

/** Finite bounding box of paired coordinates; null when there are no finite points. */
export function bounds(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): { xmin: number; xmax: number; ymin: number; ymax: number } | null {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  }
  return xmin <= xmax ? { xmin, xmax, ymin, ymax } : null;
}
