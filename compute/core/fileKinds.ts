/**
 * What a path is, for plain errors when the wrong kind of file reaches an open: a model bundle
 * opened as a dataset, a scan opened as a model, a folder that is neither. Reads only the first
 * bytes and a zip's central directory.
 */
import { statSync } from 'node:fs';
import { checkRegularFile, readRegularFileHead } from '../io/safeFile';
import { basename, join } from 'node:path';
import { hasHdf5Signature } from '../io/hdf5';
import { zipNames } from '../ptycho/data/formats/registry';
import { CoreError } from './errors';

export type FileKind = 'missing' | 'folder' | 'special' | 'bundle' | 'npz' | 'hdf5' | 'zip' | 'other';

const SCAN_KEYS = ['diffraction', 'diff3d', 'xcoords', 'ycoords', 'probeGuess', 'patterns'];

export function fileKind(path: string): FileKind {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 'missing';
  }
  if (st.isDirectory()) return 'folder';
  // A device, FIFO or socket is never opened here (reading /dev/zero or a FIFO would not end):
  // the reader's regular-file check names it.
  if (!st.isFile()) return 'special';
  const head = Buffer.from(readRegularFileHead(path, 8));
  if (hasHdf5Signature(head)) return 'hdf5';
  if (head[0] === 0x50 && head[1] === 0x4b) {
    const names = zipNames(path);
    if (names.includes('manifest.json')) return 'bundle';
    return names.some((n) => SCAN_KEYS.includes(n)) ? 'npz' : 'zip';
  }
  return 'other';
}

/** Refuse, in one sentence, what cannot be a dataset (a bundle; a folder that is no Ptychodus folder). */
export function assertDatasetPath(path: string): void {
  const k = fileKind(path);
  if (k === 'missing') throw new CoreError(`${path} does not exist`, 'not-found');
  if (k === 'special') checkRegularFile(path, { what: 'a dataset' });
  if (k === 'bundle')
    throw new CoreError(
      `${basename(path)} is a model bundle, not a dataset: open it with File ▸ Open Model Bundle…`,
      'wrong-kind',
    );
  if (k === 'folder' && !statSafe(join(path, 'diffraction.h5'))) {
    throw new CoreError(
      `${path} is a folder, not a scan: choose an .npz, .cxi or .h5 file (a folder opens only as a Ptychodus folder with diffraction.h5)`,
      'wrong-kind',
    );
  }
}

/** Refuse, in one sentence, what cannot be a model bundle (a scan, a folder, another file). */
export function assertBundlePath(path: string): void {
  const k = fileKind(path);
  const name = basename(path);
  if (k === 'missing') throw new CoreError(`${path} does not exist`, 'not-found');
  if (k === 'special') checkRegularFile(path, { what: 'a model bundle' });
  if (k === 'folder')
    throw new CoreError(`${path} is a folder: choose the model bundle file (wts.h5.zip)`, 'wrong-kind');
  if (k === 'npz' || k === 'hdf5')
    throw new CoreError(
      `${name} is a dataset (${k === 'npz' ? 'NPZ scan' : 'HDF5 file'}), not a model bundle: open it with File ▸ Open Dataset…`,
      'wrong-kind',
    );
  if (k === 'zip')
    throw new CoreError(
      `${name} is a zip archive without manifest.json: not a model bundle (wts.h5.zip) written by Ptycho Workstation`,
      'wrong-kind',
    );
  if (k === 'other')
    throw new CoreError(`${name} is not a model bundle (wts.h5.zip is a zip archive)`, 'wrong-kind');
}

function statSafe(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
