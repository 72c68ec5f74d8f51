/**
 * Files a reconstruction run leaves behind (PtychoPINN's names): reconstruction.npz (object
 * complex64 (H, W), amplitude, phase, x0/y0 canvas origin in object pixels),
 * reconstructed_amplitude.png and reconstructed_phase.png (figures: title, colour bar; gray and
 * twilight as in the UI), training history
 * as JSON and CSV. All writes are atomic.
 */
import { basename, join } from 'node:path';
import { amplitudePhase as amplitudeAndPhase } from '../../numerics/complex';
import { writeNpz } from '../../io/npz';
import { writeFigurePng } from '../../io/png';
import { renderFigure } from '../../render/figure';
import { complexFromSplit, f32, f64 } from '../../io/ndarray';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import type { Stitched } from '../stitch/reassemble';
import type { ComplexImage, RawDataset } from '../data/dataset';
import { hdf5Ready } from '../../io/hdf5';
import { writeProductH5, type PtychodusProduct } from '../data/formats/ptychodus';
import { objectPixelSize } from '../data/units';

/** What a Ptychodus product of a reconstruction is made from besides the stitched object. */
export interface ProductSources {
  /** The scan reconstructed: positions (object px) and geometry. */
  raw: RawDataset;
  /** The probe the model used (N×N). */
  probe: { re: Float32Array; im: Float32Array };
  /** Training history (epoch, loss) → loss_epochs / loss_values. */
  history?: readonly { epoch?: unknown; loss?: unknown }[];
}

/** Flag written as a root attribute of every product-out.h5 (pixel sizes of 1 mean "pixels"). */
export const PRODUCT_UNITS_ATTR = 'ptycho_workstation_units';

/**
 * A Ptychodus product of a reconstruction: object = the stitched canvas (1, H, W); positions in
 * metres; pixel sizes from the geometry, or 1 with the units attribute saying "pixels" when the
 * scan had none. World frame: x_m = originXM + x_px · pixel (see DatasetGeometry).
 */
export function reconstructionProduct(s: Stitched, src: ProductSources): PtychodusProduct {
  const g = src.raw.geometry;
  const known = Boolean(g?.objectPixelSizeM);
  const dx = known ? g!.objectPixelSizeM! : 1;
  const ox = known ? (g!.originXM ?? 0) : 0;
  const oy = known ? (g!.originYM ?? 0) : 0;
  const N = Math.round(Math.sqrt(src.probe.re.length));
  const hist = (src.history ?? []).filter((h) => typeof h.loss === 'number' && Number.isFinite(h.loss));
  return {
    name: basename(src.raw.file),
    comments: `Ptycho Workstation reconstruction of ${src.raw.file}`,
    detectorDistanceM: g?.detectorDistanceM ?? 0,
    probeEnergyEV: g?.energyEV ?? 0,
    probePhotonCount: 0,
    exposureTimeS: 0,
    massAttenuationM2Kg: 0,
    positionIndexes: Float64Array.from({ length: src.raw.M }, (_, i) => i),
    positionXM: Float64Array.from(src.raw.xcoords, (x) => ox + x * dx),
    positionYM: Float64Array.from(src.raw.ycoords, (y) => oy + y * dx),
    probe: { shape: [1, 1, N, N], re: src.probe.re, im: src.probe.im },
    probePixelWidthM: dx,
    probePixelHeightM: dx,
    object: { shape: [1, s.height, s.width], re: s.re, im: s.im },
    objectCenterXM: ox + (s.x0 + s.width / 2) * dx,
    objectCenterYM: oy + (s.y0 + s.height / 2) * dx,
    objectPixelWidthM: dx,
    objectPixelHeightM: dx,
    objectLayerSpacingM: new Float64Array(0),
    lossEpochs: Float64Array.from(hist, (h, i) => (typeof h.epoch === 'number' ? h.epoch : i + 1)),
    lossValues: Float64Array.from(hist, (h) => h.loss as number),
    extraAttrs: {
      [PRODUCT_UNITS_ATTR]: known
        ? 'm'
        : 'pixels: the scan had no geometry, so every *_m value is in object pixels (pixel size 1)',
    },
  };
}

/** Amplitude and phase of a stitched canvas (compute/numerics/complex.ts). */
export function amplitudePhase(s: Pick<Stitched, 're' | 'im'>): {
  amplitude: Float32Array;
  phase: Float32Array;
} {
  return amplitudeAndPhase(s.re, s.im);
}

/** Arrays a reconstruction may add: the (refined) probe of an iterative run. */
export interface ReconstructionExtras {
  probe?: ComplexImage;
}

/** reconstruction.npz content at `path` (atomic). */
export function writeReconstructionNpz(
  path: string,
  s: Stitched,
  meta: Record<string, unknown> = {},
  extra: ReconstructionExtras = {},
): string {
  const { amplitude, phase } = amplitudePhase(s);
  const shape = [s.height, s.width];
  writeNpz(
    path,
    {
      object: complexFromSplit(s.re, s.im, shape),
      amplitude: f32(amplitude, shape),
      phase: f32(phase, shape),
      weights: f32(s.weights, shape),
      x0: f64(Float64Array.of(s.x0), []),
      y0: f64(Float64Array.of(s.y0), []),
      ...(extra.probe
        ? { probe: complexFromSplit(extra.probe.re, extra.probe.im, [extra.probe.height, extra.probe.width]) }
        : {}),
    },
    {
      compress: true,
      metadata: {
        ...meta,
        conventions: 'object[row, col] is object pixel (y0 + row, x0 + col); x = column, y = row',
      },
    },
  );
  return path;
}

/**
 * Amplitude and phase as figures (title, colour bar with ticks and unit, enlarged to ≈ 512 px),
 * in the UI's colormaps (gray; twilight for phase, over its data range); pixels no patch
 * covered are transparent. `label` names what made it ('PINN', 'rPIE 30 it.'); with the object
 * pixel size the figures get a scale bar.
 */
export function writeReconstructionPngs(
  amplitudePath: string,
  phasePath: string,
  s: Stitched,
  label = 'Reconstruction',
  pixelSizeM: number | null = null,
): string[] {
  const { amplitude, phase } = amplitudePhase(s);
  const base = {
    width: s.width,
    height: s.height,
    mask: s.weights,
    ...(pixelSizeM !== null ? { pixelSizeM } : {}),
  };
  writeFigurePng(
    amplitudePath,
    renderFigure({
      ...base,
      title: `${label} · amplitude`,
      values: amplitude,
      colormap: 'gray',
      unit: 'amplitude (a.u.)',
    }),
  );
  writeFigurePng(
    phasePath,
    renderFigure({
      ...base,
      title: `${label} · phase`,
      values: phase,
      colormap: 'twilight',
      unit: 'phase (rad)',
    }),
  );
  return [amplitudePath, phasePath];
}

/**
 * PtychoPINN's output names in `dir`: reconstruction.npz, reconstructed_amplitude.png,
 * reconstructed_phase.png — and, given the scan and probe, product-out.h5 (a Ptychodus product,
 * Ptychodus' standard output name). HDF5 is initialised by openDataset, which opened the scan.
 */
export function writeReconstruction(
  dir: string,
  s: Stitched,
  meta: Record<string, unknown> = {},
  product?: ProductSources,
  extra: ReconstructionExtras = {},
): string[] {
  const pixelSizeM = objectPixelSize(product?.raw.geometry);
  const files = [
    writeReconstructionNpz(join(dir, 'reconstruction.npz'), s, meta, extra),
    ...writeReconstructionPngs(
      join(dir, 'reconstructed_amplitude.png'),
      join(dir, 'reconstructed_phase.png'),
      s,
      'Reconstruction',
      pixelSizeM,
    ),
  ];
  if (product && hdf5Ready()) files.push(writeReconstructionProduct(join(dir, 'product-out.h5'), s, product));
  return files;
}

/** A reconstruction as a Ptychodus product HDF5 at `path` (product-out.h5's layout; HDF5 must be initialised). */
export function writeReconstructionProduct(path: string, s: Stitched, product: ProductSources): string {
  if (!hdf5Ready())
    throw new Error(`${path}: HDF5 is not initialised (open the scan with openDataset first)`);
  writeProductH5(path, reconstructionProduct(s, product));
  return path;
}

/** A history as CSV: the given columns (default: every key of the first record), blanks for null. */
export function historyCsv<T extends object>(
  history: readonly T[],
  columns?: readonly (keyof T & string)[],
): string {
  const cols: readonly string[] =
    columns ?? (history.length ? Object.keys(history[0]!) : ['epoch', 'loss', 'val_loss']);
  const fmt = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  const cell = (h: T, c: string): string => fmt((h as Record<string, unknown>)[c]);
  return [cols.join(','), ...history.map((h) => cols.map((c) => cell(h, c)).join(','))].join('\n') + '\n';
}

/** history.json and history.csv of a training history (name → content). */
export function historyFiles(
  history: readonly Record<string, unknown>[],
): Record<'history.json' | 'history.csv', string> {
  return { 'history.json': JSON.stringify(history, null, 2), 'history.csv': historyCsv(history) };
}

export function writeHistory(dir: string, history: readonly Record<string, unknown>[]): string[] {
  const files = historyFiles(history);
  const json = join(dir, 'history.json');
  const csv = join(dir, 'history.csv');
  atomicWriteFileSync(json, files['history.json']);
  atomicWriteFileSync(csv, files['history.csv']);
  return [json, csv];
}

/** iterations.csv: the data error of each iteration of an iterative reconstruction. */
export function writeIterativeHistory(
  dir: string,
  history: readonly { iteration: number; error: number; seconds: number }[],
): string[] {
  const csv = join(dir, 'iterations.csv');
  atomicWriteFileSync(
    csv,
    [
      'iteration,error,seconds',
      ...history.map((h) => `${h.iteration},${h.error},${h.seconds.toFixed(4)}`),
    ].join('\n') + '\n',
  );
  return [csv];
}
