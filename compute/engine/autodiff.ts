/**
 * Reverse-mode autodiff on the IR. `grad(loss, wrt)` appends backward nodes to the graph and
 * returns one gradient tensor per `wrt` tensor (same shape).
 *
 * - Only nodes on a path wrt → loss are differentiated (`needs` tells each VJP rule which
 *   operand gradients to build, so e.g. the first conv never computes an input gradient).
 * - Fan-out: cotangents from every consumer are accumulated by addition.
 * - Broadcasting: cotangents are summed back to each operand's shape (`unbroadcast`).
 * Rules come from `PRIMITIVES`; `withVjpOverride` swaps one for a test (negative gradchecks).
 * - An op on the path wrt → loss without a VJP rule is an error naming the op (never a silent
 *   zero), unless it is in `NON_DIFFERENTIABLE`: leaves, comparisons and casts, `sign`
 *   (zero almost everywhere), `stopGradient` (by definition) and `batchSize` (a shape read).
 */
import { EngineError, fmtShape, type Graph, type OpName, type Shape, Tensor } from './ir';
import { PRIMITIVES, type Primitive } from './primitives';

/** Sum `t` over the dims it was broadcast along so that it has shape `shape`. */
export function unbroadcast(t: Tensor, shape: Shape): Tensor {
  const g = t.graph;
  const extra = t.rank - shape.length;
  let r = t;
  if (extra > 0) r = g.sum(r, [...Array(extra).keys()]);
  const axes = shape.map((d, i) => (d === 1 && r.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  if (axes.length) r = g.sum(r, axes, true);
  if (r.shape.length !== shape.length || r.shape.some((d, i) => d !== shape[i])) {
    throw new EngineError(`internal: gradient shape [${r.shape}] does not reduce to [${shape}]`);
  }
  return r;
}

/** Ops through which no gradient flows, by design. Every other op needs a VJP rule to be differentiated. */
export const NON_DIFFERENTIABLE: ReadonlySet<OpName> = new Set<OpName>([
  'input',
  'param',
  'const',
  'greater',
  'equal',
  'cast',
  'sign',
  'stopGradient',
  'batchSize',
]);

export interface GradOptions {
  /** Cotangent of `loss` (default: 1; required when loss is not a scalar). */
  seed?: Tensor;
}

export function grad(loss: Tensor, wrt: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  const g: Graph = loss.graph;
  if (loss.dtype !== 'float32') throw new EngineError('grad: loss must be float32');
  if (!opts.seed && loss.rank !== 0)
    throw new EngineError(
      `grad: loss must be a scalar, got shape [${loss.shape}] (reduce it or pass a seed)`,
    );
  for (const w of wrt) if (w.graph !== g) throw new EngineError(`grad: ${w} belongs to another graph`);

  // forward: which nodes depend on a wrt tensor through differentiable ops
  const wanted = new Set(wrt.map((t) => t.id));
  const depends = new Map<number, boolean>();
  const n = loss.id + 1;
  for (let i = 0; i < n; i++) {
    const t = g.nodes[i]!;
    depends.set(
      i,
      wanted.has(i) || (!NON_DIFFERENTIABLE.has(t.op) && t.inputs.some((u) => depends.get(u.id))),
    );
  }

  // backward: accumulate cotangents in reverse topological order
  const cot = new Map<number, Tensor>();
  const seed = opts.seed ?? g.scalar(1);
  cot.set(loss.id, seed);
  for (let i = n - 1; i >= 0; i--) {
    const t = g.nodes[i]!;
    const dy = cot.get(i);
    if (!dy || !depends.get(i)) continue;
    if (NON_DIFFERENTIABLE.has(t.op)) continue;
    const rule = (overrides.get(t.op) ?? PRIMITIVES[t.op]).vjp;
    if (!rule) {
      throw new EngineError(
        `grad: op '${t.op}' (node ${t.id}, shape ${fmtShape(t.shape)}) has no VJP rule, so the gradient cannot flow through it; ` +
          `add one in primitives.ts, or stop the gradient before it (stopGradient)`,
      );
    }
    const needs = t.inputs.map((u) => !!depends.get(u.id));
    const dxs = rule(g, t, dy, needs);
    t.inputs.forEach((u, k) => {
      const dx = dxs[k];
      if (!needs[k] || !dx) return;
      const red = unbroadcast(dx, u.shape);
      const prev = cot.get(u.id);
      cot.set(u.id, prev ? prev.add(red) : red);
    });
  }
  return wrt.map((w) => {
    const c = cot.get(w.id);
    if (c) return c;
    return g.expand(g.scalar(0), w.shape);
  });
}

const overrides = new Map<OpName, Primitive>();

/** Run `fn` with the VJP rule of `op` replaced (for tests that prove wrong rules are caught). */
export async function withVjpOverride<T>(
  op: OpName,
  vjp: NonNullable<Primitive['vjp']>,
  fn: () => Promise<T> | T,
): Promise<T> {
  overrides.set(op, { ...PRIMITIVES[op], vjp });
  try {
    return await fn();
  } finally {
    overrides.delete(op);
  }
}

export { Tensor };
