/**
 * What the network and physics graph need to know: the fields of ModelConfig/TrainingConfig
 * (compute/ptycho/config) it reads, so a config is structurally assignable.
 */
import {
  DEFAULT_MODEL_CONFIG as M,
  DEFAULT_TRAINING_CONFIG as T,
  type ModelConfig,
  type TrainingConfig,
} from '../config/config';

export {
  ARCHITECTURES,
  type AmpActivation,
  type Architecture,
  type CanvasNormalisation,
} from '../config/config';

type ModelField =
  | 'N'
  | 'gridsize'
  | 'n_filters_scale'
  | 'amp_activation'
  | 'object_big'
  | 'probe_big'
  | 'probe_mask'
  | 'pad_object'
  | 'canvas_normalisation';

/** The config fields the network reads; the generator and its fno_* fields may be absent (= 'cnn', defaults). */
export type PinnModelSpec = Pick<ModelConfig, ModelField> &
  Pick<TrainingConfig, 'probe_trainable' | 'intensity_scale_trainable'> &
  Partial<Pick<ModelConfig, 'architecture' | 'fno_modes' | 'fno_width' | 'fno_blocks'>>;

export interface PinnLossSpec {
  nll_weight: number;
  mae_weight: number;
  /** Real-space terms (PtychoPINN §4.1): weight × (tv_weight·TV(object) + realspace_mae_weight·MAE vs Y). */
  realspace_weight: number;
  realspace_mae_weight: number;
  tv_weight: number;
}

/** The config's defaults (compute/ptycho/config, the one place they are declared). */
export const DEFAULT_MODEL_SPEC: PinnModelSpec = {
  N: M.N,
  gridsize: M.gridsize,
  n_filters_scale: M.n_filters_scale,
  amp_activation: M.amp_activation,
  object_big: M.object_big,
  probe_big: M.probe_big,
  probe_mask: M.probe_mask,
  pad_object: M.pad_object,
  probe_trainable: T.probe_trainable,
  intensity_scale_trainable: T.intensity_scale_trainable,
  canvas_normalisation: M.canvas_normalisation,
  architecture: M.architecture,
  fno_modes: M.fno_modes,
  fno_width: M.fno_width,
  fno_blocks: M.fno_blocks,
};

export const DEFAULT_LOSS_SPEC: PinnLossSpec = {
  nll_weight: T.nll_weight,
  mae_weight: T.mae_weight,
  realspace_weight: T.realspace_weight,
  realspace_mae_weight: T.realspace_mae_weight,
  tv_weight: T.tv_weight,
};

export function paddedSize(N: number, gridsize: number): number {
  return N + (gridsize - 1) * 4 + 10;
}

export function channels(spec: Pick<PinnModelSpec, 'gridsize'>): number {
  return spec.gridsize * spec.gridsize;
}
