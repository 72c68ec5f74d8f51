/**
 * Atomic file writes: write to a temporary file in the same folder, fsync it, then rename over
 * the target. A crash or a full disk leaves either the old file or the new one, never half.
 *
 * Temporary names carry the writer's pid (`.NAME.PID-HEX.tmp`), so the next write to the same
 * folder can sweep what a killed writer left behind without touching a live writer's files.
 *
 * Several files that must change together (a model bundle and its history): each is written to
 * a temporary file, then a journal listing the renames is written atomically — the commit
 * point — then the renames are done and the journal removed. A kill before the journal leaves
 * the old set (the temporary files are swept later); a kill after it leaves a journal that the
 * next write to the folder, or `recoverFolder`, completes. Either way every file of the set
 * comes from the same run.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
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

/** `.NAME.PID-HEX.tmp`, the pid-less `.NAME.HEX.tmp` of earlier versions, and HDF5's `NAME.tmp-PID-MS`. */
const TMP_NAME = /^\..+\.(?:(\d+)-)?[0-9a-f]{12}\.tmp$|^.+\.tmp-(\d+)-\d+$/;
/** A pid-less temporary file older than this is a leftover. */
const LEGACY_TMP_AGE_MS = 60 * 60_000;
/** Temporary files of this process being written right now (never swept). */
const inFlight = new Set<string>();

export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether process `pid` is alive (EPERM: alive, someone else's). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a temporary file name in `dir` is a leftover of a writer that is gone. */
export function isStaleTemp(dir: string, name: string): boolean {
  const m = TMP_NAME.exec(name);
  if (!m) return false;
  const full = join(dir, name);
  if (inFlight.has(full)) return false;
  const pidText = m[1] ?? m[2];
  if (pidText !== undefined) {
    const pid = Number(pidText);
    return pid === process.pid || !processAlive(pid);
  }
  try {
    return Date.now() - statSync(full).mtimeMs > LEGACY_TMP_AGE_MS;
  } catch {
    return false;
  }
}

/** Remove temporary files that killed writers left in `dir`; returns the names removed. */
export function sweepTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    if (!isStaleTemp(dir, n)) continue;
    try {
      rmSync(join(dir, n), { force: true });
      removed.push(n);
    } catch {
      /* someone else removed it, or no permission: not ours to fight over */
    }
  }
  return removed;
}

/** Write `data` to a new temporary file next to `path` and fsync it; returns its path. */
export function writeTempFileSync(path: string, data: Uint8Array | string): string {
  const tmp = tempNameFor(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  inFlight.add(tmp);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    return tmp;
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    inFlight.delete(tmp);
    throw e;
  }
}

/** Rename a temporary file from writeTempFileSync into place. */
export function commitTempFileSync(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } finally {
    inFlight.delete(tmp);
  }
}

/** Drop a temporary file from writeTempFileSync that will not be committed. */
export function discardTempFileSync(tmp: string): void {
  rmSync(tmp, { force: true });
  inFlight.delete(tmp);
}

/** Persist renames in `dir` where the platform allows fsync on folders. */
export function fsyncDir(dir: string): void {
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* not supported (e.g. Windows) */
  }
}

export function atomicWriteFileSync(path: string, data: Uint8Array | string): void {
  assertFolderExists(path);
  recoverFolder(dirname(path));
  const tmp = writeTempFileSync(path, data);
  try {
    commitTempFileSync(tmp, path);
  } catch (e) {
    discardTempFileSync(tmp);
    throw e;
  }
  fsyncDir(dirname(path));
}

const JOURNAL = /^\.commit\.(\d+)-[0-9a-f]{12}\.json$/;
/** Journals of this process being carried out right now. */
const active = new Set<string>();

interface Journal {
  /** [temporary name, final name] pairs, names inside the folder. */
  renames: [string, string][];
}

function readJournal(path: string): Journal | null {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<Journal>;
    if (!Array.isArray(j.renames)) return null;
    const ok = j.renames.every(
      (r) =>
        Array.isArray(r) &&
        r.length === 2 &&
        r.every(
          (n) =>
            typeof n === 'string' &&
            n.length > 0 &&
            !n.includes('/') &&
            !n.includes('\\') &&
            n !== '..' &&
            n !== '.',
        ),
    );
    return ok ? (j as Journal) : null;
  } catch {
    return null;
  }
}

function carryOut(dir: string, j: Journal): void {
  for (const [tmp, final] of j.renames)
    if (existsSync(join(dir, tmp))) renameSync(join(dir, tmp), join(dir, final));
}

/**
 * Complete the commits that killed writers left in `dir`, then sweep their temporary files.
 * Returns the journals completed. Called by every commitFilesSync; call it before reading a
 * folder whose sets must agree.
 */
export function recoverFolder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const n of names.filter((x) => JOURNAL.test(x)).sort()) {
    const full = join(dir, n);
    const pid = Number(JOURNAL.exec(n)![1]);
    if (active.has(full) || (pid !== process.pid && processAlive(pid))) continue;
    const j = readJournal(full);
    if (j) carryOut(dir, j);
    rmSync(full, { force: true });
    done.push(n);
  }
  if (done.length) fsyncDir(dir);
  sweepTempFiles(dir);
  return done;
}

/** Write `files` (name → content) into `dir` so that a kill at any point leaves one consistent set. */
export function commitFilesSync(dir: string, files: Readonly<Record<string, Uint8Array | string>>): void {
  assertFolderExists(join(dir, Object.keys(files)[0] ?? '.'));
  recoverFolder(dir);
  const staged: [string, string][] = [];
  try {
    for (const [name, data] of Object.entries(files)) {
      const tmp = writeTempFileSync(join(dir, name), data);
      staged.push([tmp, name]);
    }
  } catch (e) {
    for (const [tmp] of staged) discardTempFileSync(tmp);
    throw e;
  }
  const journal = join(dir, `.commit.${process.pid}-${randomBytes(6).toString('hex')}.json`);
  active.add(journal);
  try {
    const rel = staged.map(([tmp, name]): [string, string] => [
      tmp.slice(dir.length).replace(/^[\\/]+/, ''),
      name,
    ]);
    const jt = writeTempFileSync(journal, JSON.stringify({ renames: rel } satisfies Journal));
    commitTempFileSync(jt, journal);
    fsyncDir(dir);
    for (const [tmp, name] of staged) commitTempFileSync(tmp, join(dir, name));
    fsyncDir(dir);
    rmSync(journal, { force: true });
    fsyncDir(dir);
  } catch (e) {
    // Before the journal exists nothing changed; after, the next recoverFolder finishes the set.
    if (!existsSync(journal)) for (const [tmp] of staged) discardTempFileSync(tmp);
    throw e;
  } finally {
    active.delete(journal);
  }
}
