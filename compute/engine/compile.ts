/**
 * Compile a set of IR outputs into one reusable ONNX Runtime session and run it with
 * Float32Array feeds. The building block of `compileTrainStep` / `compileInference`.
 */
import type ort from 'onnxruntime-node';
import { EngineError, type Shape, type Tensor, fmtShape } from './ir';
import { type FeedInfo, type LowerOptions, type LoweredModel, lower } from './lower';
import { type Provider, type Session, type SessionOptions, createSession, f32Tensor } from './runtime';

export interface NamedArray {
  data: Float32Array;
  dims: number[];
}
export type FeedValue = Float32Array | NamedArray;

/** Concrete dims of `shape` for a buffer of `length` elements (infers the batch dim). */
export function resolveDims(name: string, shape: Shape, length: number): number[] {
  const stat = shape.reduce<number>((p, d) => (d === 'B' ? p : p * d), 1);
  if (!shape.includes('B')) {
    if (length !== stat)
      throw new EngineError(
        `feed '${name}': ${length} values, expected ${stat} for shape ${fmtShape(shape)}`,
      );
    return shape as number[];
  }
  const b = length / stat;
  if (!Number.isInteger(b) || b < 1)
    throw new EngineError(
      `feed '${name}': ${length} values is not a whole batch of shape ${fmtShape(shape)}`,
    );
  return shape.map((d) => (d === 'B' ? b : d));
}

export interface CompileOptions extends SessionOptions, LowerOptions {}

export class CompiledGraph {
  private constructor(
    readonly lowered: LoweredModel,
    readonly session: Session,
  ) {}

  static async create(
    outputs: Readonly<Record<string, Tensor>>,
    opts: CompileOptions = {},
  ): Promise<CompiledGraph> {
    const lowered = lower(outputs, opts);
    const session = await createSession(lowered.bytes, opts, opts.name ?? 'engine');
    return new CompiledGraph(lowered, session);
  }

  get provider(): Provider {
    return this.session.provider;
  }
  get feeds(): readonly FeedInfo[] {
    return this.lowered.feeds;
  }
  /** The ONNX model bytes (e.g. to save in a bundle). */
  get onnx(): Uint8Array {
    return this.lowered.bytes;
  }

  /** Wrap feeds as ORT tensors (no copies); every graph input must be present. */
  tensors(feeds: Readonly<Record<string, FeedValue>>): Record<string, ort.Tensor> {
    const out: Record<string, ort.Tensor> = {};
    let batch: { size: number; from: string } | undefined;
    for (const f of this.lowered.feeds) {
      const v = feeds[f.name];
      if (!v) throw new EngineError(`missing feed '${f.name}' (${f.kind} ${fmtShape(f.shape)})`);
      const data = v instanceof Float32Array ? v : v.data;
      const dims = resolveDims(f.name, f.shape, data.length);
      if (!(v instanceof Float32Array)) {
        const ok =
          v.dims.length === f.shape.length && v.dims.every((d, i) => f.shape[i] === 'B' || d === f.shape[i]);
        if (!ok)
          throw new EngineError(`feed '${f.name}': dims [${v.dims}] do not match ${fmtShape(f.shape)}`);
        dims.splice(0, dims.length, ...v.dims);
      }
      const bi = f.shape.indexOf('B');
      if (bi >= 0) {
        if (batch && batch.size !== dims[bi])
          throw new EngineError(
            `feed '${f.name}': batch size ${dims[bi]} differs from ${batch.size} (feed '${batch.from}')`,
          );
        batch ??= { size: dims[bi]!, from: f.name };
      }
      out[f.name] = f32Tensor(data, dims);
    }
    return out;
  }

  /** Run once. `fetches` may hold preallocated output tensors (written in place). */
  async run(
    feeds: Readonly<Record<string, FeedValue>>,
    fetches?: Record<string, ort.Tensor>,
  ): Promise<Record<string, NamedArray>> {
    let f: Record<string, ort.Tensor | null> | undefined;
    if (fetches) {
      // ORT returns only what `fetches` names: null asks it to allocate the rest
      f = {};
      for (const o of this.lowered.outputs) f[o.name] = fetches[o.name] ?? null;
    }
    const res = await this.session.run(this.tensors(feeds), f);
    const out: Record<string, NamedArray> = {};
    for (const o of this.lowered.outputs) {
      const t = (fetches?.[o.name] ?? res[o.name])!;
      out[o.name] = { data: t.data as Float32Array, dims: [...t.dims] };
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
