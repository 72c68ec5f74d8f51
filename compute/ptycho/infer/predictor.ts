/**
 * Batched inference with a `diffraction_to_obj` ONNX model: grouped amplitudes in, object
 * patches (complex, N×N, centred on each group centroid) out. Converts from the engine's NCHW
 * layout to PtychoPINN's public NHWC I/O batch by batch.
 */
import type ort from 'onnxruntime-node';
import { createSession, f32Tensor, type ProviderChoice, type Session } from '../../engine';

export interface PredictInput {
  /** `(B, C, N, N)` normalised amplitudes X (the predictor multiplies by intensityScale). */
  amplitudes: Float32Array;
  /** `(B, C, 2)` coords_relative; zeros when absent. */
  coordsRelative?: Float32Array;
  count: number;
}

export interface PredictOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PredictedPatches {
  /** `(B, N, N)` real and imaginary parts. */
  re: Float32Array;
  im: Float32Array;
  count: number;
  N: number;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(what: string) {
    super(`${what} was cancelled`);
  }
}

export class ObjectPredictor {
  private constructor(
    private readonly session: Session,
    readonly N: number,
    readonly C: number,
    readonly intensityScale: number,
  ) {}

  static async create(
    onnx: Uint8Array,
    o: { N: number; gridsize: number; intensityScale: number; device?: ProviderChoice; threads?: number },
  ): Promise<ObjectPredictor> {
    const session = await createSession(
      onnx,
      { provider: o.device ?? 'cpu', ...(o.threads ? { threads: o.threads } : {}) },
      'diffraction_to_obj',
    );
    return new ObjectPredictor(session, o.N, o.gridsize * o.gridsize, o.intensityScale);
  }

  get provider(): string {
    return this.session.provider;
  }

  async predict(input: PredictInput, o: PredictOptions = {}): Promise<PredictedPatches> {
    const { N, C } = this;
    const per = C * N * N;
    if (input.amplitudes.length !== input.count * per)
      throw new Error(
        `predict: ${input.amplitudes.length} values for ${input.count} groups of (${C}, ${N}, ${N})`,
      );
    const bs = Math.max(1, o.batchSize ?? 64);
    const re = new Float32Array(input.count * N * N);
    const im = new Float32Array(input.count * N * N);
    const nhwc = new Float32Array(bs * per);
    const pos = new Float32Array(bs * 2 * C);
    for (let start = 0; start < input.count; start += bs) {
      if (o.signal?.aborted) throw new CancelledError('inference');
      const n = Math.min(bs, input.count - start);
      for (let b = 0; b < n; b++) {
        const src = (start + b) * per;
        for (let c = 0; c < C; c++) {
          for (let p = 0; p < N * N; p++)
            nhwc[b * per + p * C + c] = input.amplitudes[src + c * N * N + p]! * this.intensityScale;
          // input_positions (B, 1, 2, C): [x, y] along axis 2, channel last
          const off = input.coordsRelative
            ? input.coordsRelative.subarray((start + b) * C * 2, (start + b + 1) * C * 2)
            : null;
          pos[b * 2 * C + c] = off ? off[c * 2]! : 0;
          pos[b * 2 * C + C + c] = off ? off[c * 2 + 1]! : 0;
        }
      }
      const feeds: Record<string, ort.Tensor> = {
        input: f32Tensor(nhwc.subarray(0, n * per), [n, N, N, C]),
        input_positions: f32Tensor(pos.subarray(0, n * 2 * C), [n, 1, 2, C]),
      };
      const out = await this.session.run(feeds);
      re.set(out.trimmed_obj_real!.data as Float32Array, start * N * N);
      im.set(out.trimmed_obj_imag!.data as Float32Array, start * N * N);
      o.onProgress?.(start + n, input.count);
    }
    return { re, im, count: input.count, N };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
