/**
 * The inference configuration (PtychoPINN's InferenceConfig field names): the one place its
 * types, defaults, ranges and rules are declared. Grouping fields and the device are training's
 * (one definition, one default: SHARED_FIELDS).
 */
import { z } from 'zod';
import { field, ruleCheck, type CrossRule } from './schema';
import { ModelConfigSchema, type ModelConfig } from './model';
import { NEIGHBOR_RULE, SHARED_FIELDS } from './training';

const required = (expected: string) => field(z.string().min(1), { expected });

export const INFERENCE_FIELDS = {
  model_path: required('a wts.h5.zip bundle or the folder holding it'),
  test_data_file: required('an NPZ file path'),
  n_groups: field(z.number().int().min(1).nullable().default(null), {
    expected: 'null (all) or a positive integer',
  }),
  n_subsample: SHARED_FIELDS.n_subsample,
  subsample_seed: SHARED_FIELDS.subsample_seed,
  neighbor_count: SHARED_FIELDS.neighbor_count,
  output_dir: field(z.string().min(1).default('inference_outputs'), { expected: 'a folder path' }),
  device: SHARED_FIELDS.device,
  /** Central M×M crop of each patch used for stitching (≤ N, a rule below). */
  stitch_crop_size: field(z.number().int().min(1).default(20), {
    expected: 'an integer with 0 < M ≤ N',
    help: 'central M×M crop of each patch used for stitching',
    flag: {},
  }),
  batch_size: field(z.number().int().min(1).max(4096).default(64), {
    expected: 'an integer from 1 to 4096',
    help: 'inference batch size',
    flag: {},
  }),
};

type InferenceShape = z.output<z.ZodObject<typeof INFERENCE_FIELDS>>;
type FlatInference = InferenceShape & ModelConfig;

export const INFERENCE_RULES: readonly CrossRule<FlatInference>[] = [
  NEIGHBOR_RULE,
  {
    field: 'stitch_crop_size',
    reads: ['stitch_crop_size', 'N'],
    ok: (c) => c.stitch_crop_size <= c.N,
    expected: (c) => `an integer with 0 < M ≤ N = ${c.N}`,
  },
];

export const InferenceConfigSchema = z
  .strictObject({
    ...INFERENCE_FIELDS,
    model: field(ModelConfigSchema.prefault({}), { expected: 'a mapping of model fields' }),
  })
  .check(
    ruleCheck(INFERENCE_RULES, ({ model, ...rest }: InferenceShape & { model: ModelConfig }) => ({
      ...model,
      ...rest,
    })),
  );

export type InferenceConfig = z.output<typeof InferenceConfigSchema>;
export type InferenceOverrides = Partial<Omit<InferenceConfig, 'model'>> & { model?: Partial<ModelConfig> };
