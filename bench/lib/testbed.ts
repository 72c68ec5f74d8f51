/**
 * The realistic test bed as the benchmarks use it: `ptycho simulate --object natural --probe
 * zoneplate --spiral_step 5 --jitter 0.5 --n_images 1087 --split 0.78` built in memory (848
 * training patterns, 239 in the unseen band), the scoring of a model on the unseen band exactly
 * as `ptycho infer --ground_truth` scores it (stitched, registered, SSIM), and a recipe runner
 * that scores after every epoch against training seconds.
 */
import { simulate, spatialSplit } from '../../compute/ptycho/data/simulate';
import { rawDatasetFromNpz, type RawDataset } from '../../compute/ptycho/data/dataset';
import { reconstruct } from '../../compute/ptycho/lifecycle/reconstruct';
import { evaluateStitched } from '../../compute/ptycho/lifecycle/evaluation';
import { modelSpecOf, trainModel, type TrainedModel } from '../../compute/ptycho/lifecycle/model';
import { exportInferenceModel } from '../../compute/ptycho/infer/exportModels';
import { LOG_SCALE } from '../../compute/ptycho/model/pinn';
import type { TrainingConfig } from '../../compute/ptycho/config/config';
import type { ParamStore } from '../../compute/engine/index';
import type { NpzContents } from '../../compute/io/npz';
import type { Stitched } from '../../compute/ptycho/stitch/reassemble';

export interface TestBed {
  train: RawDataset;
  test: RawDataset;
}

export function makeTestBed(seed = 42, nphotons = 1e9): TestBed {
  const sim = simulate({
    N: 64,
    object: 'natural',
    probe: 'zoneplate',
    spiral: { stepPx: 5, jitterPx: 0.5 },
    nImages: 1087,
    nphotons,
    seed,
  });
  const { train, test } = spatialSplit(sim.scan.ycoords, 0.78);
  const meta = { physics_parameters: { nphotons } };
  const asRaw = (idx: Uint32Array, name: string): RawDataset => {
    const z: NpzContents = {
      arrays: new Map(Object.entries(sim.arrays(idx))),
      metadata: meta,
      skipped: new Map(),
    };
    return rawDatasetFromNpz(z, name);
  };
  return { train: asRaw(train, 'testbed_train.npz'), test: asRaw(test, 'testbed_test.npz') };
}

export interface BandScore {
  ssimAmplitude: number;
  ssimPhase: number;
  frc50Amplitude: number | null;
}

export function scoreStitched(s: Stitched, raw: RawDataset, centroids: ArrayLike<number>): BandScore {
  const rep = evaluateStitched(s, raw.objectGuess!, centroids);
  return {
    ssimAmplitude: rep.amplitude.ssim,
    ssimPhase: rep.phase.ssim,
    frc50Amplitude: rep.amplitude.frc.frc50.frequencyPerPx,
  };
}

/** Reconstruct `raw` with `model` (infer's path) and score it against raw.objectGuess. */
export async function scoreOnBand(model: TrainedModel, raw: RawDataset, threads = 1): Promise<BandScore> {
  const r = await reconstruct(model, raw, { threads });
  return scoreStitched(r.stitched, raw, r.prepared.grouped.centroids);
}

export interface CurveRow extends BandScore {
  phase: 'train' | 'finetune';
  epoch: number;
  /** Training seconds so far (scoring excluded). */
  t: number;
  loss: number;
  /** Mean Poisson NLL above its floor (the loss Î = y would give): how far the fit is. */
  excess: number;
  /** Learning rate of the epoch (ReduceLROnPlateau may have lowered it). */
  lr: number;
}

export interface RecipePhase {
  name: 'train' | 'finetune';
  cfg: TrainingConfig;
  raw: RawDataset;
  /** Training seconds for this phase (stops after the epoch that crosses it). */
  budgetS: number;
  validationFraction?: number;
}

/** Train through the phases (each continuing from the last), scoring the unseen band every epoch. */
export async function runRecipe(
  bed: TestBed,
  phases: RecipePhase[],
  o: { threads?: number; log?: (r: CurveRow) => void } = {},
): Promise<{ curve: CurveRow[]; model: TrainedModel | null }> {
  const threads = o.threads ?? 2;
  const curve: CurveRow[] = [];
  let t = 0;
  let params: ParamStore | undefined;
  let model: TrainedModel | null = null;
  for (const ph of phases) {
    if (ph.budgetS <= 0) continue;
    const ac = new AbortController();
    let floor = 0;
    const start = t;
    const run = await trainModel(ph.cfg, {
      raw: ph.raw,
      threads,
      signal: ac.signal,
      ...(params ? { initialParams: params } : {}),
      ...(ph.validationFraction !== undefined ? { validationFraction: ph.validationFraction } : {}),
      onPrepared: (p) => {
        let sum = 0;
        const s2 = p.intensityScale ** 2;
        for (let i = 0; i < p.X.length; i++) {
          const y = p.X[i]! * p.X[i]! * s2;
          sum += y - y * Math.log(y + 1e-12);
        }
        floor = sum / p.X.length;
      },
      onEpoch: async (rec, ps) => {
        t += rec.seconds;
        const m = {
          config: ph.cfg,
          intensityScale: Math.exp(ps.get(LOG_SCALE)[0]!),
          inferenceOnnx: exportInferenceModel(modelSpecOf(ph.cfg), ps),
          params: ps,
        } as unknown as TrainedModel;
        const row: CurveRow = {
          phase: ph.name,
          epoch: rec.epoch,
          t,
          loss: rec.loss,
          excess: rec.loss - floor,
          lr: rec.lr,
          ...(await scoreOnBand(m, bed.test, threads)),
        };
        curve.push(row);
        o.log?.(row);
        if (t - start >= ph.budgetS) ac.abort();
      },
    });
    params = run.model.params;
    model = run.model;
  }
  return { curve, model };
}
