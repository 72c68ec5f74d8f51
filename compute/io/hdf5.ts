/**
 * HDF5 through h5wasm (HDF5 2.0 compiled to WebAssembly; Node build with direct host file
 * access). One small façade: open read-only, look datasets up, read numbers as typed arrays
 * (whole or a block of frames), write a file atomically. Every failure is one line naming the
 * file and the dataset path.
 *
 * Filters: deflate, shuffle, fletcher32, szip, nbit and scaleoffset are built in; LZF,
 * bitshuffle (and blosc, zstd, lz4, …) come from h5wasm-plugins, which load in Node from the
 * package folder. A dataset whose filter is neither is refused before reading — h5wasm would
 * otherwise hand back an uninitialised buffer.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { checkRegularFile } from './safeFile';
type H5Module = Awaited<typeof import('h5wasm').default.ready>;

type H5wasm = typeof import('h5wasm').default;
type H5FileT = InstanceType<H5wasm['File']>;
type H5DatasetT = InstanceType<H5wasm['Dataset']>;
type H5GroupT = InstanceType<H5wasm['Group']>;

export class Hdf5Error extends Error {
  override name = 'Hdf5Error';
}

/** The 8-byte HDF5 signature (at offset 0, 512, 1024, … when a user block precedes it). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function hasHdf5Signature(head: Uint8Array): boolean {
  for (let off = 0; off + 8 <= head.length; off = off === 0 ? 512 : off * 2) {
    if (SIGNATURE.every((b, i) => head[off + i] === b)) return true;
  }
  return false;
}

const BUILT_IN_FILTERS: Record<number, string> = {
  1: 'deflate',
  2: 'shuffle',
  3: 'fletcher32',
  4: 'szip',
  5: 'nbit',
  6: 'scaleoffset',
};
/** Filter id → h5wasm-plugins library name. */
const PLUGIN_FILTERS: Record<number, string> = {
  32000: 'lzf',
  32008: 'bshuf',
  32001: 'blosc',
  32026: 'blosc2',
  307: 'bz2',
  32004: 'lz4',
  32013: 'zfp',
  32015: 'zstd',
  32019: 'jpeg',
  32022: 'bitgroom',
  32023: 'bitround',
};

let lib: H5wasm | null = null;
let mod: H5Module | null = null;
let pluginDir: string | null = null;
let pluginProblem: string | null = null;

/** Load h5wasm once (idempotent); afterwards every call here is synchronous. */
export async function initHdf5(): Promise<void> {
  if (lib) return;
  // Electron defines `navigator`, which makes emscripten pick its web code path (h5wasm README).
  const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  if (nav?.configurable)
    Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true, writable: true });
  try {
    const h5 = (await import('h5wasm/node')).default;
    mod = await h5.ready;
    mod.activate_throwing_error_handler();
    try {
      const dir = join(dirname(createRequire(import.meta.url).resolve('h5wasm-plugins')), 'plugins');
      if (!existsSync(join(dir, 'libH5Zlzf.so'))) throw new Error(`no plugin libraries in ${dir}`);
      mod.insert_plugin_search_path(dir, 0);
      pluginDir = dir;
    } catch (e) {
      pluginProblem = `h5wasm-plugins could not be loaded in Node (${(e as Error).message.split('\n')[0]})`;
    }
    lib = h5;
  } finally {
    if (nav?.configurable) Object.defineProperty(globalThis, 'navigator', nav);
  }
}

export function hdf5Ready(): boolean {
  return lib !== null;
}

function need(): { h5: H5wasm; m: H5Module } {
  if (!lib || !mod)
    throw new Hdf5Error('HDF5 support is not initialised: await initHdf5() (or use openDataset) first');
  return { h5: lib, m: mod };
}

/** The most specific line of an HDF5 error stack ("truncated file: eof = …"). */
export function hdf5Reason(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  const lines = text
    .split('\n')
    .map((l) => /#\d+:.* in [\w]+\(\): (.*)$/.exec(l)?.[1])
    .filter((l): l is string => Boolean(l));
  return lines.length ? lines[lines.length - 1]! : text.split('\n')[0]!;
}

export type H5Kind = 'int' | 'uint' | 'float' | 'complex' | 'string' | 'bool' | 'other';

export interface H5Info {
  path: string;
  shape: number[];
  kind: H5Kind;
  /** Bytes per element (per component for complex). */
  bytes: number;
  /** numpy-style description for messages: uint32, float64, complex64, string … */
  dtype: string;
  filters: { id: number; name: string }[];
  littleEndian: boolean;
}

export interface RealBlock {
  shape: number[];
  data: Float32Array | Float64Array;
}

/** A read-only HDF5 file. Paths are absolute within the file (`/entry_1/data_1/data`). */
export class H5Reader {
  private constructor(
    readonly file: string,
    private readonly f: H5FileT,
  ) {}

  static open(file: string): H5Reader {
    const { h5 } = need();
    if (!existsSync(file)) throw new Hdf5Error(`${file}: file not found`);
    checkRegularFile(file, { what: 'an HDF5 file', error: Hdf5Error });
    try {
      return new H5Reader(file, new h5.File(file, 'r'));
    } catch (e) {
      throw new Hdf5Error(`${file}: not a readable HDF5 file (${hdf5Reason(e)})`);
    }
  }

  close(): void {
    this.f.close();
  }

  private entity(path: string): ReturnType<H5FileT['get']> {
    try {
      return this.f.get(path);
    } catch {
      return null;
    }
  }

  has(path: string): boolean {
    return this.entity(path) !== null;
  }

  isDataset(path: string): boolean {
    return this.entity(path) instanceof need().h5.Dataset;
  }

  keys(path = '/'): string[] {
    const g = this.entity(path);
    return g instanceof need().h5.Group ? (g as H5GroupT).keys() : [];
  }

  private dataset(path: string): H5DatasetT {
    const d = this.entity(path);
    if (!(d instanceof need().h5.Dataset))
      throw new Hdf5Error(`${this.file}: dataset '${path}' ${d ? 'is a group, not a dataset' : 'not found'}`);
    return d as H5DatasetT;
  }

  info(path: string): H5Info {
    const d = this.dataset(path);
    const md = d.metadata;
    const shape = md.shape ?? [];
    let kind: H5Kind = 'other';
    let bytes = md.size;
    let dtype = `HDF5 type class ${md.type}`;
    if (md.type === 0) {
      kind = md.signed ? 'int' : 'uint';
      dtype = `${md.signed ? 'int' : 'uint'}${8 * md.size}`;
    } else if (md.type === 1) {
      kind = 'float';
      dtype = `float${8 * md.size}`;
    } else if (md.type === 3) {
      kind = 'string';
      dtype = 'string';
    } else if (md.type === 8 && md.size === 1) {
      kind = 'bool';
      dtype = 'bool';
    } else if (
      md.type === 6 &&
      md.compound_type?.nmembers === 2 &&
      md.compound_type.members.every((m) => m.type === 1 && m.size === md.size / 2)
    ) {
      kind = 'complex';
      bytes = md.size / 2;
      dtype = `complex${8 * md.size}`;
    }
    const littleEndian = kind === 'complex' ? md.compound_type!.members[0]!.littleEndian : md.littleEndian;
    return {
      path,
      shape,
      kind,
      bytes,
      dtype,
      filters: d.filters.map((x) => ({ id: x.id, name: x.name })),
      littleEndian,
    };
  }

  /** Refuse filters that cannot be decoded here, naming them. */
  private checkFilters(info: H5Info): void {
    for (const flt of info.filters) {
      if (BUILT_IN_FILTERS[flt.id]) continue;
      const plugin = PLUGIN_FILTERS[flt.id];
      if (plugin && pluginDir) continue;
      const name = flt.name && flt.name !== 'unknown' ? `'${flt.name}' (id ${flt.id})` : `id ${flt.id}`;
      const why = plugin
        ? (pluginProblem ?? 'h5wasm-plugins is not installed')
        : 'no decoder for it is available (built in: deflate/gzip, shuffle, szip, nbit, scaleoffset; plugins: lzf, bitshuffle, blosc, blosc2, bz2, lz4, zfp, zstd)';
      throw new Hdf5Error(
        `${this.file}: dataset '${info.path}' is compressed with HDF5 filter ${name}, which cannot be read: ${why}; re-save it with gzip or lzf (e.g. h5repack -f GZIP=4)`,
      );
    }
  }

  /** Raw bytes of the whole dataset, or of rows [start, start + count) along axis 0. */
  private readBytes(info: H5Info, rows?: { start: number; count: number }): Uint8Array {
    const { m } = need();
    this.checkFilters(info);
    const shape = info.shape;
    const elem = info.kind === 'complex' ? 2 * info.bytes : info.bytes;
    const n = rows
      ? rows.count * shape.slice(1).reduce((p, q) => p * q, 1)
      : shape.reduce((p, q) => p * q, 1);
    const nbytes = n * elem;
    const ptr = m._malloc(Math.max(nbytes, 1));
    if (!ptr)
      throw new Hdf5Error(
        `${this.file}: dataset '${info.path}': out of WebAssembly memory for ${nbytes} bytes`,
      );
    try {
      const count = rows ? [BigInt(rows.count), ...shape.slice(1).map(BigInt)] : null;
      const offset = rows ? [BigInt(rows.start), ...shape.slice(1).map(() => 0n)] : null;
      const strides = rows ? shape.map(() => 1n) : null;
      m.get_dataset_data(this.f.file_id, info.path, count, offset, strides, BigInt(ptr));
      return m.HEAPU8.slice(ptr, ptr + nbytes);
    } catch (e) {
      throw new Hdf5Error(`${this.file}: dataset '${info.path}' could not be read (${hdf5Reason(e)})`);
    } finally {
      m._free(ptr);
    }
  }

  private toNumbers(info: H5Info, b: Uint8Array, as: 'f32' | 'f64'): Float32Array | Float64Array {
    const n = b.byteLength / info.bytes;
    const out = as === 'f32' ? new Float32Array(n) : new Float64Array(n);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const le = info.littleEndian;
    const k = info.kind === 'complex' ? 'float' : info.kind;
    const sz = info.bytes;
    if (k === 'float' && sz === 4 && le) out.set(new Float32Array(b.buffer, b.byteOffset, n));
    else if (k === 'float' && sz === 8 && le) out.set(new Float64Array(b.buffer, b.byteOffset, n));
    else if (k === 'uint' && sz === 2 && le) out.set(new Uint16Array(b.buffer, b.byteOffset, n));
    else if (k === 'uint' && sz === 4 && le) out.set(new Uint32Array(b.buffer, b.byteOffset, n));
    else if (k === 'int' && sz === 4 && le) out.set(new Int32Array(b.buffer, b.byteOffset, n));
    else {
      for (let i = 0; i < n; i++) {
        const o = i * sz;
        if (k === 'float') out[i] = sz === 4 ? v.getFloat32(o, le) : v.getFloat64(o, le);
        else if (k === 'uint' || k === 'bool')
          out[i] =
            sz === 1
              ? v.getUint8(o)
              : sz === 2
                ? v.getUint16(o, le)
                : sz === 4
                  ? v.getUint32(o, le)
                  : Number(v.getBigUint64(o, le));
        else if (k === 'int')
          out[i] =
            sz === 1
              ? v.getInt8(o)
              : sz === 2
                ? v.getInt16(o, le)
                : sz === 4
                  ? v.getInt32(o, le)
                  : Number(v.getBigInt64(o, le));
        else
          throw new Hdf5Error(`${this.file}: dataset '${info.path}': expected numbers, found ${info.dtype}`);
      }
    }
    return out;
  }

  /** A real numeric dataset (any int/float/bool dtype) as float32 or float64, C order. */
  readReal(path: string, as: 'f32' | 'f64' = 'f64', rows?: { start: number; count: number }): RealBlock {
    const info = this.info(path);
    if (info.kind === 'complex' || info.kind === 'string' || info.kind === 'other') {
      throw new Hdf5Error(
        `${this.file}: dataset '${path}': expected real numbers, found ${info.dtype} with shape (${info.shape.join(', ')})`,
      );
    }
    const shape = rows ? [rows.count, ...info.shape.slice(1)] : info.shape;
    return { shape, data: this.toNumbers(info, this.readBytes(info, rows), as) };
  }

  /** A complex (h5py's {r, i} compound) or real dataset as split float32 re/im. */
  readComplex(path: string): { shape: number[]; re: Float32Array; im: Float32Array } {
    const info = this.info(path);
    if (info.kind !== 'complex') {
      const r = this.readReal(path, 'f32');
      return { shape: r.shape, re: r.data as Float32Array, im: new Float32Array(r.data.length) };
    }
    const inter = this.toNumbers(info, this.readBytes(info), 'f32');
    const n = inter.length / 2;
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = inter[2 * i]!;
      im[i] = inter[2 * i + 1]!;
    }
    return { shape: info.shape, re, im };
  }

  /** A scalar (or 1-element) numeric dataset, or null when absent. */
  scalar(path: string): number | null {
    if (!this.has(path)) return null;
    const r = this.readReal(path);
    if (r.data.length !== 1)
      throw new Hdf5Error(
        `${this.file}: dataset '${path}': expected a scalar, found shape (${r.shape.join(', ')})`,
      );
    return r.data[0]!;
  }

  /** An attribute as a number or string (first element of an array), null when absent. */
  attr(path: string, name: string): number | string | null {
    const e = this.entity(path) as H5DatasetT | null;
    const a = e?.attrs?.[name];
    if (!a) return null;
    const v = a.value as unknown;
    const first = ArrayBuffer.isView(v)
      ? (v as unknown as ArrayLike<number | bigint>)[0]
      : Array.isArray(v)
        ? v[0]
        : v;
    if (typeof first === 'bigint') return Number(first);
    return typeof first === 'number' || typeof first === 'string' ? first : null;
  }

  attrNames(path: string): string[] {
    const e = this.entity(path) as H5DatasetT | null;
    return e?.attrs ? Object.keys(e.attrs) : [];
  }
}

export type H5Attrs = Record<string, number | string>;

/** What `writeHdf5` puts in a file: datasets (real or split complex) with attributes, and groups. */
export interface H5Node {
  path: string;
  attrs?: H5Attrs;
  /** Absent → a group. */
  data?:
    | { kind: 'f32'; shape: number[]; data: Float32Array }
    | { kind: 'f64'; shape: number[]; data: Float64Array }
    | { kind: 'i64'; shape: number[]; data: BigInt64Array }
    | { kind: 'u32'; shape: number[]; data: Uint32Array }
    | { kind: 'c64'; shape: number[]; re: Float32Array; im: Float32Array }
    | { kind: 'str'; value: string };
  /** Chunked gzip for large arrays. */
  compress?: boolean;
}

/** Write `nodes` (parents before children) and root attributes to `file`, atomically. */
export function writeHdf5(file: string, nodes: readonly H5Node[], rootAttrs: H5Attrs = {}): void {
  const { h5 } = need();
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    const f = new h5.File(tmp, 'w');
    try {
      for (const [k, v] of Object.entries(rootAttrs)) f.create_attribute(k, v);
      for (const n of nodes) {
        const name = n.path.replace(/^\//, '');
        if (!n.data) {
          f.create_group(name);
        } else {
          const d = n.data;
          const chunked =
            n.compress && d.kind !== 'str' && d.shape.length >= 2
              ? { chunks: [1, ...d.shape.slice(1)], compression: 'gzip' as const, compression_opts: 4 }
              : {};
          if (d.kind === 'str') f.create_dataset({ name, data: d.value });
          else if (d.kind === 'c64')
            f.create_dataset({
              name,
              data: new Map([
                ['r', d.re],
                ['i', d.im],
              ]),
              shape: d.shape,
              dtype: [
                ['r', '<f'],
                ['i', '<f'],
              ],
              ...chunked,
            });
          else
            f.create_dataset({
              name,
              data: d.data,
              shape: d.shape,
              dtype: d.kind === 'f32' ? '<f' : d.kind === 'f64' ? '<d' : d.kind === 'u32' ? '<I' : '<q',
              ...chunked,
            });
        }
        if (n.attrs) {
          const e = f.get(name) as H5GroupT;
          for (const [k, v] of Object.entries(n.attrs)) e.create_attribute(k, v);
        }
      }
    } finally {
      f.close();
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Hdf5Error(`${file}: could not write HDF5 (${hdf5Reason(e)})`);
  }
}

/** Size of a file in bytes (for messages). */
export function fileBytes(file: string): number {
  return statSync(file).size;
}
