import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { StitchedImage, TrainBatchEvent, TrainDoneEvent, TrainEpochEvent, TrainRequest } from '../../../compute/protocol';
import { getApi } from '../api/client';
import { useModelStore } from './model';

export const DEFAULT_TRAIN_REQUEST: TrainRequest = {
  N: 64,
  gridsize: 1,
  n_filters_scale: 2,
  amp_activation: 'sigmoid',
  object_big: true,
  probe_big: true,
  probe_mask: false,
  probe_scale: 4,
  probe_trainable: false,
  intensity_scale_trainable: true,
  canvas_normalisation: 'robust',
  batch_size: 16,
  nepochs: 50,
  learning_rate: 1e-3,
  nll_weight: 1,
  mae_weight: 0,
  nphotons: 1e9,
  n_groups: null,
  neighbor_count: 4,
  subsample_seed: 0,
  device: 'cpu',
  preview_groups: 256,
};

/** Field checks mirroring the host's validator, so mistakes show next to the field. */
export function validateTrainRequest(r: TrainRequest): Partial<Record<keyof TrainRequest, string>> {
  const e: Partial<Record<keyof TrainRequest, string>> = {};
  const int = (v: number) => Number.isInteger(v);
  if (![64, 128, 256].includes(r.N)) e.N = 'must be 64, 128 or 256';
  if (!int(r.gridsize) || r.gridsize < 1 || r.gridsize > 4) e.gridsize = 'an integer from 1 to 4';
  if (!int(r.n_filters_scale) || r.n_filters_scale < 1 || r.n_filters_scale > 8) e.n_filters_scale = 'an integer from 1 to 8';
  if (!(r.probe_scale > 0)) e.probe_scale = 'must be > 0';
  if (!int(r.batch_size) || r.batch_size < 1 || (r.batch_size & (r.batch_size - 1)) !== 0) e.batch_size = 'a power of two';
  if (!int(r.nepochs) || r.nepochs < 1) e.nepochs = 'a positive integer';
  if (!(r.learning_rate > 0 && r.learning_rate < 1)) e.learning_rate = 'between 0 and 1';
  if (!(r.nll_weight >= 0 && r.nll_weight <= 1)) e.nll_weight = 'between 0 and 1';
  if (!(r.mae_weight >= 0 && r.mae_weight <= 1)) e.mae_weight = 'between 0 and 1';
  if (r.nll_weight + r.mae_weight <= 0) e.nll_weight = 'nll_weight or mae_weight must be > 0';
  if (!(r.nphotons > 0)) e.nphotons = 'must be > 0';
  if (r.n_groups !== null && (!int(r.n_groups) || r.n_groups < 1)) e.n_groups = 'a positive integer, or empty for all';
  if (!int(r.neighbor_count) || r.neighbor_count < 1) e.neighbor_count = 'a positive integer';
  else if (r.gridsize > 1 && r.neighbor_count < r.gridsize ** 2) e.neighbor_count = `at least gridsize² = ${r.gridsize ** 2}`;
  if (!int(r.subsample_seed) || r.subsample_seed < 0) e.subsample_seed = 'a non-negative integer';
  if (!int(r.preview_groups) || r.preview_groups < 0) e.preview_groups = 'a non-negative integer';
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

  return { form, running, cancelling, progress, epoch, nepochs, samplesPerSec, etaSec, lr, groups, epochs, batches, preview, outcome, error, subscribe, start, cancel, lost, reset };
});
