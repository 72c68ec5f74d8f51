/**
 * A model bundle's stored settings and history, as the Train view shows them: the form fields
 * from its `params.json` config (PtychoPINN names, the same ones `TrainRequest` uses) and its
 * loss per epoch for the chart. Fields the config lacks or holds with the wrong type keep the
 * form's current value.
 */
import type { ModelInfo, TrainRequest } from '../../../compute/protocol';
import type { EpochPoint } from './training';

type Fields = Partial<Record<keyof TrainRequest, unknown>>;

const MODEL_KEYS = [
  'N',
  'gridsize',
  'n_filters_scale',
  'amp_activation',
  'object_big',
  'probe_big',
  'probe_mask',
  'probe_scale',
  'canvas_normalisation',
  'architecture',
] as const;
const TRAIN_KEYS = [
  'batch_size',
  'nepochs',
  'learning_rate',
  'early_stop_patience',
  'nll_weight',
  'mae_weight',
  'nphotons',
  'n_groups',
  'neighbor_count',
  'subsample_seed',
  'probe_trainable',
  'intensity_scale_trainable',
  'device',
] as const;

/** The form as the bundle was trained: `current` overlaid with every matching config field. */
export function formFromConfig(config: Record<string, unknown>, current: TrainRequest): TrainRequest {
  const out: Fields = { ...current };
  const model = (config.model ?? {}) as Record<string, unknown>;
  const take = (key: keyof TrainRequest, v: unknown): void => {
    const was = current[key];
    if (v === undefined) return;
    if (key === 'n_groups' && (v === null || typeof v === 'number')) out[key] = v;
    else if (key === 'subsample_seed' && v === null) out[key] = 0;
    else if (key === 'architecture' && typeof v === 'string') out[key] = v;
    else if (typeof v === typeof was) out[key] = v;
  };
  for (const k of MODEL_KEYS) take(k, model[k]);
  for (const k of TRAIN_KEYS) take(k, config[k]);
  return out as TrainRequest;
}

/** The bundle's loss history as chart points. */
export function historyPoints(m: ModelInfo): EpochPoint[] {
  return (m.history ?? []).map((h) => ({
    epoch: h.epoch,
    train: h.loss,
    ...(h.val_loss !== null ? { val: h.val_loss } : {}),
  }));
}

/** "1 epoch", "2 epochs". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
