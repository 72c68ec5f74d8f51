/**
 * The primitive set: one line-group per op, its shape rule next to its vector-Jacobian rule
 * (tinygrad/micrograd style). Lowering to ONNX is in `lower.ts`, the float64 reference
 * semantics in `reference.ts`. VJP rules emit ordinary IR, so gradients of gradients are IR too.
 *
 * vjp(g, y, dy, needs) returns one cotangent per input (null = no gradient / not needed);
 * cotangents may still carry broadcast dimensions — `grad()` reduces them to operand shapes.
 */
import type { Attrs, DType, Graph, OpName, Shape, Tensor } from './ir';

export interface ShapeResult {
  shape: Shape;
  dtype?: DType;
}
export interface Primitive {
  shape(inputs: readonly Tensor[], attrs: Attrs): ShapeResult;
  /** Absent: differentiating through the op is an error, unless autodiff's NON_DIFFERENTIABLE lists it. */
  vjp?(g: Graph, y: Tensor, dy: Tensor, needs: readonly boolean[]): (Tensor | null)[];
}

const fmt = (s: Shape) => `[${s.join(',')}]`;
function fail(msg: string): never {
  throw new Error(msg);
}

/** numpy broadcasting of shapes; the batch dim 'B' broadcasts only against 1 or 'B'. */
export function broadcastShapes(...shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: (number | 'B')[] = [];
  for (let i = 0; i < rank; i++) {
    let d: number | 'B' = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i] ?? 1;
      if (e === 1 || e === d) continue;
      if (d === 1) d = e;
      else fail(`cannot broadcast ${shapes.map(fmt).join(' with ')}`);
    }
    out.push(d);
  }
  return out;
}

const float = (...ts: readonly Tensor[]) => {
  for (const t of ts)
    if (t.dtype !== 'float32') fail(`expected float32 operand, got ${t.dtype} ${fmt(t.shape)}`);
};
const same = (ins: readonly Tensor[]): ShapeResult => (float(...ins), { shape: ins[0]!.shape });
const bcast = (ins: readonly Tensor[]): ShapeResult => (
  float(...ins),
  { shape: broadcastShapes(...ins.map((t) => t.shape)) }
);
const cmp = (ins: readonly Tensor[]): ShapeResult => ({ ...bcast(ins), dtype: 'bool' });
const normAxes = (axes: readonly number[], rank: number) =>
  axes.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!Number.isInteger(n) || n < 0 || n >= rank) fail(`axis ${a} out of range for rank ${rank}`);
    return n;
  });
const nchw = (x: Tensor, what: string) => {
  if (x.rank !== 4) fail(`${what} expects NCHW (rank 4), got ${fmt(x.shape)}`);
  if (typeof x.shape[2] !== 'number' || typeof x.shape[3] !== 'number') fail(`spatial dims must be static`);
  if (x.shape[1] === 'B') fail(`channel dim cannot be the batch dim`);
};
const even = (x: Tensor) => {
  if ((x.shape[2] as number) % 2 || (x.shape[3] as number) % 2)
    fail(`spatial dims must be even, got ${fmt(x.shape)}`);
};
/** Last two dims swapped (matrix transpose of a batched matmul operand). */
const mT = (g: Graph, t: Tensor) =>
  g.transpose(
    t,
    t.shape.map((_, i) => (i < t.rank - 2 ? i : 2 * t.rank - 3 - i)),
  );
const zeroLike = (g: Graph) => g.scalar(0);
/** A tensor that carries the batch dim but is cheap to depend on: a fed input if one is upstream. */
export function batchSource(t: Tensor): Tensor {
  const seen = new Set<number>();
  const stack = [t];
  while (stack.length) {
    const u = stack.pop()!;
    if (seen.has(u.id)) continue;
    seen.add(u.id);
    if (u.op === 'input' && u.shape.includes('B')) return u;
    stack.push(...u.inputs);
  }
  return t;
}
const keepShape = (shape: Shape, axes: readonly number[]) => shape.map((d, i) => (axes.includes(i) ? 1 : d));

export const PRIMITIVES: Record<OpName, Primitive> = {
  // leaves: no inputs; const data must be finite and match the shape
  input: { shape: (_, a) => ({ shape: a.shape! }) },
  param: { shape: (_, a) => ({ shape: a.shape! }) },
  const: {
    shape: (_, a) => {
      const n = a.shape!.reduce<number>(
        (p, d) => (d === 'B' ? fail('constants cannot have the batch dim') : p * d),
        1,
      );
      if (a.data!.length !== n) fail(`data length ${a.data!.length} does not match shape ${fmt(a.shape!)}`);
      const bad = a.data!.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail(`non-finite constant value ${a.data![bad]} at index ${bad}`);
      return { shape: a.shape! };
    },
  },
  // elementwise binary (broadcasting)
  add: { shape: bcast, vjp: (_, __, dy) => [dy, dy] },
  sub: { shape: bcast, vjp: (g, _, dy, n) => [dy, n[1] ? g.neg(dy) : null] },
  mul: {
    shape: bcast,
    vjp: (_, y, dy, n) => [n[0] ? dy.mul(y.inputs[1]!) : null, n[1] ? dy.mul(y.inputs[0]!) : null],
  },
  div: {
    shape: bcast,
    vjp: (g, y, dy, n) => [
      n[0] ? dy.div(y.inputs[1]!) : null,
      n[1] ? g.neg(dy.mul(y).div(y.inputs[1]!)) : null,
    ],
  },
  // elementwise unary
  neg: { shape: same, vjp: (g, _, dy) => [g.neg(dy)] },
  exp: { shape: same, vjp: (_, y, dy) => [dy.mul(y)] },
  log: { shape: same, vjp: (_, y, dy) => [dy.div(y.inputs[0]!)] },
  sqrt: { shape: same, vjp: (_, y, dy) => [dy.div(y.mul(2))] },
  abs: { shape: same, vjp: (g, y, dy) => [dy.mul(g.sign(y.inputs[0]!))] },
  sign: { shape: same },
  pow: { shape: same, vjp: (_, y, dy) => [dy.mul(y.inputs[0]!.pow(y.attrs.p! - 1).mul(y.attrs.p!))] },
  relu: { shape: same, vjp: (g, y, dy) => [g.where(g.greater(y, 0), dy, 0)] },
  sigmoid: { shape: same, vjp: (_, y, dy) => [dy.mul(y.mul(y.neg().add(1)))] },
  tanh: { shape: same, vjp: (_, y, dy) => [dy.mul(y.mul(y).neg().add(1))] },
  sin: { shape: same, vjp: (_, y, dy) => [dy.mul(y.inputs[0]!.cos())] },
  cos: { shape: same, vjp: (_, y, dy) => [dy.mul(y.inputs[0]!.sin()).neg()] },
  // d/dx erf(x) = 2/√π · exp(−x²)
  erf: {
    shape: same,
    vjp: (_, y, dy) => [
      dy.mul(
        y.inputs[0]!.square()
          .neg()
          .exp()
          .mul(2 / Math.sqrt(Math.PI)),
      ),
    ],
  },
  softplus: { shape: same, vjp: (_, y, dy) => [dy.mul(y.inputs[0]!.sigmoid())] },
  swish: {
    shape: same, // d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))
    vjp: (_, y, dy) => {
      const x = y.inputs[0]!,
        s = x.sigmoid();
      return [dy.mul(s.mul(x.mul(s.neg().add(1)).add(1)))];
    },
  },
  // comparisons and masks
  greater: { shape: cmp },
  equal: { shape: cmp },
  cast: {
    shape: (ins) => (
      ins[0]!.dtype !== 'bool' && fail('cast expects a boolean operand'),
      { shape: ins[0]!.shape }
    ),
  },
  where: {
    shape: ([c, a, b]) => {
      if (c!.dtype !== 'bool') fail('condition must be boolean (use greater/equal)');
      float(a!, b!);
      return { shape: broadcastShapes(c!.shape, a!.shape, b!.shape) };
    },
    vjp: (g, y, dy, n) => {
      const c = y.inputs[0]!,
        z = zeroLike(g);
      return [null, n[1] ? g.where(c, dy, z) : null, n[2] ? g.where(c, z, dy) : null];
    },
  },
  // batched matmul
  matmul: {
    shape: ([a, b]) => {
      float(a!, b!);
      if (a!.rank < 2 || b!.rank < 2) fail('operands must have rank ≥ 2');
      if (a!.shape[a!.rank - 1] !== b!.shape[b!.rank - 2])
        fail(`inner dims differ: ${fmt(a!.shape)} @ ${fmt(b!.shape)}`);
      const batch = broadcastShapes(a!.shape.slice(0, -2), b!.shape.slice(0, -2));
      return { shape: [...batch, a!.shape[a!.rank - 2]!, b!.shape[b!.rank - 1]!] };
    },
    vjp: (g, y, dy, n) => {
      const [a, b] = y.inputs as [Tensor, Tensor];
      return [n[0] ? g.matmul(dy, mT(g, b)) : null, n[1] ? g.matmul(mT(g, a), dy) : null];
    },
  },
  // conv2d NCHW, stride 1, same padding. dX = conv with flipped, channel-swapped weights.
  conv2d: {
    shape: ([x, w, b], a) => {
      nchw(x!, 'input');
      float(x!, w!);
      const k = a.kernel!;
      if (w!.rank !== 4 || w!.shape[2] !== k || w!.shape[3] !== k || k % 2 !== 1)
        fail(`weight must be (Co,Ci,k,k) with odd k, got ${fmt(w!.shape)}`);
      if (w!.shape[1] !== x!.shape[1])
        fail(`input has ${x!.shape[1]} channels, weight expects ${w!.shape[1]}`);
      if (b && (b.rank !== 1 || b.shape[0] !== w!.shape[0]))
        fail(`bias must be (${w!.shape[0]}), got ${fmt(b.shape)}`);
      return { shape: [x!.shape[0]!, w!.shape[0]!, x!.shape[2]!, x!.shape[3]!] };
    },
    vjp: (g, y, dy, n) => {
      const [x, w] = y.inputs as [Tensor, Tensor];
      const wT = n[0] ? g.flip(w.transpose([1, 0, 2, 3]), [2, 3]) : null;
      return [
        wT ? g.conv2d(dy, wT) : null,
        n[1] ? g.apply('conv2dFilterGrad', [x, dy], { kernel: y.attrs.kernel! }) : null,
        n[2] ? dy.sum([0, 2, 3]) : null,
      ];
    },
  },
  /** dW[co,ci,i,j] = Σ_b,h,w dY[b,co,h,w]·Xpad[b,ci,h+i,w+j] (the weight gradient of conv2d). */
  conv2dFilterGrad: {
    shape: ([x, dy], a) => {
      nchw(x!, 'x');
      nchw(dy!, 'dy');
      if (x!.shape[2] !== dy!.shape[2] || x!.shape[3] !== dy!.shape[3]) fail('x and dy spatial dims differ');
      return { shape: [dy!.shape[1]!, x!.shape[1]!, a.kernel!, a.kernel!] };
    },
  },
  maxpool2: {
    shape: ([x]) => (
      nchw(x!, 'maxpool2'),
      even(x!),
      { shape: [x!.shape[0]!, x!.shape[1]!, (x!.shape[2] as number) / 2, (x!.shape[3] as number) / 2] }
    ),
    // gradient to the window's maximum (equality mask; exact ties all receive it)
    vjp: (g, y, dy) => [g.where(g.equal(y.inputs[0]!, y.upsample2()), dy.upsample2(), 0)],
  },
  avgpool2: {
    shape: ([x]) => (
      nchw(x!, 'avgpool2'),
      even(x!),
      { shape: [x!.shape[0]!, x!.shape[1]!, (x!.shape[2] as number) / 2, (x!.shape[3] as number) / 2] }
    ),
    vjp: (_, __, dy) => [dy.upsample2().mul(0.25)],
  },
  upsample2: {
    shape: ([x]) => (
      nchw(x!, 'upsample2'),
      { shape: [x!.shape[0]!, x!.shape[1]!, (x!.shape[2] as number) * 2, (x!.shape[3] as number) * 2] }
    ),
    vjp: (_, __, dy) => [dy.avgpool2().mul(4)],
  },
  // layout
  reshape: {
    shape: ([x], a) => {
      const s = a.shape!;
      const nb = (t: Shape) => t.filter((d) => d === 'B').length;
      if (nb(s) !== nb(x!.shape) || nb(s) > 1)
        fail(`batch dim must appear once in both shapes: ${fmt(x!.shape)} → ${fmt(s)}`);
      const n = (t: Shape) => t.reduce<number>((p, d) => (d === 'B' ? p : p * d), 1);
      if (s.some((d) => d !== 'B' && (!Number.isInteger(d) || d < 0))) fail(`invalid target shape ${fmt(s)}`);
      if (n(s) !== n(x!.shape)) fail(`cannot reshape ${fmt(x!.shape)} to ${fmt(s)}`);
      return { shape: s, dtype: x!.dtype };
    },
    vjp: (g, y, dy) => [g.reshape(dy, y.inputs[0]!.shape)],
  },
  transpose: {
    shape: ([x], a) => {
      const p = a.perm!;
      if (p.length !== x!.rank || [...p].sort().some((v, i) => v !== i))
        fail(`invalid permutation [${p}] for rank ${x!.rank}`);
      return { shape: p.map((i) => x!.shape[i]!), dtype: x!.dtype };
    },
    vjp: (g, y, dy) => {
      const inv: number[] = [];
      y.attrs.perm!.forEach((p, i) => (inv[p] = i));
      return [g.transpose(dy, inv)];
    },
  },
  slice: {
    shape: ([x], a) => {
      const s = [...x!.shape];
      const axes = normAxes(a.axes!, x!.rank);
      if (a.starts!.length !== axes.length || a.ends!.length !== axes.length)
        fail('axes/starts/ends lengths differ');
      axes.forEach((ax, i) => {
        const d = s[ax]!,
          st = a.starts![i]!,
          en = a.ends![i]!;
        if (d === 'B') fail(`cannot slice the batch dim`);
        if (!(0 <= st && st < en && en <= d))
          fail(`slice [${st}, ${en}) out of range for axis ${ax} of size ${d}`);
        s[ax] = en - st;
      });
      return { shape: s, dtype: x!.dtype };
    },
    vjp: (g, y, dy) => {
      const x = y.inputs[0]!,
        axes = normAxes(y.attrs.axes!, x.rank);
      const pads = x.shape.map((d, i): [number, number] => {
        const k = axes.indexOf(i);
        return k < 0 ? [0, 0] : [y.attrs.starts![k]!, (d as number) - y.attrs.ends![k]!];
      });
      return [g.pad(dy, pads)];
    },
  },
  flip: {
    shape: ([x], a) => {
      for (const ax of normAxes(a.axes!, x!.rank))
        if (x!.shape[ax] === 'B') fail('cannot flip the batch dim');
      return { shape: x!.shape, dtype: x!.dtype };
    },
    vjp: (g, y, dy) => [g.flip(dy, y.attrs.axes!)],
  },
  concat: {
    shape: (xs, a) => {
      if (xs.length < 1) fail('needs at least one operand');
      float(...xs);
      const [ax] = normAxes([a.axis!], xs[0]!.rank);
      const s = [...xs[0]!.shape];
      let tot = 0;
      for (const t of xs) {
        if (t.rank !== s.length || t.shape.some((d, i) => i !== ax && d !== s[i]))
          fail(`shapes differ off axis ${ax}: ${xs.map((u) => fmt(u.shape)).join(', ')}`);
        if (t.shape[ax!] === 'B') fail('cannot concat along the batch dim');
        tot += t.shape[ax!] as number;
      }
      s[ax!] = tot;
      return { shape: s };
    },
    vjp: (g, y, dy, n) => {
      const [ax] = normAxes([y.attrs.axis!], y.rank);
      let off = 0;
      return y.inputs.map((t, i) => {
        const len = t.shape[ax!] as number,
          st = off;
        off += len;
        return n[i] ? g.slice(dy, [ax!], [st], [st + len]) : null;
      });
    },
  },
  pad: {
    shape: ([x], a) => {
      const p = a.pads!;
      if (p.length !== x!.rank) fail(`pads must have one [before, after] per dim (rank ${x!.rank})`);
      float(x!);
      return {
        shape: x!.shape.map((d, i) => {
          const [b, e] = p[i]!;
          if (!(Number.isInteger(b) && Number.isInteger(e) && b >= 0 && e >= 0))
            fail(`pads must be non-negative integers`);
          if (d === 'B' && (b || e)) fail('cannot pad the batch dim');
          return d === 'B' ? d : d + b + e;
        }),
      };
    },
    vjp: (g, y, dy) => {
      const x = y.inputs[0]!,
        p = y.attrs.pads!;
      const axes = x.shape.map((_, i) => i).filter((i) => p[i]![0] || p[i]![1]);
      return [
        axes.length
          ? g.slice(
              dy,
              axes,
              axes.map((i) => p[i]![0]),
              axes.map((i) => p[i]![0] + (x.shape[i] as number)),
            )
          : dy,
      ];
    },
  },
  expand: {
    // `src` (optional operand): any tensor with the batch dim, read only for its run-time size
    shape: ([x, src], a) => {
      const s = broadcastShapes(x!.shape, a.shape!);
      if (fmt(s) !== fmt(a.shape!)) fail(`cannot expand ${fmt(x!.shape)} to ${fmt(a.shape!)}`);
      const off = s.length - x!.rank;
      const needsB = s.some((d, i) => d === 'B' && x!.shape[i - off] !== 'B');
      if (needsB && !src?.shape.includes('B'))
        fail(`expanding to the batch dim needs a batch-size source operand`);
      return { shape: s };
    },
    vjp: (_, __, dy) => [dy, null], // grad() reduces the broadcast dims
  },
  // reductions
  sum: {
    shape: ([x], a) => {
      float(x!);
      const axes = normAxes(a.axes!, x!.rank);
      return { shape: a.keepdims ? keepShape(x!.shape, axes) : x!.shape.filter((_, i) => !axes.includes(i)) };
    },
    vjp: (g, y, dy) => {
      const x = y.inputs[0]!,
        axes = normAxes(y.attrs.axes!, x.rank);
      return [g.expand(g.reshape(dy, keepShape(x.shape, axes)), x.shape, batchSource(x))];
    },
  },
  mean: {
    shape: (ins, a) => PRIMITIVES.sum.shape(ins, a),
    vjp: (g, y, dy) => {
      const x = y.inputs[0]!,
        axes = normAxes(y.attrs.axes!, x.rank);
      let n = 1;
      let count: Tensor | null = null;
      for (const ax of axes) {
        const d = x.shape[ax]!;
        if (d === 'B') count = g.batchSize(batchSource(x));
        else n *= d;
      }
      let s = g.reshape(dy, keepShape(x.shape, axes)).mul(1 / n);
      if (count) s = s.div(count);
      return [g.expand(s, x.shape, batchSource(x))];
    },
  },
  stopGradient: { shape: same },
  batchSize: {
    shape: ([x], a) => (
      x!.shape[a.axis!] !== 'B' && fail(`${fmt(x!.shape)} has no batch dim`),
      { shape: [] }
    ),
  },
};
