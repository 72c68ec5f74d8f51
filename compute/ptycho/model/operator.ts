/**
 * Fourier-neural-operator generators (PtychoPINN's PyTorch `fno` and `ffno`), built from the
 * engine's primitives. Both work at the full patch resolution N×N with `fno_width` hidden
 * channels and end in the same heads as the CNN (see `operatorHeads`).
 *
 * Spectral layers are DFT matmuls with precomputed, truncated DFT matrices (constants), so they
 * run on every ONNX Runtime provider without an FFT op:
 *   x (real, B·W·N·N) → ·F_x (N×m: rfft bins 0…m−1 along x) → F_y· (2m×N: bins 0…m−1 and
 *   N−m…N−1 along y) → per-mode complex channel mixing → G_y· (inverse along y) → ·H_x
 *   (inverse real FFT along x: Re of the half spectrum, bins 1…m−1 counted twice).
 * Normalisation is orthonormal (1/√N per axis and direction), so with identity mixing the
 * layer is the orthogonal projection onto the kept frequencies.
 *
 * - `fno` (PtychoPINN `fno_vanilla`/Li et al.): lifter (3×3 conv, GELU, 3×3 conv), then
 *   fno_blocks × [h ← h + GELU(Spectral2d(h) + Conv1×1(h))], heads. Spectral weights
 *   (2m, m, W, W) complex per block.
 * - `ffno` (PtychoPINN `ffno`, Tran et al.'s factorised FNO): lifter, then fno_blocks ×
 *   [h ← h + γ·Conv1×1(GELU(Conv1×1(InstanceNorm(SpecX(h) + SpecY(h)))))] with one set of 1-D
 *   spectral weights (m, W, W) per axis and one gate γ (init 0.1) shared by all blocks (PtychoPINN's
 *   `share_spectral_weights=True`), the feed-forward 2W wide, then two local residual refiners
 *   [h ← h + Conv3×3(GELU(Conv3×3(h)))], heads.
 *
 * Parameter names: `{fno,ffno}.lift.conv{1,2}.{w,b}`; `fno.block.{i}.spectral.{re,im}`,
 * `fno.block.{i}.skip.{w,b}`; `ffno.spectral.{x,y}.{re,im}`, `ffno.gate`,
 * `ffno.block.{i}.norm.{gamma,beta}`, `ffno.block.{i}.{expand,project}.{w,b}`,
 * `ffno.refine.{j}.conv{1,2}.{w,b}`; heads `{amp,phase}.head.{center,border,full}.{w,b}`.
 */
import type { Graph, Tensor, Init } from '../../engine';
import { borderMask, headActivation, type ParamDecl } from './network';
import { channels, DEFAULT_MODEL_SPEC, type PinnModelSpec } from './spec';

/** Local residual refiners after the FFNO stack (PtychoPINN `fno_cnn_blocks`, default 2). */
export const FFNO_REFINERS = 2;
/** Feed-forward expansion of an FFNO block (PtychoPINN `mlp_ratio`). */
export const FFNO_MLP_RATIO = 2;
export const FFNO_GATE_INIT = 0.1;
const NORM_EPS = 1e-5;

export interface OperatorSettings {
  modes: number;
  width: number;
  blocks: number;
}

export function operatorSettings(spec: PinnModelSpec): OperatorSettings {
  const s = {
    modes: spec.fno_modes ?? DEFAULT_MODEL_SPEC.fno_modes!,
    width: spec.fno_width ?? DEFAULT_MODEL_SPEC.fno_width!,
    blocks: spec.fno_blocks ?? DEFAULT_MODEL_SPEC.fno_blocks!,
  };
  if (!(Number.isInteger(s.modes) && s.modes >= 1 && 2 * s.modes <= spec.N))
    throw new Error(`fno_modes must be an integer from 1 to N/2 = ${spec.N / 2}, got ${s.modes}`);
  if (!(Number.isInteger(s.width) && s.width >= 1))
    throw new Error(`fno_width must be a positive integer, got ${s.width}`);
  if (!(Number.isInteger(s.blocks) && s.blocks >= 1))
    throw new Error(`fno_blocks must be a positive integer, got ${s.blocks}`);
  return s;
}

/** Truncated DFT matrices (float32, row-major) for one axis of length N, m modes. */
export interface DftMatrices {
  /** `(N, m)` forward rfft bins 0…m−1: e^{−2πi·k·n/N}/√N (right-multiply a row signal). */
  fwdRe: Float32Array;
  fwdIm: Float32Array;
  /** `(m, N)` inverse real FFT of a half spectrum: c_k·e^{+2πi·k·n/N}/√N, c_0 = 1, c_k = 2 (take the real part). */
  invRe: Float32Array;
  invIm: Float32Array;
  /** `(2m, N)` forward full-spectrum bins 0…m−1 and N−m…N−1 (left-multiply a column signal). */
  fullFwdRe: Float32Array;
  fullFwdIm: Float32Array;
  /** `(N, 2m)` its inverse: e^{+2πi·k·n/N}/√N. */
  fullInvRe: Float32Array;
  fullInvIm: Float32Array;
}

export function dftMatrices(N: number, m: number): DftMatrices {
  const s = 1 / Math.sqrt(N);
  const ang = (k: number, n: number) => (2 * Math.PI * ((k * n) % N)) / N;
  const d: DftMatrices = {
    fwdRe: new Float32Array(N * m),
    fwdIm: new Float32Array(N * m),
    invRe: new Float32Array(m * N),
    invIm: new Float32Array(m * N),
    fullFwdRe: new Float32Array(2 * m * N),
    fullFwdIm: new Float32Array(2 * m * N),
    fullInvRe: new Float32Array(N * 2 * m),
    fullInvIm: new Float32Array(N * 2 * m),
  };
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < m; k++) {
      const a = ang(k, n),
        c = k === 0 ? 1 : 2;
      d.fwdRe[n * m + k] = Math.cos(a) * s;
      d.fwdIm[n * m + k] = -Math.sin(a) * s;
      d.invRe[k * N + n] = c * Math.cos(a) * s;
      d.invIm[k * N + n] = c * Math.sin(a) * s;
    }
    for (let r = 0; r < 2 * m; r++) {
      const k = r < m ? r : N - 2 * m + r; // bins 0…m−1, then N−m…N−1
      const a = ang(k, n);
      d.fullFwdRe[r * N + n] = Math.cos(a) * s;
      d.fullFwdIm[r * N + n] = -Math.sin(a) * s;
      d.fullInvRe[n * 2 * m + r] = Math.cos(a) * s;
      d.fullInvIm[n * 2 * m + r] = Math.sin(a) * s;
    }
  }
  return d;
}

/** Complex pair of real tensors. */
export interface Cx {
  re: Tensor;
  im: Tensor;
}
/** Complex (batched) matrix product (a_re + i·a_im)(b_re + i·b_im). */
function cmatmul(a: Cx, b: Cx): Cx {
  return { re: a.re.matmul(b.re).sub(a.im.matmul(b.im)), im: a.re.matmul(b.im).add(a.im.matmul(b.re)) };
}

/** The operator layers (exported for tests of the spectral convolutions). */
export class OperatorLayers {
  readonly decls: ParamDecl[] = [];
  readonly dft: DftMatrices;
  private readonly consts = new Map<string, Tensor>();

  constructor(
    readonly g: Graph,
    readonly spec: PinnModelSpec,
    readonly op: OperatorSettings,
  ) {
    this.dft = dftMatrices(spec.N, op.modes);
  }

  param(name: string, shape: number[], init: ParamDecl['init']): Tensor {
    if (!this.decls.some((d) => d.name === name)) this.decls.push({ name, shape, init });
    return this.g.param(name, shape);
  }

  /** A DFT matrix constant, created once per graph. */
  mat(key: keyof DftMatrices, shape: number[]): Tensor {
    let t = this.consts.get(key);
    if (!t) this.consts.set(key, (t = this.g.constant(this.dft[key], shape)));
    return t;
  }

  conv(x: Tensor, name: string, co: number, kernel: 1 | 3): Tensor {
    const ci = x.shape[1] as number;
    const w = this.param(`${name}.w`, [co, ci, kernel, kernel], 'glorot_uniform');
    const b = this.param(`${name}.b`, [co], 'zeros');
    return this.g.conv2d(x, w, b);
  }

  /** PtychoPINN's SpatialLifter: 3×3 conv, GELU, 3×3 conv, to `width` channels. */
  lift(x: Tensor, prefix: string): Tensor {
    const W = this.op.width;
    return this.conv(this.conv(x, `${prefix}.lift.conv1`, W, 3).gelu(), `${prefix}.lift.conv2`, W, 3);
  }

  /** Complex spectral weights (…, Ci, Co), normal with std 1/√(2·Ci) per part (unit gain per mode). */
  spectralWeights(name: string, lead: number[]): Cx {
    const W = this.op.width;
    const init: Init = { kind: 'normal', std: 1 / Math.sqrt(2 * W) };
    return {
      re: this.param(`${name}.re`, [...lead, W, W], init),
      im: this.param(`${name}.im`, [...lead, W, W], init),
    };
  }

  /** 2-D spectral convolution of `h (B, W, N, N)` with weights (2m, m, W, W). */
  spectral2d(h: Tensor, w: Cx): Tensor {
    const { N } = this.spec,
      m = this.op.modes;
    const fx = { re: this.mat('fwdRe', [N, m]), im: this.mat('fwdIm', [N, m]) };
    const fy = { re: this.mat('fullFwdRe', [2 * m, N]), im: this.mat('fullFwdIm', [2 * m, N]) };
    const gy = { re: this.mat('fullInvRe', [N, 2 * m]), im: this.mat('fullInvIm', [N, 2 * m]) };
    const hx = { re: this.mat('invRe', [m, N]), im: this.mat('invIm', [m, N]) };
    const xr = h.matmul(fx.re),
      xi = h.matmul(fx.im); // (B, W, N, m)
    const y = cmatmul(fy, { re: xr, im: xi }); // (B, W, 2m, m)
    // channel mixing per mode as one batched GEMM: (2m, m, B, W) @ (2m, m, W, W)
    const toModes = (t: Tensor) => t.transpose([2, 3, 0, 1]);
    const z = cmatmul({ re: toModes(y.re), im: toModes(y.im) }, w);
    const v = cmatmul(gy, { re: toModes(z.re), im: toModes(z.im) }); // (B, W, N, m); [2,3,0,1] is its own inverse
    return v.re.matmul(hx.re).sub(v.im.matmul(hx.im)); // (B, W, N, N)
  }

  /** 1-D spectral convolutions along x and along y of `h (B, W, N, N)`, summed; weights (m, W, W) per axis. */
  spectralXY(h: Tensor, wx: Cx, wy: Cx): Tensor {
    const { N } = this.spec,
      m = this.op.modes;
    const f = { re: this.mat('fwdRe', [N, m]), im: this.mat('fwdIm', [N, m]) };
    const inv = { re: this.mat('invRe', [m, N]), im: this.mat('invIm', [m, N]) };
    const fT = { re: f.re.transpose([1, 0]), im: f.im.transpose([1, 0]) };
    const invT = { re: inv.re.transpose([1, 0]), im: inv.im.transpose([1, 0]) };
    const lead = (w: Cx): Cx => ({
      re: w.re.reshape([m, 1, this.op.width, this.op.width]),
      im: w.im.reshape([m, 1, this.op.width, this.op.width]),
    });
    // along x: (B, W, N, m) → (m, B, N, W) @ (m, 1, W, W) → back → real inverse
    const ax = { re: h.matmul(f.re), im: h.matmul(f.im) };
    const mx = cmatmul({ re: ax.re.transpose([3, 0, 2, 1]), im: ax.im.transpose([3, 0, 2, 1]) }, lead(wx));
    const bx = { re: mx.re.transpose([1, 3, 2, 0]), im: mx.im.transpose([1, 3, 2, 0]) };
    const outX = bx.re.matmul(inv.re).sub(bx.im.matmul(inv.im));
    // along y: (B, W, m, N) → (m, B, N, W) @ (m, 1, W, W) → back → real inverse
    const ay = { re: fT.re.matmul(h), im: fT.im.matmul(h) };
    const my = cmatmul({ re: ay.re.transpose([2, 0, 3, 1]), im: ay.im.transpose([2, 0, 3, 1]) }, lead(wy));
    const by = { re: my.re.transpose([1, 3, 0, 2]), im: my.im.transpose([1, 3, 0, 2]) };
    const outY = invT.re.matmul(by.re).sub(invT.im.matmul(by.im));
    return outX.add(outY);
  }

  /** Per-sample, per-channel normalisation over the N×N plane with an affine (γ = 1, β = 0 at init). */
  instanceNorm(h: Tensor, name: string): Tensor {
    const W = h.shape[1] as number;
    const mu = h.mean([2, 3], true);
    const d = h.sub(mu);
    const inv = d.square().mean([2, 3], true).add(NORM_EPS).pow(-0.5);
    const gamma = this.param(`${name}.gamma`, [W], { kind: 'constant', value: 1 }).reshape([W, 1, 1]);
    const beta = this.param(`${name}.beta`, [W], 'zeros').reshape([W, 1, 1]);
    return d.mul(inv).mul(gamma).add(beta);
  }

  fno(x: Tensor): Tensor {
    let h = this.lift(x, 'fno');
    for (let i = 0; i < this.op.blocks; i++) {
      const p = `fno.block.${i}`;
      const spec = this.spectral2d(
        h,
        this.spectralWeights(`${p}.spectral`, [2 * this.op.modes, this.op.modes]),
      );
      h = h.add(spec.add(this.conv(h, `${p}.skip`, this.op.width, 1)).gelu());
    }
    return h;
  }

  ffno(x: Tensor): Tensor {
    const W = this.op.width;
    let h = this.lift(x, 'ffno');
    const wx = this.spectralWeights('ffno.spectral.x', [this.op.modes]);
    const wy = this.spectralWeights('ffno.spectral.y', [this.op.modes]);
    const gate = this.param('ffno.gate', [], { kind: 'constant', value: FFNO_GATE_INIT });
    for (let i = 0; i < this.op.blocks; i++) {
      const p = `ffno.block.${i}`;
      const u = this.instanceNorm(this.spectralXY(h, wx, wy), `${p}.norm`);
      const ff = this.conv(this.conv(u, `${p}.expand`, FFNO_MLP_RATIO * W, 1).gelu(), `${p}.project`, W, 1);
      h = h.add(ff.mul(gate));
    }
    for (let j = 0; j < FFNO_REFINERS; j++) {
      const p = `ffno.refine.${j}`;
      h = h.add(this.conv(this.conv(h, `${p}.conv1`, W, 3).gelu(), `${p}.conv2`, W, 3));
    }
    return h;
  }

  /**
   * The CNN's output conventions on full-resolution features `h (B, W, N, N)`, with 1×1 convs:
   * pad_object: a central branch act(·) confined to the central N/2 square (the CNN computes it at
   * N/2 and zero-pads by N/4) plus, when probe_big, a border branch swish(·) outside it;
   * pad_object=false: act(·) over the whole patch. Amplitude act = amp_activation, phase π·tanh.
   */
  heads(h: Tensor): { amp: Tensor; phase: Tensor } {
    const { N } = this.spec;
    const C = this.spec.object_big ? channels(this.spec) : 1;
    const border = borderMask(N);
    const center = border.map((v) => 1 - v);
    const head = (prefix: 'amp' | 'phase', act: Parameters<typeof headActivation>[1]): Tensor => {
      if (!this.spec.pad_object) return headActivation(this.conv(h, `${prefix}.head.full`, C, 1), act);
      const x1 = headActivation(this.conv(h, `${prefix}.head.center`, C, 1), act).mul(
        this.g.constant(center, [N, N]),
      );
      if (!this.spec.probe_big) return x1;
      return x1.add(
        this.conv(h, `${prefix}.head.border`, C, 1)
          .swish()
          .mul(this.g.constant(border, [N, N])),
      );
    };
    return { amp: head('amp', this.spec.amp_activation), phase: head('phase', 'pi_tanh') };
  }
}

/** An operator generator: `objectHeads(x (B, C, N, N))` → amplitude and phase `(B, C', N, N)`. */
export class OperatorGenerator {
  private readonly b: OperatorLayers;

  constructor(
    g: Graph,
    spec: PinnModelSpec,
    readonly kind: 'fno' | 'ffno',
  ) {
    this.b = new OperatorLayers(g, spec, operatorSettings(spec));
  }

  get decls(): ParamDecl[] {
    return this.b.decls;
  }

  objectHeads(x: Tensor): { amp: Tensor; phase: Tensor } {
    return this.b.heads(this.kind === 'fno' ? this.b.fno(x) : this.b.ffno(x));
  }
}
