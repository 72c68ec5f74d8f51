/**
 * The one checked zip reader behind NPZ archives and model bundles. The central directory is
 * parsed here (not by fflate) so that every entry is checked before anything is inflated:
 * local headers present, data inside the archive, entries in file order and not overlapping
 * (overlapping entries let a small archive inflate the same deflate stream many times over),
 * sizes within limits, deflate ratios possible, stored sizes consistent. Each member is then
 * inflated into a buffer of exactly its declared size and its CRC-32 checked.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { inflateSync } from 'fflate';

/** CRC-32 (IEEE 802.3, zlib's): one implementation for every zip member check. */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate (others refused on read). */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** First byte of the member's data. */
  dataStart: number;
}

export interface ZipReadOptions {
  /** Largest inflated member. */
  maxMemberBytes: number;
  /** Largest inflated total. */
  maxTotalBytes: number;
  /** Error class of the caller. */
  error: new (message: string) => Error;
  /** Why a member name is unacceptable (null when fine). */
  checkName?: (name: string) => string | null;
  /** Inflate only members for which this is true (all checks still apply to every entry). */
  want?: (e: ZipEntry) => boolean;
  /** What the archive is called in messages (default "zip archive"). */
  label?: string;
}

/** Deflate cannot exceed ~1032:1; a member claiming more is corrupt or hostile. */
export const MAX_DEFLATE_RATIO = 1100;
const MAX_ENTRIES = 100_000;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;

function decodeName(b: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8').decode(b);
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** Parse and check the central directory and every local header (nothing inflated). */
export function listZip(
  bytes: Uint8Array,
  file: string,
  error: new (message: string) => Error,
  label = 'zip archive',
): ZipEntry[] {
  const bad = (why: string): never => {
    throw new error(`${file}: ${why}`);
  };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  if (n < 22) bad(`corrupt or truncated ${label} (shorter than its end record)`);
  let e = n - 22;
  const stop = Math.max(0, n - 22 - 65535);
  while (e >= stop && dv.getUint32(e, true) !== SIG_EOCD) e--;
  if (e < stop) bad(`corrupt or truncated ${label} (no end-of-central-directory record)`);
  let count = dv.getUint16(e + 10, true);
  let cdSize = dv.getUint32(e + 12, true);
  let cdOff = dv.getUint32(e + 16, true);
  let cdEnd = e;
  if (dv.getUint16(e + 4, true) !== 0 || dv.getUint16(e + 6, true) !== 0)
    bad('multi-volume zip archives are not supported');
  if (e >= 20 && dv.getUint32(e - 20, true) === SIG_LOC64) {
    const z = Number(dv.getBigUint64(e - 12, true));
    if (!(z + 56 <= e - 20) || dv.getUint32(z, true) !== SIG_EOCD64) bad('corrupt zip64 end record');
    count = Number(dv.getBigUint64(z + 32, true));
    cdSize = Number(dv.getBigUint64(z + 40, true));
    cdOff = Number(dv.getBigUint64(z + 48, true));
    cdEnd = z;
  }
  if (count > MAX_ENTRIES)
    bad(`${count} entries is more than any archive of this kind holds (limit ${MAX_ENTRIES})`);
  if (cdOff + cdSize > cdEnd) bad(`corrupt or truncated ${label} (central directory outside the file)`);
  const entries: ZipEntry[] = [];
  let o = cdOff;
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdOff + cdSize || dv.getUint32(o, true) !== SIG_CENTRAL)
      bad(`corrupt or truncated ${label} (central directory entry ${i + 1} of ${count} is damaged)`);
    const flags = dv.getUint16(o + 8, true);
    const method = dv.getUint16(o + 10, true);
    const crc = dv.getUint32(o + 16, true);
    let compressedSize = dv.getUint32(o + 20, true);
    let size = dv.getUint32(o + 24, true);
    const nameLen = dv.getUint16(o + 28, true);
    const extraLen = dv.getUint16(o + 30, true);
    const commentLen = dv.getUint16(o + 32, true);
    let localOffset = dv.getUint32(o + 42, true);
    const next = o + 46 + nameLen + extraLen + commentLen;
    if (next > cdOff + cdSize)
      bad(`corrupt or truncated ${label} (central directory entry ${i + 1} runs past the directory)`);
    const name = decodeName(bytes.subarray(o + 46, o + 46 + nameLen), (flags & 0x800) !== 0);
    // zip64 extra field: the 0xFFFFFFFF fields, in order size, compressed size, offset.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let x = o + 46 + nameLen;
      const xEnd = x + extraLen;
      let found = false;
      while (x + 4 <= xEnd) {
        const id = dv.getUint16(x, true);
        const len = dv.getUint16(x + 2, true);
        if (x + 4 + len > xEnd) break;
        if (id === 0x0001) {
          let p = x + 4;
          const take = (): number => {
            if (p + 8 > x + 4 + len) bad(`member '${name}': truncated zip64 extra field`);
            const v = Number(dv.getBigUint64(p, true));
            p += 8;
            return v;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localOffset === 0xffffffff) localOffset = take();
          found = true;
          break;
        }
        x += 4 + len;
      }
      if (!found) bad(`member '${name}': zip64 sizes without a zip64 extra field`);
    }
    if (localOffset + 30 > cdOff) bad(`member '${name}': local header outside the archive data`);
    if (dv.getUint32(localOffset, true) !== SIG_LOCAL)
      bad(`member '${name}': no local header where the central directory says (corrupt archive)`);
    const dataStart =
      localOffset + 30 + dv.getUint16(localOffset + 26, true) + dv.getUint16(localOffset + 28, true);
    if (!Number.isSafeInteger(dataStart + compressedSize) || dataStart + compressedSize > cdOff)
      bad(
        `member '${name}': its ${compressedSize} bytes of data run past the archive data (truncated or corrupt)`,
      );
    const prev = entries[entries.length - 1];
    if (prev) {
      if (localOffset <= prev.localOffset)
        bad(
          `member '${name}' is out of order: it starts at byte ${localOffset}, before '${prev.name}' (${prev.localOffset}); refusing a rearranged archive`,
        );
      if (localOffset < prev.dataStart + prev.compressedSize)
        bad(
          `members '${prev.name}' and '${name}' overlap (bytes ${localOffset}…${prev.dataStart + prev.compressedSize}); refusing an archive whose entries share data`,
        );
    }
    entries.push({ name, method, flags, crc, compressedSize, size, localOffset, dataStart });
    o = next;
  }
  return entries;
}

/** Check every entry, then inflate the wanted ones with size and CRC-32 checks. */
export function readZip(
  bytes: Uint8Array,
  file: string,
  o: ZipReadOptions,
): { entries: ZipEntry[]; members: Map<string, Uint8Array> } {
  const bad = (why: string): never => {
    throw new o.error(`${file}: ${why}`);
  };
  const entries = listZip(bytes, file, o.error, o.label);
  const seen = new Set<string>();
  let total = 0;
  for (const e of entries) {
    const why = o.checkName?.(e.name) ?? null;
    if (why) bad(`refusing archive member '${e.name}' (${why})`);
    if (seen.has(e.name)) bad(`duplicate archive member '${e.name}'`);
    seen.add(e.name);
    if (e.flags & 1) bad(`member '${e.name}' is encrypted; refusing it`);
    if (e.method !== 0 && e.method !== 8)
      bad(
        `member '${e.name}' uses compression method ${e.method}; only stored (0) and deflate (8) are supported`,
      );
    if (e.size > o.maxMemberBytes)
      bad(`member '${e.name}' declares ${e.size} bytes (limit ${o.maxMemberBytes}); refusing to inflate`);
    if (e.method === 0 && e.size !== e.compressedSize)
      bad(
        `stored member '${e.name}' declares ${e.size} bytes but occupies ${e.compressedSize}; corrupt archive`,
      );
    if (e.method === 8 && e.size > MAX_DEFLATE_RATIO * e.compressedSize + 4096)
      bad(
        `member '${e.name}' claims a ${Math.round(e.size / Math.max(1, e.compressedSize))}:1 compression ratio, impossible for deflate; refusing to inflate`,
      );
    total += e.size;
    if (total > o.maxTotalBytes)
      bad(`archive declares more than ${o.maxTotalBytes} bytes in total; refusing to inflate`);
  }
  const members = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (o.want && !o.want(e)) continue;
    const raw = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) data = raw.slice();
    else {
      try {
        data = e.size === 0 ? new Uint8Array(0) : inflateSync(raw, { out: new Uint8Array(e.size) });
      } catch (err) {
        bad(`member '${e.name}' has corrupt deflate data (${(err as Error).message})`);
      }
    }
    if (data!.length !== e.size)
      bad(
        `member '${e.name}' inflates to ${data!.length} bytes, not the declared ${e.size}; corrupt or truncated archive`,
      );
    if (crc32(data!) !== e.crc)
      bad(
        `member '${e.name}' fails its CRC-32 check; corrupt archive (recorded ${e.crc.toString(16).padStart(8, '0')}, data ${crc32(data!).toString(16).padStart(8, '0')})`,
      );
    members.set(e.name, data!);
  }
  return { entries, members };
}
