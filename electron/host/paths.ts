/**
 * The host side of browser mode's path dialog: `~` expansion, refusal of relative paths (they
 * would silently resolve against the folder the host was started in), checks that what is
 * opened exists and that the folder a file is saved into exists, what a save would replace,
 * and folder listings for browsing and completion. Paths are the host machine's.
 */
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { DirListing, PathCheck, PathPurpose } from '../../compute/protocol';

const MAX_ENTRIES = 500;

/** `~` and `~/…` → the host user's home folder; anything else unchanged. */
export function expandHome(p: string, home = homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return join(home, p.slice(2));
  return p;
}

function kindOf(p: string): 'file' | 'dir' | 'missing' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** A missing file explained by its nearest missing folder, so the user knows what to fix. */
function missing(p: string): string {
  const dir = dirname(p);
  return kindOf(dir) === 'dir' ? `${p} does not exist` : `the folder ${dir} does not exist`;
}

/** The files an export writes (PNG: two images next to each other; the core's naming). */
export function exportTargets(p: string): string[] {
  if (!/\.png$/i.test(p)) return [p];
  const stem = p.replace(/\.png$/i, '');
  return [`${stem}_amplitude.png`, `${stem}_phase.png`];
}

export function checkPath(typed: string, purpose: PathPurpose, cwd = process.cwd()): PathCheck {
  const raw = typed.trim();
  const p = expandHome(raw);
  if (!isAbsolute(p)) {
    return {
      path: raw,
      error: `“${raw}” is a relative path: type a full path (starting with / or ~). It would resolve against the folder the host runs in, ${cwd}.`,
      overwrites: [],
    };
  }
  const abs = resolve(p);
  const kind = kindOf(abs);
  switch (purpose) {
    case 'openDataset':
      // A folder can be a scan (a Ptychodus folder); the core says when it is not.
      return { path: abs, error: kind === 'missing' ? missing(abs) : null, overwrites: [] };
    case 'openModel': {
      if (kind === 'dir') {
        const inside = join(abs, 'wts.h5.zip');
        return kindOf(inside) === 'file'
          ? { path: inside, error: null, overwrites: [] }
          : {
              path: abs,
              error: `${abs} is a folder without a wts.h5.zip: choose the bundle file`,
              overwrites: [],
            };
      }
      return { path: abs, error: kind === 'missing' ? missing(abs) : null, overwrites: [] };
    }
    case 'saveModel':
    case 'exportReconstruction': {
      const target =
        purpose === 'saveModel' && (kind === 'dir' || extname(abs) === '') ? join(abs, 'wts.h5.zip') : abs;
      const folder = dirname(target);
      const fk = kindOf(folder);
      if (fk !== 'dir')
        return {
          path: target,
          error:
            fk === 'missing'
              ? `the folder ${folder} does not exist: create it first or choose another`
              : `${folder} is a file, not a folder`,
          overwrites: [],
        };
      const targets = purpose === 'saveModel' ? [target] : exportTargets(target);
      const dirs = targets.filter((t) => kindOf(t) === 'dir');
      if (dirs.length)
        return { path: target, error: `${dirs[0]} is a folder: type a file name`, overwrites: [] };
      return { path: target, error: null, overwrites: targets.filter((t) => kindOf(t) === 'file') };
    }
  }
}

/** Entries of a folder (at most 500), folders first, then by name. The dialog hides dot entries unless the typed name starts with a dot. */
export function listDir(typed: string): DirListing {
  const p = expandHome(typed.trim());
  if (!isAbsolute(p))
    throw new Error(`“${typed}” is a relative path: type a full path (starting with / or ~)`);
  const dir = resolve(p);
  let names: { name: string; dir: boolean }[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).map((d) => ({
      name: d.name,
      dir: d.isDirectory() || (d.isSymbolicLink() && kindOf(join(dir, d.name)) === 'dir'),
    }));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `the folder ${dir} does not exist`
        : code === 'ENOTDIR'
          ? `${dir} is a file, not a folder`
          : code === 'EACCES'
            ? `no permission to read ${dir}`
            : `cannot list ${dir}`,
      { cause: e },
    );
  }
  names.sort((a, b) => (a.dir === b.dir ? a.name.localeCompare(b.name) : a.dir ? -1 : 1));
  return { dir, entries: names.slice(0, MAX_ENTRIES), truncated: names.length > MAX_ENTRIES };
}
