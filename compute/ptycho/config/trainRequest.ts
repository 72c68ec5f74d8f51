/**
 * The Train form's request (`train.start`): the model and training fields the app edits, taken
 * from the model and training schemas (same types, defaults, ranges and rules), plus the
 * app-only `preview_groups`. The Train form, the host validator and the core all validate with
 * it, so they accept and refuse the same values with the same message.
 *
 * No Node imports: the renderer imports this module.
 */
import { z } from 'zod';
import {
  ConfigError,
  brokenRule,
  deepFreeze,
  field,
  fieldHelpers,
  parseConfig,
  ruleCheck,
  type CrossRule,
} from './schema';
import { MODEL_FIELDS, MODEL_RULES } from './model';
import { TRAINING_FIELDS, TRAINING_RULES, type FlatTraining, type TrainingConfig } from './training';
import { makeTrainingConfig, nestOverrides } from './config';

const M = MODEL_FIELDS;
const T = TRAINING_FIELDS;

export const TRAIN_REQUEST_FIELDS = {
  N: M.N,
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
  subsample_seed: T.subsample_seed,
  device: T.device,
  /** Groups of the held-out subset stitched for the live preview after each epoch (0 = off). */
  preview_groups: field(z.number().int().min(0).max(100_000).default(256), {
    expected: 'an integer from 0 to 100000',
    help: 'groups stitched for the live preview each epoch (0 = off)',
  }),
};

export type TrainRequestField = keyof typeof TRAIN_REQUEST_FIELDS;

/** The model and training rules; those reading a field the request lacks do not apply. */
const RULES: readonly CrossRule<FlatTraining>[] = [...MODEL_RULES, ...TRAINING_RULES];
const flat = (r: object): Partial<FlatTraining> => r as Partial<FlatTraining>;

export const TrainRequestSchema = z.strictObject(TRAIN_REQUEST_FIELDS).check(ruleCheck(RULES, flat));

/** The model and training settings the Train view edits (PtychoPINN field names). */
export type TrainRequest = z.output<typeof TrainRequestSchema>;

/** The form's defaults are the core's, so the app and `ptycho train` train the same model. */
export const DEFAULT_TRAIN_REQUEST: Readonly<TrainRequest> = deepFreeze(TrainRequestSchema.parse({}));

const HELPERS = fieldHelpers(TRAIN_REQUEST_FIELDS);
export const isTrainRequestField: (k: string) => k is TrainRequestField = HELPERS.isField;
/** Null when `value` is a valid `name`, else the one-line message (`name: expected …, got …`). */
export const validateField = HELPERS.check;
/** Kind, bounds, choices, default and help of a field, for the form's inputs. */
export const fieldMeta = HELPERS.meta;

/**
 * The form's inline errors: every field checked on its own, then the rules between valid
 * fields; one message per field, the same text the host and the core give.
 */
export function validateTrainRequest(
  r: Readonly<Record<TrainRequestField, unknown>>,
): Partial<Record<TrainRequestField, string>> {
  const { valid, errors } = HELPERS.each(r);
  for (const rule of RULES) {
    const msg = brokenRule([rule], flat(valid));
    if (msg !== null && isTrainRequestField(rule.field)) errors[rule.field] ??= msg;
  }
  return errors;
}

/** Validate an untrusted request (host): defaults for absent fields; a one-line ConfigError. */
export function parseTrainRequest(input: unknown): TrainRequest {
  return parseConfig(TrainRequestSchema, input, 'train request');
}

/** The core's training config for a request on the open dataset (the request's own field, preview_groups, checked too). */
export function trainingConfigFromRequest(req: TrainRequest, trainDataFile: string): TrainingConfig {
  const { preview_groups, ...rest } = req;
  const bad = validateField('preview_groups', preview_groups);
  if (bad !== null) throw new ConfigError(bad);
  const { overrides, unknown } = nestOverrides(rest);
  if (unknown.length) throw new ConfigError(`unknown train request key '${unknown[0]}'`);
  return makeTrainingConfig({ ...overrides, train_data_file: trainDataFile });
}
