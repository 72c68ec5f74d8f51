/**
 * Self-supervised fine-tuning on the scan being reconstructed: the trained network keeps
 * learning from that scan's own diffraction through the same physics loss (no ground truth is
 * used), then reconstructs it. Legitimate at inference time, as an iterative solver fitting the
 * same data is; it trades seconds per scan for a network that has seen this specimen.
 */
import type { ParamStore } from '../../engine/index';
import type { RawDataset } from '../data/dataset';
import { makeTrainingConfig } from '../config/config';
import type { BatchProgress, EpochRecord } from '../train/trainer';
import { trainModel, type TrainedModel } from './model';

export interface FinetuneOptions {
  /** Passes over the scan (each group once per epoch). */
  epochs: number;
  /** Adam learning rate (default: the model's training rate). */
  learningRate?: number;
  /** Mini-batch size (default: the model's). */
  batchSize?: number;
  /** Seed of the groups and the batch order (default 0). */
  seed?: number;
  device?: TrainedModel['config']['device'];
  threads?: number;
  signal?: AbortSignal;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (r: EpochRecord, params: ParamStore) => void | Promise<void>;
}

export interface FinetuneResult {
  /** The fine-tuned model (in memory; its config and probe are the original's). */
  model: TrainedModel;
  history: EpochRecord[];
  seconds: number;
  stoppedBy: string;
}

export class FinetuneError extends Error {
  override name = 'FinetuneError';
}

export async function finetuneModel(
  model: TrainedModel,
  raw: RawDataset,
  o: FinetuneOptions,
): Promise<FinetuneResult> {
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1))
    throw new FinetuneError(`finetune epochs: expected a positive integer, got ${o.epochs}`);
  if (model.params.names().length === 0)
    throw new FinetuneError(
      'this model bundle holds no trainable weights (training_state.safetensors), so it cannot be fine-tuned',
    );
  const base = model.config;
  const cfg = makeTrainingConfig({
    ...base,
    model: base.model,
    train_data_file: null,
    test_data_file: null,
    nepochs: o.epochs,
    n_groups: null,
    n_subsample: null,
    subsample_seed: o.seed ?? 0,
    seed: o.seed ?? 0,
    learning_rate: o.learningRate ?? base.learning_rate,
    batch_size: o.batchSize ?? base.batch_size,
    early_stop_patience: 10_000,
    ...(o.device ? { device: o.device } : {}),
  });
  const t0 = performance.now();
  const run = await trainModel(cfg, {
    raw,
    initialParams: model.params,
    validationFraction: 0,
    ...(o.threads ? { threads: o.threads } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onBatch ? { onBatch: o.onBatch } : {}),
    ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
  });
  if (run.result.stoppedBy === 'non_finite')
    throw new FinetuneError(run.result.error ?? 'fine-tuning diverged');
  // The scan's own photon count and probe normalisation were used; keep the original's config
  // (what it was trained with) so a later save says how the weights were made.
  const tuned: TrainedModel = {
    ...run.model,
    config: { ...run.model.config, train_data_file: base.train_data_file },
    history: [...model.history],
    path: null,
  };
  return {
    model: tuned,
    history: run.result.history,
    seconds: (performance.now() - t0) / 1000,
    stoppedBy: run.result.stoppedBy,
  };
}
