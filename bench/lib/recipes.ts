/**
 * The training recipes the test-bed benches compare (bench/timeToQuality.ts, bench/pinnInit.ts):
 * name → overrides of `ptycho train`'s defaults; `ptychopinn` is PtychoPINN's own.
 */
import { makeTrainingConfig, type TrainingConfig } from '../../compute/ptycho/config/config';

export type Overrides = NonNullable<Parameters<typeof makeTrainingConfig>[0]>;

/** The recipes compared (name → overrides of the defaults); `ptychopinn` is PtychoPINN's own. */
export const RECIPES: Record<string, { overrides: Overrides; finetune?: boolean; note: string }> = {
  default: { overrides: {}, note: 'the current defaults of ptycho train' },
  ptychopinn: {
    overrides: { model: { gridsize: 1, n_filters_scale: 2 }, batch_size: 16, early_stop_patience: 3 },
    note: 'PtychoPINN: gs1, n_filters_scale 2, batch 16, Adam 1e-3',
  },
  gs2: {
    overrides: { model: { gridsize: 2, n_filters_scale: 2 }, batch_size: 16 },
    note: 'gs2, n_filters_scale 2, batch 16',
  },
  'gs2-s1-b4': {
    overrides: { model: { gridsize: 2, n_filters_scale: 1 }, batch_size: 4 },
    note: 'gs2, n_filters_scale 1, batch 4',
  },
  'bpunet-gs2': {
    overrides: {
      model: { gridsize: 2, architecture: 'bpunet', canvas_normalisation: 'mean' },
      batch_size: 8,
    },
    note: 'bpunet (U-Net on the back-projection), gs2, mean canvas, n_filters_scale 2, batch 8',
  },
  'gs2-s1-b4+ft': {
    overrides: { model: { gridsize: 2, n_filters_scale: 1 }, batch_size: 4 },
    finetune: true,
    note: 'gs2-s1-b4, then self-supervised fine-tuning on the band',
  },
};

/** A recipe's training configuration for a fixed budget: no epoch limit, every group. */
export function recipeConfig(o: Overrides): TrainingConfig {
  return makeTrainingConfig({ nepochs: 10_000, n_groups: null, ...o, model: { ...(o.model ?? {}) } });
}
