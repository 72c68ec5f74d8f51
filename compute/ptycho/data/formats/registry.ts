/**
 * Dataset readers registered by name and chosen by content (HDF5 signature, zip magic, the
 * keys inside, a Ptychodus folder), not by extension. Each returns the app's `RawDataset`
 * with its geometry and conversion record. `openDataset` is the one entry point of the CLI
 * (train, infer, inspect, convert, evaluate) and of the compute core's `dataset.open`.
 */
import { existsSync } from 'node:fs';
import { checkRegularFile, readRegularFileHead, withRegularFile } from '../../../io/safeFile';
import { readSync } from 'node:fs';
import { join } from 'node:path';
import { complexFromSplit, f32, f64, type AnyNdArray } from '../../../io/ndarray';
import { hasHdf5Signature, initHdf5, H5Reader, Hdf5Error } from '../../../io/hdf5';
import {
  DatasetError,
  rawDatasetFromNpz,
  type ComplexImage,
  type DatasetGeometry,
  type LoadOptions,
  type RawDataset,
} from '../dataset';
import { completeGeometry, type FrameOptions } from './geometry';

export interface OpenOptions extends LoadOptions, FrameOptions {
  /** Patterns of a generic HDF5 file, e.g. `/entry/data/data`. */
  diffractionPath?: string;
  /** Positions for a generic HDF5 file: a CSV/TXT file (x y per line) … */
  positionsFile?: string;
  /** … or datasets in the same file: `/x,/y` or one (M, 2) dataset `/positions`. */
  positionsPath?: string;
  /** Probe dataset of a generic HDF5 file (2-D complex, or modes (…, H, W)). */
  probePath?: string;
  /** Units of positionsFile/positionsPath. Default px. */
  positionsUnit?: 'px' | 'm';
  /** A Ptychodus diffraction file (patterns, indexes, bad_pixels) paired with a product. */
  diffractionFile?: string;
  /** Geometry the file lacks (or overrides). */
  energyEV?: number;
  detectorDistanceM?: number;
  detectorPixelSizeM?: number;
}

/** What a reader may look at to decide whether a path is its format. */
export interface Sniff {
  path: string;
  isDir: boolean;
  kind: 'hdf5' | 'zip' | 'dir' | 'other';
  /** Root keys of an HDF5 file or array names of an NPZ. */
  keys: string[];
}

export interface DatasetFormat {
  name: string;
  label: string;
  /** Extensions offered in file dialogs (lower case, with the dot). */
  extensions: readonly string[];
  detect(s: Sniff, o: OpenOptions): boolean;
  open(path: string, o: OpenOptions): RawDataset;
}

const FORMATS: DatasetFormat[] = [];

export function registerFormat(f: DatasetFormat): void {
  if (!FORMATS.some((g) => g.name === f.name)) FORMATS.push(f);
}

export function datasetFormats(): readonly DatasetFormat[] {
  return FORMATS;
}

/** Every extension any reader offers (for dialogs and drag-and-drop). */
export function datasetExtensions(): string[] {
  return [...new Set(FORMATS.flatMap((f) => f.extensions))];
}

/** Largest dataset file accepted (a 10⁵-pattern 256² float32 scan is ~26 GB; HDF5 is read lazily). */
export const MAX_DATASET_FILE_BYTES = 256 * 2 ** 30;
const DATASET_FILE = { what: 'a dataset', maxBytes: MAX_DATASET_FILE_BYTES, error: DatasetError } as const;

function head(path: string, n = 2048): Uint8Array {
  return readRegularFileHead(path, n, DATASET_FILE);
}

/** Look at a path: a folder, an HDF5 file (root keys), a zip (member names), or something else. */
export function sniff(path: string): Sniff {
  // Devices, FIFOs and sockets are refused here, before anything opens them (a FIFO would block).
  const st = checkRegularFile(path, { ...DATASET_FILE, allowDirectory: true });
  if (st.isDirectory())
    return {
      path,
      isDir: true,
      kind: 'dir',
      keys: existsSync(path)
        ? ['diffraction.h5', 'product-in.h5', 'product-out.h5'].filter((k) => existsSync(join(path, k)))
        : [],
    };
  const h = head(path);
  if (hasHdf5Signature(h)) {
    const r = H5Reader.open(path);
    try {
      return { path, isDir: false, kind: 'hdf5', keys: r.keys('/') };
    } finally {
      r.close();
    }
  }
  if (h[0] === 0x50 && h[1] === 0x4b) return { path, isDir: false, kind: 'zip', keys: zipNames(path) };
  return { path, isDir: false, kind: 'other', keys: [] };
}

/** Member names of a zip (central directory), without inflating anything; `.npy` stripped. */
export function zipNames(path: string): string[] {
  return withRegularFile(path, DATASET_FILE, (fd, size) => {
    const n = Math.min(size, 65_557 + 1024 * 64);
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, size - n);
    const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > b.length) return [];
    const count = b.readUInt16LE(eocd + 10);
    const cdSize = b.readUInt32LE(eocd + 12);
    const cdOff = b.readUInt32LE(eocd + 16);
    if (cdSize > 1 << 24 || cdOff + cdSize > size) return [];
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdOff);
    const names: string[] = [];
    for (let p = 0, i = 0; i < count && p + 46 <= cd.length; i++) {
      const len = cd.readUInt16LE(p + 28);
      names.push(cd.toString('utf8', p + 46, Math.min(cd.length, p + 46 + len)).replace(/\.npy$/, ''));
      p += 46 + len + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return names;
  });
}

/** Synchronous open (HDF5 needs `initHdf5()` to have run once; `openDataset` does that). */
export function openDatasetSync(path: string, o: OpenOptions = {}): RawDataset {
  const s = sniff(path);
  const f = FORMATS.find((x) => x.detect(s, o));
  if (!f) {
    const what =
      s.kind === 'hdf5'
        ? `an HDF5 file with root keys ${s.keys.join(', ') || '(none)'} that is not CXI or a Ptychodus product; give --diffraction_path (e.g. /entry/data/data) and --positions_file or --positions_path`
        : s.kind === 'zip'
          ? 'a zip that is not an NPZ scan'
          : 'neither NPZ (zip) nor HDF5 (no signature)';
    throw new DatasetError(`${path}: unrecognised dataset: ${what}`);
  }
  try {
    const raw = f.open(path, o);
    raw.format = f.name;
    return raw;
  } catch (e) {
    if (e instanceof Hdf5Error) throw new DatasetError(e.message);
    throw e;
  }
}

/** Open any supported dataset (chosen by content). */
export async function openDataset(path: string, o: OpenOptions = {}): Promise<RawDataset> {
  checkRegularFile(path, { ...DATASET_FILE, allowDirectory: true }); // refuse devices and FIFOs before loading HDF5
  await initHdf5();
  return openDatasetSync(path, o);
}

/** What a reader hands to `buildRaw`: amplitudes in (M, N, N), positions in object pixels. */
export interface RawParts {
  diffraction: Float32Array;
  M: number;
  N: number;
  diffractionKey: string;
  xPx: Float64Array;
  yPx: Float64Array;
  probe?: ComplexImage | null;
  objectGuess?: ComplexImage | null;
  geometry: DatasetGeometry | null;
  conversion: string[];
  metadata?: Record<string, unknown>;
}

/** Validate through the same checks as a PtychoPINN NPZ (one implementation), then attach geometry. */
export function buildRaw(file: string, p: RawParts, o: LoadOptions): RawDataset {
  const arrays = new Map<string, AnyNdArray>([
    ['diffraction', f32(p.diffraction, [p.M, p.N, p.N])],
    ['xcoords', f64(p.xPx, [p.M])],
    ['ycoords', f64(p.yPx, [p.M])],
  ]);
  if (p.probe)
    arrays.set('probeGuess', complexFromSplit(p.probe.re, p.probe.im, [p.probe.height, p.probe.width]));
  if (p.objectGuess)
    arrays.set(
      'objectGuess',
      complexFromSplit(p.objectGuess.re, p.objectGuess.im, [p.objectGuess.height, p.objectGuess.width]),
    );
  const raw = rawDatasetFromNpz({ arrays, metadata: p.metadata ?? null, skipped: new Map() }, file, o);
  raw.diffractionKey = p.diffractionKey;
  raw.geometry = p.geometry ? completeGeometry(p.geometry, p.N) : null;
  raw.conversion = p.conversion;
  return raw;
}

/** Merge geometry flags over what the file says (flags win). */
export function withGeometryFlags(g: DatasetGeometry, o: OpenOptions): DatasetGeometry {
  return {
    ...g,
    ...(o.energyEV ? { energyEV: o.energyEV, wavelengthM: undefined } : {}),
    ...(o.detectorDistanceM ? { detectorDistanceM: o.detectorDistanceM } : {}),
    ...(o.detectorPixelSizeM ? { detectorPixelSizeM: o.detectorPixelSizeM } : {}),
  };
}
