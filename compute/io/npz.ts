/**
 * NPZ archives (numpy's savez / savez_compressed): a zip of .npy members, read and written
 * with fflate. Stored and deflated members; declared sizes are checked before anything is
 * inflated (zip-bomb defence); `_metadata` (PtychoPINN's JSON metadata) is read from a 0-d
 * unicode array or, for PtychoPINN's pickled 0-d object array, by extracting the one string
 * from the pickle stream without executing it.
 */
import { basename } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { readRegularFile } from './safeFile';
import { readZip } from './zip';
import { readNpy, writeNpy, NpyError } from './npy';
import type { AnyNdArray } from './ndarray';
import { atomicWriteFileSync } from './atomicWrite';
import { JsonLimitError, parseJsonLimited } from './json';

export class NpzError extends Error {
  override name = 'NpzError';
}

/** Refuse archives that would inflate beyond this (per member and in total). */
export const MAX_MEMBER_BYTES = 2 * 2 ** 30;
export const MAX_TOTAL_BYTES = 8 * 2 ** 30;
/** Files larger than this are refused before being read (Node cannot read more into one buffer). */
export const MAX_NPZ_FILE_BYTES = 2 * 2 ** 30 - 1;

export interface NpzContents {
  /** Numeric arrays by key (member name without `.npy`). */
  arrays: Map<string, AnyNdArray>;
  /** Parsed `_metadata` JSON when present. */
  metadata: Record<string, unknown> | null;
  /** Members that were present but not numeric (reported, not decoded), with the reason. */
  skipped: Map<string, string>;
}

/** Extract the single unicode string of a pickled 0-d object array without unpickling. */
function stringFromPickle(bytes: Uint8Array): string | null {
  // Opcodes carrying strings: BINUNICODE 'X' (u32 len), SHORT_BINUNICODE 0x8c (u8 len), BINUNICODE8 0x8d (u64 len).
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const op = bytes[i]!;
    let len = -1;
    let start = 0;
    if (op === 0x58 && i + 5 <= bytes.length) {
      len = dv.getUint32(i + 1, true);
      start = i + 5;
    } else if (op === 0x8d && i + 9 <= bytes.length) {
      len = Number(dv.getBigUint64(i + 1, true));
      start = i + 9;
    }
    if (len > 16 && start + len <= bytes.length) {
      const s = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, start + len));
      if (s.trimStart().startsWith('{')) found.push(s);
      i = start + len - 1;
    }
  }
  return found.length === 1 ? found[0]! : null;
}

/** Read a 0-d string array (`<U` unicode, or a pickled object array holding one JSON string). */
export function readNpyString(bytes: Uint8Array, where: string): string {
  if (bytes.length < 12 || bytes[0] !== 0x93)
    throw new NpyError(`${where}: not an .npy file (wrong magic bytes)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new NpyError(`${where}: unsupported .npy version ${major}`);
  const dv0 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = major === 1 ? dv0.getUint16(8, true) : dv0.getUint32(8, true);
  const hs = major === 1 ? 10 : 12;
  if (hs + hl > bytes.length) throw new NpyError(`${where}: truncated header (needs ${hl} bytes)`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(hs, hs + hl));
  const body = bytes.subarray(hs + hl);
  const u = /'descr'\s*:\s*'([<>|])U(\d+)'/.exec(header);
  if (u) {
    const n = Number(u[2]);
    const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    let s = '';
    for (let i = 0; i < n && (i + 1) * 4 <= body.length; i++) {
      const cp = dv.getUint32(i * 4, u[1] !== '>');
      if (cp === 0) break;
      if (cp > 0x10ffff) throw new NpzError(`${where}: invalid code point ${cp} in a string array`);
      s += String.fromCodePoint(cp);
    }
    return s;
  }
  if (/'descr'\s*:\s*'\|O'/.test(header)) {
    const s = stringFromPickle(body);
    if (s !== null) return s;
    throw new NpzError(`${where}: object array that is not a single JSON string; refusing to unpickle`);
  }
  throw new NpzError(`${where}: expected a string array, found header ${header.trim().slice(0, 80)}`);
}

/** Encode a string as a 0-d numpy unicode array (`<U`), readable with np.load without pickles. */
export function writeNpyString(s: string): Uint8Array {
  const cps = Array.from(s, (c) => c.codePointAt(0)!);
  let dict = `{'descr': '<U${Math.max(1, cps.length)}', 'fortran_order': False, 'shape': (), }`;
  const pad = (64 - ((10 + dict.length + 1) % 64)) % 64;
  dict = dict + ' '.repeat(pad) + '\n';
  const out = new Uint8Array(10 + dict.length + Math.max(1, cps.length) * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const dv = new DataView(out.buffer);
  dv.setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  cps.forEach((cp, i) => dv.setUint32(10 + dict.length + i * 4, cp, true));
  return out;
}

function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)
  );
}

/** Read an NPZ from a path or bytes. `name` is used in messages when bytes are given. */
export function readNpz(source: string | Uint8Array, name?: string): NpzContents {
  const file = typeof source === 'string' ? basename(source) : (name ?? 'archive.npz');
  const bytes =
    typeof source === 'string'
      ? readRegularFile(source, { what: 'an NPZ archive', maxBytes: MAX_NPZ_FILE_BYTES, error: NpzError })
      : source;
  if (!isZip(bytes)) {
    if (bytes[0] === 0x93 && bytes[1] === 0x4e)
      throw new NpzError(`${file}: this is a single .npy array, not an .npz archive`);
    throw new NpzError(`${file}: not an NPZ/zip archive (wrong magic bytes)`);
  }
  const { members } = readZip(bytes, file, {
    maxMemberBytes: MAX_MEMBER_BYTES,
    maxTotalBytes: MAX_TOTAL_BYTES,
    error: NpzError,
    want: (e) => !e.name.endsWith('/'),
  });
  const arrays = new Map<string, AnyNdArray>();
  const skipped = new Map<string, string>();
  let metadata: Record<string, unknown> | null = null;
  for (const [member, data] of members) {
    const key = member.replace(/\.npy$/, '');
    const where = `${file}:${key}`;
    if (key === '_metadata') {
      try {
        const parsed = parseJsonLimited(readNpyString(data, where), where);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          metadata = parsed as Record<string, unknown>;
        else skipped.set(key, 'not a JSON object');
      } catch (e) {
        if (!(
          e instanceof SyntaxError ||
          e instanceof JsonLimitError ||
          e instanceof NpyError ||
          e instanceof NpzError
        ))
          throw e;
        skipped.set(key, e instanceof SyntaxError ? `invalid JSON (${e.message})` : e.message);
      }
      continue;
    }
    try {
      arrays.set(key, readNpy(data, where));
    } catch (e) {
      if (
        e instanceof NpyError &&
        /object or structured|unsupported dtype/.test(e.message) &&
        !/^(diffraction|diff3d|probeGuess|objectGuess|xcoords|ycoords|Y)$/.test(key)
      ) {
        skipped.set(key, e.message);
      } else throw e;
    }
  }
  return { arrays, metadata, skipped };
}

/** Encode arrays (and optional `_metadata` JSON) as NPZ bytes. */
export interface NpzWriteOptions {
  compress?: boolean;
  metadata?: Record<string, unknown>;
  /** Member timestamps (default now); fix it for byte-reproducible files. */
  mtime?: Date;
}

export function encodeNpz(
  arrays: Readonly<Record<string, AnyNdArray>>,
  opts: NpzWriteOptions = {},
): Uint8Array {
  const files: Zippable = {};
  const level = opts.compress ? 6 : 0;
  for (const [k, a] of Object.entries(arrays)) files[`${k}.npy`] = [writeNpy(a), { level }];
  if (opts.metadata) files['_metadata.npy'] = [writeNpyString(JSON.stringify(opts.metadata)), { level }];
  return zipSync(files, { mtime: opts.mtime ?? new Date() });
}

/** Write an NPZ atomically. */
export function writeNpz(
  path: string,
  arrays: Readonly<Record<string, AnyNdArray>>,
  opts: NpzWriteOptions = {},
): void {
  atomicWriteFileSync(path, encodeNpz(arrays, opts));
}
