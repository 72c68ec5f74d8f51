/**
 * Binary framing for protocol messages over a WebSocket: a JSON header in which every typed
 * array is replaced by a reference, followed by the arrays' bytes (8-byte aligned). Typed
 * arrays therefore cross without a JSON detour and arrive as the same typed-array kind.
 *
 * Frame: [u32 LE header length][header JSON utf-8][pad to 8][buffer 0][pad][buffer 1]…
 */

import { JsonLimitError, parseJsonLimited } from '../io/json';

type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | BigInt64Array;

const CTORS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
} as const;
type CtorName = keyof typeof CTORS;

const REF_KEY = '__typedArray';

interface ArrayRef {
  [REF_KEY]: CtorName;
  index: number;
  length: number;
}

function ctorNameOf(v: unknown): CtorName | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = (v as TypedArray).constructor.name;
  return name in CTORS ? (name as CtorName) : null;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeFrame(message: unknown): Uint8Array {
  const buffers: TypedArray[] = [];
  const header = JSON.stringify(message, (_key, value: unknown) => {
    const name = ctorNameOf(value);
    if (name) {
      buffers.push(value as TypedArray);
      const ref: ArrayRef = {
        [REF_KEY]: name,
        index: buffers.length - 1,
        length: (value as TypedArray).length,
      };
      return ref;
    }
    return value;
  });
  const headerBytes = new TextEncoder().encode(header);
  let size = align8(4 + headerBytes.length);
  const offsets: number[] = [];
  for (const b of buffers) {
    offsets.push(size);
    size = align8(size + b.byteLength);
  }
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  buffers.forEach((b, i) => out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offsets[i]!));
  return out;
}

export class WireError extends Error {
  override name = 'WireError';
}

/** Deepest message nesting a frame may carry (protocol messages need < 10). */
const MAX_FRAME_DEPTH = 64;

function isRef(v: unknown): v is ArrayRef {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && REF_KEY in v;
}

/** Decode a frame; any malformed frame throws a WireError (never a TypeError or RangeError). */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new WireError('wire: frame shorter than its header length field');
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = dv.getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new WireError('wire: header length exceeds frame');
  let header: string;
  try {
    header = new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + headerLength));
  } catch {
    throw new WireError('wire: header is not valid UTF-8');
  }
  let cursor = align8(4 + headerLength);
  // Buffers are laid out in index order; reconstruct offsets by walking refs in order.
  const refs: ArrayRef[] = [];
  let parsed: unknown;
  try {
    parsed = parseJsonLimited(header, 'wire: header', MAX_FRAME_DEPTH, (_key, value: unknown) => {
      if (isRef(value)) {
        const ref = value;
        if (typeof ref[REF_KEY] !== 'string' || !Object.hasOwn(CTORS, ref[REF_KEY]))
          throw new WireError(`wire: unknown array type ${String(ref[REF_KEY]).slice(0, 40)}`);
        if (!Number.isSafeInteger(ref.index) || ref.index < 0 || ref.index >= frame.byteLength)
          throw new WireError('wire: array reference with a bad index');
        if (!Number.isSafeInteger(ref.length) || ref.length < 0 || ref.length > frame.byteLength)
          throw new WireError('wire: array reference with a bad length');
        if (refs[ref.index]) throw new WireError(`wire: array index ${ref.index} referenced twice`);
        refs[ref.index] = ref;
        return ref;
      }
      return value;
    });
  } catch (e) {
    if (e instanceof WireError || e instanceof JsonLimitError) throw new WireError(e.message);
    throw new WireError(`wire: header is not JSON (${(e as Error).message})`);
  }
  const arrays: TypedArray[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    if (!ref) throw new WireError(`wire: array index ${i} is missing`);
    const Ctor = CTORS[ref[REF_KEY]];
    const bytes = ref.length * Ctor.BYTES_PER_ELEMENT;
    if (cursor + bytes > frame.byteLength) throw new WireError('wire: array data exceeds frame');
    // Copy into a fresh, aligned buffer so the result owns its memory.
    const copy = frame.slice(cursor, cursor + bytes);
    arrays.push(new Ctor(copy.buffer, 0, ref.length) as TypedArray);
    cursor = align8(cursor + bytes);
  }
  // Depth ≤ MAX_FRAME_DEPTH (checked above), so this recursion is bounded.
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      if (isRef(v)) return arrays[v.index];
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = revive(o[k]);
      return o;
    }
    return v;
  };
  return revive(parsed);
}
