/**
 * The bridge to PtychoPINN's legacy `params.cfg` dictionary (PtychoPINN §7.3): the model
 * fields flattened to the top level, KEY_MAPPINGS applied, unset (null) values skipped, plus
 * the two legacy-only keys our model uses (offset 4, max_position_jitter 10).
 */
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  makeTrainingConfig,
  nestOverrides,
  type InferenceConfig,
  type TrainingConfig,
} from './config';

export const KEY_MAPPINGS: Readonly<Record<string, string>> = Object.freeze({
  object_big: 'object.big',
  probe_big: 'probe.big',
  probe_mask: 'probe.mask',
  probe_trainable: 'probe.trainable',
  intensity_scale_trainable: 'intensity_scale.trainable',
  positions_provided: 'positions.provided',
  output_dir: 'output_prefix',
  train_data_file: 'train_data_file_path',
  test_data_file: 'test_data_file_path',
});

const REVERSE: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(KEY_MAPPINGS).map(([k, v]) => [v, k])),
);

export type LegacyParams = Record<string, string | number | boolean>;

/** Training or inference config → legacy dict (a copy; nothing global is touched). */
export function toLegacyParams(cfg: TrainingConfig | InferenceConfig): LegacyParams {
  const out: LegacyParams = { offset: 4, max_position_jitter: 10 };
  const put = (k: string, v: unknown): void => {
    if (v === null || v === undefined) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out[KEY_MAPPINGS[k] ?? k] = v;
  };
  for (const [k, v] of Object.entries(cfg.model)) put(k, v);
  for (const [k, v] of Object.entries(cfg)) if (k !== 'model') put(k, v);
  return out;
}

/** Rebuild a TrainingConfig from a legacy dict; unknown legacy keys (size, nimgs_train, …) are ignored. */
export function fromLegacyParams(d: Readonly<Record<string, unknown>>): TrainingConfig {
  const { overrides } = nestOverrides(
    Object.fromEntries(Object.entries(d).map(([lk, v]) => [REVERSE[lk] ?? lk, v])),
  );
  return makeTrainingConfig(overrides);
}

export { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG };
