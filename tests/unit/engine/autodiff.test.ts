/**
 * Autodiff refuses to differentiate through an op without a VJP rule (no silent zeros), and the
 * engine's per-op tables (VJP, lowering, reference) cover every op. Lowering choices are
 * per call, not global state.
 */
import { describe, expect, it } from 'vitest';
import { NON_DIFFERENTIABLE, grad } from '../../../compute/engine/autodiff';
import { CompiledGraph } from '../../../compute/engine/compile';
import { Graph } from '../../../compute/engine/ir';
import { lower } from '../../../compute/engine/lower';
import { PRIMITIVES } from '../../../compute/engine/primitives';
import { val } from './helpers';

/** Differentiable ops that have no VJP rule yet: differentiating through them must raise. */
const NO_RULE_YET = ['conv2dFilterGrad'];

describe('ops without a VJP rule', () => {
  it('a second derivative through conv2d raises, naming the op, instead of returning zeros', () => {
    const g = new Graph();
    const x = g.input('x', ['B', 2, 5, 5]);
    const w = g.param('w', [3, 2, 3, 3]);
    const [gw] = grad(g.conv2d(x, w).square().sum(), [w]); // contains conv2dFilterGrad(x, dy)
    expect(() => grad(gw!.square().sum(), [x])).toThrow(
      /op 'conv2dFilterGrad' \(node \d+, shape \[3,2,3,3\]\) has no VJP rule/,
    );
  });

  it('the first derivative of the same graph still works (the rule-less op is not on its path)', async () => {
    const g = new Graph();
    const x = g.input('x', ['B', 2, 5, 5]);
    const w = g.param('w', [3, 2, 3, 3]);
    const [gw] = grad(g.conv2d(x, w).square().sum(), [w]);
    const cg = await CompiledGraph.create({ gw: gw! });
    const v = (s: number[], seed: number) => ({ data: Float32Array.from(val(s, seed).data), dims: s });
    const out = await cg.run({ x: v([1, 2, 5, 5], 1), w: v([3, 2, 3, 3], 2) });
    await cg.release();
    const d = out.gw!.data as Float32Array;
    expect(d.length).toBe(54);
    expect(d.some((e) => e !== 0)).toBe(true);
  });

  it('genuinely non-differentiable ops pass no gradient and raise nothing', () => {
    const g = new Graph();
    const x = g.input('x', [4]);
    const y = x
      .mul(x.stopGradient())
      .add(g.sign(x))
      .add(g.cast(g.greater(x, 0)))
      .add(g.where(g.equal(x, 1), x, 0));
    expect(() => grad(y.sum(), [x])).not.toThrow();
  });

  it('every op has a VJP rule, is listed as non-differentiable, or is a known rule-less op', () => {
    const ops = Object.keys(PRIMITIVES);
    const missing = ops.filter(
      (op) => !PRIMITIVES[op as keyof typeof PRIMITIVES].vjp && !NON_DIFFERENTIABLE.has(op as never),
    );
    expect(missing).toEqual(NO_RULE_YET);
    for (const op of NON_DIFFERENTIABLE) expect(ops).toContain(op);
  });
});

describe('lowering choices are parameters, not global state', () => {
  const ops = (bytesOf: () => { model: { graph: { nodes: readonly { opType: string }[] } } }) =>
    bytesOf().model.graph.nodes.map((n) => n.opType);
  it("upsample: 'expand' in one call does not change the next default call", () => {
    const g = new Graph();
    const y = g.input('x', ['B', 1, 2, 2]).upsample2();
    expect(ops(() => lower({ y }, { upsample: 'expand' }))).toContain('Expand');
    expect(ops(() => lower({ y }))).toContain('Resize');
    expect(ops(() => lower({ y }))).not.toContain('Expand');
  });
});
