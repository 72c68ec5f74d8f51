/**
 * The PtychoPINN raw-data contract (PtychoPINN §1.1): load an NPZ scan, validate it, and hold
 * it in the app's layout. Every refusal names the file, the key, and what was expected.
 *
 * Conventions: `diffraction` holds *amplitudes* (sqrt of intensity), shape (M, N, N) (legacy
 * (N, N, M) is transposed); positions in object pixels, x = column, y = row.
 */
import { basename } from 'node:path';
import { readRegularFileHead } from '../../io/safeFile';
import { readNpz, type NpzContents } from '../../io/npz';
import { isComplex, sizeOf, toComplexSplit, toFloat64, type AnyNdArray } from '../../io/ndarray';
import { objectPixelSize, physicalFacts } from './units';

export const SUPPORTED_N = [64, 128, 256] as const;

export class DatasetError extends Error {
  override name = 'DatasetError';
}

export interface ComplexImage {
  re: Float32Array;
  im: Float32Array;
  width: number;
  height: number;
}

export interface RawDataset {
  /** Path (or name) the data came from, for messages. */
  file: string;
  /** Number of patterns M and patch size N. */
  M: number;
  N: number;
  /** `(M, N, N)` diffraction amplitudes, float32, C order. */
  diffraction: Float32Array;
  /** Which key (NPZ) or dataset path (HDF5) held the patterns, and whether a legacy (N,N,M) layout was transposed. */
  diffractionKey: string;
  transposedFromLegacy: boolean;
  /** Scan positions (object pixels), length M. */
  xcoords: Float64Array;
  ycoords: Float64Array;
  /** Nominal positions; equal to xcoords/ycoords when the file has none. */
  xcoordsStart: Float64Array;
  ycoordsStart: Float64Array;
  scanIndex: Float64Array;
  probe: ComplexImage | null;
  objectGuess: ComplexImage | null;
  /** Optional ground-truth patches Y `(M, N, N)` complex (split). */
  Y: { re: Float32Array; im: Float32Array } | null;
  metadata: Record<string, unknown> | null;
  /** Other numeric arrays kept as found (e.g. ground_truth_patches). */
  extra: Map<string, AnyNdArray>;
  /** Physical geometry when the file states it (CXI, Ptychodus); absent for plain PtychoPINN NPZ. */
  geometry?: DatasetGeometry | null;
  /** What was done to the file's numbers to get here (counts → amplitudes, m → px, crop …), in order. */
  conversion?: string[];
  /** Which reader opened it (`ptychopinn-npz`, `cxi`, `ptychodus-product-h5`, …). */
  format?: string;
}

/**
 * Geometry in SI units. `objectPixelSizeM` is λ·z / (N·Δx) for measured data (or the product's
 * own pixel size); object pixel coordinate (x, y) sits at world position
 * (originXM + x·objectPixelSizeM, originYM + y·objectPixelSizeM).
 */
export interface DatasetGeometry {
  energyEV?: number;
  wavelengthM?: number;
  detectorDistanceM?: number;
  detectorPixelSizeM?: number;
  objectPixelSizeM?: number;
  originXM?: number;
  originYM?: number;
}

function fail(file: string, key: string | null, msg: string): never {
  throw new DatasetError(`${file}${key ? `: key '${key}'` : ''}: ${msg}`);
}

function shapeText(s: readonly number[]): string {
  return `(${s.join(', ')})`;
}

function firstNonFinite(d: ArrayLike<number>): number {
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return i;
  return -1;
}

function vector(z: NpzContents, file: string, key: string, M: number): Float64Array {
  const a = z.arrays.get(key)!;
  if (isComplex(a.dtype)) fail(file, key, `expected real numbers, found ${a.dtype}`);
  const v = toFloat64(a);
  if (v.length !== M || (a.shape.length !== 1 && !(a.shape.length === 2 && a.shape.includes(1)))) {
    fail(
      file,
      key,
      `expected shape (${M},) to match the ${M} diffraction patterns, found ${shapeText(a.shape)}`,
    );
  }
  const bad = firstNonFinite(v);
  if (bad >= 0) fail(file, key, `non-finite value ${v[bad]} at index ${bad}`);
  return v;
}

function complexImage(z: NpzContents, file: string, key: string): ComplexImage {
  const a = z.arrays.get(key)!;
  const shape = a.shape.filter(
    (d, i) => !(d === 1 && a.shape.length > 2 && (i === 0 || i === a.shape.length - 1)),
  );
  if (shape.length !== 2) fail(file, key, `expected a 2-D array, found shape ${shapeText(a.shape)}`);
  const { re, im } = toComplexSplit(a);
  const bad = Math.max(firstNonFinite(re), firstNonFinite(im));
  if (bad >= 0) fail(file, key, `non-finite value at index ${bad}`);
  return { re, im, height: shape[0]!, width: shape[1]! };
}

/** Numbers that look like detector counts: integer dtype, or float data that is all integers and large. */
function looksLikeCounts(a: AnyNdArray, d: Float32Array): boolean {
  if (!(a.dtype === 'float32' || a.dtype === 'float64')) return true;
  let max = 0;
  const step = Math.max(1, Math.floor(d.length / 200_000));
  for (let i = 0; i < d.length; i += step) {
    const v = d[i]!;
    if (v !== Math.round(v)) return false;
    if (v > max) max = v;
  }
  return max > 10;
}

export interface LoadOptions {
  /** Require probeGuess (training does; inspection does not). Default true. */
  requireProbe?: boolean;
}

/** Build a RawDataset from decoded NPZ contents (shared by file and in-memory loading). */
export function rawDatasetFromNpz(z: NpzContents, file: string, opts: LoadOptions = {}): RawDataset {
  const keys = [...z.arrays.keys()];
  const dkey = z.arrays.has('diffraction') ? 'diffraction' : z.arrays.has('diff3d') ? 'diff3d' : null;
  if (!dkey)
    fail(
      file,
      null,
      `no diffraction patterns: expected key 'diffraction' or 'diff3d' (found: ${keys.join(', ') || 'none'})`,
    );
  const da = z.arrays.get(dkey)!;
  if (isComplex(da.dtype)) fail(file, dkey, `expected real diffraction amplitudes, found ${da.dtype}`);
  if (da.dtype === 'bool') fail(file, dkey, 'expected diffraction amplitudes, found booleans');
  let shape = da.shape.slice();
  if (shape.length === 4 && shape[3] === 1) shape = shape.slice(0, 3);
  if (shape.length !== 3)
    fail(file, dkey, `expected a 3-D stack (M, N, N), found shape ${shapeText(da.shape)}`);
  // float32 patterns are used in place (readers hand over arrays they own); others are converted.
  let data =
    da.data instanceof Float32Array
      ? da.data
      : Float32Array.from(
          da.data instanceof BigInt64Array ? Array.from(da.data, Number) : (da.data as ArrayLike<number>),
        );
  let transposed = false;
  // Legacy (N, N, M): square leading pair and a longer last axis.
  if (shape[0] === shape[1] && shape[2]! > shape[0]! && !(shape[1] === shape[2])) {
    const [n, , m] = shape as [number, number, number];
    const t = new Float32Array(data.length);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < m; k++) t[k * n * n + i * n + j] = data[(i * n + j) * m + k]!;
    data = t;
    shape = [m, n, n];
    transposed = true;
  }
  const [M, H, W] = shape as [number, number, number];
  if (H !== W) fail(file, dkey, `patterns must be square, found ${H}×${W} (shape ${shapeText(da.shape)})`);
  const N = H;
  if (!(SUPPORTED_N as readonly number[]).includes(N))
    fail(file, dkey, `pattern size N must be 64, 128 or 256, found ${N}`);
  if (M < 1) fail(file, dkey, 'no patterns (M = 0)');
  if (looksLikeCounts(da, data)) {
    fail(
      file,
      dkey,
      `holds ${da.dtype.startsWith('float') ? 'integer-valued' : da.dtype} data up to large values: this looks like raw detector counts (intensity), but PtychoPINN expects amplitudes. Convert with: ptycho convert ${basename(file)} --sqrt --output_file ${basename(file).replace(/\.npz$/, '')}_amplitude.npz`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v))
      fail(file, dkey, `non-finite value ${v} in pattern ${Math.floor(i / (N * N))} (pixel ${i % (N * N)})`);
    if (v < 0)
      fail(
        file,
        dkey,
        `negative amplitude ${v} in pattern ${Math.floor(i / (N * N))}: amplitudes must be ≥ 0`,
      );
  }
  for (const k of ['xcoords', 'ycoords'])
    if (!z.arrays.has(k))
      fail(file, null, `missing key '${k}' (scan positions in object pixels; found: ${keys.join(', ')})`);
  const xcoords = vector(z, file, 'xcoords', M);
  const ycoords = vector(z, file, 'ycoords', M);
  const xcoordsStart = z.arrays.has('xcoords_start') ? vector(z, file, 'xcoords_start', M) : xcoords;
  const ycoordsStart = z.arrays.has('ycoords_start') ? vector(z, file, 'ycoords_start', M) : ycoords;
  const scanIndex = z.arrays.has('scan_index') ? vector(z, file, 'scan_index', M) : new Float64Array(M);

  let probe: ComplexImage | null = null;
  if (z.arrays.has('probeGuess')) {
    probe = complexImage(z, file, 'probeGuess');
    if (probe.width !== probe.height)
      fail(file, 'probeGuess', `probe must be square, found ${probe.height}×${probe.width}`);
    if (probe.width !== N)
      fail(
        file,
        'probeGuess',
        `probe is ${probe.width}×${probe.height} but the patterns are ${N}×${N}; they must match`,
      );
  } else if (opts.requireProbe !== false) {
    fail(
      file,
      null,
      "missing key 'probeGuess' (the complex probe, N×N); it is required to train and reconstruct",
    );
  }
  const objectGuess = z.arrays.has('objectGuess') ? complexImage(z, file, 'objectGuess') : null;
  let Y: RawDataset['Y'] = null;
  if (z.arrays.has('Y')) {
    const y = z.arrays.get('Y')!;
    const ys = y.shape.length === 4 && y.shape[3] === 1 ? y.shape.slice(0, 3) : y.shape;
    if (ys.length !== 3 || ys[0] !== M || ys[1] !== N || ys[2] !== N)
      fail(
        file,
        'Y',
        `expected ground-truth patches of shape (${M}, ${N}, ${N}), found ${shapeText(y.shape)}`,
      );
    Y = toComplexSplit(y);
  }
  const known = new Set([
    'diffraction',
    'diff3d',
    'xcoords',
    'ycoords',
    'xcoords_start',
    'ycoords_start',
    'scan_index',
    'probeGuess',
    'objectGuess',
    'Y',
  ]);
  const extra = new Map([...z.arrays].filter(([k]) => !known.has(k)));
  if (sizeOf(shape) !== data.length) fail(file, dkey, 'internal size mismatch');
  return {
    file,
    M,
    N,
    diffraction: data,
    diffractionKey: dkey,
    transposedFromLegacy: transposed,
    xcoords,
    ycoords,
    xcoordsStart,
    ycoordsStart,
    scanIndex,
    probe,
    objectGuess,
    Y,
    metadata: z.metadata,
    extra,
  };
}

/**
 * The object and probe of an NPZ (`objectGuess`, `probeGuess`), without requiring diffraction:
 * the documented input of `ptycho simulate --input_file`. Both keys are required; the probe
 * must be square with N ∈ {64, 128, 256} and smaller than the object.
 */
export function objectAndProbeFromNpz(
  z: NpzContents,
  file: string,
): { objectGuess: ComplexImage; probe: ComplexImage } {
  const keys = [...z.arrays.keys()].join(', ') || 'none';
  for (const k of ['objectGuess', 'probeGuess'])
    if (!z.arrays.has(k)) fail(file, null, `missing key '${k}' (complex 2-D; found: ${keys})`);
  const objectGuess = complexImage(z, file, 'objectGuess');
  const probe = complexImage(z, file, 'probeGuess');
  if (probe.width !== probe.height)
    fail(file, 'probeGuess', `probe must be square, found ${probe.height}×${probe.width}`);
  if (!(SUPPORTED_N as readonly number[]).includes(probe.width))
    fail(file, 'probeGuess', `probe size N must be 64, 128 or 256, found ${probe.width}`);
  if (objectGuess.width < probe.width + 2 || objectGuess.height < probe.width + 2) {
    fail(
      file,
      'objectGuess',
      `object ${objectGuess.height}×${objectGuess.width} must be larger than the ${probe.width}×${probe.width} probe`,
    );
  }
  return { objectGuess, probe };
}

/**
 * Load and validate a scan. NPZ files are read here; anything else (CXI, Ptychodus, HDF5) goes
 * through the format registry, which needs HDF5 initialised once — `await openDataset(...)`
 * (compute/ptycho/data/formats) does that and is the entry point for new code.
 */
export function loadRawDataset(path: string, opts: LoadOptions = {}): RawDataset {
  if (opener && !isZipFile(path)) return opener(path, opts);
  return rawDatasetFromNpz(readNpz(path), path, opts);
}

/** Set by compute/ptycho/data/formats so loadRawDataset can dispatch without an import cycle. */
let opener: ((path: string, opts: LoadOptions) => RawDataset) | null = null;
export function setDatasetOpener(f: (path: string, opts: LoadOptions) => RawDataset): void {
  opener = f;
}

function isZipFile(path: string): boolean {
  let b: Uint8Array;
  try {
    b = readRegularFileHead(path, 2);
  } catch {
    return true; // let readNpz report the missing file (or the device, FIFO, folder) as before
  }
  return b[0] === 0x50 && b[1] === 0x4b;
}

/** A scan as PtychoPINN NPZ arrays (the inverse of rawDatasetFromNpz; extra arrays kept). */
export function rawDatasetToNpzArrays(raw: RawDataset): Record<string, AnyNdArray> {
  const c = (im: ComplexImage): AnyNdArray => {
    const data = new Float32Array(2 * im.re.length);
    for (let i = 0; i < im.re.length; i++) {
      data[2 * i] = im.re[i]!;
      data[2 * i + 1] = im.im[i]!;
    }
    return { dtype: 'complex64', shape: [im.height, im.width], data };
  };
  const v = (d: Float64Array): AnyNdArray => ({ dtype: 'float64', shape: [raw.M], data: d });
  const out: Record<string, AnyNdArray> = {
    ...Object.fromEntries(raw.extra),
    diffraction: { dtype: 'float32', shape: [raw.M, raw.N, raw.N], data: raw.diffraction },
    xcoords: v(raw.xcoords),
    ycoords: v(raw.ycoords),
    xcoords_start: v(raw.xcoordsStart),
    ycoords_start: v(raw.ycoordsStart),
    scan_index: v(raw.scanIndex),
  };
  if (raw.probe) out.probeGuess = c(raw.probe);
  if (raw.objectGuess) out.objectGuess = c(raw.objectGuess);
  return out;
}

/** nphotons from PtychoPINN `_metadata` (`physics_parameters.nphotons` or a top-level `nphotons`). */
export function metadataNphotons(meta: Record<string, unknown> | null): number | null {
  if (!meta) return null;
  const pp = meta.physics_parameters as Record<string, unknown> | undefined;
  const v = (pp && typeof pp === 'object' ? pp.nphotons : undefined) ?? meta.nphotons;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/** Keep rows `idx` (sorted ascending) of every per-pattern array. */
export function selectPatterns(raw: RawDataset, idx: ArrayLike<number>): RawDataset {
  const n = idx.length;
  const NN = raw.N * raw.N;
  const diffraction = new Float32Array(n * NN);
  const pick = (v: Float64Array): Float64Array => Float64Array.from({ length: n }, (_, i) => v[idx[i]!]!);
  for (let i = 0; i < n; i++)
    diffraction.set(raw.diffraction.subarray(idx[i]! * NN, (idx[i]! + 1) * NN), i * NN);
  let Y: RawDataset['Y'] = null;
  if (raw.Y) {
    const re = new Float32Array(n * NN);
    const im = new Float32Array(n * NN);
    for (let i = 0; i < n; i++) {
      re.set(raw.Y.re.subarray(idx[i]! * NN, (idx[i]! + 1) * NN), i * NN);
      im.set(raw.Y.im.subarray(idx[i]! * NN, (idx[i]! + 1) * NN), i * NN);
    }
    Y = { re, im };
  }
  return {
    ...raw,
    M: n,
    diffraction,
    xcoords: pick(raw.xcoords),
    ycoords: pick(raw.ycoords),
    xcoordsStart: pick(raw.xcoordsStart),
    ycoordsStart: pick(raw.ycoordsStart),
    scanIndex: pick(raw.scanIndex),
    Y,
  };
}

/**
 * Photons per pattern from quantised amplitudes. Simulated PtychoPINN data store
 * A = sqrt(counts)/s, so the smallest non-zero amplitude is 1/s (a one-photon pixel) and every
 * (A·s)² is an integer; then mean Σ (A·s)² per pattern is the photon count. Returns null when
 * the data are not quantised that way (measured, normalised or noise-free data) — checked on up
 * to 20,000 small values, where float32 still resolves single counts.
 */
export function estimatePhotonsFromQuantisation(diffraction: Float32Array, patterns: number): number | null {
  let a0 = Infinity;
  let sum2 = 0;
  for (let i = 0; i < diffraction.length; i++) {
    const v = diffraction[i]!;
    if (v > 0 && v < a0) a0 = v;
    sum2 += v * v;
  }
  if (!Number.isFinite(a0) || patterns < 1) return null;
  const step = Math.max(1, Math.floor(diffraction.length / 200_000));
  let checked = 0;
  let integral = 0;
  for (let i = 0; i < diffraction.length && checked < 20_000; i += step) {
    const c = (diffraction[i]! / a0) ** 2;
    if (c === 0 || c > 1e4) continue;
    checked++;
    if (Math.abs(c - Math.round(c)) <= Math.max(0.01, 3e-7 * c)) integral++;
  }
  if (checked < 100 || integral < 0.99 * checked) return null;
  return sum2 / (a0 * a0) / patterns;
}

export interface DatasetSummary {
  file: string;
  patterns: number;
  N: number;
  diffractionKey: string;
  transposedFromLegacy: boolean;
  scanExtent: { xmin: number; xmax: number; ymin: number; ymax: number };
  /** Median nearest-neighbour step between scan positions (pixels). */
  medianStepPx: number;
  amplitudeMax: number;
  /** Mean Σ amplitude² per pattern in file units. */
  meanIntensitySum: number;
  /** nphotons per pattern from metadata, when present. */
  nphotons: number | null;
  /**
   * Photons per pattern implied by the data themselves when the amplitudes are quantised like
   * sqrt(counts)/s (simulations, converted counts): mean Σ counts per pattern; null otherwise.
   */
  photonsEstimated: number | null;
  hasProbe: boolean;
  objectShape: [number, number] | null;
  hasGroundTruthPatches: boolean;
  otherKeys: string[];
  /** Object pixel size in metres when the file's geometry gives it; null: positions are object pixels. */
  objectPixelSizeM: number | null;
  /** The geometry as [label, text] rows (object pixel in nm, energy, detector), or the "unknown" line. */
  physicalFacts: Array<[string, string]>;
}

export function datasetSummary(raw: RawDataset): DatasetSummary {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < raw.M; i++) {
    xmin = Math.min(xmin, raw.xcoords[i]!);
    xmax = Math.max(xmax, raw.xcoords[i]!);
    ymin = Math.min(ymin, raw.ycoords[i]!);
    ymax = Math.max(ymax, raw.ycoords[i]!);
  }
  let amax = 0;
  let sum2 = 0;
  for (let i = 0; i < raw.diffraction.length; i++) {
    const v = raw.diffraction[i]!;
    if (v > amax) amax = v;
    sum2 += v * v;
  }
  // Median nearest-neighbour distance on a sample of up to 500 positions (O(n·m)).
  const sample = Math.min(raw.M, 500);
  const stride = raw.M / sample;
  const dists: number[] = [];
  for (let s = 0; s < sample && raw.M > 1; s++) {
    const i = Math.floor(s * stride);
    let best = Infinity;
    for (let j = 0; j < raw.M; j++) {
      if (j === i) continue;
      const d = Math.hypot(raw.xcoords[j]! - raw.xcoords[i]!, raw.ycoords[j]! - raw.ycoords[i]!);
      if (d < best) best = d;
    }
    dists.push(best);
  }
  dists.sort((a, b) => a - b);
  return {
    file: raw.file,
    patterns: raw.M,
    N: raw.N,
    diffractionKey: raw.diffractionKey,
    transposedFromLegacy: raw.transposedFromLegacy,
    scanExtent: { xmin, xmax, ymin, ymax },
    medianStepPx: dists.length ? dists[Math.floor(dists.length / 2)]! : 0,
    amplitudeMax: amax,
    meanIntensitySum: sum2 / raw.M,
    nphotons: metadataNphotons(raw.metadata),
    photonsEstimated: estimatePhotonsFromQuantisation(raw.diffraction, raw.M),
    hasProbe: raw.probe !== null,
    objectShape: raw.objectGuess ? [raw.objectGuess.height, raw.objectGuess.width] : null,
    hasGroundTruthPatches: raw.Y !== null || raw.extra.has('ground_truth_patches'),
    otherKeys: [...raw.extra.keys()],
    objectPixelSizeM: objectPixelSize(raw.geometry),
    physicalFacts: physicalFacts(raw.geometry),
  };
}
