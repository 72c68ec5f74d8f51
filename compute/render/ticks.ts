/**
 * Axis/colour-bar ticks for the three display scales, and compact number formatting for labels
 * and read-outs. Shared by the UI (colour bars, charts) and the core (figure PNGs).
 */
import { scalePosition, type ScaleKind } from './scale';

export interface Tick {
  value: number;
  /** Position along the bar, 0 (lo) … 1 (hi), in the scale's own spacing. */
  position: number;
  label: string;
}

/** "Nice" step (1, 2 or 5 × 10^k) giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/** Multiples of a nice step inside [lo, hi] (inclusive up to rounding). */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const step = niceStep(hi - lo, count);
  const start = Math.ceil(lo / step - 1e-9);
  const end = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  for (let k = start; k <= end; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Powers of ten inside [lo, hi] (lo > 0); adds 2× and 5× when fewer than 3 decades are spanned. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return lo > 0 ? [lo] : [];
  const d0 = Math.floor(Math.log10(lo));
  const d1 = Math.ceil(Math.log10(hi));
  const mantissas = d1 - d0 <= 2 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((d1 - d0) / 8));
  const out: number[] = [];
  for (let d = d0; d <= d1; d++) {
    if ((d - d0) % every !== 0) continue;
    for (const m of mantissas) {
      const v = Number((m * 10 ** d).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out.length > 0 ? out : [lo, hi];
}

/** Ticks with positions for a colour bar between effective limits lo, hi. */
export function colorbarTicks(kind: ScaleKind, lo: number, hi: number, count = 5): Tick[] {
  const values = kind === 'log' ? logTicks(lo, hi) : linearTicks(lo, hi, count);
  return values.map((value) => ({
    value,
    position: scalePosition(kind, value, lo, hi),
    label: formatNumber(value),
  }));
}

/**
 * Compact label: up to `digits` significant digits, exponent form for |v| < 1e-3 or ≥ 1e5,
 * trailing zeros dropped, '−' (U+2212) for negatives, '–' for NaN/missing.
 */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s: string;
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    s = `${stripZeros(m!)}e${Number(e)}`;
  } else if (a >= 10 ** digits) {
    s = v.toFixed(0); // toPrecision would switch to exponent form here
  } else {
    s = stripZeros(v.toPrecision(digits));
  }
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
