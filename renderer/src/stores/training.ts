import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { DatasetInfo, StitchedImage, TrainBatchEvent, TrainDoneEvent, TrainEpochEvent, TrainRequest } from '../../../compute/protocol';
import { getApi } from '../api/client';
import { useModelStore } from './model';
import { DEFAULT_MODEL_CONFIG as M, DEFAULT_TRAINING_CONFIG as T } from '../../../compute/ptycho/config/config';

/**
 * The form's defaults are the core's (compute/ptycho/config/config.ts, PtychoPINN's values), so
 * the app and `ptycho train` train the same model when nothing is changed — n_groups 512 included.
 */
export const DEFAULT_TRAIN_REQUEST: TrainRequest = {
  N: M.N as TrainRequest['N'],
  gridsize: M.gridsize,
  n_filters_scale: M.n_filters_scale,
  amp_activation: M.amp_activation,
  object_big: M.object_big,
  probe_big: M.probe_big,
  probe_mask: M.probe_mask,
  probe_scale: M.probe_scale,
  probe_trainable: T.probe_trainable,
  intensity_scale_trainable: T.intensity_scale_trainable,
  canvas_normalisation: M.canvas_normalisation,
  architecture: M.architecture,
  batch_size: T.batch_size,
  nepochs: T.nepochs,
  learning_rate: T.learning_rate,
  early_stop_patience: T.early_stop_patience,
  nll_weight: T.nll_weight,
  mae_weight: T.mae_weight,
  nphotons: T.nphotons,
  n_groups: T.n_groups,
  neighbor_count: T.neighbor_count,
  subsample_seed: T.subsample_seed ?? 0,
  device: T.device,
  preview_groups: 256,
};

/**
 * Field checks mirroring the host's validator (electron/host/validate.ts: same ranges), so
 * mistakes show next to the field instead of as a refused request; plus two cross-field rules
 * the core enforces (a non-zero loss, enough neighbours for a group).
 */
export function validateTrainRequest(r: TrainRequest): Partial<Record<keyof TrainRequest, string>> {
  const e: Partial<Record<keyof TrainRequest, string>> = {};
  const range = (key: keyof TrainRequest, opts: { integer?: boolean; min?: number; max?: number }): boolean => {
    const v = r[key] as unknown;
    const lo = opts.min !== undefined ? opts.min : -Infinity;
    const hi = opts.max !== undefined ? opts.max : Infinity;
    const what = opts.integer ? 'an integer' : 'a number';
    const span = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : '';
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || v < lo || v > hi) {
      e[key] = `${what}${span}`;
      return false;
    }
    return true;
  };
  if (![64, 128, 256].includes(r.N)) e.N = 'must be 64, 128 or 256';
  range('gridsize', { integer: true, min: 1, max: 4 });
  range('n_filters_scale', { integer: true, min: 1, max: 8 });
  range('probe_scale', { min: 1e-6 });
  if (range('batch_size', { integer: true, min: 1, max: 4096 }) && (r.batch_size & (r.batch_size - 1)) !== 0) e.batch_size = 'a power of two (1, 2, 4, … 4096)';
  range('nepochs', { integer: true, min: 1, max: 10_000 });
  range('learning_rate', { min: 1e-8, max: 1 });
  range('early_stop_patience', { integer: true, min: 1, max: 10_000 });
  const nll = range('nll_weight', { min: 0, max: 1 });
  const mae = range('mae_weight', { min: 0, max: 1 });
  if (nll && mae && r.nll_weight + r.mae_weight <= 0) e.nll_weight = 'nll_weight or mae_weight must be > 0';
  range('nphotons', { min: 1e-3 });
  if (r.n_groups !== null && !range('n_groups', { integer: true, min: 1 })) e.n_groups = 'a positive integer, or empty for all';
  if (range('neighbor_count', { integer: true, min: 1, max: 64 }) && r.gridsize > 1 && r.neighbor_count < r.gridsize ** 2) e.neighbor_count = `at least gridsize² = ${r.gridsize ** 2}`;
  range('subsample_seed', { integer: true, min: 0 });
  range('preview_groups', { integer: true, min: 0, max: 100_000 });
  return e;
}

export interface EpochPoint {
  epoch: number;
  train?: number;
  val?: number;
}

/** The Train view's form and the state of a training run (progress, curves, preview). */
export const useTrainingStore = defineStore('training', () => {
  const form = reactive<TrainRequest>({ ...DEFAULT_TRAIN_REQUEST });
  const running = ref(false);
  const cancelling = ref(false);
  const progress = ref(0);
  const epoch = ref(0);
  const nepochs = ref(0);
  const samplesPerSec = ref(0);
  const etaSec = ref<number | null>(null);
  const lr = ref<number | null>(null);
  const groups = ref(0);
  const epochs = ref<EpochPoint[]>([]);
  const batches = ref<{ epoch: number; loss: number }[]>([]);
  const preview = shallowRef<StitchedImage | null>(null);
  const outcome = shallowRef<TrainDoneEvent | null>(null);
  const error = ref<string | null>(null);
  let subscribed = false;

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    const api = getApi();
    api.on('train.batch', (b: TrainBatchEvent) => {
      progress.value = b.progress;
      epoch.value = b.epoch;
      samplesPerSec.value = b.samplesPerSec;
      etaSec.value = b.etaSec;
      lr.value = b.lr;
      batches.value.push({ epoch: b.epoch - 1 + b.batch / b.batches, loss: b.loss });
    });
    api.on('train.epoch', (e: TrainEpochEvent) => {
      epoch.value = e.epoch;
      progress.value = e.epoch / e.nepochs;
      epochs.value.push({ epoch: e.epoch, train: e.loss, ...(e.val_loss !== null ? { val: e.val_loss } : {}) });
      if (e.preview) preview.value = e.preview;
    });
    api.on('train.done', (d: TrainDoneEvent) => {
      running.value = false;
      cancelling.value = false;
      outcome.value = d;
      if (d.stoppedBy === 'completed' || d.stoppedBy === 'early_stopping') progress.value = 1;
      if (d.model) useModelStore().setTrained(d.model);
      if (d.stoppedBy === 'failed' || d.stoppedBy === 'non_finite') error.value = d.error;
    });
  }

  function reset(): void {
    progress.value = 0;
    epoch.value = 0;
    samplesPerSec.value = 0;
    etaSec.value = null;
    epochs.value = [];
    batches.value = [];
    preview.value = null;
    outcome.value = null;
    error.value = null;
  }

  /**
   * A new dataset sets the fields that come from the data: N, and nphotons from its metadata,
   * else the photon count measured in its quantised amplitudes, else PtychoPINN's default.
   */
  function fromDataset(d: DatasetInfo): void {
    form.N = d.N as TrainRequest['N'];
    form.nphotons = d.nphotons ?? d.photonsEstimated ?? DEFAULT_TRAIN_REQUEST.nphotons;
  }

  async function start(): Promise<void> {
    subscribe();
    reset();
    nepochs.value = form.nepochs;
    running.value = true;
    try {
      const r = await getApi().invoke('train.start', { ...form });
      groups.value = r.groups;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if ((e as { code?: string }).code === 'core-crashed') {
        lost(msg);
        return;
      }
      running.value = false;
      error.value = msg;
      throw e;
    }
  }

  async function cancel(): Promise<void> {
    cancelling.value = true;
    await getApi().invoke('train.cancel', {});
  }

  /** The core died: the run is gone. True when a run was in progress. */
  function lost(reason: string): boolean {
    if (!running.value) return false;
    running.value = false;
    cancelling.value = false;
    const why = reason.replace(/[;,.]?\s*restarting\.?$/i, '');
    error.value = `Training was lost: ${why}. The compute core restarts by itself; start training again when it is ready (the model of this run was not kept).`;
    return true;
  }

  return { form, running, cancelling, progress, epoch, nepochs, samplesPerSec, etaSec, lr, groups, epochs, batches, preview, outcome, error, subscribe, fromDataset, start, cancel, lost, reset };
});
