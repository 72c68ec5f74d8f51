/**
 * Gradient check: the engine's ONNX-executed gradients against central finite differences of
 * the float64 reference evaluator. Reusable for any new op composition (physics, losses).
 */
import { grad } from './autodiff';
import { CompiledGraph } from './compile';
import { type Tensor } from './ir';
import type { LoweringChoices } from './lower';
import { evaluate } from './reference';

export interface GradcheckResult {
  /** Max |g_engine − g_fd| / max|g_fd| per checked leaf. */
  relErr: Record<string, number>;
  maxRelErr: number;
  /** Forward value, engine (float32) vs reference (float64). */
  loss: { engine: number; reference: number };
}

export interface GradcheckOptions {
  /** FD step (default 1e-5; the reference is float64). */
  eps?: number;
  /** Check at most this many coordinates per leaf (sampled deterministically). */
  maxPoints?: number;
  seed?: number;
  /** How the checked graph is lowered to ONNX (e.g. one conv2d weight-gradient strategy). */
  lowering?: LoweringChoices;
}

/**
 * `out` may have any shape: the checked scalar is sum(out · R) with R a fixed pseudo-random
 * weighting (fed as input `__R`), so every output element's gradient path is exercised.
 */
export async function gradcheck(
  out: Tensor,
  wrt: readonly Tensor[],
  values: Readonly<Record<string, { shape: readonly number[]; data: ArrayLike<number> }>>,
  opts: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const g = out.graph;
  const eps = opts.eps ?? 1e-5;
  let s = (opts.seed ?? 7) >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  // concrete output shape from the reference forward
  const outShape = evaluate([out], values)[0]!.shape;
  const R = g.input('__R', out.shape);
  const rv = {
    shape: outShape,
    data: Float64Array.from({ length: outShape.reduce((p, d) => p * d, 1) }, () => rnd() * 2 - 1),
  };
  const loss = g.sum(out.mul(R));
  const grads = grad(loss, wrt);
  const outputs: Record<string, Tensor> = { loss };
  grads.forEach((gt, i) => (outputs[`g${i}`] = gt));
  const cg = await CompiledGraph.create(outputs, { ...(opts.lowering ?? {}), name: 'gradcheck', threads: 1 });
  type Vals = Record<string, { shape: readonly number[]; data: ArrayLike<number> }>;
  const all: Vals = { ...values, __R: rv };
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (const f of cg.feeds)
    feeds[f.name] = { data: Float32Array.from(all[f.name]!.data), dims: [...all[f.name]!.shape] };
  const res = await cg.run(feeds);
  await cg.release();

  const f64 = (vals: Vals) => evaluate([loss], vals)[0]!.data[0]!;
  const relErr: Record<string, number> = {};
  wrt.forEach((w, i) => {
    const key = w.attrs.name ?? `#${w.id}`;
    const base = all[key]!;
    const n = base.data.length;
    const pts =
      opts.maxPoints && opts.maxPoints < n
        ? Array.from({ length: opts.maxPoints }, () => Math.floor(rnd() * n))
        : [...Array(n).keys()];
    const ge = res[`g${i}`]!.data;
    let maxFd = 0,
      maxDiff = 0;
    for (const p of pts) {
      const pert = Float64Array.from(base.data);
      pert[p] = pert[p]! + eps;
      const up = f64({ ...all, [key]: { shape: base.shape, data: pert } });
      pert[p] = pert[p]! - 2 * eps;
      const dn = f64({ ...all, [key]: { shape: base.shape, data: pert } });
      const fd = (up - dn) / (2 * eps);
      maxFd = Math.max(maxFd, Math.abs(fd));
      maxDiff = Math.max(maxDiff, Math.abs(fd - ge[p]!));
    }
    relErr[key] = maxDiff / Math.max(maxFd, 1e-12);
  });
  return {
    relErr,
    maxRelErr: Math.max(0, ...Object.values(relErr)),
    loss: { engine: res.loss!.data[0]!, reference: f64(all) },
  };
}
