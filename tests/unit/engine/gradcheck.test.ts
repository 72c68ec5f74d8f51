/**
 * Every primitive's VJP (and composite graphs) against central finite differences of the
 * float64 reference, executed through ONNX Runtime. Tolerance: max rel error ≤ 1e-3.
 */
import { describe, expect, it } from 'vitest';
import { grad, withVjpOverride } from '../../../compute/engine/autodiff';
import { CompiledGraph } from '../../../compute/engine/compile';
import { gradcheck } from '../../../compute/engine/gradcheck';
import { Graph, type Tensor } from '../../../compute/engine/ir';
import type { FilterGradStrategy } from '../../../compute/engine/lower';
import { type Val, val } from './helpers';

const TOL = 1e-3;

interface Case {
  name: string;
  build(g: Graph): { out: Tensor; wrt: Tensor[]; values: Record<string, Val> };
}

/** x: [B=2,3,4] param-like input; shorthand for unary cases. */
function unary(name: string, f: (x: Tensor) => Tensor, lo = -1, hi = 1, away = 0): Case {
  return {
    name,
    build(g) {
      const x = g.input('x', ['B', 3, 4]);
      return { out: f(x), wrt: [x], values: { x: val([2, 3, 4], 11, lo, hi, away) } };
    },
  };
}

function binary(
  name: string,
  f: (a: Tensor, b: Tensor) => Tensor,
  sa: (number | 'B')[],
  sb: (number | 'B')[],
  lob = -1,
): Case {
  return {
    name,
    build(g) {
      const a = g.input('a', sa),
        b = g.input('b', sb);
      const conc = (s: (number | 'B')[]) => s.map((d) => (d === 'B' ? 2 : d));
      return {
        out: f(a, b),
        wrt: [a, b],
        values: { a: val(conc(sa), 1), b: val(conc(sb), 2, lob, lob + 2) },
      };
    },
  };
}

const nchw = (g: Graph, c = 2, h = 4, w = 4, seed = 5) => {
  const x = g.input('x', ['B', c, h, w]);
  return { x, v: { x: val([2, c, h, w], seed) } };
};

const cases: Case[] = [
  binary('add (broadcast [B,3,4] + [4])', (a, b) => a.add(b), ['B', 3, 4], [4]),
  binary('sub (broadcast [B,3,4] - [3,1])', (a, b) => a.sub(b), ['B', 3, 4], [3, 1]),
  binary('mul (broadcast [B,1,4] * [3,1])', (a, b) => a.mul(b), ['B', 1, 4], [3, 1]),
  binary('div (broadcast [B,3,4] / [1,4])', (a, b) => a.div(b), ['B', 3, 4], [1, 4], 0.5),
  unary('neg', (x) => x.neg()),
  unary('exp', (x) => x.exp()),
  unary('log', (x) => x.log(), 0.2, 2),
  unary('sqrt', (x) => x.sqrt(), 0.2, 2),
  unary('abs', (x) => x.abs(), -1, 1, 0.05),
  unary('pow 3', (x) => x.pow(3)),
  unary('pow 2', (x) => x.pow(2)),
  unary('pow -1', (x) => x.pow(-1), 0.5, 2),
  unary('pow 2.5', (x) => x.pow(2.5), 0.2, 2),
  unary('sin', (x) => x.sin(), -3, 3),
  unary('cos', (x) => x.cos(), -3, 3),
  unary('relu', (x) => x.relu(), -1, 1, 0.05),
  unary('sigmoid', (x) => x.sigmoid(), -3, 3),
  unary('tanh', (x) => x.tanh(), -2, 2),
  unary('softplus', (x) => x.softplus(), -3, 3),
  unary('swish', (x) => x.swish(), -3, 3),
  unary('erf', (x) => x.erf(), -3, 3),
  unary('gelu (composite ½x(1+erf(x/√2)))', (x) => x.gelu(), -3, 3),
  unary(
    'where(greater(x,0.1), x², -x)',
    (x) => x.graph.where(x.graph.greater(x, 0.1), x.square(), x.neg()),
    -1,
    1,
    0.05,
  ),
  unary('mask multiply x·cast(x>0)', (x) => x.mul(x.graph.cast(x.graph.greater(x, 0))), -1, 1, 0.05),
  unary('reshape', (x) =>
    x.reshape(['B', 12]).mul(
      x.graph.constant(
        [...Array(12).keys()].map((i) => i / 12),
        [12],
      ),
    ),
  ),
  unary('transpose', (x) => x.transpose([2, 0, 1]).mul(x.graph.constant([1, 2, 3, 4], [4, 1, 1]))),
  unary('slice', (x) => x.slice([1, 2], [1, 1], [3, 4])),
  unary('flip', (x) => x.graph.flip(x, [1, 2]).mul(x.graph.constant([...Array(12).keys()], [3, 4]))),
  unary('pad', (x) =>
    x
      .pad([
        [0, 0],
        [1, 2],
        [0, 1],
      ])
      .exp(),
  ),
  unary('expand', (x) => x.graph.expand(x.slice([1], [0], [1]), ['B', 3, 4])),
  unary('expand over the batch dim', (x) => x.graph.expand(x.sum([0]), ['B', 3, 4], x).mul(x)),
  unary('sum axes [1] keepdims', (x) => x.sum([1], true).mul(x)),
  unary('sum all', (x) => x.sum().mul(x.sum([0, 2]))),
  unary('mean over batch axis', (x) => x.mean([0]).square()),
  unary('mean all', (x) => x.square().mean()),
  unary('stopGradient (blocks one path)', (x) => x.add(x.stopGradient().mul(0))),
  unary('batchSize', (x) => x.div(x.graph.batchSize(x))),
  unary('fan-out x·x + exp(x)·x', (x) => x.mul(x).add(x.exp().mul(x))),
  unary('concat', (x) => x.graph.concat([x, x.exp(), x.slice([2], [1], [3])], 2)),
  binary('matmul [B,3,4]@[4,5]', (a, b) => a.matmul(b), ['B', 3, 4], [4, 5]),
  binary('matmul broadcast [B,1,3,4]@[2,4,5]', (a, b) => a.matmul(b), ['B', 1, 3, 4], [2, 4, 5]),
  binary('matmul chain a@b@bᵀ', (a, b) => a.matmul(b).matmul(b.transpose([1, 0])), ['B', 3, 4], [4, 5]),
  {
    name: 'conv2d 3×3 with bias',
    build(g) {
      const { x, v } = nchw(g);
      const w = g.param('w', [3, 2, 3, 3]),
        b = g.param('b', [3]);
      return {
        out: g.conv2d(x, w, b),
        wrt: [x, w, b],
        values: { ...v, w: val([3, 2, 3, 3], 6), b: val([3], 7) },
      };
    },
  },
  {
    name: 'conv2d 1×1 and 5×5 without bias',
    build(g) {
      const { x, v } = nchw(g, 2, 6, 5);
      const w1 = g.param('w1', [2, 2, 1, 1]),
        w5 = g.param('w5', [2, 2, 5, 5]);
      return {
        out: g.conv2d(g.conv2d(x, w1), w5),
        wrt: [x, w1, w5],
        values: { ...v, w1: val([2, 2, 1, 1], 8), w5: val([2, 2, 5, 5], 9) },
      };
    },
  },
  {
    name: 'maxpool2',
    build(g) {
      const { x, v } = nchw(g, 2, 4, 6);
      return { out: x.maxpool2(), wrt: [x], values: v };
    },
  },
  {
    name: 'avgpool2',
    build(g) {
      const { x, v } = nchw(g);
      return { out: x.avgpool2(), wrt: [x], values: v };
    },
  },
  {
    name: 'upsample2',
    build(g) {
      const { x, v } = nchw(g, 2, 3, 2);
      return { out: x.upsample2(), wrt: [x], values: v };
    },
  },
  {
    name: 'composite conv→relu→maxpool→upsample→conv',
    build(g) {
      const { x, v } = nchw(g, 2, 6, 6);
      const w1 = g.param('w1', [4, 2, 3, 3]),
        b1 = g.param('b1', [4]),
        w2 = g.param('w2', [2, 4, 3, 3]),
        b2 = g.param('b2', [2]);
      const out = g.conv2d(g.conv2d(x, w1, b1).relu().maxpool2().upsample2(), w2, b2).sigmoid();
      return {
        out,
        wrt: [x, w1, b1, w2, b2],
        values: {
          ...v,
          w1: val([4, 2, 3, 3], 21, -0.5, 0.5),
          b1: val([4], 22, -0.1, 0.1),
          w2: val([2, 4, 3, 3], 23, -0.5, 0.5),
          b2: val([2], 24),
        },
      };
    },
  },
  {
    name: 'composite broadcasting (per-channel scale, batch mean, loss-like)',
    build(g) {
      const { x, v } = nchw(g, 3, 2, 2);
      const s = g.param('s', [3, 1, 1]),
        t = g.param('t', [1, 2]);
      const y = x.mul(s).add(t).softplus();
      const out = y
        .sub(y.mean([0], true))
        .square()
        .add(y.log().mul(x.abs()));
      return { out, wrt: [x, s, t], values: { ...v, s: val([3, 1, 1], 31, 0.5, 1.5), t: val([1, 2], 32) } };
    },
  },
  {
    name: 'DFT-style complex matmul pair (real, imag)',
    build(g) {
      const re = g.input('re', ['B', 4, 4]),
        im = g.input('im', ['B', 4, 4]);
      const n = 4;
      const c = g.constant(
        Array.from({ length: 16 }, (_, i) => Math.cos((-2 * Math.PI * Math.floor(i / n) * (i % n)) / n)),
        [4, 4],
      );
      const s = g.constant(
        Array.from({ length: 16 }, (_, i) => Math.sin((-2 * Math.PI * Math.floor(i / n) * (i % n)) / n)),
        [4, 4],
      );
      const fr = c.matmul(re).sub(s.matmul(im)),
        fi = c.matmul(im).add(s.matmul(re));
      const out = fr.square().add(fi.square()).add(1e-3).sqrt();
      return { out, wrt: [re, im], values: { re: val([2, 4, 4], 41), im: val([2, 4, 4], 42) } };
    },
  },
];

describe('gradient checks through ONNX Runtime (float64 central differences)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = new Graph();
      const { out, wrt, values } = c.build(g);
      const r = await gradcheck(out, wrt, values);
      expect(Math.abs(r.loss.engine - r.loss.reference)).toBeLessThanOrEqual(
        1e-4 * Math.max(1, Math.abs(r.loss.reference)),
      );
      expect(r.maxRelErr, JSON.stringify(r.relErr)).toBeLessThanOrEqual(TOL);
    });
  }

  for (const strategy of ['im2col', 'gemm', 'bmm'] as FilterGradStrategy[]) {
    it(`conv2d weight gradient lowered as '${strategy}' (3×3 and 5×5)`, async () => {
      const g = new Graph();
      const x = g.input('x', ['B', 3, 6, 4]);
      const w3 = g.param('w3', [2, 3, 3, 3]),
        w5 = g.param('w5', [2, 2, 5, 5]);
      const out = g.conv2d(g.conv2d(x, w3).tanh(), w5);
      const vals = {
        x: val([3, 3, 6, 4], 51),
        w3: val([2, 3, 3, 3], 52),
        w5: val([2, 2, 5, 5], 53, -0.3, 0.3),
      };
      const r = await gradcheck(out, [w3, w5], vals, { lowering: { filterGrad: strategy } });
      expect(r.maxRelErr, JSON.stringify(r.relErr)).toBeLessThanOrEqual(TOL);
    });
  }

  it('stopGradient: d/dx [x · sg(x)] = sg(x) exactly', async () => {
    const g = new Graph();
    const x = g.input('x', [5]);
    const [dx] = grad(x.mul(x.stopGradient()).sum(), [x]);
    const cg = await CompiledGraph.create({ dx: dx! });
    const xs = new Float32Array([1, -2, 3, 0.5, 4]);
    const r = await cg.run({ x: xs });
    expect([...r.dx!.data]).toEqual([...xs]);
  });

  it('unused branches are not emitted; unreachable params get zero gradients', async () => {
    const g = new Graph();
    const x = g.input('x', ['B', 4]);
    const w = g.param('w', [4]),
      unused = g.param('unused', [3]);
    expect(typeof g.conv2d).toBe('function'); // builder methods exist but were not used for this loss
    const dead = x.exp().log().mul(100); // never reaches the loss
    void dead;
    const [gw, gu] = grad(x.mul(w).sum(), [w, unused]);
    const cg = await CompiledGraph.create({ gw: gw!, gu: gu! });
    const ops = cg.lowered.model.graph.nodes.map((n) => n.opType);
    expect(ops).not.toContain('Exp');
    expect(ops).not.toContain('Log');
    const r = await cg.run({ x: new Float32Array([1, 2, 3, 4, 1, 1, 1, 1]), w: new Float32Array(4) });
    expect([...r.gw!.data]).toEqual([2, 3, 4, 5]);
    expect([...r.gu!.data]).toEqual([0, 0, 0]);
    // the first conv of a network never builds an input gradient
    const g2 = new Graph();
    const x2 = g2.input('x', ['B', 1, 4, 4]);
    const w2 = g2.param('w', [2, 1, 3, 3]);
    const [gw2] = grad(g2.conv2d(x2, w2).sum(), [w2]);
    const cg2 = await CompiledGraph.create({ gw: gw2! });
    // (an input gradient would flip the kernel: a Slice with negative steps, then a Conv)
    expect(
      cg2.lowered.model.graph.nodes.filter((n) => n.opType === 'Slice' && n.inputs.length === 5),
    ).toHaveLength(0);
    expect(
      cg2.lowered.model.graph.nodes.filter(
        (n) => n.opType === 'Conv' && n.inputs[0] !== undefined && !n.inputs[1]!.startsWith('c'),
      ),
    ).toHaveLength(0);
  });
});

describe('the gradient check catches wrong VJP rules', () => {
  it('a mul rule that forgets one factor fails', async () => {
    const g = new Graph();
    const a = g.input('a', [3, 4]),
      b = g.input('b', [3, 4]);
    const out = a.mul(b).exp();
    const r = await withVjpOverride(
      'mul',
      (_g, y, dy) => [dy.mul(y.inputs[1]!), dy],
      () => gradcheck(out, [a, b], { a: val([3, 4], 1), b: val([3, 4], 2) }),
    );
    expect(r.maxRelErr).toBeGreaterThan(0.1);
  });

  it('a conv2d input gradient without the kernel flip fails', async () => {
    const g = new Graph();
    const x = g.input('x', ['B', 2, 4, 4]),
      w = g.param('w', [3, 2, 3, 3]);
    const out = g.conv2d(x, w);
    const r = await withVjpOverride(
      'conv2d',
      (gg, y, dy, n) => [
        n[0] ? gg.conv2d(dy, y.inputs[1]!.transpose([1, 0, 2, 3])) : null,
        n[1] ? gg.apply('conv2dFilterGrad', [y.inputs[0]!, dy], { kernel: 3 }) : null,
      ],
      () => gradcheck(out, [x, w], { x: val([2, 2, 4, 4], 3), w: val([3, 2, 3, 3], 4) }),
    );
    expect(r.relErr.x).toBeGreaterThan(0.1);
    expect(r.relErr.w).toBeLessThan(TOL); // the untouched rule still passes
  });
});
