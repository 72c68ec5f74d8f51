/**
 * The model configuration (PtychoPINN's ModelConfig field names and the published method's
 * defaults, PtychoPINN §7.1): the one place its types, defaults, ranges and rules are declared.
 * Our additions are marked "(ours)".
 */
import { z } from 'zod';
import { field, ruleCheck, type CrossRule } from './schema';

/** Patch sizes N the network supports (also the simulator's). */
export const PATCH_SIZES = [64, 128, 256] as const;

export const AMP_ACTIVATIONS = ['sigmoid', 'swish', 'softplus', 'relu'] as const;
export type AmpActivation = (typeof AMP_ACTIVATIONS)[number];

/**
 * Normalisation of the object canvas when patches are merged (object_big):
 * - 'robust' (default): divide by max(count, 1): pixels that no patch centre covers pass through.
 * - 'tf_compat': TensorFlow PtychoPINN's `count + 0.001` (amplifies the border branch ×1000;
 *   see docs/DESIGN.md §3 for why this is not the default).
 * - 'mean' (ours): every pixel is the mean of the patches that cover it (count of whole patches,
 *   not of their centres): the borders of overlapping patches are averaged, not summed, which
 *   matters when the probe reaches outside the central N/2 square.
 */
export const CANVAS_NORMALISATIONS = ['robust', 'tf_compat', 'mean'] as const;
export type CanvasNormalisation = (typeof CANVAS_NORMALISATIONS)[number];

/**
 * The generator (diffraction → object patches) in front of the physics, PtychoPINN's
 * `model.architecture`: 'cnn' (the TF encoder–decoder, default), 'fno' (Fourier neural
 * operator), 'ffno' (factorised FNO), 'bpunet' (ours: a U-Net refining each pattern's
 * back-projection through the known probe). See compute/ptycho/model/README.md.
 */
export const ARCHITECTURES = ['cnn', 'fno', 'ffno', 'bpunet'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

const bool = (d: boolean, help: string, flag = true) =>
  field(z.boolean().default(d), { expected: 'true or false', help, ...(flag ? { flag: {} } : {}) });
const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

export const MODEL_FIELDS = {
  N: field(z.literal(PATCH_SIZES).default(64), {
    expected: '64, 128 or 256',
    help: 'patch size (64, 128, 256)',
    flag: {},
  }),
  gridsize: field(int(1, 4).default(1), {
    expected: 'an integer from 1 to 4',
    help: 'patches per group side (C = gridsize²)',
    flag: {},
  }),
  n_filters_scale: field(int(1, 8).default(2), {
    expected: 'an integer from 1 to 8',
    help: 'network width multiplier',
    flag: {},
  }),
  model_type: field(z.literal('pinn').default('pinn'), {
    expected: "'pinn' (the supervised baseline is not part of this app)",
  }),
  amp_activation: field(z.enum(AMP_ACTIVATIONS).default('sigmoid'), {
    expected: 'sigmoid, swish, softplus or relu',
    help: 'amplitude head activation',
    flag: {},
  }),
  object_big: bool(true, 'merge group patches on one canvas (overlap constraint)'),
  probe_big: bool(true, 'decoder border branch outside the central N/2 square'),
  probe_mask: bool(false, 'multiply the exit wave by the circular probe mask'),
  pad_object: bool(true, 'pad the object canvas', false),
  probe_scale: field(z.number().gt(0).default(4.0), {
    expected: 'a number > 0',
    help: 'probe normalisation divisor',
    flag: {},
  }),
  gaussian_smoothing_sigma: field(z.literal(0).default(0.0), {
    expected: '0 (probe smoothing is not supported)',
  }),
  /** (ours) canvas normalisation of the overlap constraint; see docs/DESIGN.md §3. */
  canvas_normalisation: field(z.enum(CANVAS_NORMALISATIONS).default('robust'), {
    expected: "'robust', 'tf_compat' or 'mean'",
    help: "overlap-canvas normalisation ('tf_compat' = TensorFlow's +0.001, 'mean' = mean of whole patches)",
    flag: {},
  }),
  /** Generator (PtychoPINN HEAD `architecture`). */
  architecture: field(z.enum(ARCHITECTURES).default('cnn'), {
    expected: ARCHITECTURES.map((a) => `'${a}'`).join(', '),
    help: 'generator: cnn (encoder–decoder), fno (Fourier neural operator), ffno (factorised FNO), bpunet (U-Net on the back-projection)',
    flag: {},
  }),
  /** Fourier modes kept per axis by fno/ffno (≤ N/2, a rule below). */
  fno_modes: field(z.number().int().min(1).default(12), {
    expected: 'an integer from 1 to N/2',
    help: 'fno/ffno: Fourier modes kept per axis (≤ N/2)',
    flag: {},
  }),
  fno_width: field(int(1, 512).default(32), {
    expected: 'an integer from 1 to 512',
    help: 'fno/ffno: hidden channels',
    flag: {},
  }),
  fno_blocks: field(int(1, 32).default(4), {
    expected: 'an integer from 1 to 32',
    help: 'fno/ffno: spectral blocks',
    flag: {},
  }),
};

type ModelShape = z.output<z.ZodObject<typeof MODEL_FIELDS>>;

export const MODEL_RULES: readonly CrossRule<ModelShape>[] = [
  {
    field: 'fno_modes',
    reads: ['fno_modes', 'N'],
    ok: (m) => 2 * m.fno_modes <= m.N,
    expected: (m) => `an integer from 1 to N/2 = ${m.N / 2}`,
  },
  {
    field: 'object_big',
    reads: ['object_big', 'gridsize'],
    ok: (m) => m.object_big || m.gridsize === 1,
    expected: () => 'true when gridsize > 1 (patches must be merged)',
  },
];

export const ModelConfigSchema = z
  .strictObject(MODEL_FIELDS)
  .check(ruleCheck(MODEL_RULES, (m: ModelShape) => m));

export type ModelConfig = z.output<typeof ModelConfigSchema>;
export type ModelOverrides = Partial<ModelConfig>;
