/**
 * The PtychoPINN graphs:
 * - `buildAutoencoder`: the training graph (network → object → overlap constraint → probe →
 *   far field → scaled intensity → loss terms), internal layout NCHW.
 * - `buildDiffractionToObj`: the lean inference graph with PtychoPINN's public I/O
 *   (`input (B,N,N,C)` = intensity_scale·X, `input_positions (B,1,2,C)` →
 *   `trimmed_obj_real`, `trimmed_obj_imag (B,N,N,1)`), no physics and no loss.
 */
import { Graph, type Tensor } from '../../engine';
import type { ParamDecl } from './network';
import { makeGenerator, type Generator } from './generators';
import {
  circularMask,
  complexMul,
  diffractIntensity,
  extractPatches,
  polar,
  reassemblePatches,
  type Complex,
} from './physics';
import { channels, paddedSize, type PinnLossSpec, type PinnModelSpec } from './spec';

/** Feed names of the training graph. */
export const FEEDS = {
  /** `(B, C, N, N)` intensity_scale · normalised amplitudes: network input and target. */
  amplitudes: 'X',
  /** `(B, C, 2)` coords_relative (x, y) = centroid − position; only when gridsize > 1. */
  offsets: 'offsets',
} as const;

/** Trainable non-network parameters. */
export const LOG_SCALE = 'log_scale';
export const PROBE_RE = 'probe.re';
export const PROBE_IM = 'probe.im';

/** Guard inside log/sqrt of the predicted intensity (Î ≥ 0). */
export const INTENSITY_EPS = 1e-12;

export interface ProbeArrays {
  /** `(N, N)` row-major, already normalised (prepareProbe). */
  re: Float32Array;
  im: Float32Array;
}

export interface PinnGraph {
  graph: Graph;
  /** Every parameter with its initialiser (network kernels/biases, log_scale, probe if trainable). */
  params: ParamDecl[];
  /** Parameters the optimizer updates (log_scale/probe only when trainable). */
  trainable: string[];
  /** Named scalar loss terms; `loss` is the weighted total. */
  losses: { loss: Tensor; nll: Tensor; mae: Tensor; realspace: Tensor };
  /** Predicted intensity Î `(B, C, N, N)` and the trimmed object `(B, 1, N, N)`. */
  predIntensity: Tensor;
  trimmed: Complex;
}

function useShifts(spec: PinnModelSpec): boolean {
  return spec.object_big && spec.gridsize > 1;
}

/** Network + object combination, shared by both graphs. Input: `(B, C, N, N)` = s·X. */
function objectFromDiffraction(
  g: Graph,
  net: Generator,
  x: Tensor,
  logScale: Tensor,
  shifts: Tensor | null,
): { obj: Complex } {
  const xin = x.mul(g.exp(logScale.neg()));
  const { amp, phase } = net.objectHeads(xin, shifts);
  return { obj: polar(amp, phase) };
}

function logScaleTensor(
  g: Graph,
  spec: PinnModelSpec,
  intensityScale: number,
  params: ParamDecl[],
  trainable: string[],
): Tensor {
  const init = new Float32Array([Math.log(intensityScale)]);
  // Stored as a parameter either way (it is saved with the model); only optimised when trainable.
  params.push({ name: LOG_SCALE, shape: [], init: { value: init } });
  if (spec.intensity_scale_trainable) trainable.push(LOG_SCALE);
  return g.param(LOG_SCALE, []);
}

/** Place the C object patches per the model's overlap constraint; returns patches and trimmed object. */
function applyOverlapConstraint(
  g: Graph,
  spec: PinnModelSpec,
  obj: Complex,
  shifts: Tensor | null,
): { patches: Complex; trimmed: Complex } {
  const N = spec.N;
  const C = channels(spec);
  if (!spec.object_big) {
    // PadReconstruction: each channel's own patch; trimmed = channel 0.
    const first = (t: Tensor): Tensor => t.slice([1], [0], [1]);
    const patches =
      obj.re.shape[1] === C
        ? obj
        : {
            re: g.concat(
              Array.from({ length: C }, () => obj.re),
              1,
            ),
            im: g.concat(
              Array.from({ length: C }, () => obj.im),
              1,
            ),
          };
    return { patches, trimmed: { re: first(obj.re), im: first(obj.im) } };
  }
  const M = paddedSize(N, spec.gridsize);
  const merged = reassemblePatches(g, obj, shifts, N, M, spec.canvas_normalisation);
  return { patches: extractPatches(g, merged.canvas, shifts, N, M, C), trimmed: merged.trimmed };
}

export interface AutoencoderOptions {
  spec: PinnModelSpec;
  loss: PinnLossSpec;
  /** Initial intensity scale s = sqrt(nphotons)/(N/2); log_scale starts at log s. */
  intensityScale: number;
  probe: ProbeArrays;
  /**
   * 'internal' (training): feeds `X (B,C,N,N)` and `offsets (B,C,2)`.
   * 'public' (the saved `autoencoder` model): PtychoPINN's `input (B,N,N,C)` and
   * `input_positions (B,1,2,C)`, with `pred_amp_scaled` / `pred_intensity (B,N,N,C)` outputs.
   */
  io?: 'internal' | 'public';
}

export function buildAutoencoder(opts: AutoencoderOptions): PinnGraph {
  const { spec, loss: w } = opts;
  const N = spec.N;
  const C = channels(spec);
  const g = new Graph();
  const net = makeGenerator(g, spec, opts.probe);
  const params: ParamDecl[] = [];
  const trainable: string[] = [];

  let X: Tensor;
  let shifts: Tensor | null;
  if (opts.io === 'public') {
    X = g.input(INFER_IO.input, ['B', N, N, C]).transpose([0, 3, 1, 2]);
    const positions = g.input(INFER_IO.positions, ['B', 1, 2, C]);
    shifts = useShifts(spec) ? positions.reshape(['B', 2, C]).transpose([0, 2, 1]) : null;
    if (!shifts) X = X.add(positions.sum().mul(0)); // keep the documented input in the graph
  } else {
    X = g.input(FEEDS.amplitudes, ['B', C, N, N]);
    shifts = useShifts(spec) ? g.input(FEEDS.offsets, ['B', C, 2]) : null;
  }
  const logScale = logScaleTensor(g, spec, opts.intensityScale, params, trainable);
  const { obj } = objectFromDiffraction(g, net, X, logScale, shifts);

  let probe: Complex;
  if (spec.probe_trainable) {
    probe = { re: g.param(PROBE_RE, [N, N]), im: g.param(PROBE_IM, [N, N]) };
    params.push(
      { name: PROBE_RE, shape: [N, N], init: { value: opts.probe.re } },
      { name: PROBE_IM, shape: [N, N], init: { value: opts.probe.im } },
    );
    trainable.push(PROBE_RE, PROBE_IM);
  } else {
    probe = { re: g.constant(opts.probe.re, [N, N]), im: g.constant(opts.probe.im, [N, N]) };
  }
  const { losses, predIntensity, trimmed } = physicsAndLoss(g, spec, w, obj, shifts, probe, logScale, X);

  return {
    graph: g,
    params: [...net.decls, ...params],
    trainable: [...net.decls.filter((d) => d.trainable !== false).map((d) => d.name), ...trainable],
    losses,
    predIntensity,
    trimmed,
  };
}

/**
 * Everything after the network: overlap constraint, probe, far field, scaled intensity, loss
 * terms. Exposed so tests can check its gradients on their own.
 *
 * @param obj      `(B, C, N, N)` object patches
 * @param X        `(B, C, N, N)` s·X, the observed amplitudes (targets)
 */
export function physicsAndLoss(
  g: Graph,
  spec: PinnModelSpec,
  w: PinnLossSpec,
  obj: Complex,
  shifts: Tensor | null,
  probe: Complex,
  logScale: Tensor,
  X: Tensor,
): { losses: PinnGraph['losses']; predIntensity: Tensor; trimmed: Complex } {
  const N = spec.N;
  const { patches, trimmed } = applyOverlapConstraint(g, spec, obj, shifts);
  let psi = complexMul(patches, probe);
  if (spec.probe_mask) {
    const m = g.constant(circularMask(N), [N, N]);
    psi = { re: psi.re.mul(m), im: psi.im.mul(m) };
  }
  const intensity = diffractIntensity(g, psi, N);
  const predIntensity = intensity.mul(g.exp(logScale.mul(2)));
  const observed = X.square();

  const zero = g.scalar(0);
  const nll =
    w.nll_weight > 0 ? predIntensity.sub(observed.mul(predIntensity.add(INTENSITY_EPS).log())).mean() : zero;
  const mae = w.mae_weight > 0 ? predIntensity.add(INTENSITY_EPS).sqrt().sub(X).abs().mean() : zero;
  let realspace = zero;
  if (w.realspace_weight > 0 && w.tv_weight > 0) {
    const tv = (t: Tensor): Tensor => {
      const dy = t.slice([2], [1], [N]).sub(t.slice([2], [0], [N - 1]));
      const dx = t.slice([3], [1], [N]).sub(t.slice([3], [0], [N - 1]));
      return dy.square().mean().add(dx.square().mean());
    };
    realspace = tv(trimmed.re).add(tv(trimmed.im)).mul(w.tv_weight);
  }
  let total: Tensor = zero;
  if (w.nll_weight > 0) total = total.add(nll.mul(w.nll_weight));
  if (w.mae_weight > 0) total = total.add(mae.mul(w.mae_weight));
  if (w.realspace_weight > 0 && w.tv_weight > 0) total = total.add(realspace.mul(w.realspace_weight));
  return { losses: { loss: total, nll, mae, realspace }, predIntensity, trimmed };
}

/** The saved `autoencoder` model's outputs in PtychoPINN's layout (NHWC). */
export function autoencoderPublicOutputs(ae: PinnGraph): Record<string, Tensor> {
  const nhwc = (t: Tensor): Tensor => t.transpose([0, 2, 3, 1]);
  return {
    [INFER_IO.real]: nhwc(ae.trimmed.re),
    [INFER_IO.imag]: nhwc(ae.trimmed.im),
    pred_amp_scaled: nhwc(ae.predIntensity.add(INTENSITY_EPS).sqrt()),
    pred_intensity: nhwc(ae.predIntensity),
  };
}

/** Public names of the inference model's I/O (PtychoPINN's layout). */
export const INFER_IO = {
  input: 'input',
  positions: 'input_positions',
  real: 'trimmed_obj_real',
  imag: 'trimmed_obj_imag',
} as const;

export interface InferenceGraph {
  graph: Graph;
  params: ParamDecl[];
  outputs: { [INFER_IO.real]: Tensor; [INFER_IO.imag]: Tensor };
}

/** `diffraction_to_obj`: same parameter names as the autoencoder so trained weights bake in directly. */
export function buildDiffractionToObj(spec: PinnModelSpec, intensityScale: number): InferenceGraph {
  const N = spec.N;
  const C = channels(spec);
  const g = new Graph();
  const net = makeGenerator(g, spec);
  const params: ParamDecl[] = [];
  const input = g.input(INFER_IO.input, ['B', N, N, C]);
  const positions = g.input(INFER_IO.positions, ['B', 1, 2, C]);
  const x = input.transpose([0, 3, 1, 2]); // → (B, C, N, N)
  const logScale = logScaleTensor(g, spec, intensityScale, params, []);
  const shifts = useShifts(spec) ? positions.reshape(['B', 2, C]).transpose([0, 2, 1]) : null;
  const { obj } = objectFromDiffraction(g, net, x, logScale, shifts);
  let trimmed: Complex;
  if (spec.object_big) {
    trimmed = reassemblePatches(
      g,
      obj,
      shifts,
      N,
      paddedSize(N, spec.gridsize),
      spec.canvas_normalisation,
    ).trimmed;
  } else {
    trimmed = { re: obj.re.slice([1], [0], [1]), im: obj.im.slice([1], [0], [1]) };
  }
  if (!useShifts(spec)) {
    // Keep `input_positions` a graph input for PtychoPINN's I/O contract even when unused.
    const touch = positions.sum().mul(0);
    trimmed = { re: trimmed.re.add(touch), im: trimmed.im };
  }
  const nhwc = (t: Tensor): Tensor => t.transpose([0, 2, 3, 1]);
  return {
    graph: g,
    params: [...net.decls, ...params],
    outputs: { [INFER_IO.real]: nhwc(trimmed.re), [INFER_IO.imag]: nhwc(trimmed.im) },
  };
}
