/**
 * The model/training flags of `ptycho train` in PtychoPINN's spelling, and how they become a
 * TrainingConfig: defaults ← YAML (--config) ← explicit flags.
 */
import type { FlagSpec, FlagValue } from './args';
import { CliError } from './args';
import { ConfigError, DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, isModelKey, isTrainingKey, makeTrainingConfig, type TrainingConfig, type TrainingOverrides } from '../ptycho/config/config';
import { mergeOverrides, readYamlConfig } from '../ptycho/config/yamlConfig';

const d = (v: unknown): string => (v === null ? 'none' : String(v));

export const MODEL_FLAGS: FlagSpec[] = [
  { name: 'N', type: 'int', help: 'patch size (64, 128, 256)', defaultText: d(DEFAULT_MODEL_CONFIG.N) },
  { name: 'gridsize', type: 'int', help: 'patches per group side (C = gridsize²)', defaultText: d(DEFAULT_MODEL_CONFIG.gridsize) },
  { name: 'n_filters_scale', type: 'int', help: 'network width multiplier', defaultText: d(DEFAULT_MODEL_CONFIG.n_filters_scale) },
  { name: 'amp_activation', type: 'string', help: 'amplitude head activation', choices: ['sigmoid', 'swish', 'softplus', 'relu'], defaultText: DEFAULT_MODEL_CONFIG.amp_activation },
  { name: 'object_big', type: 'boolean', help: 'merge group patches on one canvas (overlap constraint)', defaultText: 'true' },
  { name: 'probe_big', type: 'boolean', help: 'decoder border branch outside the central N/2 square', defaultText: 'true' },
  { name: 'probe_mask', type: 'boolean', help: 'multiply the exit wave by the circular probe mask', defaultText: 'false' },
  { name: 'probe_scale', type: 'number', help: 'probe normalisation divisor', defaultText: d(DEFAULT_MODEL_CONFIG.probe_scale) },
  { name: 'architecture', type: 'string', help: 'generator: cnn (encoder–decoder), fno (Fourier neural operator), ffno (factorised FNO)', choices: ['cnn', 'fno', 'ffno'], defaultText: DEFAULT_MODEL_CONFIG.architecture },
  { name: 'fno_modes', type: 'int', help: 'fno/ffno: Fourier modes kept per axis (≤ N/2)', defaultText: d(DEFAULT_MODEL_CONFIG.fno_modes) },
  { name: 'fno_width', type: 'int', help: 'fno/ffno: hidden channels', defaultText: d(DEFAULT_MODEL_CONFIG.fno_width) },
  { name: 'fno_blocks', type: 'int', help: 'fno/ffno: spectral blocks', defaultText: d(DEFAULT_MODEL_CONFIG.fno_blocks) },
  { name: 'canvas_normalisation', type: 'string', help: "overlap-canvas normalisation ('tf_compat' = TensorFlow's +0.001)", choices: ['robust', 'tf_compat'], defaultText: 'robust' },
];

export const TRAINING_FLAGS: FlagSpec[] = [
  { name: 'nepochs', type: 'int', help: 'training epochs', aliases: ['max_epochs'], defaultText: d(DEFAULT_TRAINING_CONFIG.nepochs) },
  { name: 'batch_size', type: 'int', help: 'mini-batch size (power of two)', defaultText: d(DEFAULT_TRAINING_CONFIG.batch_size) },
  { name: 'n_groups', type: 'int', help: 'groups to train on', aliases: ['n_images'], defaultText: d(DEFAULT_TRAINING_CONFIG.n_groups) },
  { name: 'n_subsample', type: 'int', help: 'patterns to subsample before grouping (default: n_groups)' },
  { name: 'subsample_seed', type: 'int', help: 'seed of subsampling and grouping' },
  { name: 'nphotons', type: 'number', help: 'photons per pattern (file metadata wins when present)', defaultText: '1e9' },
  { name: 'neighbor_count', type: 'int', help: 'K nearest neighbours for grouping', defaultText: d(DEFAULT_TRAINING_CONFIG.neighbor_count) },
  { name: 'nll_weight', type: 'number', help: 'Poisson NLL weight', defaultText: '1' },
  { name: 'mae_weight', type: 'number', help: 'amplitude MAE weight', defaultText: '0' },
  { name: 'realspace_weight', type: 'number', help: 'real-space term weight', defaultText: '0' },
  { name: 'tv_weight', type: 'number', help: 'total-variation weight inside the real-space term', defaultText: '0' },
  { name: 'probe_trainable', type: 'boolean', help: 'learn the probe too', defaultText: 'false' },
  { name: 'intensity_scale_trainable', type: 'boolean', help: 'learn log_scale', defaultText: 'true' },
  { name: 'sequential_sampling', type: 'boolean', help: 'take the first n_groups seeds instead of random ones', defaultText: 'false' },
  { name: 'enable_oversampling', type: 'boolean', help: 'allow more groups than patterns (K choose C)', defaultText: 'false' },
  { name: 'learning_rate', type: 'number', help: 'Adam learning rate', defaultText: '1e-3' },
  { name: 'early_stop_patience', type: 'int', help: 'epochs without a lower training loss before stopping (PtychoPINN TF: 3, PyTorch: 100)', defaultText: d(DEFAULT_TRAINING_CONFIG.early_stop_patience) },
  { name: 'seed', type: 'int', help: 'seed of weight initialisation and shuffles', defaultText: '0' },
];

export const DEVICE_FLAGS: FlagSpec[] = [
  { name: 'device', type: 'string', help: 'execution provider', choices: ['cpu', 'webgpu', 'cuda', 'auto'], aliases: ['accelerator'], defaultText: 'cpu' },
  { name: 'threads', type: 'int', help: 'CPU threads for ONNX Runtime (default: all cores)' },
];

/** Build the config: defaults ← YAML file ← explicit flags (only those given on the command line). */
export function trainingConfigFromFlags(flags: Record<string, FlagValue>, paths: { train_data_file: string; test_data_file?: string; output_dir: string }): TrainingConfig {
  const explicit: TrainingOverrides = { model: {} };
  for (const [k, v] of Object.entries(flags)) {
    if (isModelKey(k)) (explicit.model as Record<string, unknown>)[k] = v;
    else if (isTrainingKey(k)) (explicit as Record<string, unknown>)[k] = v;
  }
  const yaml = typeof flags.config === 'string' ? readYamlConfig(flags.config) : {};
  try {
    return makeTrainingConfig(mergeOverrides(yaml, explicit, { train_data_file: paths.train_data_file, test_data_file: paths.test_data_file ?? null, output_dir: paths.output_dir }));
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
}
