/**
 * Typed configuration with PtychoPINN's field names and the published method's defaults
 * (PtychoPINN §7.1), validation with messages that name the field and the expected value,
 * and no global mutable state: configs are frozen values passed around.
 *
 * Our additions are marked "(ours)".
 */
import { ARCHITECTURES, type AmpActivation, type Architecture, type CanvasNormalisation } from '../model/spec';

export type DeviceChoice = 'cpu' | 'webgpu' | 'cuda' | 'auto';

export interface ModelConfig {
  N: 64 | 128 | 256;
  gridsize: number;
  n_filters_scale: number;
  model_type: 'pinn';
  amp_activation: AmpActivation;
  object_big: boolean;
  probe_big: boolean;
  probe_mask: boolean;
  pad_object: boolean;
  probe_scale: number;
  gaussian_smoothing_sigma: number;
  /** (ours) canvas normalisation of the overlap constraint; see docs/DESIGN.md §3. */
  canvas_normalisation: CanvasNormalisation;
  /** Generator (PtychoPINN HEAD `architecture`): 'cnn' (default), 'fno', 'ffno'. */
  architecture: Architecture;
  /** Fourier modes kept per axis by fno/ffno (≤ N/2). */
  fno_modes: number;
  /** Hidden channels of fno/ffno. */
  fno_width: number;
  /** Spectral blocks of fno/ffno. */
  fno_blocks: number;
}

export interface TrainingConfig {
  model: ModelConfig;
  train_data_file: string | null;
  test_data_file: string | null;
  batch_size: number;
  nepochs: number;
  mae_weight: number;
  nll_weight: number;
  realspace_mae_weight: number;
  realspace_weight: number;
  /** (ours, PtychoPINN's legacy dict key) total-variation weight inside the realspace term. */
  tv_weight: number;
  nphotons: number;
  n_groups: number | null;
  n_subsample: number | null;
  subsample_seed: number | null;
  neighbor_count: number;
  positions_provided: boolean;
  probe_trainable: boolean;
  intensity_scale_trainable: boolean;
  output_dir: string;
  sequential_sampling: boolean;
  enable_oversampling: boolean;
  neighbor_pool_size: number | null;
  /** (ours) Adam learning rate. */
  learning_rate: number;
  /**
   * EarlyStopping patience on the training loss, in epochs. 3 is PtychoPINN's TensorFlow
   * callback; its PyTorch port uses 100 (`early_stop_patience`). A run that stops while the
   * object is still featureless (the loss is flat for a few epochs before detail appears) needs
   * a larger value.
   */
  early_stop_patience: number;
  /** (ours) execution provider. */
  device: DeviceChoice;
  /** (ours) seed of weight initialisation and batch shuffles. */
  seed: number;
}

export interface InferenceConfig {
  model: ModelConfig;
  model_path: string;
  test_data_file: string;
  n_groups: number | null;
  n_subsample: number | null;
  subsample_seed: number | null;
  neighbor_count: number;
  output_dir: string;
  /** (ours) */
  device: DeviceChoice;
  stitch_crop_size: number;
  batch_size: number;
}

export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = Object.freeze({
  N: 64,
  gridsize: 1,
  n_filters_scale: 2,
  model_type: 'pinn',
  amp_activation: 'sigmoid',
  object_big: true,
  probe_big: true,
  probe_mask: false,
  pad_object: true,
  probe_scale: 4.0,
  gaussian_smoothing_sigma: 0.0,
  canvas_normalisation: 'robust',
  architecture: 'cnn',
  fno_modes: 12,
  fno_width: 32,
  fno_blocks: 4,
});

export const DEFAULT_TRAINING_CONFIG: Readonly<Omit<TrainingConfig, 'model'>> = Object.freeze({
  train_data_file: null,
  test_data_file: null,
  batch_size: 16,
  nepochs: 50,
  mae_weight: 0,
  nll_weight: 1,
  realspace_mae_weight: 0,
  realspace_weight: 0,
  tv_weight: 0,
  nphotons: 1e9,
  n_groups: 512,
  n_subsample: null,
  subsample_seed: null,
  neighbor_count: 4,
  positions_provided: true,
  probe_trainable: false,
  intensity_scale_trainable: true,
  output_dir: 'training_outputs',
  sequential_sampling: false,
  enable_oversampling: false,
  neighbor_pool_size: null,
  learning_rate: 1e-3,
  early_stop_patience: 3,
  device: 'cpu',
  seed: 0,
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const MODEL_KEYS = Object.keys(DEFAULT_MODEL_CONFIG) as (keyof ModelConfig)[];
const TRAINING_KEYS = Object.keys(DEFAULT_TRAINING_CONFIG) as (keyof Omit<TrainingConfig, 'model'>)[];

export function isModelKey(k: string): k is keyof ModelConfig {
  return (MODEL_KEYS as string[]).includes(k);
}
export function isTrainingKey(k: string): k is keyof Omit<TrainingConfig, 'model'> {
  return (TRAINING_KEYS as string[]).includes(k);
}

function check(cond: boolean, field: string, expected: string, got: unknown): void {
  if (!cond) throw new ConfigError(`${field}: expected ${expected}, got ${JSON.stringify(got)}`);
}

export function validateModelConfig(m: ModelConfig): void {
  check([64, 128, 256].includes(m.N), 'N', '64, 128 or 256', m.N);
  check(Number.isInteger(m.gridsize) && m.gridsize >= 1 && m.gridsize <= 4, 'gridsize', 'an integer from 1 to 4', m.gridsize);
  check(Number.isInteger(m.n_filters_scale) && m.n_filters_scale >= 1, 'n_filters_scale', 'a positive integer', m.n_filters_scale);
  check(m.model_type === 'pinn', 'model_type', "'pinn' (the supervised baseline is not part of this app)", m.model_type);
  check(['sigmoid', 'swish', 'softplus', 'relu'].includes(m.amp_activation), 'amp_activation', 'sigmoid, swish, softplus or relu', m.amp_activation);
  for (const k of ['object_big', 'probe_big', 'probe_mask', 'pad_object'] as const) check(typeof m[k] === 'boolean', k, 'true or false', m[k]);
  check(Number.isFinite(m.probe_scale) && m.probe_scale > 0, 'probe_scale', 'a number > 0', m.probe_scale);
  check(m.gaussian_smoothing_sigma === 0, 'gaussian_smoothing_sigma', '0 (probe smoothing is not supported)', m.gaussian_smoothing_sigma);
  check(['robust', 'tf_compat'].includes(m.canvas_normalisation), 'canvas_normalisation', "'robust' or 'tf_compat'", m.canvas_normalisation);
  check(ARCHITECTURES.includes(m.architecture), 'architecture', ARCHITECTURES.map((a) => `'${a}'`).join(', '), m.architecture);
  check(Number.isInteger(m.fno_modes) && m.fno_modes >= 1 && 2 * m.fno_modes <= m.N, 'fno_modes', `an integer from 1 to N/2 = ${m.N / 2}`, m.fno_modes);
  check(Number.isInteger(m.fno_width) && m.fno_width >= 1 && m.fno_width <= 512, 'fno_width', 'an integer from 1 to 512', m.fno_width);
  check(Number.isInteger(m.fno_blocks) && m.fno_blocks >= 1 && m.fno_blocks <= 32, 'fno_blocks', 'an integer from 1 to 32', m.fno_blocks);
  check(m.object_big || m.gridsize === 1, 'object_big', 'true when gridsize > 1 (patches must be merged)', m.object_big);
}

export function validateTrainingConfig(t: TrainingConfig): void {
  validateModelConfig(t.model);
  check(Number.isInteger(t.batch_size) && t.batch_size > 0 && (t.batch_size & (t.batch_size - 1)) === 0, 'batch_size', 'a positive power of two', t.batch_size);
  check(Number.isInteger(t.nepochs) && t.nepochs > 0, 'nepochs', 'a positive integer', t.nepochs);
  for (const k of ['mae_weight', 'nll_weight', 'realspace_weight', 'realspace_mae_weight', 'tv_weight'] as const) {
    check(Number.isFinite(t[k]) && t[k] >= 0 && t[k] <= 1, k, 'a number in [0, 1]', t[k]);
  }
  check(t.mae_weight + t.nll_weight > 0, 'nll_weight', 'nll_weight or mae_weight > 0 (otherwise nothing is learned)', t.nll_weight);
  check(t.realspace_mae_weight === 0, 'realspace_mae_weight', '0 (it needs ground-truth patches, a supervised term)', t.realspace_mae_weight);
  check(Number.isFinite(t.nphotons) && t.nphotons > 0, 'nphotons', 'a number > 0', t.nphotons);
  check(t.n_groups === null || (Number.isInteger(t.n_groups) && t.n_groups > 0), 'n_groups', 'a positive integer', t.n_groups);
  check(t.n_subsample === null || (Number.isInteger(t.n_subsample) && t.n_subsample > 0), 'n_subsample', 'a positive integer', t.n_subsample);
  check(t.subsample_seed === null || Number.isInteger(t.subsample_seed), 'subsample_seed', 'an integer', t.subsample_seed);
  check(Number.isInteger(t.neighbor_count) && t.neighbor_count >= 1, 'neighbor_count', 'a positive integer', t.neighbor_count);
  check(t.model.gridsize === 1 || t.neighbor_count >= t.model.gridsize ** 2, 'neighbor_count', `≥ gridsize² = ${t.model.gridsize ** 2}`, t.neighbor_count);
  check(Number.isFinite(t.learning_rate) && t.learning_rate > 0 && t.learning_rate < 1, 'learning_rate', 'a number in (0, 1)', t.learning_rate);
  check(['cpu', 'webgpu', 'cuda', 'auto'].includes(t.device), 'device', 'cpu, webgpu, cuda or auto', t.device);
  check(Number.isInteger(t.early_stop_patience) && t.early_stop_patience >= 1, 'early_stop_patience', 'a positive integer (epochs)', t.early_stop_patience);
  check(Number.isInteger(t.seed), 'seed', 'an integer', t.seed);
  for (const k of ['positions_provided', 'probe_trainable', 'intensity_scale_trainable', 'sequential_sampling', 'enable_oversampling'] as const) {
    check(typeof t[k] === 'boolean', k, 'true or false', t[k]);
  }
  for (const k of ['train_data_file', 'test_data_file'] as const) check(t[k] === null || (typeof t[k] === 'string' && t[k] !== ''), k, 'a file path or null', t[k]);
  check(typeof t.output_dir === 'string' && t.output_dir !== '', 'output_dir', 'a folder path', t.output_dir);
  check(
    t.neighbor_pool_size === null || (Number.isInteger(t.neighbor_pool_size) && t.neighbor_pool_size >= t.neighbor_count),
    'neighbor_pool_size',
    `null or an integer ≥ neighbor_count = ${t.neighbor_count}`,
    t.neighbor_pool_size,
  );
}

/** Overrides without the keys whose value is `undefined` (unset, so the default applies). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Refuse keys a config does not have (typos would otherwise be carried silently). */
function checkKnownKeys(over: object, known: (k: string) => boolean, where: string): void {
  for (const k of Object.keys(over)) {
    if (!known(k)) throw new ConfigError(`unknown ${where} key '${k}'`);
  }
}

export type TrainingOverrides = Partial<Omit<TrainingConfig, 'model'>> & { model?: Partial<ModelConfig> };

/** Defaults ← overrides (undefined = unset), validated and frozen; unknown keys are refused. */
export function makeTrainingConfig(over: TrainingOverrides = {}): TrainingConfig {
  const { model, ...rest } = over;
  checkKnownKeys(rest, isTrainingKey, 'training config');
  if (model !== undefined && (model === null || typeof model !== 'object')) throw new ConfigError(`model: expected a mapping of model fields, got ${JSON.stringify(model)}`);
  checkKnownKeys(model ?? {}, isModelKey, 'model config');
  const cfg: TrainingConfig = { ...DEFAULT_TRAINING_CONFIG, ...defined(rest), model: { ...DEFAULT_MODEL_CONFIG, ...defined(model ?? {}) } };
  validateTrainingConfig(cfg);
  Object.freeze(cfg.model);
  return Object.freeze(cfg);
}

export const DEFAULT_INFERENCE_CONFIG: Readonly<Omit<InferenceConfig, 'model' | 'model_path' | 'test_data_file'>> = Object.freeze({
  n_groups: null,
  n_subsample: null,
  subsample_seed: null,
  neighbor_count: 4,
  output_dir: 'inference_outputs',
  device: 'cpu',
  stitch_crop_size: 20,
  batch_size: 64,
});

const INFERENCE_KEYS = ['model', 'model_path', 'test_data_file', ...Object.keys(DEFAULT_INFERENCE_CONFIG)];

export type InferenceOverrides = Partial<Omit<InferenceConfig, 'model'>> & { model?: Partial<ModelConfig> };

export function validateInferenceConfig(c: InferenceConfig): void {
  validateModelConfig(c.model);
  check(typeof c.model_path === 'string' && c.model_path !== '', 'model_path', 'a wts.h5.zip bundle or the folder holding it', c.model_path);
  check(typeof c.test_data_file === 'string' && c.test_data_file !== '', 'test_data_file', 'an NPZ file path', c.test_data_file);
  check(c.n_groups === null || (Number.isInteger(c.n_groups) && c.n_groups > 0), 'n_groups', 'null (all) or a positive integer', c.n_groups);
  check(c.n_subsample === null || (Number.isInteger(c.n_subsample) && c.n_subsample > 0), 'n_subsample', 'a positive integer', c.n_subsample);
  check(c.subsample_seed === null || Number.isInteger(c.subsample_seed), 'subsample_seed', 'an integer', c.subsample_seed);
  check(Number.isInteger(c.neighbor_count) && c.neighbor_count >= 1, 'neighbor_count', 'a positive integer', c.neighbor_count);
  check(c.model.gridsize === 1 || c.neighbor_count >= c.model.gridsize ** 2, 'neighbor_count', `≥ gridsize² = ${c.model.gridsize ** 2}`, c.neighbor_count);
  check(typeof c.output_dir === 'string' && c.output_dir !== '', 'output_dir', 'a folder path', c.output_dir);
  check(['cpu', 'webgpu', 'cuda', 'auto'].includes(c.device), 'device', 'cpu, webgpu, cuda or auto', c.device);
  check(Number.isInteger(c.stitch_crop_size) && c.stitch_crop_size > 0 && c.stitch_crop_size <= c.model.N, 'stitch_crop_size', `an integer with 0 < M ≤ N = ${c.model.N}`, c.stitch_crop_size);
  check(Number.isInteger(c.batch_size) && c.batch_size > 0, 'batch_size', 'a positive integer', c.batch_size);
}

/**
 * Defaults ← overrides, validated and frozen. `model_path` and `test_data_file` are required;
 * `model` normally comes from the bundle's params (the network the weights belong to).
 */
export function makeInferenceConfig(over: InferenceOverrides): InferenceConfig {
  const { model, ...rest } = over;
  checkKnownKeys(rest, (k) => INFERENCE_KEYS.includes(k), 'inference config');
  checkKnownKeys(model ?? {}, isModelKey, 'model config');
  const cfg = { ...DEFAULT_INFERENCE_CONFIG, model_path: '', test_data_file: '', ...defined(rest), model: { ...DEFAULT_MODEL_CONFIG, ...defined(model ?? {}) } } as InferenceConfig;
  validateInferenceConfig(cfg);
  Object.freeze(cfg.model);
  return Object.freeze(cfg);
}
