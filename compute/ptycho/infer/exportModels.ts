/**
 * Turn trained parameters into the two self-contained ONNX models of a bundle, weights baked
 * in as initializers (any ONNX Runtime, Python included, can run them):
 * - `diffraction_to_obj`: `input (B,N,N,C)`, `input_positions (B,1,2,C)` →
 *   `trimmed_obj_real`, `trimmed_obj_imag (B,N,N,1)`;
 * - `autoencoder`: the same inputs → the object plus `pred_amp_scaled`, `pred_intensity (B,N,N,C)`.
 */
import { lower, type ParamStore } from '../../engine';
import {
  autoencoderPublicOutputs,
  buildAutoencoder,
  buildDiffractionToObj,
  type ProbeArrays,
} from '../model/pinn';
import { DEFAULT_LOSS_SPEC, type PinnModelSpec } from '../model/spec';

export interface ExportedModels {
  autoencoder: Uint8Array;
  diffraction_to_obj: Uint8Array;
}

export const AUTOENCODER_OUTPUTS = [
  'trimmed_obj_real',
  'trimmed_obj_imag',
  'pred_amp_scaled',
  'pred_intensity',
] as const;
export const INFERENCE_OUTPUTS = ['trimmed_obj_real', 'trimmed_obj_imag'] as const;
export const MODEL_INPUTS = ['input', 'input_positions'] as const;

const bakeFrom =
  (params: ParamStore) =>
  (n: string): Float32Array | undefined =>
    params.has(n) ? params.get(n).slice() : undefined;

/** Only `diffraction_to_obj` (what inference and the live preview need). */
export function exportInferenceModel(
  spec: PinnModelSpec,
  params: ParamStore,
  metadata: Record<string, string> = {},
): Uint8Array {
  const d2o = buildDiffractionToObj(spec, Math.exp(params.get('log_scale')[0]!));
  return lower(d2o.outputs, {
    name: 'diffraction_to_obj',
    bake: bakeFrom(params),
    metadata,
    docString: 'PtychoPINN diffraction_to_obj (Ptycho Workstation)',
  }).bytes;
}

export function exportModels(
  spec: PinnModelSpec,
  params: ParamStore,
  probe: ProbeArrays,
  metadata: Record<string, string> = {},
): ExportedModels {
  const ae = buildAutoencoder({
    spec,
    loss: DEFAULT_LOSS_SPEC,
    intensityScale: Math.exp(params.get('log_scale')[0]!),
    probe,
    io: 'public',
  });
  return {
    diffraction_to_obj: exportInferenceModel(spec, params, metadata),
    autoencoder: lower(autoencoderPublicOutputs(ae), {
      name: 'autoencoder',
      bake: bakeFrom(params),
      metadata,
      docString: 'PtychoPINN autoencoder (Ptycho Workstation)',
    }).bytes,
  };
}
