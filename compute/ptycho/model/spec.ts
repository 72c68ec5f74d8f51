/**
 * What the network and physics graph need to know, in PtychoPINN's field names, so a
 * ModelConfig/TrainingConfig from compute/ptycho/config is structurally assignable.
 */
export type AmpActivation = 'sigmoid' | 'swish' | 'softplus' | 'relu';

/**
 * Normalisation of the object canvas when patches are merged (object_big):
 * - 'robust' (default): divide by max(count, 1): pixels that no patch centre covers pass through.
 * - 'tf_compat': TensorFlow PtychoPINN's `count + 0.001` (amplifies the border branch ×1000;
 *   see docs/DESIGN.md §3 for why this is not the default).
 */
export type CanvasNormalisation = 'robust' | 'tf_compat';

/**
 * The generator (diffraction → object patches) in front of the physics, PtychoPINN's
 * `model.architecture`: 'cnn' (the TF encoder–decoder, default), 'fno' (Fourier neural
 * operator), 'ffno' (factorised FNO). See compute/ptycho/model/README.md.
 */
export type Architecture = 'cnn' | 'fno' | 'ffno';
export const ARCHITECTURES: readonly Architecture[] = ['cnn', 'fno', 'ffno'];

export interface PinnModelSpec {
  N: 64 | 128 | 256;
  gridsize: number;
  n_filters_scale: number;
  amp_activation: AmpActivation;
  object_big: boolean;
  probe_big: boolean;
  probe_mask: boolean;
  pad_object: boolean;
  probe_trainable: boolean;
  intensity_scale_trainable: boolean;
  canvas_normalisation: CanvasNormalisation;
  /** Generator; absent = 'cnn'. The fno_* fields are read by 'fno' and 'ffno' only. */
  architecture?: Architecture;
  /** Fourier modes kept per axis (PtychoPINN `fno_modes`, default 12; ≤ N/2). */
  fno_modes?: number;
  /** Hidden channels of the operator layers (PtychoPINN `fno_width`, default 32). */
  fno_width?: number;
  /** Spectral blocks (PtychoPINN `fno_blocks`, default 4). */
  fno_blocks?: number;
}

export interface PinnLossSpec {
  nll_weight: number;
  mae_weight: number;
  /** Real-space terms (PtychoPINN §4.1): weight × (tv_weight·TV(object) + realspace_mae_weight·MAE vs Y). */
  realspace_weight: number;
  realspace_mae_weight: number;
  tv_weight: number;
}

export const DEFAULT_MODEL_SPEC: PinnModelSpec = {
  N: 64,
  gridsize: 1,
  n_filters_scale: 2,
  amp_activation: 'sigmoid',
  object_big: true,
  probe_big: true,
  probe_mask: false,
  pad_object: true,
  probe_trainable: false,
  intensity_scale_trainable: true,
  canvas_normalisation: 'robust',
  architecture: 'cnn',
  fno_modes: 12,
  fno_width: 32,
  fno_blocks: 4,
};

export const DEFAULT_LOSS_SPEC: PinnLossSpec = { nll_weight: 1, mae_weight: 0, realspace_weight: 0, realspace_mae_weight: 0, tv_weight: 0 };

/** PtychoPINN's padded canvas for object_big: N + (gridsize−1)·offset + max_position_jitter, offset 4, jitter 10. */
export function paddedSize(N: number, gridsize: number): number {
  return N + (gridsize - 1) * 4 + 10;
}

export function channels(spec: Pick<PinnModelSpec, 'gridsize'>): number {
  return spec.gridsize * spec.gridsize;
}
