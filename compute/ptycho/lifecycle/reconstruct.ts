/**
 * Inference + stitching (+ evaluation when the scan has an objectGuess): PtychoPINN §5.1, §6.
 */
import type { ProviderChoice } from '../../engine/runtime';
import type { RawDataset } from '../data/dataset';
import { ObjectPredictor } from '../infer/predictor';
import { reassemblePosition, type Stitched } from '../stitch/reassemble';
import { evaluateReconstruction, type EvaluationReport } from '../eval/evaluate';
import { prepareData, type PreparedData } from './prepare';
import type { TrainedModel } from './model';

export interface ReconstructOptions {
  /** Groups to reconstruct; default all (gridsize 1: every pattern; gridsize > 1: M // C). */
  nGroups?: number;
  batchSize?: number;
  stitchCropSize?: number;
  device?: ProviderChoice;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface Reconstruction {
  stitched: Stitched;
  prepared: PreparedData;
  groups: number;
  inferSeconds: number;
  stitchSeconds: number;
  provider: string;
}

/** PtychoPINN's inference seed for grouping (np.random.seed(45)). */
export const INFERENCE_SEED = 45;

export async function reconstruct(model: TrainedModel, raw: RawDataset, o: ReconstructOptions = {}): Promise<Reconstruction> {
  const cfg = model.config;
  const C = cfg.model.gridsize ** 2;
  const nGroups = o.nGroups ?? (C === 1 ? raw.M : Math.max(1, Math.floor(raw.M / C)));
  const prepared = prepareData(raw, {
    N: cfg.model.N,
    gridsize: cfg.model.gridsize,
    nGroups,
    nSubsample: C === 1 ? nGroups : raw.M,
    subsampleSeed: INFERENCE_SEED,
    neighborCount: cfg.neighbor_count,
    probeScale: cfg.model.probe_scale,
    nphotons: cfg.nphotons,
  });
  const t0 = performance.now();
  const predictor = await ObjectPredictor.create(model.inferenceOnnx, {
    N: cfg.model.N,
    gridsize: cfg.model.gridsize,
    intensityScale: model.intensityScale,
    device: o.device ?? (cfg.device as ProviderChoice),
    ...(o.threads ? { threads: o.threads } : {}),
  });
  let patches;
  try {
    patches = await predictor.predict(
      { amplitudes: prepared.X, coordsRelative: prepared.grouped.coordsRelative, count: prepared.grouped.B },
      { batchSize: o.batchSize ?? 64, ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) },
    );
  } finally {
    await predictor.release();
  }
  const t1 = performance.now();
  const stitched = reassemblePosition({ re: patches.re, im: patches.im, count: patches.count, N: patches.N, offsets: prepared.grouped.centroids }, o.stitchCropSize ?? 20);
  const t2 = performance.now();
  return { stitched, prepared, groups: patches.count, inferSeconds: (t1 - t0) / 1000, stitchSeconds: (t2 - t1) / 1000, provider: predictor.provider };
}

/** Evaluate a stitched reconstruction against the scan's objectGuess (PtychoPINN §6 alignment). */
export function evaluateAgainstObject(rec: Reconstruction, raw: RawDataset, opts: { stitchCropSize?: number; phaseAlign?: 'plane' | 'mean'; registration?: boolean } = {}): EvaluationReport | null {
  const gt = raw.objectGuess;
  if (!gt) return null;
  const s = rec.stitched;
  const toImg = (re: Float32Array, im: Float32Array, w: number, h: number) => ({ width: w, height: h, re: Float64Array.from(re), im: Float64Array.from(im) });
  // Positions of the reconstructed groups in object pixels (centroids).
  const c = rec.prepared.grouped.centroids;
  const B = rec.prepared.grouped.B;
  const scanCoordsYX = { y: Float64Array.from({ length: B }, (_, b) => c[2 * b + 1]!), x: Float64Array.from({ length: B }, (_, b) => c[2 * b]!) };
  return evaluateReconstruction(toImg(s.re, s.im, s.width, s.height), toImg(gt.re, gt.im, gt.width, gt.height), {
    scanCoordsYX,
    stitchCropSize: opts.stitchCropSize ?? 20,
    ...(opts.phaseAlign ? { phaseAlign: opts.phaseAlign } : {}),
    ...(opts.registration !== undefined ? { registration: opts.registration } : {}),
  });
}
