/**
 * `bpunet` (ours): the physics in front of the network. Each measured pattern is first taken back
 * to real space with the known probe, and a U-Net refines that estimate of the object patch:
 *
 *   ψ₀ = IDFT(A · e^{iθ})          A the pattern's amplitudes, θ = arg DFT(P): the far-field phase
 *                                  of the probe (the exit wave a flat object would give)
 *   O₀ = ψ₀ · P̄ / (|P|² + ρ·⟨|P|²⟩)  regularised division by the probe (ρ = BP_REGULARISER)
 *   input channels: Re O₀, Im O₀, |O₀|, c = |P|² / (|P|² + ρ·⟨|P|²⟩) (where the probe is trusted)
 *   with a group (gridsize > 1) also the group's joint estimate Σψ₀P̄ / (Σ|P|² + ρ⟨|P|²⟩), the
 *   sums taken on the overlap canvas at the patches' offsets, in each patch's frame (Re, Im, |·|)
 *
 * For a weak object O ≈ 1 + δ the back-projection is a holographic reconstruction (the probe's
 * own far field is the reference wave): it carries the part of δ in phase with the reference, and
 * its errors (the twin image, the probe's fringes) are local and the same everywhere, which is
 * what convolutions with skip connections learn from few patterns. The CNN instead has to learn
 * the whole inverse Fourier transform from the amplitudes; on the test bed (zone-plate probe
 * filling the patch) it stays near a flat object — see docs/DESIGN.md §3.
 *
 * The U-Net (shared by the C patches of a group, so every patch of a group is treated alike):
 * levels = log2(N/8) down blocks [conv3×3+ReLU ×2, maxpool], a middle block at 8×8, up blocks
 * [nearest ×2, conv1×1, concat with the skip, conv3×3+ReLU ×2]; widths 8·n_filters_scale·2^l.
 * Heads: 1×1 convs, zero-initialised, so training starts at the flat object (amplitude act(0),
 * phase 0); amplitude amp_activation, phase π·tanh, over the whole patch (pad_object does not
 * apply); without probe_big both are confined to the central N/2 square, as the CNN's.
 *
 * The probe used for the back-projection is a frozen parameter (`bp.probe.{re,im}`): saved in
 * the bundle and baked into `diffraction_to_obj`, so a saved model reconstructs scans taken with
 * the probe it was trained with.
 *
 * Parameter names: `bpunet.down.{l}.conv{1,2}.{w,b}`, `bpunet.mid.conv{1,2}.{w,b}`,
 * `bpunet.up.{l}.{reduce,conv1,conv2}.{w,b}`, `{amp,phase}.head.{w,b}`, `bp.probe.{re,im}`.
 */
import type { Graph, ParamStore, Tensor } from '../../engine';
import { borderMask, headActivation, type ParamDecl } from './network';
import { complexMul, extractPatches, reassemblePatches, shiftedDft2, type Complex } from './physics';
import type { ProbeArrays } from './pinn';
import { channels, paddedSize, type PinnModelSpec } from './spec';

/** ρ: the probe division's regulariser, in units of the probe's mean intensity. */
export const BP_REGULARISER = 2;
export const BP_PROBE_RE = 'bp.probe.re';
export const BP_PROBE_IM = 'bp.probe.im';
/** Guard inside the square roots of |F| and |O₀|. */
const MAG_EPS = 1e-12;

const magnitude = (z: Complex): Tensor => z.re.square().add(z.im.square()).add(MAG_EPS).sqrt();

/**
 * How far a scan's probe is from the probe a bpunet model back-projects with: the relative
 * distance min_φ ‖e^{iφ}·p − q‖ / ‖q‖ (a global phase cancels in ψ₀·P̄; a scale does not).
 * null when the parameters hold no back-projection probe (the other generators).
 */
export function backProjectionProbeMismatch(params: ParamStore, probe: ProbeArrays): number | null {
  if (!params.has(BP_PROBE_RE) || !params.has(BP_PROBE_IM)) return null;
  const qr = params.get(BP_PROBE_RE),
    qi = params.get(BP_PROBE_IM);
  if (qr.length !== probe.re.length) return 1;
  let pp = 0,
    qq = 0,
    cr = 0,
    ci = 0;
  for (let k = 0; k < qr.length; k++) {
    const pr = probe.re[k]!,
      pi = probe.im[k]!;
    pp += pr * pr + pi * pi;
    qq += qr[k]! * qr[k]! + qi[k]! * qi[k]!;
    cr += pr * qr[k]! + pi * qi[k]!; // ⟨p, q⟩ = Σ p̄·q
    ci += pr * qi[k]! - pi * qr[k]!;
  }
  return Math.sqrt(Math.max(0, pp + qq - 2 * Math.hypot(cr, ci)) / Math.max(qq, 1e-30));
}

/** Down levels of the U-Net for a patch size: the bottleneck works at 8×8. */
export function unetLevels(N: number): number {
  return Math.log2(N / 8);
}

export class BackProjectionUNet {
  readonly decls: ParamDecl[] = [];
  private readonly params = new Map<string, Tensor>();
  private readonly width: number;

  constructor(
    readonly g: Graph,
    readonly spec: PinnModelSpec,
    probe?: ProbeArrays,
  ) {
    this.width = 8 * spec.n_filters_scale;
    const NN = spec.N * spec.N;
    // without a probe (a graph built for its shapes only) the placeholder is a flat probe, so the
    // division stays finite; training and inference always pass the scan's probe
    for (const [name, v, flat] of [
      [BP_PROBE_RE, probe?.re, 1],
      [BP_PROBE_IM, probe?.im, 0],
    ] as const)
      this.param(name, [spec.N, spec.N], { value: v ?? new Float32Array(NN).fill(flat) }, false);
  }

  private param(name: string, shape: number[], init: ParamDecl['init'], trainable = true): Tensor {
    let t = this.params.get(name);
    if (!t) {
      t = this.g.param(name, shape);
      this.params.set(name, t);
      this.decls.push(trainable ? { name, shape, init } : { name, shape, init, trainable: false });
    }
    return t;
  }

  private conv(x: Tensor, name: string, co: number, k: number, init: 'glorot_uniform' | 'zeros'): Tensor {
    const ci = x.shape[1] as number;
    const w = this.param(`${name}.w`, [co, ci, k, k], init);
    const b = this.param(`${name}.b`, [co], 'zeros');
    return this.g.conv2d(x, w, b);
  }

  private block(x: Tensor, name: string, co: number): Tensor {
    const h = this.conv(x, `${name}.conv1`, co, 3, 'glorot_uniform').relu();
    return this.conv(h, `${name}.conv2`, co, 3, 'glorot_uniform').relu();
  }

  /**
   * One pattern's back-projection from its amplitudes `a (B, 1, N, N)`: the numerator ψ₀·P̄, the
   * denominator |P|² + ρ⟨|P|²⟩ `(N, N)`, and the four input channels `(B, 4, N, N)`.
   */
  backProjection(a: Tensor): { num: Complex; p2: Tensor; reg: Tensor; channels: Tensor } {
    const { g } = this;
    const N = this.spec.N;
    const { P, phasor, p2, reg, denom } = this.probeTerms();
    const psi = shiftedDft2(g, { re: a.mul(phasor.re), im: a.mul(phasor.im) }, N, 'inverse');
    const num = complexMul({ re: psi.re.mul(1 / N), im: psi.im.mul(1 / N) }, { re: P.re, im: P.im.neg() });
    const o0 = { re: num.re.div(denom), im: num.im.div(denom) };
    const trust = g.expand(p2.div(denom).reshape([1, 1, N, N]), ['B', 1, N, N], a);
    return { num, p2, reg, channels: g.concat([o0.re, o0.im, magnitude(o0), trust], 1) };
  }

  private terms?: { P: Complex; phasor: Complex; p2: Tensor; reg: Tensor; denom: Tensor };
  /** The probe's far-field phasor e^{iθ}, |P|², ρ⟨|P|²⟩ and their sum (built once per graph). */
  private probeTerms(): NonNullable<BackProjectionUNet['terms']> {
    if (this.terms) return this.terms;
    const P: Complex = { re: this.params.get(BP_PROBE_RE)!, im: this.params.get(BP_PROBE_IM)! };
    const FP = shiftedDft2(this.g, P, this.spec.N, 'forward');
    const mag = magnitude(FP);
    const p2 = P.re.square().add(P.im.square());
    const reg = p2.mean().mul(BP_REGULARISER);
    this.terms = { P, phasor: { re: FP.re.div(mag), im: FP.im.div(mag) }, p2, reg, denom: p2.add(reg) };
    return this.terms;
  }

  /**
   * The group's joint back-projection in each patch's frame `(B, C, N, N)`: Σ_c ψ₀_c·P̄ and
   * Σ_c |P|² merged on the overlap canvas (shifted by the patches' offsets, as the overlap
   * constraint merges object patches), divided, and cut back out at each patch's position.
   */
  private groupBackProjection(
    parts: ReturnType<BackProjectionUNet['backProjection']>[],
    shifts: Tensor,
  ): Complex {
    const { g } = this;
    const { N, gridsize } = this.spec;
    const C = parts.length;
    const M = paddedSize(N, gridsize);
    const num = {
      re: g.concat(
        parts.map((p) => p.num.re),
        1,
      ),
      im: g.concat(
        parts.map((p) => p.num.im),
        1,
      ),
    };
    const p2 = g.expand(parts[0]!.p2.reshape([1, 1, N, N]), ['B', C, N, N], num.re);
    const merge = (z: Complex): Complex =>
      extractPatches(g, reassemblePatches(g, z, shifts, N, M, 'robust').canvas, shifts, N, M, C);
    const n = merge(num);
    const d = merge({ re: p2, im: p2.mul(0) }).re.add(parts[0]!.reg);
    return { re: n.re.div(d), im: n.im.div(d) };
  }

  /** U-Net features `(B, width, N, N)` of one pattern. */
  private unet(x: Tensor): Tensor {
    const L = unetLevels(this.spec.N);
    const w = this.width;
    const skips: Tensor[] = [];
    let h = x;
    for (let l = 0; l < L; l++) {
      h = this.block(h, `bpunet.down.${l}`, w << l);
      skips.push(h);
      h = h.maxpool2();
    }
    h = this.block(h, 'bpunet.mid', w << L);
    for (let l = L - 1; l >= 0; l--) {
      const up = this.conv(h.upsample2(), `bpunet.up.${l}.reduce`, w << l, 1, 'glorot_uniform');
      h = this.block(this.g.concat([up, skips[l]!], 1), `bpunet.up.${l}`, w << l);
    }
    return h;
  }

  /**
   * The generator contract: `x (B, C, N, N)` amplitudes → amplitude and phase `(B, C, N, N)`.
   * With a group (gridsize > 1, `shifts`), each patch also sees the group's joint
   * back-projection (three more channels: Re, Im, magnitude).
   */
  objectHeads(x: Tensor, shifts?: Tensor | null): { amp: Tensor; phase: Tensor } {
    const { N } = this.spec;
    const C = this.spec.object_big ? channels(this.spec) : 1;
    const centre = this.spec.probe_big
      ? null
      : this.g.constant(
          borderMask(N).map((v) => 1 - v),
          [N, N],
        );
    const amps: Tensor[] = [];
    const phases: Tensor[] = [];
    const parts = Array.from({ length: C }, (_, c) => this.backProjection(x.slice([1], [c], [c + 1])));
    const group = C > 1 && shifts ? this.groupBackProjection(parts, shifts) : null;
    for (let c = 0; c < C; c++) {
      let input = parts[c]!.channels;
      if (group) {
        const gc = { re: group.re.slice([1], [c], [c + 1]), im: group.im.slice([1], [c], [c + 1]) };
        input = this.g.concat([input, gc.re, gc.im, magnitude(gc)], 1);
      }
      const h = this.unet(input);
      const head = (name: 'amp' | 'phase', act: Parameters<typeof headActivation>[1]): Tensor => {
        const y = headActivation(this.conv(h, `${name}.head`, 1, 1, 'zeros'), act);
        return centre ? y.mul(centre) : y;
      };
      amps.push(head('amp', this.spec.amp_activation));
      phases.push(head('phase', 'pi_tanh'));
    }
    return C === 1
      ? { amp: amps[0]!, phase: phases[0]! }
      : { amp: this.g.concat(amps, 1), phase: this.g.concat(phases, 1) };
  }
}
