/**
 * The ptychographical iterative engines ePIE (Maiden & Rodenburg 2009) and rPIE (Maiden,
 * Johnson & Li 2017), sequential over the scan positions in a fresh seeded random order each
 * iteration. For pattern m with patch o = E_m(O) (bilinear, see geometry.ts) and probe P:
 *
 *   ψ = P·o,  Ψ = FFT(ψ),  Ψ' = Ψ · N·A_m / |Ψ|,  ψ' = IFFT(Ψ'),  Δ = ψ' − ψ
 *   object  O += E_mᵀ( conj(P)·Δ / ((1 − α)|P|² + α·max|P|²) )        (rPIE; ePIE: α = 1)
 *   probe   P += β · conj(o)·Δ / ((1 − γ)|o|² + γ·max|o|²)             (with --probe_refine)
 *
 * A_m are the measured amplitudes in FFT order, at the model's scale A = |FFT(P·o)|/N (the
 * convention of the simulator and the PINN's physics). The error reported per iteration is the
 * normalised amplitude misfit Σ(|Ψ|/N − A)² / ΣA², accumulated during the sweep.
 */
import { squareFft2 } from '../../numerics/fft2';
import { Rng } from '../../numerics/rng';
import { extractPatchInto, splatPatch, type PatchPlacement } from './geometry';
import type { PieAlgorithm } from '../config/iterative';

/** The engines (declared with the iterative config schema). */
export type { PieAlgorithm };

export interface PieSettings {
  algorithm: PieAlgorithm;
  iterations: number;
  /** rPIE's α (object), or ePIE's object step size. */
  alpha: number;
  probeRefine: boolean;
  /** First iteration (0-based) at which the probe is updated. */
  probeStart: number;
  /** Probe step size β and its rPIE-style regularisation γ. */
  beta: number;
  seed: number;
}

export interface PieState {
  N: number;
  /** Object canvas (float64, row-major, width W). */
  W: number;
  oRe: Float64Array;
  oIm: Float64Array;
  /** Probe (N×N). */
  pRe: Float64Array;
  pIm: Float64Array;
}

export interface PieData {
  M: number;
  /** `(M, N, N)` amplitudes in FFT order (zero frequency at [0, 0]). */
  amplitudes: Float64Array;
  placement: PatchPlacement;
  /** Σ A² over all patterns, for the normalised error. */
  energy: number;
}

/** One sweep over the patterns (in `order`); updates the state in place, returns Σ(|Ψ|/N − A)². */
export class PieSweeper {
  private readonly psiRe: Float64Array;
  private readonly psiIm: Float64Array;
  private readonly oPatchRe: Float64Array;
  private readonly oPatchIm: Float64Array;
  private readonly dRe: Float64Array;
  private readonly dIm: Float64Array;
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly fft;
  private readonly rng: Rng;
  private readonly order: Uint32Array;

  constructor(
    private readonly state: PieState,
    private readonly data: PieData,
    private readonly s: PieSettings,
  ) {
    const NN = state.N * state.N;
    this.psiRe = new Float64Array(NN);
    this.psiIm = new Float64Array(NN);
    this.oPatchRe = new Float64Array(NN);
    this.oPatchIm = new Float64Array(NN);
    this.dRe = new Float64Array(NN);
    this.dIm = new Float64Array(NN);
    this.wRe = new Float64Array(NN);
    this.wIm = new Float64Array(NN);
    this.fft = squareFft2(state.N);
    this.rng = new Rng(s.seed);
    this.order = Uint32Array.from({ length: data.M }, (_, i) => i);
  }

  /** Object step weights conj(P) / ((1 − α)|P|² + α·max|P|²), recomputed whenever the probe changes. */
  private objectWeights(): void {
    const { pRe, pIm } = this.state;
    const alpha = this.s.algorithm === 'rpie' ? this.s.alpha : 1;
    const step = this.s.algorithm === 'rpie' ? 1 : this.s.alpha;
    let max = 0;
    for (let k = 0; k < pRe.length; k++) max = Math.max(max, pRe[k]! * pRe[k]! + pIm[k]! * pIm[k]!);
    for (let k = 0; k < pRe.length; k++) {
      const i2 = pRe[k]! * pRe[k]! + pIm[k]! * pIm[k]!;
      const d = step / ((1 - alpha) * i2 + alpha * max || 1);
      this.wRe[k] = pRe[k]! * d;
      this.wIm[k] = -pIm[k]! * d;
    }
  }

  sweep(iteration: number): number {
    const { N, W, oRe, oIm, pRe, pIm } = this.state;
    const NN = N * N;
    const { amplitudes, placement } = this.data;
    const { psiRe, psiIm, oPatchRe, oPatchIm, dRe, dIm, wRe, wIm, order } = this;
    const refineProbe = this.s.probeRefine && iteration >= this.s.probeStart;
    const gamma = this.s.algorithm === 'rpie' ? this.s.alpha : 1;
    // Fisher–Yates with the solver's own stream: reproducible for a seed.
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    this.objectWeights();
    let misfit = 0;
    for (let n = 0; n < order.length; n++) {
      const m = order[n]!;
      extractPatchInto(oRe, oIm, W, placement, m, N, oPatchRe, oPatchIm);
      for (let k = 0; k < NN; k++) {
        const a = oPatchRe[k]!;
        const b = oPatchIm[k]!;
        const c = pRe[k]!;
        const d = pIm[k]!;
        const r = a * c - b * d;
        const i = a * d + b * c;
        psiRe[k] = r;
        psiIm[k] = i;
        dRe[k] = r;
        dIm[k] = i;
      }
      this.fft.run(psiRe, psiIm, false);
      const base = m * NN;
      for (let k = 0; k < NN; k++) {
        const r = psiRe[k]!;
        const i = psiIm[k]!;
        const mod = Math.sqrt(r * r + i * i);
        const target = N * amplitudes[base + k]!;
        const e = mod / N - amplitudes[base + k]!;
        misfit += e * e;
        if (mod > 0) {
          const f = target / mod;
          psiRe[k] = r * f;
          psiIm[k] = i * f;
        } else {
          psiRe[k] = target;
          psiIm[k] = 0;
        }
      }
      this.fft.run(psiRe, psiIm, true);
      // Δ = ψ' − ψ (dRe/dIm held ψ)
      for (let k = 0; k < NN; k++) {
        dRe[k] = psiRe[k]! - dRe[k]!;
        dIm[k] = psiIm[k]! - dIm[k]!;
      }
      if (refineProbe) {
        // Probe update from the object patch before this pattern's object update.
        let maxO = 0;
        for (let k = 0; k < NN; k++)
          maxO = Math.max(maxO, oPatchRe[k]! * oPatchRe[k]! + oPatchIm[k]! * oPatchIm[k]!);
        const beta = this.s.beta;
        for (let k = 0; k < NN; k++) {
          const a = oPatchRe[k]!;
          const b = oPatchIm[k]!;
          const den = (1 - gamma) * (a * a + b * b) + gamma * maxO || 1;
          const f = beta / den;
          // conj(o)·Δ
          pRe[k] = pRe[k]! + f * (a * dRe[k]! + b * dIm[k]!);
          pIm[k] = pIm[k]! + f * (a * dIm[k]! - b * dRe[k]!);
        }
      }
      // Object step (conj(P)/den)·Δ with the probe as it was before this pattern's probe update
      // (as ePIE does), splatted back through the bilinear adjoint; the weights then follow the
      // updated probe for the next pattern.
      for (let k = 0; k < NN; k++) {
        const r = dRe[k]!;
        const i = dIm[k]!;
        const c = wRe[k]!;
        const d = wIm[k]!;
        dRe[k] = c * r - d * i;
        dIm[k] = c * i + d * r;
      }
      splatPatch(oRe, oIm, W, placement, m, N, dRe, dIm);
      if (refineProbe) this.objectWeights();
    }
    return misfit;
  }
}
