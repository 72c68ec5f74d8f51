/** dataset.open / dataset.frame: load and validate a scan, serve frames on demand. */
import { resolve, basename } from 'node:path';
import { datasetSummary, type RawDataset } from '../ptycho/data/dataset';
import { objectPixelSize } from '../ptycho/data/units';
import { openDataset as openAnyDataset } from '../ptycho/data/formats/index';
import { PairingNeededError } from '../ptycho/data/formats/ptychodus';
import type { DatasetInfo } from '../protocol';
import type { CoreSession } from './session';
import { CoreError } from './errors';
import { assertDatasetPath } from './fileKinds';
import { amplitudePhase } from '../ptycho/lifecycle/outputs';

export async function openDataset(
  session: CoreSession,
  path: string,
  diffractionFile?: string,
): Promise<DatasetInfo> {
  const abs = resolve(path);
  assertDatasetPath(abs);
  const diffraction = diffractionFile === undefined ? undefined : resolve(diffractionFile);
  if (diffraction !== undefined) assertDatasetPath(diffraction);
  // Probe optional here: the Dataset view can show a scan without one; training will refuse.
  // Any format the registry knows (NPZ, CXI, Ptychodus folder, …), chosen by content. A
  // Ptychodus product or diffraction file alone says which partner the UI must ask for.
  let raw: RawDataset;
  try {
    raw = await openAnyDataset(abs, {
      requireProbe: false,
      ...(diffraction ? { diffractionFile: diffraction } : {}),
    });
  } catch (e) {
    if (e instanceof PairingNeededError)
      throw new CoreError(
        e.message,
        e.needs === 'diffraction' ? 'needs-diffraction-file' : 'needs-product-file',
      );
    throw e;
  }
  session.dataset = { path: abs, raw };
  const s = datasetSummary(raw);
  return {
    path: abs,
    fileName: basename(abs),
    patterns: s.patterns,
    N: s.N,
    diffractionKey: s.diffractionKey,
    transposedFromLegacy: s.transposedFromLegacy,
    scanExtent: s.scanExtent,
    medianStepPx: s.medianStepPx,
    amplitudeMax: s.amplitudeMax,
    meanIntensitySum: s.meanIntensitySum,
    nphotons: s.nphotons,
    photonsEstimated: s.photonsEstimated,
    objectShape: s.objectShape,
    hasGroundTruth: raw.objectGuess !== null,
    x: Float32Array.from(raw.xcoords),
    y: Float32Array.from(raw.ycoords),
    probe: raw.probe ? { re: raw.probe.re, im: raw.probe.im } : null,
    object: raw.objectGuess
      ? { width: raw.objectGuess.width, height: raw.objectGuess.height, ...amplitudePhase(raw.objectGuess) }
      : null,
    pixelSizeM: s.objectPixelSizeM,
    physicalFacts: s.physicalFacts,
    positionsUm: positionsUm(raw),
  };
}

/** Scan positions in µm in the file's world frame (x_m = originXM + x_px · pixel), when the pixel size is known. */
function positionsUm(raw: RawDataset): { x: Float32Array; y: Float32Array } | null {
  const px = objectPixelSize(raw.geometry);
  if (px === null) return null;
  const ox = raw.geometry?.originXM ?? 0;
  const oy = raw.geometry?.originYM ?? 0;
  return {
    x: Float32Array.from(raw.xcoords, (v) => (ox + v * px) * 1e6),
    y: Float32Array.from(raw.ycoords, (v) => (oy + v * px) * 1e6),
  };
}

export function datasetFrame(session: CoreSession, index: number): { index: number; data: Float32Array } {
  const ds = session.dataset;
  if (!ds) throw new CoreError('no dataset is open (File ▸ Open Dataset…)', 'no-dataset');
  const { M, N } = ds.raw;
  if (index >= M)
    throw new CoreError(
      `frame ${index} is out of range: the dataset has ${M} patterns (0…${M - 1})`,
      'out-of-range',
    );
  return { index, data: ds.raw.diffraction.slice(index * N * N, (index + 1) * N * N) };
}
