import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type {
  DatasetInfo,
  StitchedImage,
  TrainBatchEvent,
  TrainDoneEvent,
  TrainEpochEvent,
  TrainRequest,
} from '../../../compute/protocol';
import { getApi } from '../api/client';
import { useModelStore } from './model';
import { DEFAULT_TRAIN_REQUEST } from '../../../compute/ptycho/config/trainRequest';

/**
 * The form's defaults, inline errors and input ranges come from the config schema
 * (compute/ptycho/config/trainRequest.ts), the one the host and the core validate with too.
 */
export {
  DEFAULT_TRAIN_REQUEST,
  fieldMeta,
  validateField,
  validateTrainRequest,
} from '../../../compute/ptycho/config/trainRequest';

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
      epochs.value.push({
        epoch: e.epoch,
        train: e.loss,
        ...(e.val_loss !== null ? { val: e.val_loss } : {}),
      });
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

  return {
    form,
    running,
    cancelling,
    progress,
    epoch,
    nepochs,
    samplesPerSec,
    etaSec,
    lr,
    groups,
    epochs,
    batches,
    preview,
    outcome,
    error,
    subscribe,
    fromDataset,
    start,
    cancel,
    lost,
    reset,
  };
});
