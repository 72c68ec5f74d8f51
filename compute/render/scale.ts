/**
 * Value scaling for image display: linear / log / sqrt, and robust colour limits.
 *
 * Conventions (one place, used by renderToImageData, ColorBar and tests):
 * - A scale maps a value v to a position t ∈ [0, 1] between limits lo < hi:
 *     linear: t = (v − lo) / (hi − lo)
 *     sqrt:   t = √(v − lo) / √(hi − lo)             (values below lo clip to 0)
 *     log:    t = (ln v − ln lo) / (ln hi − ln lo)   (lo is made positive first, see below)
 *   and is clamped to [0, 1]. NaN stays NaN (drawn transparent by the renderer).
 * - Log floor: a log scale cannot show zeros or negatives (diffraction data is full of zeros).
 *   Every value ≤ floor is clipped to the floor, i.e. drawn with the lowest colour. The floor is
 *   `lo` when lo > 0; otherwise the smallest positive finite value in the data (for photon
 *   counts: 1 count); never below hi · LOG_MIN_RATIO (so at most 9 decades are shown); and when the
 *   data has no positive values at all, floor = 1 and hi = 10 (an all-dark image).
 */

export type ScaleKind = 'linear' | 'log' | 'sqrt';

export const SCALE_KINDS: readonly ScaleKind[] = ['linear', 'log', 'sqrt'];

/** Smallest ratio floor / hi for the log scale (9 decades). */
export const LOG_MIN_RATIO = 1e-9;

export interface Limits {
  vmin: number;
  vmax: number;
}

/** Min and max of the finite values (NaN/±Inf ignored). {0, 1} when there are none. */
export function finiteMinMax(values: ArrayLike<number>): Limits {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo && v > -Infinity) lo = v;
    if (v > hi && v < Infinity) hi = v;
  }
  return lo <= hi ? { vmin: lo, vmax: hi } : { vmin: 0, vmax: 1 };
}

/** Smallest finite value > 0, or NaN when there is none. */
export function minPositive(values: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0 && v < m) m = v;
  }
  return m < Infinity ? m : NaN;
}

/** Maximum number of samples percentileLimits sorts; larger arrays are sampled with a fixed stride. */
export const PERCENTILE_MAX_SAMPLES = 1 << 18;

/**
 * Percentile of sorted data with linear interpolation between closest ranks (numpy's default
 * `method='linear'`): position p/100 · (n − 1).
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < n ? sorted[i]! + f * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}

/**
 * Robust limits: the `lowPct` and `highPct` percentiles of the finite values (exact for arrays up to
 * PERCENTILE_MAX_SAMPLES; larger arrays use an evenly strided subsample, which is deterministic and
 * good to a fraction of a percentile). Falls back to {0, 1} without finite values.
 */
export function percentileLimits(values: ArrayLike<number>, lowPct = 0.5, highPct = 99.5): Limits {
  const stride = Math.max(1, Math.ceil(values.length / PERCENTILE_MAX_SAMPLES));
  const sample = new Float64Array(Math.ceil(values.length / stride));
  let n = 0;
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i]!;
    if (Number.isFinite(v)) sample[n++] = v;
  }
  if (n === 0) return { vmin: 0, vmax: 1 };
  const sorted = sample.subarray(0, n).sort();
  return { vmin: percentileOfSorted(sorted, lowPct), vmax: percentileOfSorted(sorted, highPct) };
}

export interface AutoLimitOptions {
  /** Percent clipped at each end; 0 → plain finite min/max. */
  clipPercent?: number;
  /** Explicit limits override the automatic ones (each independently). */
  vmin?: number | null;
  vmax?: number | null;
}

/** Automatic display limits: explicit values win, otherwise min/max or a symmetric percentile clip. */
export function autoLimits(values: ArrayLike<number>, opts: AutoLimitOptions = {}): Limits {
  const needAuto = opts.vmin == null || opts.vmax == null;
  const clip = opts.clipPercent ?? 0;
  const auto = !needAuto
    ? null
    : clip > 0
      ? percentileLimits(values, clip, 100 - clip)
      : finiteMinMax(values);
  return {
    vmin: opts.vmin ?? auto!.vmin,
    vmax: opts.vmax ?? auto!.vmax,
  };
}

/**
 * Effective limits in value space for a scale: for log, lo is replaced by the log floor (see the
 * module comment); `values` is only consulted for log with lo ≤ 0.
 */
export function effectiveLimits(
  kind: ScaleKind,
  vmin: number,
  vmax: number,
  values?: ArrayLike<number>,
): Limits {
  if (kind !== 'log') return { vmin, vmax };
  if (!(vmax > 0)) return { vmin: 1, vmax: 10 };
  let floor = vmin;
  if (!(floor > 0)) {
    const mp = values ? minPositive(values) : NaN;
    floor = Number.isFinite(mp) ? mp : vmax * 1e-6;
  }
  floor = Math.max(floor, vmax * LOG_MIN_RATIO);
  return { vmin: Math.min(floor, vmax), vmax };
}

/** s(v): the scale's transfer function before normalisation (identity, ln, or √(v − lo)). */
export function transfer(kind: ScaleKind, v: number, lo: number): number {
  switch (kind) {
    case 'linear':
      return v;
    case 'log':
      return Math.log(v > lo ? v : lo);
    case 'sqrt':
      return Math.sqrt(v > lo ? v - lo : 0);
  }
}

/**
 * Position t ∈ [0, 1] of value v between *effective* limits lo, hi (see effectiveLimits).
 * Degenerate limits (hi ≤ lo) give 0. NaN in → NaN out.
 */
export function scalePosition(kind: ScaleKind, v: number, lo: number, hi: number): number {
  if (Number.isNaN(v)) return NaN;
  const s0 = transfer(kind, lo, lo);
  const s1 = transfer(kind, hi, lo);
  if (!(s1 > s0)) return 0;
  const t = (transfer(kind, v, lo) - s0) / (s1 - s0);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Inverse of scalePosition: the value at position t ∈ [0, 1]. */
export function scaleValue(kind: ScaleKind, t: number, lo: number, hi: number): number {
  switch (kind) {
    case 'linear':
      return lo + t * (hi - lo);
    case 'log':
      return Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo)));
    case 'sqrt':
      return lo + (t * Math.sqrt(hi - lo)) ** 2;
  }
}
