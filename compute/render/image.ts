/**
 * Scalar map → RGBA pixels in one pass through a 256-entry colour LUT.
 *
 * Index rule (the reference the unit tests check pixel by pixel):
 *   s(v) = transfer(scale, v, lo)               (identity, ln, or √(v − lo); see scale.ts)
 *   idx  = clamp(floor((s(v) − s(lo)) · (256 / (s(hi) − s(lo)))), 0, 255)
 *   NaN  → `nanColor` (default transparent); +Inf → top colour; −Inf → bottom colour.
 * where lo, hi are the *effective* limits (for log, lo is the positive log floor).
 *
 * Performance: the loops write one packed 32-bit word per pixel through a Uint32Array view of the
 * output, with no allocation and no function call per pixel. Log scale on large Float32Arrays
 * avoids Math.log per pixel with an exact lookup on the float's top 16 bits (see logBucketTable).
 * 1024×1024 on an idle desktop: ≈ 2–4 ms linear or sqrt, ≈ 4–8 ms log. Pass `out` to reuse the
 * output buffer between frames.
 */
import { getPackedColormap, packRgba, type ColormapName } from './colormaps';
import { effectiveLimits, finiteMinMax, type Limits, type ScaleKind } from './scale';

export interface RenderOptions {
  colormap: ColormapName;
  scale?: ScaleKind;
  /** Limits in value space; missing ones are the finite min/max of the data. */
  vmin?: number | null;
  vmax?: number | null;
  /** RGBA for NaN pixels; default [0, 0, 0, 0]. */
  nanColor?: readonly [number, number, number, number];
  /** Output buffer of length 4·width·height to reuse (e.g. an ImageData's data). */
  out?: Uint8ClampedArray;
}

export interface RenderResult {
  rgba: Uint8ClampedArray;
  /** The effective limits used (log floor applied), for colour bars and read-outs. */
  limits: Limits;
}

/** Below this many pixels the log bucket table costs more than it saves. */
const LOG_TABLE_MIN_PIXELS = 1 << 15;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 with the given bit pattern. */
function floatFromBits(b: number): number {
  u32[0] = b >>> 0;
  return f32[0]!;
}

/**
 * Colour index per 16-bit bucket of float32 bit patterns (65536 buckets), or −1 where the bucket
 * straddles a colour boundary or mixes NaN and non-NaN patterns (0x7f80…: +Inf and NaNs,
 * 0xff80…: −Inf and NaNs). Only buckets between those of lo and hi need the rule evaluated:
 * smaller positive floats and all negative ones clip to 0, larger ones to 255, NaN buckets → 256.
 */
function logBucketTable(index: (v: number) => number, lo: number, hi: number): Int16Array {
  const table = new Int16Array(65536);
  f32[0] = lo;
  const bLo = u32[0]! >>> 16;
  f32[0] = hi;
  const bHi = Math.min(u32[0]! >>> 16, 0x7f7f);
  // 0 … bLo−1 stay 0 (positive floats below lo).
  for (let b = bLo; b <= bHi; b++) {
    const a = index(floatFromBits(b << 16));
    const z = index(floatFromBits((b << 16) | 0xffff));
    table[b] = a === z ? a : -1;
  }
  table.fill(255, bHi + 1, 0x7f80); // positive floats above hi
  table[0x7f80] = -1; // +Inf and NaNs
  table.fill(256, 0x7f81, 0x8000); // NaNs
  // 0x8000 … 0xff7f stay 0 (−0 and negative floats)
  table[0xff80] = -1; // −Inf and NaNs
  table.fill(256, 0xff81, 0x10000); // NaNs
  return table;
}

/** Renders and also reports the limits actually used. */
export function renderWithLimits(
  values: ArrayLike<number>,
  width: number,
  height: number,
  opts: RenderOptions,
): RenderResult {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`bad image size ${width}×${height}`);
  }
  if (values.length < n)
    throw new RangeError(`values has ${values.length} elements, need ${width}×${height} = ${n}`);
  const out = opts.out ?? new Uint8ClampedArray(n * 4);
  if (out.length !== n * 4) throw new RangeError(`out has length ${out.length}, expected ${n * 4}`);

  const kind = opts.scale ?? 'linear';
  let vmin = opts.vmin ?? NaN;
  let vmax = opts.vmax ?? NaN;
  if (!Number.isFinite(vmin) || !Number.isFinite(vmax)) {
    const mm = finiteMinMax(values);
    if (!Number.isFinite(vmin)) vmin = mm.vmin;
    if (!Number.isFinite(vmax)) vmax = mm.vmax;
  }
  const { vmin: lo, vmax: hi } = effectiveLimits(kind, vmin, vmax, values);

  // 257-entry working LUT: entries 0–255 the colormap, entry 256 the NaN colour, so the loops
  // below write `lut[u | 0]` with a single well-predicted branch per pixel.
  const lut = new Uint32Array(257);
  lut.set(getPackedColormap(opts.colormap));
  const nan = opts.nanColor ?? [0, 0, 0, 0];
  lut[256] = packRgba(nan[0], nan[1], nan[2], nan[3]);
  // A Uint32Array view needs 4-byte alignment; ImageData buffers always have it, odd subarrays don't.
  const aligned = out.byteOffset % 4 === 0;
  const px = aligned ? new Uint32Array(out.buffer, out.byteOffset, n) : new Uint32Array(n);

  // In each loop u = (s(v) − s(lo)) · 256 / (s(hi) − s(lo)); u | 0 floors it once 0 < u ≤ 255.
  // !(u > 0) catches u ≤ 0, −Inf and NaN (NaN values, or 0·Inf when the limits are degenerate).
  if (kind === 'linear') {
    const k = hi > lo ? 256 / (hi - lo) : 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      let u = (v - lo) * k;
      if (!(u > 0)) u = v === v ? 0 : 256;
      else if (u > 255) u = 255;
      px[i] = lut[u | 0]!;
    }
  } else if (kind === 'log') {
    const s0 = Math.log(lo);
    const k = hi > lo ? 256 / (Math.log(hi) - s0) : 0;
    // The per-pixel rule; NaN → 256 (the NaN slot).
    const index = (v: number): number => {
      let u = (Math.log(v > lo ? v : lo) - s0) * k;
      if (!(u > 0)) u = v === v ? 0 : 256;
      else if (u > 255) u = 255;
      return u | 0;
    };
    if (values instanceof Float32Array && n >= LOG_TABLE_MIN_PIXELS && k > 0) {
      // Fast path, same result: look the colour index up by the float's top 16 bits (sign,
      // exponent, 7 mantissa bits). A bucket whose lowest and highest float get the same index
      // gets it for every float in between (the rule is monotonic); the few buckets that straddle
      // a colour boundary (≤ 255 of them) are marked −1 and computed exactly per pixel.
      const table = logBucketTable(index, lo, hi);
      const bits = new Uint32Array(values.buffer, values.byteOffset, n);
      for (let i = 0; i < n; i++) {
        const t = table[bits[i]! >>> 16]!;
        px[i] = lut[t >= 0 ? t : index(values[i]!)]!;
      }
    } else {
      for (let i = 0; i < n; i++) px[i] = lut[index(values[i]!)]!;
    }
  } else {
    const k = hi > lo ? 256 / Math.sqrt(hi - lo) : 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      let u = Math.sqrt(v > lo ? v - lo : 0) * k;
      if (!(u > 0)) u = v === v ? 0 : 256;
      else if (u > 255) u = 255;
      px[i] = lut[u | 0]!;
    }
  }
  if (!aligned) out.set(new Uint8ClampedArray(px.buffer));
  return { rgba: out, limits: { vmin: lo, vmax: hi } };
}

/** values (row-major, width × height) → RGBA bytes for `new ImageData(rgba, width, height)`. */
export function renderToImageData(
  values: ArrayLike<number>,
  width: number,
  height: number,
  opts: RenderOptions,
): Uint8ClampedArray {
  return renderWithLimits(values, width, height, opts).rgba;
}
