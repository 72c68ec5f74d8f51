/**
 * The training configuration (PtychoPINN's TrainingConfig field names and defaults, §7.1): the
 * one place its types, defaults, ranges and rules are declared. Our additions are marked "(ours)".
 */
import { z } from 'zod';
import { field, ruleCheck, type CrossRule } from './schema';
import { ModelConfigSchema, type ModelConfig } from './model';

export const DEVICES = ['cpu', 'webgpu', 'cuda', 'auto'] as const;
export type DeviceChoice = (typeof DEVICES)[number];

const bool = (d: boolean, help: string, flag = true) =>
  field(z.boolean().default(d), { expected: 'true or false', help, ...(flag ? { flag: {} } : {}) });
const weight = (d: number, help: string) =>
  field(z.number().min(0).max(1).default(d), { expected: 'a number in [0, 1]', help, flag: {} });
const path = () => field(z.string().min(1).nullable().default(null), { expected: 'a file path or null' });

/** Fields training and inference share, with one definition and one default each. */
export const SHARED_FIELDS = {
  n_subsample: field(z.number().int().min(1).nullable().default(null), {
    expected: 'null or a positive integer',
    help: 'patterns to subsample before grouping (default: n_groups)',
    flag: {},
  }),
  subsample_seed: field(z.number().int().min(0).nullable().default(null), {
    expected: 'null or an integer ≥ 0',
    help: 'seed of subsampling and grouping',
    flag: {},
  }),
  neighbor_count: field(z.number().int().min(1).max(64).default(4), {
    expected: 'an integer from 1 to 64',
    help: 'K nearest neighbours for grouping',
    flag: {},
  }),
  /** (ours) execution provider. */
  device: field(z.enum(DEVICES).default('cpu'), {
    expected: 'cpu, webgpu, cuda or auto',
    help: 'execution provider',
    flag: { aliases: ['accelerator'] },
  }),
};

export const TRAINING_FIELDS = {
  train_data_file: path(),
  test_data_file: path(),
  batch_size: field(
    z
      .number()
      .int()
      .min(1)
      .max(4096)
      .refine((b) => (b & (b - 1)) === 0)
      .default(16),
    { expected: 'a power of two from 1 to 4096', help: 'mini-batch size (power of two)', flag: {} },
  ),
  nepochs: field(z.number().int().min(1).max(10_000).default(50), {
    expected: 'an integer from 1 to 10000',
    help: 'training epochs',
    flag: { aliases: ['max_epochs'] },
  }),
  mae_weight: weight(0, 'amplitude MAE weight'),
  nll_weight: weight(1, 'Poisson NLL weight'),
  realspace_mae_weight: field(z.literal(0).default(0), {
    expected: '0 (it needs ground-truth patches, a supervised term)',
  }),
  realspace_weight: weight(0, 'real-space term weight'),
  /** (ours, PtychoPINN's legacy dict key) total-variation weight inside the realspace term. */
  tv_weight: weight(0, 'total-variation weight inside the real-space term'),
  nphotons: field(z.number().gt(0).default(1e9), {
    expected: 'a number > 0',
    help: 'photons per pattern (file metadata wins when present)',
    flag: {},
  }),
  n_groups: field(z.number().int().min(1).nullable().default(512), {
    expected: 'null (all) or a positive integer',
    help: 'groups to train on',
    flag: { aliases: ['n_images'] },
  }),
  n_subsample: SHARED_FIELDS.n_subsample,
  subsample_seed: SHARED_FIELDS.subsample_seed,
  neighbor_count: SHARED_FIELDS.neighbor_count,
  positions_provided: bool(true, 'scan positions are given', false),
  probe_trainable: bool(false, 'learn the probe too'),
  intensity_scale_trainable: bool(true, 'learn log_scale'),
  output_dir: field(z.string().min(1).default('training_outputs'), { expected: 'a folder path' }),
  sequential_sampling: bool(false, 'take the first n_groups seeds instead of random ones'),
  enable_oversampling: bool(false, 'allow more groups than patterns (K choose C)'),
  neighbor_pool_size: field(z.number().int().min(1).nullable().default(null), {
    expected: 'null or a positive integer',
  }),
  /** (ours) Adam learning rate. */
  learning_rate: field(z.number().gt(0).lt(1).default(1e-3), {
    expected: 'a number in (0, 1)',
    help: 'Adam learning rate',
    flag: {},
  }),
  /**
   * EarlyStopping patience, in epochs, on val_loss (the training loss without a validation
   * split): training stops after this many epochs without a new best *and* only once the
   * least-squares trend over them has stopped falling (compute/ptycho/train/schedule.ts).
   * PtychoPINN's TensorFlow callback uses 3 on the training loss (a lines run then stops at
   * epoch 5 with a near-flat object); its PyTorch port uses 100.
   */
  early_stop_patience: field(z.number().int().min(1).max(10_000).default(10), {
    expected: 'an integer from 1 to 10000 (epochs)',
    help: 'epochs without a new best validation loss, with a flat trend, before stopping (PtychoPINN TF: 3, PyTorch: 100)',
    flag: {},
  }),
  device: SHARED_FIELDS.device,
  /** (ours) seed of weight initialisation and batch shuffles. */
  seed: field(z.number().int().min(0).default(0), {
    expected: 'an integer ≥ 0',
    help: 'seed of weight initialisation and shuffles',
    flag: {},
  }),
};

type TrainingShape = z.output<z.ZodObject<typeof TRAINING_FIELDS>>;
/** A training config with the model fields at the top level (the Train form's view, params.cfg's). */
export type FlatTraining = TrainingShape & ModelConfig;

/** A group of gridsize² patterns needs that many neighbours (training and inference). */
export const NEIGHBOR_RULE: CrossRule<{ neighbor_count: number; gridsize: number }> = {
  field: 'neighbor_count',
  reads: ['neighbor_count', 'gridsize'],
  ok: (t) => t.gridsize === 1 || t.neighbor_count >= t.gridsize ** 2,
  expected: (t) => `≥ gridsize² = ${t.gridsize ** 2}`,
};

export const TRAINING_RULES: readonly CrossRule<FlatTraining>[] = [
  {
    field: 'nll_weight',
    reads: ['nll_weight', 'mae_weight'],
    ok: (t) => t.mae_weight + t.nll_weight > 0,
    expected: () => 'nll_weight or mae_weight > 0 (otherwise nothing is learned)',
  },
  NEIGHBOR_RULE,
  {
    field: 'neighbor_pool_size',
    reads: ['neighbor_pool_size', 'neighbor_count'],
    ok: (t) => t.neighbor_pool_size === null || t.neighbor_pool_size >= t.neighbor_count,
    expected: (t) => `null or an integer ≥ neighbor_count = ${t.neighbor_count}`,
  },
];

export const TrainingConfigSchema = z
  .strictObject({
    ...TRAINING_FIELDS,
    model: field(ModelConfigSchema.prefault({}), { expected: 'a mapping of model fields' }),
  })
  .check(
    ruleCheck(TRAINING_RULES, ({ model, ...rest }: TrainingShape & { model: ModelConfig }) => ({
      ...model,
      ...rest,
    })),
  );

export type TrainingConfig = z.output<typeof TrainingConfigSchema>;
export type TrainingOverrides = Partial<Omit<TrainingConfig, 'model'>> & { model?: Partial<ModelConfig> };
