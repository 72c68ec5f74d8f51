/**
 * Start-up probe of ONNX Runtime execution providers: build a tiny model, create a session on
 * each provider and run it once. A provider counts as available only if that round trip works
 * and gives the right numbers.
 */
import ort from 'onnxruntime-node';
import {
  encodeModel,
  describeDeviceChoice,
  explainProviderFailure,
  providerPrecheck,
  providerShortReason,
} from '../engine';
import type { ExecutionProviderName, ProviderStatus } from '../protocol';

export { explainProviderFailure };

export const PROVIDERS: readonly ExecutionProviderName[] = ['cpu', 'webgpu', 'cuda'];

let probeModel: Uint8Array | null = null;

/** y = x · w + b on a (batch, 4) input: exercises MatMul and Add. */
export function probeModelBytes(): Uint8Array {
  probeModel ??= encodeModel({
    opset: 17,
    graph: {
      name: 'provider_probe',
      nodes: [
        { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'], name: 'matmul' },
        { opType: 'Add', inputs: ['xw', 'b'], outputs: ['y'], name: 'add' },
      ],
      inputs: [{ name: 'x', dtype: 'FLOAT', shape: ['batch', 4] }],
      outputs: [{ name: 'y', dtype: 'FLOAT', shape: ['batch', 2] }],
      initializers: [
        { name: 'w', dtype: 'FLOAT', dims: [4, 2], data: new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]) },
        { name: 'b', dtype: 'FLOAT', dims: [2], data: new Float32Array([0.5, -0.5]) },
      ],
    },
  });
  return probeModel;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n').find((l) => l.trim().length > 0) ?? msg;
  // Strip source-path prefixes like "/onnxruntime_src/...cc:136 fn::lambda()" for readability.
  return line.replace(/^\/\S+:\d+\s+/, '').slice(0, 300);
}

export async function probeProvider(name: ExecutionProviderName): Promise<ProviderStatus> {
  const t0 = performance.now();
  const known = name === 'cpu' ? null : providerPrecheck(name);
  if (known) return { name, available: false, detail: known };
  try {
    const session = await ort.InferenceSession.create(probeModelBytes(), {
      executionProviders: [name],
      logSeverityLevel: 4,
    });
    const x = new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]);
    const out = await session.run({ x });
    const y = out.y!.data as Float32Array;
    await session.release();
    // Expected: [1+3+0.5, 2+4-0.5] = [4.5, 5.5]
    if (Math.abs(y[0]! - 4.5) > 1e-5 || Math.abs(y[1]! - 5.5) > 1e-5) {
      return {
        name,
        available: false,
        detail: `probe model returned wrong values ${Array.from(y).join(', ')}`,
      };
    }
    return { name, available: true, detail: `probe ran in ${(performance.now() - t0).toFixed(0)} ms` };
  } catch (e) {
    return { name, available: false, detail: explainProviderFailure(name, new Error(firstLine(e))) };
  }
}

export async function probeProviders(
  names: readonly ExecutionProviderName[] = PROVIDERS,
): Promise<ProviderStatus[]> {
  const out: ProviderStatus[] = [];
  // Expected failures (no GPU, no CUDA libraries) are reported in the result; keep ONNX
  // Runtime's own error log quiet while probing.
  const level = ort.env.logLevel;
  ort.env.logLevel = 'fatal';
  try {
    // Sequential: provider initialisation is not guaranteed to be thread-safe across providers.
    for (const n of names) out.push(await probeProvider(n));
  } finally {
    if (level) ort.env.logLevel = level;
  }
  return out;
}

/** `--device auto`'s order of preference. */
const AUTO_PREFERENCE: readonly ExecutionProviderName[] = ['cuda', 'webgpu', 'cpu'];

/**
 * Resolve `auto` quietly: probe the providers (no native log lines) and take the first of
 * cuda, webgpu, cpu that ran the probe. `line` says which and why not the others, e.g.
 * "cpu (webgpu: no adapter; cuda: provider libraries not installed)".
 */
export async function chooseAutoDevice(): Promise<{
  provider: ExecutionProviderName;
  line: string;
  statuses: ProviderStatus[];
}> {
  const statuses = await probeProviders();
  const by = (n: ExecutionProviderName): ProviderStatus | undefined => statuses.find((s) => s.name === n);
  const provider = AUTO_PREFERENCE.find((n) => by(n)?.available) ?? 'cpu';
  const skipped = AUTO_PREFERENCE.slice(0, AUTO_PREFERENCE.indexOf(provider))
    .reverse()
    .map((n) => ({ provider: n, reason: providerShortReason(n, by(n)?.detail ?? '') }));
  return { provider, line: describeDeviceChoice(provider, skipped), statuses };
}
