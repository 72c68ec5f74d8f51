/**
 * Parameter store: named float32 tensors, deterministic initialisation and safetensors I/O.
 *
 * Initialisation is reproducible per (store seed, parameter name): each parameter draws from
 * its own RNG stream, so adding a layer does not change the others' initial values.
 * Glorot-uniform follows Keras: limit = sqrt(6 / (fan_in + fan_out)); for a conv kernel
 * (Co, Ci, k, k) fan_in = k·k·Ci and fan_out = k·k·Co; for a dense (in, out) matrix
 * fan_in = in, fan_out = out. Biases start at zero.
 *
 * safetensors (https://huggingface.co/docs/safetensors): 8-byte little-endian u64 header
 * length N, then N bytes of JSON `{name: {dtype: "F32", shape: [...], data_offsets: [begin, end]},
 * "__metadata__": {string: string}}` (padded with spaces to a multiple of 8), then the raw
 * little-endian tensor bytes; offsets are relative to the end of the header. We write F32 in
 * insertion order and read F32 (F64 and F16 are converted).
 */
import { EngineError } from './ir';
import { mulberry32 } from '../numerics/rng';
import { JsonLimitError, describeJson, parseJsonLimited } from '../io/json';
import { firstIssue as firstIssueOf } from '../io/zodIssue';
import {
  safetensorsEntrySchema,
  safetensorsHeaderSchema,
  safetensorsMetadataSchema,
} from './safetensorsSchema';

export type Init =
  | { kind: 'glorotUniform'; fanIn: number; fanOut: number }
  | { kind: 'uniform'; limit: number }
  | { kind: 'normal'; std: number }
  | { kind: 'zeros' }
  | { kind: 'constant'; value: number };

/** Keras-style Glorot-uniform for a conv kernel (Co, Ci, k, k) or a dense matrix (in, out). */
export function glorotFor(shape: readonly number[]): Init {
  if (shape.length === 4) {
    const [co, ci, kh, kw] = shape as [number, number, number, number];
    return { kind: 'glorotUniform', fanIn: kh * kw * ci, fanOut: kh * kw * co };
  }
  if (shape.length === 2) return { kind: 'glorotUniform', fanIn: shape[0]!, fanOut: shape[1]! };
  throw new EngineError(`glorotFor: expected a (Co,Ci,k,k) kernel or (in,out) matrix, got [${shape}]`);
}

/** 32-bit FNV-1a. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** Seeded uniform [0,1) generator: the project's mulberry32 stream (compute/numerics/rng.ts). */
export const seededRandom: (seed: number) => () => number = mulberry32;

export function initialise(shape: readonly number[], init: Init, rand: () => number): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const a = new Float32Array(n);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'constant':
      a.fill(init.value);
      break;
    case 'glorotUniform':
    case 'uniform': {
      const lim = init.kind === 'uniform' ? init.limit : Math.sqrt(6 / (init.fanIn + init.fanOut));
      for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * lim;
      break;
    }
    case 'normal':
      for (let i = 0; i < n; i += 2) {
        const r = Math.sqrt(-2 * Math.log(1 - rand())),
          th = 2 * Math.PI * rand();
        a[i] = r * Math.cos(th) * init.std;
        if (i + 1 < n) a[i + 1] = r * Math.sin(th) * init.std;
      }
      break;
  }
  return a;
}

export class ParamStore {
  private readonly vals = new Map<string, Float32Array>();
  private readonly shapes = new Map<string, number[]>();

  constructor(readonly seed = 0) {}

  /**
   * Declare a parameter. A parameter that already exists (e.g. loaded from a checkpoint) keeps
   * its value, but its shape must match.
   */
  create(name: string, shape: readonly number[], init: Init): string {
    const prev = this.shapes.get(name);
    if (prev) {
      if (prev.join(',') !== shape.join(','))
        throw new EngineError(`param '${name}': exists with shape [${prev}], requested [${shape}]`);
      return name;
    }
    this.shapes.set(name, [...shape]);
    this.vals.set(name, initialise(shape, init, seededRandom(hash32(`${this.seed}:${name}`))));
    return name;
  }

  has(name: string): boolean {
    return this.vals.has(name);
  }
  /** The live buffer (training steps may swap it; copy with `snapshot` to keep a value). */
  get(name: string): Float32Array {
    const v = this.vals.get(name);
    if (!v) throw new EngineError(`unknown parameter '${name}'`);
    return v;
  }
  shape(name: string): number[] {
    const s = this.shapes.get(name);
    if (!s) throw new EngineError(`unknown parameter '${name}'`);
    return [...s];
  }
  /** Replace a value (same shape). The store keeps the given array (no copy). */
  set(name: string, data: Float32Array, shape?: readonly number[]): void {
    const s = shape ? [...shape] : this.shapes.get(name);
    if (!s) throw new EngineError(`unknown parameter '${name}' (pass a shape to add it)`);
    const n = s.reduce((p, d) => p * d, 1);
    if (data.length !== n) throw new EngineError(`param '${name}': ${data.length} values for shape [${s}]`);
    const prev = this.shapes.get(name);
    if (prev && prev.join(',') !== s.join(','))
      throw new EngineError(`param '${name}': shape [${prev}] cannot become [${s}]`);
    this.shapes.set(name, s);
    this.vals.set(name, data);
  }
  /** Names in creation order, optionally those starting with a prefix or matching a RegExp. */
  names(filter?: string | RegExp): string[] {
    const all = [...this.vals.keys()];
    if (filter === undefined) return all;
    return all.filter((n) => (typeof filter === 'string' ? n.startsWith(filter) : filter.test(n)));
  }
  /** Total element count (of the filtered names). */
  count(filter?: string | RegExp): number {
    return this.names(filter).reduce((p, n) => p + this.vals.get(n)!.length, 0);
  }
  snapshot(): Record<string, { shape: number[]; data: Float32Array }> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const n of this.names()) out[n] = { shape: this.shape(n), data: this.get(n).slice() };
    return out;
  }

  toSafetensors(metadata: Record<string, string> = {}): Uint8Array {
    return writeSafetensors(
      Object.fromEntries(this.names().map((n) => [n, { shape: this.shape(n), data: this.get(n) }])),
      metadata,
    );
  }
  /** Load values into this store. `strict`: every stored parameter must be present in the file. */
  loadSafetensors(bytes: Uint8Array, { strict = true } = {}): Record<string, string> {
    const { tensors, metadata } = readSafetensors(bytes);
    for (const n of this.names())
      if (strict && !tensors[n]) throw new EngineError(`safetensors: parameter '${n}' missing from file`);
    for (const [n, t] of Object.entries(tensors)) {
      if (this.has(n) && this.shape(n).join(',') !== t.shape.join(','))
        throw new EngineError(
          `safetensors: '${n}' has shape [${t.shape}] in the file, [${this.shape(n)}] in the model`,
        );
      this.set(n, t.data, t.shape);
    }
    return metadata;
  }
  static fromSafetensors(bytes: Uint8Array, seed = 0): ParamStore {
    const s = new ParamStore(seed);
    s.loadSafetensors(bytes, { strict: false });
    return s;
  }
}

export interface SafeTensor {
  shape: number[];
  data: Float32Array;
}

export function writeSafetensors(
  tensors: Record<string, { shape: readonly number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const [n, t] of Object.entries(tensors)) {
    const bytes = t.data.length * 4;
    header[n] = { dtype: 'F32', shape: [...t.shape], data_offsets: [off, off + bytes] };
    off += bytes;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let hb = enc.encode(json);
  json += ' '.repeat((8 - ((8 + hb.length) % 8)) % 8);
  hb = enc.encode(json);
  const out = new Uint8Array(8 + hb.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const t of Object.values(tensors)) {
    const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
      throw new EngineError('safetensors: big-endian hosts are not supported');
    out.set(view, p);
    p += view.length;
  }
  return out;
}

/** A tensor entry of a safetensors header, after validation. */
export interface SafeTensorEntry {
  name: string;
  dtype: 'F32' | 'F64' | 'F16';
  shape: number[];
  begin: number;
  end: number;
}

const DTYPE_WIDTH = { F32: 4, F64: 8, F16: 2 } as const;

/**
 * Parse and validate a safetensors header field by field (header length, UTF-8, JSON depth,
 * each entry's dtype, shape and data_offsets, __metadata__ strings, offsets inside the data and
 * not overlapping) without copying any tensor data. Every failure is an EngineError.
 */
export function checkSafetensors(bytes: Uint8Array): {
  entries: SafeTensorEntry[];
  metadata: Record<string, string>;
  dataStart: number;
} {
  if (bytes.length < 8) throw new EngineError(`safetensors: file too short (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = dv.getBigUint64(0, true);
  if (hl > BigInt(bytes.length - 8) || hl > 100_000_000n)
    throw new EngineError(`safetensors: header length ${hl} exceeds file size ${bytes.length}`);
  const n = Number(hl);
  let header: unknown;
  try {
    header = parseJsonLimited(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)),
      'safetensors: header',
      8,
    );
  } catch (e) {
    if (e instanceof JsonLimitError) throw new EngineError(e.message);
    throw new EngineError(`safetensors: header is not valid JSON (${(e as Error).message})`);
  }
  const top = safetensorsHeaderSchema.safeParse(header);
  if (!top.success)
    throw new EngineError(
      `safetensors: header must be a JSON object of tensor entries, found ${describeJson(header)}`,
    );
  const base = 8 + n;
  const dataLen = bytes.length - base;
  const entries: SafeTensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, e] of Object.entries(top.data)) {
    const label = JSON.stringify(name.slice(0, 80));
    if (name === '__metadata__') {
      const m = safetensorsMetadataSchema.safeParse(e);
      if (!m.success)
        throw new EngineError(
          `safetensors: __metadata__ must map names to strings (${firstIssueOf(m.error)})`,
        );
      metadata = m.data;
      continue;
    }
    const t = safetensorsEntrySchema.safeParse(e);
    if (!t.success) throw new EngineError(`safetensors: tensor ${label}: ${firstIssueOf(t.error)}`);
    const { dtype, shape, data_offsets: off } = t.data;
    const width = DTYPE_WIDTH[dtype as keyof typeof DTYPE_WIDTH];
    if (!width)
      throw new EngineError(
        `safetensors: tensor ${label} has unsupported dtype ${dtype.slice(0, 20)} (F32, F64, F16 are read)`,
      );
    let count = 1;
    for (const d of shape) count *= d;
    if (!Number.isSafeInteger(count * width))
      throw new EngineError(`safetensors: tensor ${label} shape [${shape.join(', ')}] is too large`);
    const [b, en] = off;
    if (b > en || en > dataLen || en - b !== count * width)
      throw new EngineError(
        `safetensors: tensor ${label} data_offsets [${b}, ${en}] do not fit ${dtype} [${shape.join(', ')}] in ${dataLen} data bytes`,
      );
    entries.push({ name, dtype: dtype as SafeTensorEntry['dtype'], shape, begin: b, end: en });
  }
  const sorted = [...entries].sort((x, y) => x.begin - y.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.begin < sorted[i - 1]!.end)
      throw new EngineError(
        `safetensors: tensors ${JSON.stringify(sorted[i - 1]!.name)} and ${JSON.stringify(sorted[i]!.name)} overlap`,
      );
  }
  return { entries, metadata, dataStart: base };
}

export function readSafetensors(bytes: Uint8Array): {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
} {
  const { entries, metadata, dataStart: base } = checkSafetensors(bytes);
  const tensors: Record<string, SafeTensor> = {};
  for (const { name, dtype, shape, begin, end } of entries) {
    const raw = bytes.slice(base + begin, base + end); // copy: aligned and detached from the file buffer
    let data: Float32Array;
    if (dtype === 'F32') data = new Float32Array(raw.buffer);
    else if (dtype === 'F64') data = Float32Array.from(new Float64Array(raw.buffer));
    else data = Float32Array.from(new Uint16Array(raw.buffer), halfToFloat);
    tensors[name] = { shape, data };
  }
  return { tensors, metadata };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1,
    e = (h >> 10) & 0x1f,
    f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
