/**
 * Atomic file writes: write to a temporary file in the same folder, fsync it, then rename over
 * the target. A crash or a full disk leaves either the old file or the new one, never half.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Fails fast, naming the folder, when `path` cannot be written because its folder is missing
 * or is a file (instead of an ENOENT about the temporary file, after the work is done).
 */
export function assertFolderExists(path: string): void {
  const dir = dirname(path);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new Error(`cannot write ${path}: the folder ${dir} does not exist`);
  }
  if (!isDir) throw new Error(`cannot write ${path}: ${dir} is a file, not a folder`);
}

export function atomicWriteFileSync(path: string, data: Uint8Array | string): void {
  assertFolderExists(path);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  // Persist the rename itself where the platform allows fsync on directories.
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* not supported (e.g. Windows) */
  }
}
