/**
 * Float64 reference semantics of every primitive, in plain loops. Used by the gradient checks
 * (central finite differences of the forward function) and as the spec the ONNX lowering must
 * match. Slow by design; small shapes only. Booleans are 0/1.
 */
import { EngineError, type OpName, type Tensor } from './ir';

export interface RefArray {
  shape: number[];
  data: Float64Array;
}

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const strides = (s: readonly number[]) => {
  const r = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    r[i] = acc;
    acc *= s[i]!;
  }
  return r;
};
const arr = (shape: number[], data?: Float64Array): RefArray => ({
  shape,
  data: data ?? new Float64Array(size(shape)),
});

/** Iterate all multi-indices of `shape`, calling fn(index, flatOffset). */
function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    fn(idx, f);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Read `a` at output index `idx` of a broadcast result of rank `rank`. */
function bcastReader(a: RefArray, rank: number): (idx: number[]) => number {
  const st = strides(a.shape);
  const off = rank - a.shape.length;
  return (idx) => {
    let f = 0;
    for (let d = 0; d < a.shape.length; d++) if (a.shape[d] !== 1) f += idx[d + off]! * st[d]!;
    return a.data[f]!;
  };
}

function bshape(...ss: number[][]): number[] {
  const rank = Math.max(...ss.map((s) => s.length));
  return [...Array(rank).keys()].map((i) => Math.max(...ss.map((s) => s[s.length - rank + i] ?? 1)));
}

function nary(ins: RefArray[], f: (...v: number[]) => number): RefArray {
  const shape = bshape(...ins.map((a) => a.shape));
  const rd = ins.map((a) => bcastReader(a, shape.length));
  const out = arr(shape);
  forEachIndex(shape, (idx, fl) => (out.data[fl] = f(...rd.map((r) => r(idx)))));
  return out;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** erf in float64 (≈1e-14): Maclaurin series for |x| ≤ 2.5, erfc's continued fraction beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a <= 2.5) {
    let term = x,
      sum = x;
    for (let n = 1; n < 60 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let t = a;
  for (let k = 60; k >= 1; k--) t = a + k / 2 / t;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
  return Math.sign(x) * (1 - erfc);
}

function matmul(a: RefArray, b: RefArray): RefArray {
  const m = a.shape.at(-2)!,
    k = a.shape.at(-1)!,
    n = b.shape.at(-1)!;
  const batch = bshape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = arr([...batch, m, n]);
  const sa = strides(a.shape.slice(0, -2)),
    sb = strides(b.shape.slice(0, -2));
  const offOf = (shape: number[], st: number[], idx: number[]) => {
    const off = batch.length - shape.length;
    let f = 0;
    for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) f += idx[d + off]! * st[d]!;
    return f;
  };
  let o = 0;
  forEachIndex(batch, (idx) => {
    const ao = offOf(a.shape.slice(0, -2), sa, idx) * m * k,
      bo = offOf(b.shape.slice(0, -2), sb, idx) * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a.data[ao + i * k + q]! * b.data[bo + q * n + j]!;
        out.data[o++] = s;
      }
  });
  return out;
}

function conv2d(x: RefArray, w: RefArray, b?: RefArray): RefArray {
  const [B, Ci, H, W] = x.shape as [number, number, number, number];
  const [Co, , K] = w.shape as [number, number, number, number];
  const p = (K - 1) / 2;
  const out = arr([B, Co, H, W]);
  for (let n = 0; n < B; n++)
    for (let co = 0; co < Co; co++)
      for (let h = 0; h < H; h++)
        for (let v = 0; v < W; v++) {
          let s = b ? b.data[co]! : 0;
          for (let ci = 0; ci < Ci; ci++)
            for (let i = 0; i < K; i++)
              for (let j = 0; j < K; j++) {
                const hh = h + i - p,
                  vv = v + j - p;
                if (hh < 0 || hh >= H || vv < 0 || vv >= W) continue;
                s += x.data[((n * Ci + ci) * H + hh) * W + vv]! * w.data[((co * Ci + ci) * K + i) * K + j]!;
              }
          out.data[((n * Co + co) * H + h) * W + v] = s;
        }
  return out;
}

function filterGrad(x: RefArray, dy: RefArray, K: number): RefArray {
  const [B, Ci, H, W] = x.shape as [number, number, number, number];
  const Co = dy.shape[1]!,
    p = (K - 1) / 2;
  const out = arr([Co, Ci, K, K]);
  for (let co = 0; co < Co; co++)
    for (let ci = 0; ci < Ci; ci++)
      for (let i = 0; i < K; i++)
        for (let j = 0; j < K; j++) {
          let s = 0;
          for (let n = 0; n < B; n++)
            for (let h = 0; h < H; h++)
              for (let v = 0; v < W; v++) {
                const hh = h + i - p,
                  vv = v + j - p;
                if (hh < 0 || hh >= H || vv < 0 || vv >= W) continue;
                s += dy.data[((n * Co + co) * H + h) * W + v]! * x.data[((n * Ci + ci) * H + hh) * W + vv]!;
              }
          out.data[((co * Ci + ci) * K + i) * K + j] = s;
        }
  return out;
}

function pool(x: RefArray, kind: 'max' | 'avg'): RefArray {
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const out = arr([B, C, H / 2, W / 2]);
  let o = 0;
  for (let n = 0; n < B * C; n++)
    for (let h = 0; h < H; h += 2)
      for (let v = 0; v < W; v += 2) {
        const q = [0, 1, W, W + 1].map((d) => x.data[n * H * W + h * W + v + d]!);
        out.data[o++] = kind === 'max' ? Math.max(...q) : (q[0]! + q[1]! + q[2]! + q[3]!) / 4;
      }
  return out;
}

function upsample2(x: RefArray): RefArray {
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const out = arr([B, C, 2 * H, 2 * W]);
  forEachIndex(
    out.shape,
    (idx, f) => (out.data[f] = x.data[((idx[0]! * C + idx[1]!) * H + (idx[2]! >> 1)) * W + (idx[3]! >> 1)]!),
  );
  return out;
}

/** Generic gather: out[idx] = x[map(idx)] (map returns a source multi-index or null for zero). */
function gather(x: RefArray, shape: number[], map: (idx: number[]) => number[] | null): RefArray {
  const st = strides(x.shape);
  const out = arr(shape);
  forEachIndex(shape, (idx, f) => {
    const s = map(idx);
    if (s) out.data[f] = x.data[s.reduce((p, v, d) => p + v * st[d]!, 0)]!;
  });
  return out;
}

function reduce(x: RefArray, axes: readonly number[], keep: boolean, mean: boolean): RefArray {
  const ax = axes.map((a) => (a < 0 ? a + x.shape.length : a));
  const kshape = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = arr(kshape);
  const ko = strides(kshape);
  let cnt = 1;
  for (const a of ax) cnt *= x.shape[a]!;
  forEachIndex(x.shape, (idx, f) => {
    let o = 0;
    for (let d = 0; d < idx.length; d++) if (!ax.includes(d)) o += idx[d]! * ko[d]!;
    out.data[o]! += x.data[f]!;
  });
  if (mean) for (let i = 0; i < out.data.length; i++) out.data[i]! /= cnt;
  return keep ? out : { shape: x.shape.filter((_, i) => !ax.includes(i)), data: out.data };
}

/** What a reference rule sees: the node, its evaluated operands, and helpers. */
interface RefContext {
  t: Tensor;
  ins: RefArray[];
  x: RefArray;
  y: RefArray;
  z: RefArray;
  a: Tensor['attrs'];
  /** Elementwise unary map of x. */
  u: (f: (v: number) => number) => RefArray;
  /** t's shape with the batch dim resolved. */
  conc: (t: Tensor) => number[];
  /** The fed value of an input/param (checks its shape, infers the batch size). */
  feed: (t: Tensor, name: string) => RefArray;
}

/** Float64 semantics per op: a new op without one does not compile. */
const REF: Record<OpName, (c: RefContext) => RefArray> = {
  param: ({ t, a, feed }) => feed(t, a.name!),
  input: ({ t, a, feed }) => feed(t, a.name!),
  const: ({ a, conc, t }) => ({ shape: conc(t), data: Float64Array.from(a.data!) }),
  add: ({ ins }) => nary(ins, (p, q) => p + q),
  sub: ({ ins }) => nary(ins, (p, q) => p - q),
  mul: ({ ins }) => nary(ins, (p, q) => p * q),
  div: ({ ins }) => nary(ins, (p, q) => p / q),
  neg: ({ u }) => u((v) => -v),
  exp: ({ u }) => u(Math.exp),
  log: ({ u }) => u(Math.log),
  sqrt: ({ u }) => u(Math.sqrt),
  abs: ({ u }) => u(Math.abs),
  sign: ({ u }) => u(Math.sign),
  pow: ({ a, u }) => u((v) => v ** a.p!),
  relu: ({ u }) => u((v) => Math.max(v, 0)),
  sigmoid: ({ u }) => u(sigmoid),
  tanh: ({ u }) => u(Math.tanh),
  sin: ({ u }) => u(Math.sin),
  cos: ({ u }) => u(Math.cos),
  softplus: ({ u }) => u((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))),
  swish: ({ u }) => u((v) => v * sigmoid(v)),
  erf: ({ u }) => u(erf),
  greater: ({ ins }) => nary(ins, (p, q) => +(p > q)),
  equal: ({ ins }) => nary(ins, (p, q) => +(p === q)),
  cast: ({ x }) => x,
  where: ({ ins }) => nary(ins, (c, p, q) => (c ? p : q)),
  matmul: ({ x, y }) => matmul(x, y),
  conv2d: ({ x, y, z, ins }) => conv2d(x, y, ins[2] ? z : undefined),
  conv2dFilterGrad: ({ x, y, a }) => filterGrad(x, y, a.kernel!),
  maxpool2: ({ x }) => pool(x, 'max'),
  avgpool2: ({ x }) => pool(x, 'avg'),
  upsample2: ({ x }) => upsample2(x),
  reshape: ({ x, conc, t }) => ({ shape: conc(t), data: x.data }),
  transpose: ({ x, a }) =>
    gather(
      x,
      a.perm!.map((p) => x.shape[p]!),
      (idx) => {
        const s: number[] = [];
        a.perm!.forEach((p, i) => (s[p] = idx[i]!));
        return s;
      },
    ),
  slice: ({ x, a, conc, t }) => {
    const shape = conc(t);
    return gather(x, shape, (idx) =>
      idx.map((v, d) => {
        const k = a.axes!.indexOf(d);
        return k < 0 ? v : v + a.starts![k]!;
      }),
    );
  },
  flip: ({ x, a }) =>
    gather(x, x.shape, (idx) => idx.map((v, d) => (a.axes!.includes(d) ? x.shape[d]! - 1 - v : v))),
  concat: ({ x, ins, a, conc, t }) => {
    const ax = a.axis! < 0 ? a.axis! + x.shape.length : a.axis!;
    const shape = conc(t);
    const out = arr(shape);
    const bounds: number[] = [];
    let acc = 0;
    for (const i of ins) bounds.push((acc += i.shape[ax]!));
    forEachIndex(shape, (idx, f) => {
      const k = bounds.findIndex((b) => idx[ax]! < b);
      const src = ins[k]!,
        st = strides(src.shape);
      const lo = k ? bounds[k - 1]! : 0;
      out.data[f] = src.data[idx.reduce((p, v, d) => p + (d === ax ? v - lo : v) * st[d]!, 0)]!;
    });
    return out;
  },
  pad: ({ x, a, conc, t }) => {
    const p = a.pads!;
    return gather(x, conc(t), (idx) => {
      const s = idx.map((v, d) => v - p[d]![0]);
      return s.every((v, d) => v >= 0 && v < x.shape[d]!) ? s : null;
    });
  },
  expand: ({ x, y, conc, t }) => nary([x, arr(y ? y.shape : conc(t))], (p) => p),
  sum: ({ x, a }) => reduce(x, a.axes!, !!a.keepdims, false),
  mean: ({ x, a }) => reduce(x, a.axes!, !!a.keepdims, true),
  stopGradient: ({ x }) => x,
  batchSize: ({ x, a }) => ({ shape: [], data: Float64Array.of(x.shape[a.axis!]!) }),
};

/**
 * Evaluate `outputs` in float64. `feeds` gives every input/param by name (row-major data);
 * the batch dim 'B' is inferred from the fed shapes.
 */
export function evaluate(
  outputs: readonly Tensor[],
  feeds: Readonly<Record<string, { shape: readonly number[]; data: ArrayLike<number> }>>,
): RefArray[] {
  const memo = new Map<number, RefArray>();
  let B: number | undefined;
  const conc = (t: Tensor) => t.shape.map((d) => (d === 'B' ? B! : d));
  const feed = (t: Tensor, name: string): RefArray => {
    const f = feeds[name];
    if (!f) throw new EngineError(`reference: no feed for '${name}'`);
    t.shape.forEach((d, i) => {
      if (d === 'B') {
        if (B !== undefined && B !== f.shape[i]) throw new EngineError(`reference: inconsistent batch size`);
        B = f.shape[i]!;
      } else if (d !== f.shape[i])
        throw new EngineError(`reference: feed '${name}' has shape [${f.shape}], expected [${t.shape}]`);
    });
    return { shape: [...f.shape], data: Float64Array.from(f.data) };
  };
  const ev = (t: Tensor): RefArray => {
    const hit = memo.get(t.id);
    if (hit) return hit;
    const ins = t.inputs.map(ev);
    const [x, y, z] = ins as [RefArray, RefArray, RefArray];
    const u = (f: (v: number) => number) => nary([x], f);
    const rule = REF[t.op];
    if (!rule) throw new EngineError(`reference: no semantics for op '${t.op as string}'`);
    const r = rule({ t, ins, x, y, z, a: t.attrs, u, conc, feed });
    if (t.op === 'reshape' && r.data.length !== size(r.shape))
      throw new EngineError('reference: reshape size mismatch');
    memo.set(t.id, r);
    return r;
  };
  return outputs.map(ev);
}
