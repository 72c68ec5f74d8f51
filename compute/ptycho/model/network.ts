/**
 * The PtychoPINN encoder–decoder (PtychoPINN §3.2), NCHW, as engine graph ops.
 *
 * Encoder: Conv_Pool blocks (3×3 conv+ReLU, 3×3 conv+ReLU, maxpool 2×2).
 * Two separate decoders (amplitude, phase) fed by the same bottleneck, each: Conv_Up blocks
 * (conv+ReLU, conv+ReLU, nearest ×2), then decoder_last: a central branch
 * act(conv(features[:, :-4])) zero-padded by N/4 and, when probe_big, a border branch
 * swish(conv(Conv_Up(features[:, -4:]))) masked outside the central N/2 square.
 * There are no skip connections (as in PtychoPINN).
 *
 * Parameter names (weights `(Co, Ci, 3, 3)`, biases `(Co)`):
 *   encoder.{i}.conv{1,2}.{w,b}                i = 0…levels−1
 *   {amp,phase}.up.{i}.conv{1,2}.{w,b}
 *   {amp,phase}.last.center.{w,b}
 *   {amp,phase}.last.border.up.conv{1,2}.{w,b}
 *   {amp,phase}.last.border.conv.{w,b}
 *   (pad_object=false: {amp,phase}.last.full.up.conv{1,2}, {amp,phase}.last.full.conv)
 */
import type { Graph, Tensor, Init } from '../../engine';
import type { AmpActivation, PinnModelSpec } from './spec';
import { channels } from './spec';

export interface ParamDecl {
  name: string;
  shape: number[];
  /**
   * Keras defaults: Glorot-uniform kernels (fan_in = k·k·Ci, fan_out = k·k·Co), zero biases;
   * fixed values; or an engine Init (the operator generators' spectral weights, gates, norms).
   */
  init: 'glorot_uniform' | 'zeros' | { value: Float32Array } | Init;
  /** false: saved with the model and baked into its exports, never optimised (e.g. bpunet's probe). */
  trainable?: false;
}

/** Filter ladders by N (PtychoPINN §3.2), in units of n_filters_scale. */
export function filterLadder(N: number): { encoder: number[]; decoder: number[] } {
  switch (N) {
    case 64:
      return { encoder: [32, 64, 128], decoder: [64, 32] };
    case 128:
      return { encoder: [16, 32, 64, 128], decoder: [128, 64, 32] };
    case 256:
      return { encoder: [8, 16, 32, 64, 128], decoder: [256, 128, 64, 32] };
    default:
      throw new Error(`N must be 64, 128 or 256, got ${N}`);
  }
}

/** Output activation of a head: amp_activation for amplitude, π·tanh for phase. */
export function headActivation(x: Tensor, act: AmpActivation | 'pi_tanh'): Tensor {
  switch (act) {
    case 'sigmoid':
      return x.sigmoid();
    case 'swish':
      return x.swish();
    case 'softplus':
      return x.softplus();
    case 'relu':
      return x.relu();
    case 'pi_tanh':
      return x.tanh().mul(Math.PI);
  }
}

/** `(N, N)` 1 outside the central N/2 square, 0 inside (decoder_last's border mask). */
export function borderMask(N: number): Float32Array {
  const q = N / 4;
  const border = new Float32Array(N * N).fill(1);
  for (let r = q; r < q + N / 2; r++) for (let col = q; col < q + N / 2; col++) border[r * N + col] = 0;
  return border;
}

/** Channels split off for the border branch of decoder_last (TF: c_outer = 4). */
export const C_OUTER = 4;

export class NetworkBuilder {
  readonly decls: ParamDecl[] = [];

  constructor(
    readonly g: Graph,
    readonly spec: PinnModelSpec,
  ) {}

  private conv(x: Tensor, name: string, co: number): Tensor {
    const ci = x.shape[1] as number;
    const w = this.g.param(`${name}.w`, [co, ci, 3, 3]);
    const b = this.g.param(`${name}.b`, [co]);
    this.decls.push(
      { name: `${name}.w`, shape: [co, ci, 3, 3], init: 'glorot_uniform' },
      { name: `${name}.b`, shape: [co], init: 'zeros' },
    );
    return this.g.conv2d(x, w, b);
  }

  private convPool(x: Tensor, name: string, f: number): Tensor {
    const h = this.conv(x, `${name}.conv1`, f).relu();
    return this.conv(h, `${name}.conv2`, f).relu().maxpool2();
  }

  private convUp(x: Tensor, name: string, f: number): Tensor {
    const h = this.conv(x, `${name}.conv1`, f).relu();
    return this.conv(h, `${name}.conv2`, f).relu().upsample2();
  }

  encoder(x: Tensor): Tensor {
    const s = this.spec.n_filters_scale;
    let h = x;
    filterLadder(this.spec.N).encoder.forEach((f, i) => {
      h = this.convPool(h, `encoder.${i}`, f * s);
    });
    return h;
  }

  /** One decoder head: `(B, outC, N, N)`. */
  decoder(features: Tensor, prefix: 'amp' | 'phase', outC: number, act: AmpActivation | 'pi_tanh'): Tensor {
    const { N, n_filters_scale: s } = this.spec;
    let h = features;
    filterLadder(N).decoder.forEach((f, i) => {
      h = this.convUp(h, `${prefix}.up.${i}`, f * s);
    });
    const borderFilters = (s * 2048) / N;
    if (!this.spec.pad_object) {
      const full = this.convUp(h, `${prefix}.last.full.up`, borderFilters);
      return headActivation(this.conv(full, `${prefix}.last.full.conv`, outC), act);
    }
    const c = h.shape[1] as number;
    const q = N / 4;
    const center = headActivation(
      this.conv(h.slice([1], [0], [c - C_OUTER]), `${prefix}.last.center`, outC),
      act,
    );
    const x1 = center.pad([
      [0, 0],
      [0, 0],
      [q, q],
      [q, q],
    ]);
    if (!this.spec.probe_big) return x1;
    const up = this.convUp(h.slice([1], [c - C_OUTER], [c]), `${prefix}.last.border.up`, borderFilters);
    const x2 = this.conv(up, `${prefix}.last.border.conv`, outC).swish();
    return x1.add(x2.mul(this.g.constant(borderMask(N), [N, N])));
  }

  /** The generator contract (compute/ptycho/model/generators.ts): s·X/s → amplitude and phase patches. */
  objectHeads(x: Tensor): { amp: Tensor; phase: Tensor } {
    return this.heads(this.encoder(x));
  }

  /** Amplitude and phase heads: amplitude C channels when object_big (PtychoPINN HEAD), phase C when object_big. */
  heads(features: Tensor): { amp: Tensor; phase: Tensor } {
    const C = this.spec.object_big ? channels(this.spec) : 1;
    return {
      amp: this.decoder(features, 'amp', C, this.spec.amp_activation),
      phase: this.decoder(features, 'phase', C, 'pi_tanh'),
    };
  }
}

/** Number of trained parameters declared (to compare with PtychoPINN's counts). */
export function countParams(decls: readonly ParamDecl[]): number {
  return decls
    .filter((d) => d.trainable !== false)
    .reduce((n, d) => n + d.shape.reduce((p, v) => p * v, 1), 0);
}
