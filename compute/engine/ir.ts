/**
 * Graph IR: symbolic tensors with static shapes plus one symbolic batch dimension `'B'`.
 *
 * Every `Tensor` is the single output of one primitive application (`op`, `inputs`, `attrs`).
 * Shapes are computed — and checked — when a node is built, by the primitive's shape rule in
 * `primitives.ts`, so a mismatched graph fails at the line that built it, naming the op and shapes.
 * The builder is fluent: `g.conv2d(x, w, b).relu().maxpool2()`; numbers are accepted wherever a
 * tensor operand is expected and become scalar constants.
 */
import { PRIMITIVES } from './primitives';

/** A dimension: a static size, or the symbolic batch dimension. */
export type Dim = number | 'B';
export type Shape = readonly Dim[];
export type DType = 'float32' | 'bool';
/** The symbolic batch dimension (fed at run time; one per graph, same size everywhere). */
export const BATCH = 'B' as const;

export type OpName =
  | 'input'
  | 'param'
  | 'const'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'pow'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'swish'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'greater'
  | 'equal'
  | 'cast'
  | 'where'
  | 'matmul'
  | 'conv2d'
  | 'conv2dFilterGrad'
  | 'maxpool2'
  | 'avgpool2'
  | 'upsample2'
  | 'reshape'
  | 'transpose'
  | 'slice'
  | 'flip'
  | 'concat'
  | 'pad'
  | 'expand'
  | 'sum'
  | 'mean'
  | 'stopGradient'
  | 'batchSize';

/** Op attributes (each primitive reads the few it needs). */
export interface Attrs {
  /** input/param: feed name. */
  name?: string;
  /** const: row-major data. */
  data?: Float32Array;
  /** pow: scalar exponent. */
  p?: number;
  /** reshape/expand: target shape. */
  shape?: Shape;
  /** transpose: permutation. */
  perm?: readonly number[];
  /** sum/mean/flip/slice: axes. */
  axes?: readonly number[];
  keepdims?: boolean;
  /** slice: per entry of `axes`, half-open [start, end). */
  starts?: readonly number[];
  ends?: readonly number[];
  /** pad: per dimension [before, after] zero padding. */
  pads?: readonly (readonly [number, number])[];
  /** concat axis; batchSize: which axis holds 'B'. */
  axis?: number;
  /** conv2d / conv2dFilterGrad: kernel size (odd, same padding). */
  kernel?: number;
}

export class EngineError extends Error {
  override name = 'EngineError';
}

export function fmtShape(s: Shape): string {
  return `[${s.join(',')}]`;
}

export function numel(s: Shape): number {
  let n = 1;
  for (const d of s) if (d !== BATCH) n *= d;
  return n;
}

export type Operand = Tensor | number;

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly op: OpName,
    readonly inputs: readonly Tensor[],
    readonly attrs: Attrs,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {}

  get rank(): number {
    return this.shape.length;
  }
  toString(): string {
    return `${this.op}#${this.id}${fmtShape(this.shape)}`;
  }

  add(o: Operand): Tensor {
    return this.graph.add(this, o);
  }
  sub(o: Operand): Tensor {
    return this.graph.sub(this, o);
  }
  mul(o: Operand): Tensor {
    return this.graph.mul(this, o);
  }
  div(o: Operand): Tensor {
    return this.graph.div(this, o);
  }
  neg(): Tensor {
    return this.graph.neg(this);
  }
  exp(): Tensor {
    return this.graph.exp(this);
  }
  log(): Tensor {
    return this.graph.log(this);
  }
  sqrt(): Tensor {
    return this.graph.sqrt(this);
  }
  abs(): Tensor {
    return this.graph.abs(this);
  }
  pow(p: number): Tensor {
    return this.graph.pow(this, p);
  }
  square(): Tensor {
    return this.graph.pow(this, 2);
  }
  relu(): Tensor {
    return this.graph.relu(this);
  }
  sigmoid(): Tensor {
    return this.graph.sigmoid(this);
  }
  tanh(): Tensor {
    return this.graph.tanh(this);
  }
  sin(): Tensor {
    return this.graph.sin(this);
  }
  cos(): Tensor {
    return this.graph.cos(this);
  }
  softplus(): Tensor {
    return this.graph.softplus(this);
  }
  swish(): Tensor {
    return this.graph.swish(this);
  }
  erf(): Tensor {
    return this.graph.erf(this);
  }
  gelu(): Tensor {
    return this.graph.gelu(this);
  }
  matmul(o: Tensor): Tensor {
    return this.graph.matmul(this, o);
  }
  maxpool2(): Tensor {
    return this.graph.maxpool2(this);
  }
  avgpool2(): Tensor {
    return this.graph.avgpool2(this);
  }
  upsample2(): Tensor {
    return this.graph.upsample2(this);
  }
  reshape(shape: Shape): Tensor {
    return this.graph.reshape(this, shape);
  }
  transpose(perm: readonly number[]): Tensor {
    return this.graph.transpose(this, perm);
  }
  slice(axes: readonly number[], starts: readonly number[], ends: readonly number[]): Tensor {
    return this.graph.slice(this, axes, starts, ends);
  }
  pad(pads: readonly (readonly [number, number])[]): Tensor {
    return this.graph.pad(this, pads);
  }
  sum(axes?: readonly number[], keepdims = false): Tensor {
    return this.graph.sum(this, axes, keepdims);
  }
  mean(axes?: readonly number[], keepdims = false): Tensor {
    return this.graph.mean(this, axes, keepdims);
  }
  stopGradient(): Tensor {
    return this.graph.stopGradient(this);
  }
}

/** A graph under construction. Nodes are kept in creation (= topological) order. */
export class Graph {
  readonly nodes: Tensor[] = [];
  private readonly feeds = new Map<string, Tensor>();

  /** Generic node constructor: checks the op exists, operands belong here, and the shape rule. */
  apply(op: OpName, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
    const prim = PRIMITIVES[op];
    if (!prim) throw new EngineError(`unknown op '${String(op)}'`);
    for (const t of inputs) {
      if (!(t instanceof Tensor)) throw new EngineError(`${op}: operand is not a Tensor (${String(t)})`);
      if (t.graph !== this) throw new EngineError(`${op}: operand ${t} belongs to another graph`);
    }
    let shape: Shape;
    let dtype: DType;
    try {
      const r = prim.shape(inputs, attrs);
      shape = r.shape;
      dtype = r.dtype ?? 'float32';
    } catch (e) {
      const shapes = inputs.map((t) => fmtShape(t.shape)).join(', ');
      throw new EngineError(`${op}: ${(e as Error).message} (operand shapes ${shapes || 'none'})`);
    }
    const t = new Tensor(this, this.nodes.length, op, inputs, attrs, shape, dtype);
    this.nodes.push(t);
    return t;
  }

  private lift(v: Operand): Tensor {
    return typeof v === 'number' ? this.scalar(v) : v;
  }

  // ---- leaves ----
  /** A per-step feed (data batch, probe, offsets, …). Shape may contain 'B'. */
  input(name: string, shape: Shape): Tensor {
    return this.leaf('input', name, shape);
  }
  /** A named parameter; its value lives in a ParamStore (or is fed). */
  param(name: string, shape: Shape): Tensor {
    if (shape.includes(BATCH))
      throw new EngineError(`param '${name}': parameters cannot have the batch dimension`);
    return this.leaf('param', name, shape);
  }
  private leaf(op: 'input' | 'param', name: string, shape: Shape): Tensor {
    if (!/^[A-Za-z_][A-Za-z0-9_.:/-]*$/.test(name)) throw new EngineError(`${op}: invalid name '${name}'`);
    const prev = this.feeds.get(name);
    if (prev) {
      if (prev.op !== op || fmtShape(prev.shape) !== fmtShape(shape)) {
        throw new EngineError(
          `${op} '${name}': already declared as ${prev.op} ${fmtShape(prev.shape)}, now ${fmtShape(shape)}`,
        );
      }
      return prev;
    }
    const t = this.apply(op, [], { name, shape });
    this.feeds.set(name, t);
    return t;
  }
  /** A constant; data is copied to float32 and must be finite. */
  constant(data: ArrayLike<number>, shape: Shape): Tensor {
    const arr = Float32Array.from(data as ArrayLike<number>);
    return this.apply('const', [], { data: arr, shape });
  }
  scalar(v: number): Tensor {
    return this.constant([v], []);
  }
  /** Declared feeds (inputs and params) by name. */
  feed(name: string): Tensor | undefined {
    return this.feeds.get(name);
  }
  get params(): Tensor[] {
    return [...this.feeds.values()].filter((t) => t.op === 'param');
  }
  get inputs(): Tensor[] {
    return [...this.feeds.values()].filter((t) => t.op === 'input');
  }

  // ---- elementwise (numpy broadcasting) ----
  add(a: Operand, b: Operand): Tensor {
    return this.apply('add', [this.lift(a), this.lift(b)]);
  }
  sub(a: Operand, b: Operand): Tensor {
    return this.apply('sub', [this.lift(a), this.lift(b)]);
  }
  mul(a: Operand, b: Operand): Tensor {
    return this.apply('mul', [this.lift(a), this.lift(b)]);
  }
  div(a: Operand, b: Operand): Tensor {
    return this.apply('div', [this.lift(a), this.lift(b)]);
  }
  neg(x: Tensor): Tensor {
    return this.apply('neg', [x]);
  }
  exp(x: Tensor): Tensor {
    return this.apply('exp', [x]);
  }
  log(x: Tensor): Tensor {
    return this.apply('log', [x]);
  }
  sqrt(x: Tensor): Tensor {
    return this.apply('sqrt', [x]);
  }
  abs(x: Tensor): Tensor {
    return this.apply('abs', [x]);
  }
  sign(x: Tensor): Tensor {
    return this.apply('sign', [x]);
  }
  pow(x: Tensor, p: number): Tensor {
    return this.apply('pow', [x], { p });
  }
  relu(x: Tensor): Tensor {
    return this.apply('relu', [x]);
  }
  sigmoid(x: Tensor): Tensor {
    return this.apply('sigmoid', [x]);
  }
  tanh(x: Tensor): Tensor {
    return this.apply('tanh', [x]);
  }
  sin(x: Tensor): Tensor {
    return this.apply('sin', [x]);
  }
  cos(x: Tensor): Tensor {
    return this.apply('cos', [x]);
  }
  softplus(x: Tensor): Tensor {
    return this.apply('softplus', [x]);
  }
  swish(x: Tensor): Tensor {
    return this.apply('swish', [x]);
  }
  erf(x: Tensor): Tensor {
    return this.apply('erf', [x]);
  }
  /** Exact GELU x·Φ(x) = ½x(1 + erf(x/√2)) (composite; ORT fuses this pattern into its Gelu kernel). */
  gelu(x: Tensor): Tensor {
    return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
  }
  /** Boolean a > b. */
  greater(a: Operand, b: Operand): Tensor {
    return this.apply('greater', [this.lift(a), this.lift(b)]);
  }
  /** Boolean a == b. */
  equal(a: Operand, b: Operand): Tensor {
    return this.apply('equal', [this.lift(a), this.lift(b)]);
  }
  /** Boolean → float32 0/1 mask (for mask multiplies). */
  cast(cond: Tensor): Tensor {
    return this.apply('cast', [cond]);
  }
  /** cond ? a : b (broadcasting). */
  where(cond: Tensor, a: Operand, b: Operand): Tensor {
    return this.apply('where', [cond, this.lift(a), this.lift(b)]);
  }

  // ---- linear algebra / conv ----
  /** Batched matmul (..., m, k) @ (..., k, n), batch dims broadcast. Rank ≥ 2. */
  matmul(a: Tensor, b: Tensor): Tensor {
    return this.apply('matmul', [a, b]);
  }
  /** NCHW conv, stride 1, same padding, odd square kernel; w (Co,Ci,k,k); bias (Co) optional. */
  conv2d(x: Tensor, w: Tensor, b?: Tensor): Tensor {
    const k = w.shape[2];
    return this.apply('conv2d', b ? [x, w, b] : [x, w], { kernel: typeof k === 'number' ? k : -1 });
  }
  maxpool2(x: Tensor): Tensor {
    return this.apply('maxpool2', [x]);
  }
  avgpool2(x: Tensor): Tensor {
    return this.apply('avgpool2', [x]);
  }
  upsample2(x: Tensor): Tensor {
    return this.apply('upsample2', [x]);
  }

  // ---- layout ----
  reshape(x: Tensor, shape: Shape): Tensor {
    return this.apply('reshape', [x], { shape });
  }
  transpose(x: Tensor, perm: readonly number[]): Tensor {
    return this.apply('transpose', [x], { perm });
  }
  slice(x: Tensor, axes: readonly number[], starts: readonly number[], ends: readonly number[]): Tensor {
    return this.apply('slice', [x], { axes, starts, ends });
  }
  flip(x: Tensor, axes: readonly number[]): Tensor {
    return this.apply('flip', [x], { axes });
  }
  concat(xs: readonly Tensor[], axis: number): Tensor {
    return this.apply('concat', xs, { axis });
  }
  pad(x: Tensor, pads: readonly (readonly [number, number])[]): Tensor {
    return this.apply('pad', [x], { pads });
  }
  /** Broadcast to `shape` (numpy rules). When `shape` has a 'B' that x lacks, pass `batchOf`
   *  (any tensor with the batch dim) so the run-time batch size is known. */
  expand(x: Tensor, shape: Shape, batchOf?: Tensor): Tensor {
    return this.apply('expand', batchOf ? [x, batchOf] : [x], { shape });
  }

  // ---- reductions and misc ----
  sum(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
    return this.apply('sum', [x], { axes: axes ?? x.shape.map((_, i) => i), keepdims });
  }
  mean(x: Tensor, axes?: readonly number[], keepdims = false): Tensor {
    return this.apply('mean', [x], { axes: axes ?? x.shape.map((_, i) => i), keepdims });
  }
  stopGradient(x: Tensor): Tensor {
    return this.apply('stopGradient', [x]);
  }
  /** The run-time batch size as a float scalar (x must have 'B' on `axis`). */
  batchSize(x: Tensor): Tensor {
    const axis = x.shape.indexOf(BATCH);
    if (axis < 0) throw new EngineError(`batchSize: ${x} has no batch dim`);
    return this.apply('batchSize', [x], { axis });
  }
}
