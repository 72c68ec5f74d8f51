/**
 * In-graph optimizers. The learning rate and the step number are graph inputs, so a schedule
 * needs no rebuild; one ORT run computes the loss, the gradients and the updated parameters
 * and optimizer state.
 *
 * Adam follows Keras (tf.keras.optimizers.Adam): ε is added to √v̂ with the bias correction
 * folded into the step size, i.e.
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   α_t = lr·√(1−β2^t)/(1−β1^t);  p ← p − α_t·m/(√v + ε)
 * with defaults β1 0.9, β2 0.999, ε 1e-7, t = 1 on the first step.
 * SGD: p ← p − lr·g, or with momentum μ (Keras): u ← μ·u − lr·g; p ← p + u.
 */
import type { Graph, Tensor } from './ir';

export interface OptimizerContext {
  g: Graph;
  /** Learning rate (scalar, already scaled by the parameter group's lrScale). */
  lr: Tensor;
  /** Step number t ≥ 1 (scalar float). */
  step: Tensor;
}

export interface Optimizer {
  readonly kind: string;
  /** Names of the per-parameter state slots (each has the parameter's shape, starts at 0). */
  readonly slots: readonly string[];
  /** Shared scalars computed once per graph (e.g. Adam's α_t); returns the per-parameter rule. */
  prepare(
    ctx: OptimizerContext,
  ): (param: Tensor, grad: Tensor, slots: readonly Tensor[]) => { param: Tensor; slots: Tensor[] };
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export function adam(o: AdamOptions = {}): Optimizer {
  const b1 = o.beta1 ?? 0.9,
    b2 = o.beta2 ?? 0.999,
    eps = o.epsilon ?? 1e-7;
  return {
    kind: 'adam',
    slots: ['m', 'v'],
    prepare({ lr, step }) {
      // α_t = lr·√(1−β2^t)/(1−β1^t), with βᵗ = exp(t·ln β)
      const b1t = step.mul(Math.log(b1)).exp(),
        b2t = step.mul(Math.log(b2)).exp();
      const alpha = lr.mul(b2t.neg().add(1).sqrt()).div(b1t.neg().add(1));
      return (p, g, [m, v]) => {
        const m1 = m!.mul(b1).add(g.mul(1 - b1));
        const v1 = v!.mul(b2).add(g.square().mul(1 - b2));
        return { param: p.sub(m1.mul(alpha).div(v1.sqrt().add(eps))), slots: [m1, v1] };
      };
    },
  };
}

export function sgd(o: { momentum?: number } = {}): Optimizer {
  const mu = o.momentum ?? 0;
  return {
    kind: mu ? 'sgd-momentum' : 'sgd',
    slots: mu ? ['u'] : [],
    prepare({ lr }) {
      return (p, g, [u]) => {
        if (!mu) return { param: p.sub(g.mul(lr)), slots: [] };
        const u1 = u!.mul(mu).sub(g.mul(lr));
        return { param: p.add(u1), slots: [u1] };
      };
    },
  };
}
