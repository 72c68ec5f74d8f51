/**
 * Opening files the user names: only regular files are read. Devices (/dev/zero grows a read
 * without bound), FIFOs (a read blocks forever), sockets and folders are refused, before any
 * open, with a sentence saying what the path is; sizes are capped before a byte is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export class FileKindError extends Error {
  override name = 'FileKindError';
}

/** What a path that is not a regular file is, in words; null for a regular file. */
export function notRegularFile(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

export interface RegularFileOptions {
  /** What the file should have been, for the message ("a dataset", "a model bundle"). */
  what?: string;
  /** Largest size accepted. */
  maxBytes?: number;
  /** Error class of the caller (its messages stay in the caller's vocabulary). */
  error?: new (message: string) => Error;
  /** Accept a folder (callers that open folders, e.g. a Ptychodus product folder). */
  allowDirectory?: boolean;
}

function fail(o: RegularFileOptions, message: string): never {
  throw new (o.error ?? FileKindError)(message);
}

/**
 * stat (which never blocks, not even on a FIFO) and refuse anything but a regular file (or a
 * folder with allowDirectory) and files over maxBytes. Missing files: "file not found".
 */
export function checkRegularFile(path: string, o: RegularFileOptions = {}): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(
      o,
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${path}: file not found`
        : `${path}: cannot read (${(e as Error).message})`,
    );
  }
  if (st.isDirectory() && o.allowDirectory) return st;
  const kind = notRegularFile(st);
  if (kind) fail(o, `${path} is ${kind}, not a regular file; ${o.what ?? 'it'} must be a regular file`);
  if (o.maxBytes !== undefined && st.size > o.maxBytes)
    fail(
      o,
      `${path}: ${st.size} bytes is larger than ${o.what ?? 'a file of this kind'} can be (limit ${o.maxBytes} bytes); refusing to read it`,
    );
  return st;
}

/**
 * Read a whole regular file (at most maxBytes). The descriptor is opened non-blocking and
 * checked again with fstat, so a path swapped for a FIFO or device after the stat is refused too.
 */
export function readRegularFile(path: string, o: RegularFileOptions = {}): Buffer {
  return withRegularFile(path, o, (fd, size) => {
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  });
}

/** The first `n` bytes of a regular file (fewer when it is shorter). */
export function readRegularFileHead(path: string, n: number, o: RegularFileOptions = {}): Uint8Array {
  return withRegularFile(path, o, (fd, size) => {
    const b = new Uint8Array(Math.min(n, size));
    const got = b.length ? readSync(fd, b, 0, b.length, 0) : 0;
    return b.subarray(0, got);
  });
}

/** Run `f` on a descriptor of a checked regular file; closes it afterwards. */
export function withRegularFile<T>(
  path: string,
  o: RegularFileOptions,
  f: (fd: number, size: number) => T,
): T {
  checkRegularFile(path, o);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    fail(o, `${path}: cannot read (${(e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    const kind = notRegularFile(st);
    if (kind) fail(o, `${path} is ${kind}, not a regular file; ${o.what ?? 'it'} must be a regular file`);
    if (o.maxBytes !== undefined && st.size > o.maxBytes)
      fail(
        o,
        `${path}: ${st.size} bytes is larger than ${o.what ?? 'a file of this kind'} can be (limit ${o.maxBytes} bytes); refusing to read it`,
      );
    return f(fd, st.size);
  } finally {
    closeSync(fd);
  }
}
