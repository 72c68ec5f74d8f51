/**
 * Inference + stitching: PtychoPINN §5.1. Evaluation against an objectGuess is in evaluation.ts.
 */
import type { ProviderChoice } from '../../engine';
import type { RawDataset } from '../data/dataset';
import { ObjectPredictor } from '../infer/predictor';
import { reassemblePosition, type Stitched } from '../stitch/reassemble';
import { prepareData, type PreparedData } from './prepare';
import type { TrainedModel } from './model';
import { DEFAULT_INFERENCE_CONFIG } from '../config/config';
import { backProjectionProbeMismatch } from '../model/backprojection';

/** Relative probe difference above which a bpunet reconstruction is flagged (5 %). */
export const PROBE_MISMATCH_WARN = 0.05;

export interface ReconstructOptions {
  /** Groups to reconstruct; default all (gridsize 1: every pattern; gridsize > 1: M // C). */
  nGroups?: number;
  /** Patterns to subsample before grouping (gridsize 1: nGroups; gridsize > 1: all). */
  nSubsample?: number;
  /** Seed of subsampling and grouping (default PtychoPINN's inference seed, 45). */
  subsampleSeed?: number;
  /** K nearest neighbours for grouping (default: the training config's). */
  neighborCount?: number;
  /** Default: the inference config's batch_size. */
  batchSize?: number;
  /** Default: the inference config's stitch_crop_size. */
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

export async function reconstruct(
  model: TrainedModel,
  raw: RawDataset,
  o: ReconstructOptions = {},
): Promise<Reconstruction> {
  const cfg = model.config;
  const C = cfg.model.gridsize ** 2;
  const available = Math.min(o.nSubsample ?? raw.M, raw.M);
  const nGroups = o.nGroups ?? (C === 1 ? available : Math.max(1, Math.floor(available / C)));
  const prepared = prepareData(raw, {
    N: cfg.model.N,
    gridsize: cfg.model.gridsize,
    nGroups,
    nSubsample: o.nSubsample ?? (C === 1 ? nGroups : raw.M),
    subsampleSeed: o.subsampleSeed ?? INFERENCE_SEED,
    neighborCount: o.neighborCount ?? cfg.neighbor_count,
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
      {
        batchSize: o.batchSize ?? DEFAULT_INFERENCE_CONFIG.batch_size,
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      },
    );
  } finally {
    await predictor.release();
  }
  const t1 = performance.now();
  const stitched = reassemblePosition(
    {
      re: patches.re,
      im: patches.im,
      count: patches.count,
      N: patches.N,
      offsets: prepared.grouped.centroids,
    },
    o.stitchCropSize ?? DEFAULT_INFERENCE_CONFIG.stitch_crop_size,
  );
  const t2 = performance.now();
  const mismatch = backProjectionProbeMismatch(model.params, prepared.probe);
  if (mismatch !== null && mismatch > PROBE_MISMATCH_WARN)
    stitched.warnings = [
      ...(stitched.warnings ?? []),
      `${raw.file}: probeGuess differs from the probe this bpunet model was trained with ` +
        `(relative difference ${mismatch.toFixed(2)}, expected < ${PROBE_MISMATCH_WARN}); the model ` +
        'back-projects with its training probe, so this reconstruction may be wrong: train on this probe',
    ];
  return {
    stitched,
    prepared,
    groups: patches.count,
    inferSeconds: (t1 - t0) / 1000,
    stitchSeconds: (t2 - t1) / 1000,
    provider: predictor.provider,
  };
}
