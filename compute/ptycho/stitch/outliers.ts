/**
 * Canvas size versus what the scan justifies: one stray position (a glitch in the positions
 * file, a mis-scaled unit) makes stitching allocate a canvas spanning it — 8060² pixels, 3 GB,
 * half a minute — for a scan that covers a few hundred pixels. This finds the positions far
 * outside the bulk of the scan so stitching can say which ones set the canvas size.
 */

export interface CanvasOutliers {
  /** Patch indices whose offsets lie far outside the bulk of the scan. */
  indices: number[];
  /** Canvas side the other positions justify (same rule as stitching). */
  justifiedSide: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/** Canvas side of stitching for the offsets of the given patches (M + 2·pad, pad even). */
export function canvasSide(offsets: ArrayLike<number>, which: ArrayLike<number>, M: number): number {
  let mx = 0;
  let my = 0;
  for (let j = 0; j < which.length; j++) {
    mx += offsets[2 * which[j]!]!;
    my += offsets[2 * which[j]! + 1]!;
  }
  mx /= which.length;
  my /= which.length;
  let maxAbs = 0;
  for (let j = 0; j < which.length; j++)
    maxAbs = Math.max(
      maxAbs,
      Math.abs(offsets[2 * which[j]!]! - mx),
      Math.abs(offsets[2 * which[j]! + 1]! - my),
    );
  let pad = Math.ceil(maxAbs);
  pad += pad % 2;
  return M + 2 * pad;
}

/**
 * Positions outside the 2nd–98th percentile box of the scan by more than a quarter of its
 * span (and at least a crop M), per axis. Needs 8 or more patches; fewer give no outliers.
 */
export function findCanvasOutliers(offsets: ArrayLike<number>, count: number, M: number): CanvasOutliers {
  const all = Array.from({ length: count }, (_, b) => b);
  if (count < 8) return { indices: [], justifiedSide: count ? canvasSide(offsets, all, M) : M };
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    xs[b] = offsets[2 * b]!;
    ys[b] = offsets[2 * b + 1]!;
  }
  const box = (v: Float64Array): [number, number] => {
    const s = Float64Array.from(v).sort();
    const lo = quantile(s, 0.02);
    const hi = quantile(s, 0.98);
    const tol = Math.max(0.25 * (hi - lo), M);
    return [lo - tol, hi + tol];
  };
  const [x0, x1] = box(xs);
  const [y0, y1] = box(ys);
  const indices = all.filter((b) => xs[b]! < x0 || xs[b]! > x1 || ys[b]! < y0 || ys[b]! > y1);
  const inliers = all.filter((b) => !indices.includes(b));
  return { indices, justifiedSide: canvasSide(offsets, inliers, M) };
}

/** A warning when the canvas is much larger (> 1.5× per side) than the inliers justify; null otherwise. */
export function canvasWarning(
  offsets: ArrayLike<number>,
  count: number,
  M: number,
  side: number,
): string | null {
  const o = findCanvasOutliers(offsets, count, M);
  if (o.indices.length === 0 || side <= 1.5 * o.justifiedSide) return null;
  const mb = (s: number): string => `${Math.round((s * s * 3 * 8) / 2 ** 20)} MB`;
  const named = o.indices
    .slice(0, 5)
    .map((b) => `#${b} at (${offsets[2 * b]!.toFixed(1)}, ${offsets[2 * b + 1]!.toFixed(1)})`)
    .join(', ');
  const more = o.indices.length > 5 ? ` and ${o.indices.length - 5} more` : '';
  return (
    `the stitched canvas is ${side}×${side} pixels (${mb(side)} while stitching) but the scan's positions justify about ${o.justifiedSide}×${o.justifiedSide}: ` +
    `${o.indices.length === 1 ? 'one position lies' : `${o.indices.length} positions lie`} far outside the scan — ${named}${more} (x, y in object pixels); check the positions file or its units`
  );
}
