/**
 * Training steps and inference models.
 *
 * compileTrainStep appends gradients and optimizer updates to the loss graph and compiles
 * ONE ONNX model: inputs (batch feeds, params, optimizer state, lr, step) → outputs (loss,
 * extra outputs, new params, new state). Parameters and state stay Float32Arrays on the JS
 * side, double-buffered: each run writes into preallocated output buffers, which then become
 * the next step's inputs (no per-step allocation, no copies).
 *
 * compileInference bakes the current parameter values in as initializers, so ORT can prepack
 * weights; the model bytes are self-contained (any ONNX Runtime can run them).
 */
import type ort from 'onnxruntime-node';
import { grad } from './autodiff';
import { CompiledGraph, type CompileOptions, type FeedValue, type NamedArray } from './compile';
import { EngineError, type Tensor } from './ir';
import { reachable, type LoweringChoices } from './lower';
import type { Optimizer } from './optim';
import type { ParamStore } from './params';
import type { Provider, SessionOptions } from './runtime';
import { f32Tensor } from './runtime';

export interface ParamGroup {
  /** Parameter names, or a RegExp / name prefix matched against them. */
  match: readonly string[] | RegExp | string;
  /** Multiplies the learning rate for this group (default 1). */
  lrScale?: number;
  /** Frozen parameters are fed from the store but not updated. */
  frozen?: boolean;
}

export interface TrainStepSpec {
  /** Scalar loss to minimise. */
  loss: Tensor;
  /** More outputs per step: loss terms (scalars come back as numbers), predictions, … */
  extraOutputs?: Readonly<Record<string, Tensor>>;
  params: ParamStore;
  optimizer: Optimizer;
  /** Parameter groups, first match wins; unmatched params train with lrScale 1. */
  groups?: readonly ParamGroup[];
  /** Feeds that stay the same every step (probe, masks, …); `step` feeds may override. */
  constants?: Readonly<Record<string, FeedValue>>;
  session?: SessionOptions;
  /** How the step graph is lowered to ONNX (defaults: DEFAULT_LOWERING). */
  lowering?: LoweringChoices;
  name?: string;
}

export interface StepResult {
  loss: number;
  /** Extra outputs: scalars as numbers, others as arrays (valid until the next step). */
  outputs: Record<string, number | NamedArray>;
  step: number;
}

const LR = '__lr',
  STEP = '__step';
const stateName = (slot: string, p: string) => `opt.${slot}.${p}`;
const newName = (n: string) => `new.${n}`;
const paramOfState = (s: string) => s.replace(/^opt\.[^.]+\./, '');

function groupOf(groups: readonly ParamGroup[], name: string): ParamGroup | undefined {
  return groups.find((gr) =>
    typeof gr.match === 'string'
      ? name.startsWith(gr.match)
      : gr.match instanceof RegExp
        ? gr.match.test(name)
        : gr.match.includes(name),
  );
}

/** Thrown by `step` when the loss is NaN/±Inf; parameters and optimizer state are left as before the step. */
export class NonFiniteLossError extends EngineError {
  override name = 'NonFiniteLossError';
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(
      `training step ${step}: loss is ${loss}; the update was discarded (parameters and optimizer state are those of step ${step - 1})`,
    );
  }
}

export class TrainStep {
  private t = 0;
  private readonly cur = new Map<string, Float32Array>();
  private readonly next = new Map<string, Float32Array>();
  private readonly constants: Record<string, FeedValue>;

  private constructor(
    readonly compiled: CompiledGraph,
    readonly params: ParamStore,
    /** Trained parameter names. */
    readonly trainable: readonly string[],
    /** Optimizer state names (`opt.<slot>.<param>`). */
    readonly stateNames: readonly string[],
    readonly extraNames: readonly string[],
    constants: Readonly<Record<string, FeedValue>>,
  ) {
    this.constants = { ...constants };
    for (const p of trainable) {
      const cur = params.get(p);
      this.cur.set(p, cur);
      this.next.set(p, new Float32Array(cur.length));
    }
    for (const s of stateNames) {
      const n = params.get(paramOfState(s)).length;
      this.cur.set(s, new Float32Array(n));
      this.next.set(s, new Float32Array(n));
    }
  }

  static async compile(spec: TrainStepSpec): Promise<TrainStep> {
    const { loss, params, optimizer } = spec;
    const g = loss.graph;
    if (loss.rank !== 0)
      throw new EngineError(`compileTrainStep: loss must be a scalar, got [${loss.shape}]`);
    const groups = spec.groups ?? [];
    const used = reachable([loss, ...Object.values(spec.extraOutputs ?? {})]).filter((t) => t.op === 'param');
    for (const p of used) {
      const n = p.attrs.name!;
      if (!params.has(n))
        throw new EngineError(`compileTrainStep: graph parameter '${n}' is not in the ParamStore`);
      if (params.shape(n).join(',') !== p.shape.join(','))
        throw new EngineError(`param '${n}': graph shape [${p.shape}] vs store [${params.shape(n)}]`);
    }
    const train = used.filter((p) => !groupOf(groups, p.attrs.name!)?.frozen);
    if (train.length === 0) throw new EngineError('compileTrainStep: no trainable parameters');
    const grads = grad(loss, train);
    const lr = g.input(LR, []),
      step = g.input(STEP, []);
    const outputs: Record<string, Tensor> = { loss };
    for (const [k, v] of Object.entries(spec.extraOutputs ?? {})) {
      if (k === 'loss' || k.startsWith('new.') || k.startsWith('__'))
        throw new EngineError(`compileTrainStep: extra output name '${k}' is reserved`);
      if (v.graph !== g)
        throw new EngineError(`compileTrainStep: extra output '${k}' belongs to another graph`);
      outputs[k] = v;
    }
    const rules = new Map<number, ReturnType<Optimizer['prepare']>>();
    const stateNames: string[] = [];
    train.forEach((p, i) => {
      const name = p.attrs.name!;
      const scale = groupOf(groups, name)?.lrScale ?? 1;
      let rule = rules.get(scale);
      if (!rule)
        rules.set(scale, (rule = optimizer.prepare({ g, lr: scale === 1 ? lr : lr.mul(scale), step })));
      const slots = optimizer.slots.map((s) => {
        stateNames.push(stateName(s, name));
        return g.input(stateName(s, name), p.shape);
      });
      const upd = rule(p, grads[i]!, slots);
      outputs[newName(name)] = upd.param;
      optimizer.slots.forEach((s, k) => (outputs[newName(stateName(s, name))] = upd.slots[k]!));
    });
    const opts: CompileOptions = {
      ...(spec.session ?? {}),
      ...(spec.lowering ?? {}),
      name: spec.name ?? 'train_step',
    };
    const compiled = await CompiledGraph.create(outputs, opts);
    return new TrainStep(
      compiled,
      params,
      train.map((p) => p.attrs.name!),
      stateNames,
      Object.keys(spec.extraOutputs ?? {}),
      spec.constants ?? {},
    );
  }

  get provider(): Provider {
    return this.compiled.provider;
  }
  /** Number of steps taken (the next step uses t = stepCount + 1 for bias correction). */
  get stepCount(): number {
    return this.t;
  }
  /** Set or replace a constant feed (probe, …). */
  setConstant(name: string, value: FeedValue): void {
    this.constants[name] = value;
  }

  /** One training step: forward, backward and optimizer update in a single ORT run. */
  async step(feeds: Readonly<Record<string, FeedValue>>, lr: number): Promise<StepResult> {
    if (!Number.isFinite(lr)) throw new EngineError(`step: learning rate must be finite, got ${lr}`);
    const all: Record<string, FeedValue> = { ...this.constants, ...feeds };
    for (const f of this.compiled.feeds)
      if (f.kind === 'param' && !all[f.name]) all[f.name] = this.cur.get(f.name) ?? this.params.get(f.name);
    for (const s of this.stateNames) all[s] = this.cur.get(s)!;
    all[LR] = Float32Array.of(lr);
    all[STEP] = Float32Array.of(this.t + 1);
    const fetches: Record<string, ort.Tensor> = {};
    for (const [n, buf] of this.next) fetches[newName(n)] = f32Tensor(buf, this.dimsOf(n));
    const res = await this.compiled.run(all, fetches);
    const loss = res.loss!.data[0]!;
    if (!Number.isFinite(loss)) {
      // the update went to the spare buffers: dropping it keeps the last good parameters and state
      throw new NonFiniteLossError(this.t + 1, loss);
    }
    // swap buffers: outputs become the current values
    for (const [n, buf] of this.next) {
      const old = this.cur.get(n)!;
      this.cur.set(n, buf);
      this.next.set(n, old);
      if (!n.startsWith('opt.')) this.params.set(n, buf);
    }
    this.t++;
    const outputs: Record<string, number | NamedArray> = {};
    for (const k of this.extraNames) {
      const r = res[k]!;
      outputs[k] = r.data.length === 1 && r.dims.length === 0 ? r.data[0]! : r;
    }
    return { loss, outputs, step: this.t };
  }

  private dimsOf(n: string): number[] {
    return this.params.shape(n.startsWith('opt.') ? paramOfState(n) : n);
  }

  /** Optimizer state and step count, e.g. for a resumable checkpoint (copies). */
  state(): { step: number; tensors: Record<string, { shape: number[]; data: Float32Array }> } {
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const s of this.stateNames) tensors[s] = { shape: this.dimsOf(s), data: this.cur.get(s)!.slice() };
    return { step: this.t, tensors };
  }
  loadState(st: { step: number; tensors: Record<string, { data: Float32Array }> }): void {
    for (const s of this.stateNames) {
      const v = st.tensors[s];
      if (!v) throw new EngineError(`loadState: missing '${s}'`);
      if (v.data.length !== this.cur.get(s)!.length)
        throw new EngineError(`loadState: '${s}' has ${v.data.length} values`);
      this.cur.get(s)!.set(v.data);
    }
    for (const p of this.trainable) this.cur.get(p)!.set(this.params.get(p));
    this.t = st.step;
  }

  release(): Promise<void> {
    return this.compiled.release();
  }
}

export function compileTrainStep(spec: TrainStepSpec): Promise<TrainStep> {
  return TrainStep.compile(spec);
}

/**
 * An inference model with the store's current values baked in as initializers (a snapshot:
 * later training does not change it). `onnx` gives the self-contained model bytes.
 */
export function compileInference(
  outputs: Readonly<Record<string, Tensor>>,
  params: ParamStore,
  opts: SessionOptions & { name?: string; metadata?: Record<string, string> } = {},
): Promise<CompiledGraph> {
  return CompiledGraph.create(outputs, {
    ...opts,
    name: opts.name ?? 'inference',
    bake: (n) => (params.has(n) ? params.get(n).slice() : undefined),
  });
}
