/**
 * Lowering: IR → ONNX ModelProto (opset 18). One path, one table (`LOWERINGS`, one rule per op).
 *
 * - Only nodes reachable from the requested outputs are emitted (dead-branch elimination).
 * - Names are deterministic: feeds keep their names, IR node k becomes `t<k>` / node `<op>_<k>`
 *   (k = position among emitted nodes), requested outputs are Identity-renamed to their keys.
 * - Constants and baked parameters become initializers; other params/inputs are graph inputs.
 * - Every node's shape rule is re-run before emission; a mismatch names the op and shapes.
 */
import { EngineError, type Attrs, type OpName, type Shape, type Tensor, fmtShape } from './ir';
import { PRIMITIVES } from './primitives';
import {
  encodeModel,
  type OnnxAttrValue,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx/onnxProto';

export const OPSET = 18;

/** How conv2d's weight gradient is lowered (see bench/results/engine.md for the measurements). */
export type FilterGradStrategy = 'auto' | 'im2col' | 'gemm' | 'bmm';

/** Lowering choices that change the emitted ONNX, not the math (passed per call, never global). */
export interface LoweringChoices {
  /** 'auto': per-tap GEMM for small images (H·W ≤ 256, many channels), im2col otherwise (measured, see bench). */
  filterGrad?: FilterGradStrategy;
  /** upsample2 as ONNX Resize (default) or Reshape + Expand. */
  upsample?: 'resize' | 'expand';
}

export const DEFAULT_LOWERING: Readonly<Required<LoweringChoices>> = {
  filterGrad: 'auto',
  upsample: 'resize',
};

export interface LowerOptions extends LoweringChoices {
  name?: string;
  /** Parameter values to bake in as initializers (ORT can then prepack them); others are inputs. */
  bake?: (paramName: string) => Float32Array | undefined;
  docString?: string;
  metadata?: Record<string, string>;
}

export interface FeedInfo {
  name: string;
  kind: 'input' | 'param';
  shape: Shape;
}
export interface LoweredModel {
  model: OnnxModel;
  bytes: Uint8Array;
  /** Graph inputs in emission order. */
  feeds: FeedInfo[];
  outputs: { name: string; shape: Shape }[];
}

const a = {
  int: (value: number): OnnxAttrValue => ({ kind: 'int', value }),
  ints: (value: readonly number[]): OnnxAttrValue => ({ kind: 'ints', value }),
  str: (value: string): OnnxAttrValue => ({ kind: 'string', value }),
};

/** Topologically ordered nodes reachable from `roots`. */
export function reachable(roots: readonly Tensor[]): Tensor[] {
  const seen = new Map<number, Tensor>();
  const stack = [...roots];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.set(t.id, t);
    stack.push(...t.inputs);
  }
  return [...seen.values()].sort((x, y) => x.id - y.id);
}

/** What a lowering rule sees: the node, its operands' ONNX names, and the emitters. */
interface LowerContext {
  t: Tensor;
  ins: string[];
  x: string;
  y: string;
  at: Attrs;
  opts: LowerOptions;
  choices: Required<LoweringChoices>;
  /** Append an ONNX node; returns its output name. */
  emit: (opType: string, inputs: readonly string[], attributes?: Record<string, OnnxAttrValue>) => string;
  /** A deduplicated initializer. */
  init: (key: string, mk: (n: string) => OnnxTensor) => string;
  i64: (v: readonly number[]) => string;
  f32: (v: readonly number[], dims?: readonly number[]) => string;
  dimsOf: (s: Shape) => (number | -1)[];
  /** The same-named ONNX op on the node's operands. */
  direct: (op: string) => string;
  feeds: FeedInfo[];
  graphInputs: OnnxValueInfo[];
  inits: OnnxTensor[];
}

/** One ONNX lowering per op: a new op without one does not compile. */
const LOWERINGS: Record<OpName, (c: LowerContext) => string> = {
  param: ({ t, at, opts, feeds, graphInputs, inits }) => {
    const baked = t.op === 'param' ? opts.bake?.(at.name!) : undefined;
    if (baked) {
      if (baked.length !== t.shape.reduce<number>((p, d) => p * (d as number), 1))
        throw new EngineError(
          `param '${at.name}': value has ${baked.length} elements, shape ${fmtShape(t.shape)}`,
        );
      inits.push({ name: at.name!, dtype: 'FLOAT', dims: t.shape as number[], data: baked });
    } else {
      feeds.push({ name: at.name!, kind: t.op as 'input' | 'param', shape: t.shape });
      graphInputs.push({ name: at.name!, dtype: 'FLOAT', shape: t.shape });
    }
    return at.name!;
  },
  input: (c) => LOWERINGS.param(c),
  const: ({ t, at, f32, inits }) => {
    const d = at.data!;
    if (d.length <= 16) return f32([...d], t.shape as number[]);
    inits.push({ name: `k${t.id}`, dtype: 'FLOAT', dims: t.shape as number[], data: d });
    return `k${t.id}`;
  },
  add: ({ direct }) => direct('Add'),
  sub: ({ direct }) => direct('Sub'),
  mul: ({ direct }) => direct('Mul'),
  div: ({ direct }) => direct('Div'),
  neg: ({ direct }) => direct('Neg'),
  exp: ({ direct }) => direct('Exp'),
  log: ({ direct }) => direct('Log'),
  sqrt: ({ direct }) => direct('Sqrt'),
  abs: ({ direct }) => direct('Abs'),
  sign: ({ direct }) => direct('Sign'),
  relu: ({ direct }) => direct('Relu'),
  sigmoid: ({ direct }) => direct('Sigmoid'),
  tanh: ({ direct }) => direct('Tanh'),
  sin: ({ direct }) => direct('Sin'),
  cos: ({ direct }) => direct('Cos'),
  softplus: ({ direct }) => direct('Softplus'),
  erf: ({ direct }) => direct('Erf'),
  swish: ({ x, emit }) => emit('Mul', [x, emit('Sigmoid', [x])]),
  pow: ({ x, at, emit, f32 }) => {
    const p = at.p!;
    return p === 1
      ? x
      : p === 2
        ? emit('Mul', [x, x])
        : p === 0.5
          ? emit('Sqrt', [x])
          : p === -1
            ? emit('Reciprocal', [x])
            : emit('Pow', [x, f32([p], [])]);
  },
  greater: ({ direct }) => direct('Greater'),
  equal: ({ direct }) => direct('Equal'),
  cast: ({ x, emit }) => emit('Cast', [x], { to: a.int(1) }),
  where: ({ direct }) => direct('Where'),
  matmul: ({ direct }) => direct('MatMul'),
  conv2d: ({ ins, at, emit }) => {
    const kk = at.kernel!,
      p = (kk - 1) / 2;
    return emit('Conv', ins, {
      kernel_shape: a.ints([kk, kk]),
      pads: a.ints([p, p, p, p]),
      strides: a.ints([1, 1]),
    });
  },
  conv2dFilterGrad: ({ t, x, y, at, choices, emit, init, i64 }) => {
    const [xs, dys] = t.inputs as [Tensor, Tensor];
    const [Ci, H, W] = [xs.shape[1] as number, xs.shape[2] as number, xs.shape[3] as number];
    const Co = dys.shape[1] as number,
      kk = at.kernel!,
      p = (kk - 1) / 2;
    const taps: string[] = [];
    const strategy = choices.filterGrad === 'auto' ? (H * W <= 256 ? 'gemm' : 'im2col') : choices.filterGrad;
    if (strategy === 'im2col') {
      // im2col by a depthwise one-hot Conv (k² outputs per channel, group = channels), then ONE
      // batched MatMul contracting over pixels and a sum over the batch. Unfold whichever side
      // has fewer channels: x (taps of x) or dY (flipped taps, since dW[i,j] = Σ x·dY shifted by −(i,j)).
      const unfoldDy = Co < Ci;
      const Cu = unfoldDy ? Co : Ci,
        k2 = kk * kk;
      const eye = new Float32Array(Cu * k2 * k2);
      for (let c = 0; c < Cu; c++)
        for (let q = 0; q < k2; q++) eye[(c * k2 + q) * k2 + (unfoldDy ? k2 - 1 - q : q)] = 1;
      const eyeName = init(`eye${kk}x${Cu}${unfoldDy ? 'f' : ''}`, (n) => ({
        name: n,
        dtype: 'FLOAT',
        dims: [Cu * k2, 1, kk, kk],
        data: eye,
      }));
      const cols = emit('Conv', [unfoldDy ? y : x, eyeName], {
        kernel_shape: a.ints([kk, kk]),
        pads: a.ints([p, p, p, p]),
        strides: a.ints([1, 1]),
        group: a.int(Cu),
      });
      const colsT = emit('Transpose', [emit('Reshape', [cols, i64([-1, Cu * k2, H * W])])], {
        perm: a.ints([0, 2, 1]),
      });
      const other = emit('Reshape', [unfoldDy ? x : y, i64([-1, unfoldDy ? Ci : Co, H * W])]);
      const sum = emit('ReduceSum', [emit('MatMul', [other, colsT]), i64([0])], { keepdims: a.int(0) });
      return unfoldDy
        ? emit('Transpose', [emit('Reshape', [sum, i64([Ci, Co, kk, kk])])], { perm: a.ints([1, 0, 2, 3]) })
        : emit('Reshape', [sum, i64([Co, Ci, kk, kk])]);
    }
    const xp = p ? emit('Pad', [x, i64([0, 0, p, p, 0, 0, p, p])]) : x;
    if (strategy === 'gemm') {
      // contract over (batch, pixels) in one GEMM per tap: dYᵀ (Co, B·HW) · Xtap (Ci, B·HW)ᵀ
      const xpT = emit('Transpose', [xp], { perm: a.ints([1, 0, 2, 3]) });
      const dyT = emit('Reshape', [emit('Transpose', [y], { perm: a.ints([1, 0, 2, 3]) }), i64([Co, -1])]);
      for (let i = 0; i < kk; i++)
        for (let j = 0; j < kk; j++) {
          const xt = emit('Reshape', [
            emit('Slice', [xpT, i64([i, j]), i64([i + H, j + W]), i64([2, 3])]),
            i64([Ci, -1]),
          ]);
          taps.push(emit('Reshape', [emit('Gemm', [dyT, xt], { transB: a.int(1) }), i64([Co, Ci, 1])]));
        }
    } else {
      // per-tap batched MatMul dY (B,Co,HW) @ Xtapᵀ (B,HW,Ci), summed over the batch
      const dyR = emit('Reshape', [y, i64([-1, Co, H * W])]);
      for (let i = 0; i < kk; i++)
        for (let j = 0; j < kk; j++) {
          const xt = emit('Reshape', [
            emit('Slice', [xp, i64([i, j]), i64([i + H, j + W]), i64([2, 3])]),
            i64([-1, Ci, H * W]),
          ]);
          const m = emit('MatMul', [dyR, emit('Transpose', [xt], { perm: a.ints([0, 2, 1]) })]);
          taps.push(emit('ReduceSum', [m, i64([0])], { keepdims: a.int(0) }));
          taps[taps.length - 1] = emit('Reshape', [taps[taps.length - 1]!, i64([Co, Ci, 1])]);
        }
    }
    return emit('Reshape', [emit('Concat', taps, { axis: a.int(2) }), i64([Co, Ci, kk, kk])]);
  },
  maxpool2: ({ x, emit }) => emit('MaxPool', [x], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) }),
  avgpool2: ({ x, emit }) =>
    emit('AveragePool', [x], { kernel_shape: a.ints([2, 2]), strides: a.ints([2, 2]) }),
  upsample2: ({ t, x, choices, emit, i64, f32 }) => {
    if (choices.upsample === 'expand') {
      const [C, H, W] = [
        t.inputs[0]!.shape[1] as number,
        t.inputs[0]!.shape[2] as number,
        t.inputs[0]!.shape[3] as number,
      ];
      const e = emit('Expand', [emit('Reshape', [x, i64([-1, C, H, 1, W, 1])]), i64([1, 1, 1, 2, 1, 2])]);
      return emit('Reshape', [e, i64([-1, C, 2 * H, 2 * W])]);
    }
    return emit('Resize', [x, '', f32([1, 1, 2, 2])], {
      mode: a.str('nearest'),
      coordinate_transformation_mode: a.str('asymmetric'),
      nearest_mode: a.str('floor'),
    });
  },
  reshape: ({ x, at, emit, i64, dimsOf }) => emit('Reshape', [x, i64(dimsOf(at.shape!))]),
  transpose: ({ x, at, emit }) => emit('Transpose', [x], { perm: a.ints(at.perm!) }),
  slice: ({ x, at, emit, i64 }) => emit('Slice', [x, i64(at.starts!), i64(at.ends!), i64(at.axes!)]),
  flip: ({ x, at, emit, i64 }) => {
    const n = at.axes!.length;
    return emit('Slice', [
      x,
      i64(Array(n).fill(-1)),
      i64(Array(n).fill(-Number.MAX_SAFE_INTEGER)),
      i64(at.axes!),
      i64(Array(n).fill(-1)),
    ]);
  },
  concat: ({ ins, at, emit }) => emit('Concat', ins, { axis: a.int(at.axis!) }),
  pad: ({ x, at, emit, i64 }) => {
    const p = at.pads!;
    return emit('Pad', [x, i64([...p.map((q) => q[0]), ...p.map((q) => q[1])])]);
  },
  expand: ({ t, x, y, at, emit, i64 }) => {
    const xs = t.inputs[0]!,
      target = at.shape!,
      off = target.length - xs.rank;
    // 1 where x already has the dim (Expand broadcasts), static sizes, and B read from `src`
    const dims = target.map((d, i) => (d === 'B' && xs.shape[i - off] === 'B' ? 1 : d));
    const bAt = dims.indexOf('B');
    let shapeName: string;
    if (bAt < 0) shapeName = i64(dims as number[]);
    else {
      const src = t.inputs[1]!;
      const b = emit('Shape', [y], {
        start: a.int(src.shape.indexOf('B')),
        end: a.int(src.shape.indexOf('B') + 1),
      });
      const parts = [dims.slice(0, bAt), dims.slice(bAt + 1)].map((p) =>
        p.length ? i64(p as number[]) : null,
      );
      shapeName = emit(
        'Concat',
        [parts[0], b, parts[1]].filter((p): p is string => !!p),
        { axis: a.int(0) },
      );
    }
    return emit('Expand', [x, shapeName]);
  },
  mean: ({ t, x, at, emit, i64 }) => {
    return at.axes!.length === 0
      ? x
      : emit(t.op === 'sum' ? 'ReduceSum' : 'ReduceMean', [x, i64(at.axes!)], {
          keepdims: a.int(at.keepdims ? 1 : 0),
        });
  },
  sum: (c) => LOWERINGS.mean(c),
  stopGradient: ({ x }) => x,
  batchSize: ({ x, at, emit, i64 }) => {
    const s = emit('Shape', [x], { start: a.int(at.axis!), end: a.int(at.axis! + 1) });
    return emit('Reshape', [emit('Cast', [s], { to: a.int(1) }), i64([])]);
  },
};

export function lower(outputs: Readonly<Record<string, Tensor>>, opts: LowerOptions = {}): LoweredModel {
  const outNames = Object.keys(outputs);
  if (outNames.length === 0) throw new EngineError('lower: no outputs requested');
  const roots = outNames.map((k) => outputs[k]!);
  const graph = roots[0]!.graph;
  for (const r of roots)
    if (r.graph !== graph) throw new EngineError('lower: outputs come from different graphs');
  const order = reachable(roots);

  // shape check before emission
  for (const t of order) {
    let s: Shape;
    try {
      s = PRIMITIVES[t.op].shape(t.inputs, t.attrs).shape;
    } catch (e) {
      throw new EngineError(
        `${t.op} (node ${t.id}): ${(e as Error).message}; operand shapes ${t.inputs.map((u) => fmtShape(u.shape)).join(', ')}`,
      );
    }
    if (fmtShape(s) !== fmtShape(t.shape))
      throw new EngineError(
        `${t.op} (node ${t.id}): recorded shape ${fmtShape(t.shape)} but rule gives ${fmtShape(s)}`,
      );
  }

  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  const feeds: FeedInfo[] = [];
  const graphInputs: OnnxValueInfo[] = [];
  const name = new Map<number, string>();
  const constCache = new Map<string, string>();
  let k = 0; // emission index of the IR node being lowered
  let sub = 0;

  const emit = (
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, OnnxAttrValue>,
  ): string => {
    const out = `t${k}_${sub}`;
    nodes.push({
      opType,
      inputs,
      outputs: [out],
      name: `${opType}_${k}_${sub}`,
      ...(attributes ? { attributes } : {}),
    });
    sub++;
    return out;
  };
  const init = (key: string, mk: (n: string) => OnnxTensor): string => {
    let n = constCache.get(key);
    if (!n) {
      n = `c${constCache.size}`;
      constCache.set(key, n);
      inits.push(mk(n));
    }
    return n;
  };
  const i64 = (v: readonly number[]) =>
    init(`i64:${v.join(',')}`, (n) => ({
      name: n,
      dtype: 'INT64',
      dims: [v.length],
      data: BigInt64Array.from(v.map((x) => BigInt(x))),
    }));
  const f32 = (v: readonly number[], dims: readonly number[] = [v.length]) =>
    init(`f32:${dims.join('x')}:${v.join(',')}`, (n) => ({
      name: n,
      dtype: 'FLOAT',
      dims,
      data: Float32Array.from(v),
    }));
  const dimsOf = (s: Shape) => s.map((d) => (d === 'B' ? -1 : d));

  const choices: Required<LoweringChoices> = {
    filterGrad: opts.filterGrad ?? DEFAULT_LOWERING.filterGrad,
    upsample: opts.upsample ?? DEFAULT_LOWERING.upsample,
  };
  for (const t of order) {
    k++;
    sub = 0;
    const ins = t.inputs.map((u) => name.get(u.id)!);
    const rule = LOWERINGS[t.op];
    if (!rule) throw new EngineError(`lower: no ONNX lowering for op '${t.op as string}'`);
    const [x, y] = ins as [string, string];
    const direct = (op: string) => emit(op, ins);
    name.set(
      t.id,
      rule({
        t,
        ins,
        x,
        y,
        at: t.attrs,
        opts,
        choices,
        emit,
        init,
        i64,
        f32,
        dimsOf,
        direct,
        feeds,
        graphInputs,
        inits,
      }),
    );
  }

  // Outputs: rename the producing node's output to the requested key (an Identity would copy the
  // tensor, e.g. every updated parameter each step); Identity only for feeds, constants and repeats.
  const outInfos: OnnxValueInfo[] = [];
  const feedNames = new Set(feeds.map((f) => f.name));
  const producer = new Map<string, OnnxNode>();
  nodes.forEach((n) => producer.set(n.outputs[0]!, n));
  const rename = new Map<string, string>();
  for (const key of outNames) {
    if (feedNames.has(key) || constCache.has(key) || inits.some((i) => i.name === key))
      throw new EngineError(`lower: output name '${key}' collides with an input`);
    const t = outputs[key]!;
    const src = name.get(t.id)!;
    if (producer.has(src) && !rename.has(src)) rename.set(src, key);
    else
      nodes.push({
        opType: 'Identity',
        inputs: [rename.get(src) ?? src],
        outputs: [key],
        name: `out_${key}`,
      });
    outInfos.push({ name: key, dtype: t.dtype === 'bool' ? 'BOOL' : 'FLOAT', shape: t.shape });
  }
  const r = (v: string) => rename.get(v) ?? v;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.inputs.some((v) => rename.has(v)) || n.outputs.some((v) => rename.has(v)))
      nodes[i] = { ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r) };
  }
  const model: OnnxModel = {
    opset: OPSET,
    irVersion: 8,
    graph: {
      name: opts.name ?? 'engine',
      nodes,
      inputs: graphInputs,
      outputs: outInfos,
      initializers: inits,
    },
    ...(opts.docString ? { docString: opts.docString } : {}),
    ...(opts.metadata ? { metadata: opts.metadata } : {}),
  };
  return {
    model,
    bytes: encodeModel(model),
    feeds,
    outputs: outNames.map((n) => ({ name: n, shape: outputs[n]!.shape })),
  };
}
