/**
 * ONNX Runtime sessions: provider choice (`cpu | webgpu | cuda | auto`), thread count,
 * graph optimisation level, and Float32Array feeds/fetches without copies (ort.Tensor wraps
 * the caller's buffer; preallocated outputs are written in place).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { EngineError } from './ir';

export type Provider = 'cpu' | 'webgpu' | 'cuda';
export type ProviderChoice = Provider | 'auto';

export interface SessionOptions {
  provider?: ProviderChoice;
  /** Intra-op threads (default: ORT's choice = physical cores). */
  threads?: number;
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Pin the symbolic batch dim 'B' to this size (lets ORT plan static shapes; other sizes are then refused). */
  fixedBatch?: number;
  /** Write an ORT profile (JSON, per-node times) with this file prefix; see `Session.endProfiling`. */
  profilePrefix?: string;
  /**
   * Let idle intra-op threads spin (ORT's default). Off by default here: on a shared or busy
   * machine spinning threads fight other processes (measured ~17 % slower train steps under load).
   */
  spin?: boolean;
  /** Any further onnxruntime session options (advanced; overrides the above). */
  ortOptions?: Partial<ort.InferenceSession.SessionOptions>;
}

export class ProviderError extends EngineError {
  override name = 'ProviderError';
  constructor(
    readonly provider: Provider,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Where onnxruntime-node keeps its native libraries (for diagnosing missing provider libs). */
function ortLibDir(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    const pkg = dirname(req.resolve('onnxruntime-node/package.json'));
    return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

function vulkanPresent(): boolean {
  const dirs = [
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ];
  const extra = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...dirs, ...extra].some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** Turn ORT's provider start-up failure into a plain sentence that names the provider and the cause. */
export function explainProviderFailure(provider: Provider, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const short = raw.split('\n')[0]!.slice(0, 400);
  if (provider === 'webgpu') {
    if (process.platform === 'linux' && !vulkanPresent())
      return `webgpu execution provider could not start: the Vulkan loader libvulkan.so.1 is missing (install libvulkan1 and a Vulkan driver, or put it on LD_LIBRARY_PATH), so Dawn found no GPU adapter. ORT said: ${short}`;
    return `webgpu execution provider could not start: no usable WebGPU adapter. ORT said: ${short}`;
  }
  if (provider === 'cuda') {
    const dir = ortLibDir();
    const lib = dir ? join(dir, 'libonnxruntime_providers_cuda.so') : undefined;
    if (process.platform === 'linux' && lib && !existsSync(lib))
      return `cuda execution provider could not start: its provider libraries are not installed (${lib} and libonnxruntime_providers_shared.so are missing; run \`npm run setup:cuda\` on a machine with CUDA 12 and cuDNN 9). ORT said: ${short}`;
    return `cuda execution provider could not start (are CUDA 12 / cuDNN 9 libraries and an NVIDIA driver present?). ORT said: ${short}`;
  }
  return `${provider} execution provider could not start. ORT said: ${short}`;
}

/**
 * Why a provider certainly cannot start here, found without calling ONNX Runtime (whose native
 * attempt prints Dawn/ORT lines with build paths straight to stderr); null when it may start.
 */
export function providerPrecheck(provider: Provider): string | null {
  if (provider === 'webgpu' && process.platform === 'linux' && !vulkanPresent())
    return explainProviderFailure(
      'webgpu',
      new Error('libvulkan.so.1 not found (checked before asking Dawn)'),
    );
  if (provider === 'cuda') {
    const dir = ortLibDir();
    const lib = dir ? join(dir, 'libonnxruntime_providers_cuda.so') : undefined;
    if (process.platform === 'linux' && lib && !existsSync(lib))
      return explainProviderFailure(
        'cuda',
        new Error('provider libraries not installed (checked before asking ONNX Runtime)'),
      );
  }
  return null;
}

/** A few words for a status line ("no adapter", "provider libraries not installed"), from explainProviderFailure's sentence. */
export function providerShortReason(provider: Provider, explanation: string): string {
  if (provider === 'webgpu')
    return /libvulkan/.test(explanation) ? 'no adapter, Vulkan loader libvulkan.so.1 missing' : 'no adapter';
  if (provider === 'cuda')
    return /not installed/.test(explanation) ? 'provider libraries not installed' : 'could not start';
  return 'could not start';
}

/** "cpu (webgpu: no adapter; cuda: provider libraries not installed)": the provider `auto` chose, and why not the others. */
export function describeDeviceChoice(
  chosen: Provider,
  skipped: readonly { provider: Provider; reason: string }[],
): string {
  return skipped.length === 0
    ? chosen
    : `${chosen} (${skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')})`;
}

export interface Session {
  readonly ort: ort.InferenceSession;
  readonly provider: Provider;
  /** Why other providers were skipped (for `auto`). */
  readonly notes: readonly string[];
  readonly name: string;
  run(
    feeds: Record<string, ort.Tensor>,
    fetches?: Record<string, ort.Tensor | null> | readonly string[],
  ): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
  /** Stop profiling (when `profilePrefix` was set); ORT writes the JSON file. */
  endProfiling(): void;
}

const AUTO_ORDER: Provider[] = ['cuda', 'webgpu', 'cpu'];

/** Create a session once; reuse it for every run. Throws ProviderError naming the provider. */
export async function createSession(
  model: Uint8Array,
  opts: SessionOptions = {},
  name = 'model',
): Promise<Session> {
  const choice = opts.provider ?? 'cpu';
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const notes: string[] = [];
  for (const provider of candidates) {
    if (choice === 'auto' && provider !== 'cpu') {
      const why = providerPrecheck(provider);
      if (why) {
        notes.push(why);
        continue;
      }
    }
    const o: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: opts.optimization ?? 'all',
      // trying providers under `auto`: an expected failure is reported in `notes`, not as ORT's log
      logSeverityLevel: choice === 'auto' && provider !== 'cpu' ? 4 : 3,
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
      ...(opts.fixedBatch ? { freeDimensionOverrides: { B: opts.fixedBatch } } : {}),
      ...(opts.profilePrefix ? { enableProfiling: true, profileFilePrefix: opts.profilePrefix } : {}),
      extra: { session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' } } },
      ...(opts.ortOptions ?? {}),
    };
    try {
      const s = await ort.InferenceSession.create(model, o);
      return wrap(s, provider, notes, name);
    } catch (e) {
      const msg = explainProviderFailure(provider, e);
      if (choice !== 'auto' || provider === 'cpu') {
        if (provider === 'cpu')
          throw new ProviderError(
            'cpu',
            `cpu session for '${name}' could not be created: ${(e as Error).message}`,
            { cause: e },
          );
        throw new ProviderError(provider, msg);
      }
      notes.push(msg);
    }
  }
  throw new EngineError('unreachable');
}

function wrap(s: ort.InferenceSession, provider: Provider, notes: string[], name: string): Session {
  return {
    ort: s,
    provider,
    notes,
    name,
    async run(feeds, fetches) {
      try {
        return (await (fetches
          ? s.run(feeds, fetches as ort.InferenceSession.FetchesType)
          : s.run(feeds))) as Record<string, ort.Tensor>;
      } catch (e) {
        throw new ProviderError(provider, `${provider} run of '${name}' failed: ${(e as Error).message}`);
      }
    },
    release: () => s.release(),
    endProfiling: () => s.endProfiling(),
  };
}

/** Wrap a Float32Array as an ORT tensor (no copy). */
export function f32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims as number[]);
}

export const ORT_VERSION: string = (() => {
  try {
    const req = createRequire(import.meta.url);
    return (req('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
