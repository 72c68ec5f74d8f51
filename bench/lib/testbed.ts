/**
 * The realistic test bed as the benchmarks use it: `ptycho simulate --object natural --probe
 * zoneplate --spiral_step 5 --jitter 0.5 --n_images 1087 --split 0.78` built in memory (848
 * training patterns, 239 in the unseen band), and the scoring of a model on the unseen band
 * exactly as `ptycho infer --ground_truth` scores it (stitched, registered, SSIM).
 */
import { simulate, spatialSplit } from '../../compute/ptycho/data/simulate';
import { rawDatasetFromNpz, type RawDataset } from '../../compute/ptycho/data/dataset';
import { reconstruct } from '../../compute/ptycho/lifecycle/reconstruct';
import { evaluateStitched } from '../../compute/ptycho/lifecycle/evaluation';
import type { TrainedModel } from '../../compute/ptycho/lifecycle/model';
import type { NpzContents } from '../../compute/io/npz';

export interface TestBed {
  train: RawDataset;
  test: RawDataset;
}

export function makeTestBed(seed = 42, nphotons = 1e9): TestBed {
  const sim = simulate({ N: 64, object: 'natural', probe: 'zoneplate', spiral: { stepPx: 5, jitterPx: 0.5 }, nImages: 1087, nphotons, seed });
  const { train, test } = spatialSplit(sim.scan.ycoords, 0.78);
  const meta = { physics_parameters: { nphotons } };
  const asRaw = (idx: Uint32Array, name: string): RawDataset => {
    const z: NpzContents = { arrays: new Map(Object.entries(sim.arrays(idx))), metadata: meta, skipped: new Map() };
    return rawDatasetFromNpz(z, name);
  };
  return { train: asRaw(train, 'testbed_train.npz'), test: asRaw(test, 'testbed_test.npz') };
}

export interface BandScore {
  ssimAmplitude: number;
  ssimPhase: number;
  frc50Amplitude: number | null;
}

/** Reconstruct `raw` with `model` (infer's path) and score it against raw.objectGuess. */
export async function scoreOnBand(model: TrainedModel, raw: RawDataset, threads = 1): Promise<BandScore> {
  const r = await reconstruct(model, raw, { threads });
  const rep = evaluateStitched(r.stitched, raw.objectGuess!, r.prepared.grouped.centroids);
  return { ssimAmplitude: rep.amplitude.ssim, ssimPhase: rep.phase.ssim, frc50Amplitude: rep.amplitude.frc.frc50.frequencyPerPx };
}
