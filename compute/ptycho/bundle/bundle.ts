/**
 * The model bundle `wts.h5.zip` (the file name Ptychodus and PtychoPINN expect), layout:
 *
 *   manifest.json                      {format, models, version, backend: "onnx", created, app_version}
 *   autoencoder/model.onnx             training-graph forward, weights baked in
 *   autoencoder/params.json            see BundleParams
 *   diffraction_to_obj/model.onnx      inference model, PtychoPINN's public I/O
 *   diffraction_to_obj/params.json
 *   history.json                       per-epoch training history
 *   training_state/params.safetensors  optional: trainable weights + Adam state, to resume
 *
 * Saving is atomic. Reading never touches the disk beyond the archive: members are inflated in
 * memory after their names and declared sizes were checked (no path traversal, no zip bombs).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import ort from 'onnxruntime-node';
import { atomicWriteFileSync } from '../../io/atomicWrite';

export const BUNDLE_FORMAT = 'ptycho-workstation-bundle';
export const BUNDLE_VERSION = '1.0';
export const SUPPORTED_VERSIONS = ['1.0'];
export const MODEL_NAMES = ['autoencoder', 'diffraction_to_obj'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Expected ONNX I/O of each model (checked on load). */
export const MODEL_IO: Record<ModelName, { inputs: string[]; outputs: string[] }> = {
  autoencoder: { inputs: ['input', 'input_positions'], outputs: ['trimmed_obj_real', 'trimmed_obj_imag', 'pred_amp_scaled', 'pred_intensity'] },
  diffraction_to_obj: { inputs: ['input', 'input_positions'], outputs: ['trimmed_obj_real', 'trimmed_obj_imag'] },
};

const MAX_MEMBER_BYTES = 1024 * 2 ** 20;
const MAX_TOTAL_BYTES = 2 * 2 ** 30;
const MAX_RATIO = 1100;

export interface Manifest {
  format: string;
  models: string[];
  version: string;
  backend: 'onnx';
  created: string;
  app_version: string;
}

export interface BundleParams {
  version: string;
  N: number;
  gridsize: number;
  /** Full training configuration (compute/ptycho/config TrainingConfig as JSON). */
  config: Record<string, unknown>;
  /** PtychoPINN's params.cfg dictionary for the same configuration. */
  legacy: Record<string, string | number | boolean>;
  /** Trained exp(log_scale): multiplies normalised amplitudes at the model input. */
  intensity_scale: number;
  /** The closed-form s = sqrt(nphotons)/(N/2) training started from. */
  initial_intensity_scale: number;
  /** Prepared probe (N, N), row-major. */
  probe: { shape: [number, number]; re: number[]; im: number[] };
}

export interface BundleContents {
  manifest: Manifest;
  models: Partial<Record<ModelName, { onnx: Uint8Array; params: BundleParams }>>;
  history: Record<string, unknown>[];
  trainingState: Uint8Array | null;
}

export class BundleError extends Error {
  override name = 'BundleError';
}

export function makeManifest(appVersion: string, created = new Date().toISOString()): Manifest {
  return { format: BUNDLE_FORMAT, models: [...MODEL_NAMES], version: BUNDLE_VERSION, backend: 'onnx', created, app_version: appVersion };
}

/** Encode a bundle (deterministic member order; ONNX members stored, JSON deflated). */
export function encodeBundle(b: BundleContents): Uint8Array {
  const files: Zippable = {};
  const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 1));
  files['manifest.json'] = [json(b.manifest), { level: 6 }];
  for (const name of MODEL_NAMES) {
    const m = b.models[name];
    if (!m) continue;
    files[`${name}/model.onnx`] = [m.onnx, { level: 1 }];
    files[`${name}/params.json`] = [json(m.params), { level: 6 }];
  }
  files['history.json'] = [json(b.history), { level: 6 }];
  if (b.trainingState) files['training_state/params.safetensors'] = [b.trainingState, { level: 1 }];
  return zipSync(files, { mtime: new Date(b.manifest.created) });
}

export function writeBundle(path: string, b: BundleContents): number {
  const bytes = encodeBundle(b);
  atomicWriteFileSync(path, bytes);
  return bytes.length;
}

function safeMemberName(name: string): boolean {
  if (name.includes('\\') || name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return false;
  return !name.split('/').some((seg) => seg === '..' || seg === '.');
}

/** Inflate an archive in memory after checking every member's name and declared size. */
export function unpackArchive(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new BundleError(`${file}: not a model bundle (not a zip archive)`);
  const seen = new Set<string>();
  let total = 0;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        if (!safeMemberName(f.name)) throw new BundleError(`${file}: refusing archive member '${f.name}' (absolute path or '..' traversal)`);
        if (seen.has(f.name)) throw new BundleError(`${file}: duplicate archive member '${f.name}'`);
        seen.add(f.name);
        if (f.originalSize > MAX_MEMBER_BYTES) throw new BundleError(`${file}: member '${f.name}' declares ${f.originalSize} bytes (limit ${MAX_MEMBER_BYTES}); refusing to inflate`);
        if (f.compression === 8 && f.originalSize > MAX_RATIO * f.size + 4096) throw new BundleError(`${file}: member '${f.name}' claims an impossible ${Math.round(f.originalSize / Math.max(1, f.size))}:1 compression ratio; refusing to inflate`);
        total += f.originalSize;
        if (total > MAX_TOTAL_BYTES) throw new BundleError(`${file}: archive declares more than ${MAX_TOTAL_BYTES} bytes in total; refusing to inflate`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError(`${file}: corrupt or truncated archive (${(e as Error).message})`);
  }
  return new Map(Object.entries(members));
}

function parseJson(m: Map<string, Uint8Array>, member: string, file: string): unknown {
  const b = m.get(member);
  if (!b) throw new BundleError(`${file}: missing ${member}`);
  try {
    return JSON.parse(new TextDecoder().decode(b)) as unknown;
  } catch (e) {
    throw new BundleError(`${file}: ${member} is not valid JSON (${(e as Error).message})`);
  }
}

/** Recognise PtychoPINN's own (TensorFlow / PyTorch) bundles, which hold pickles. */
function foreignBundle(names: string[]): string | null {
  if (!names.includes('manifest.dill')) return null;
  if (names.some((n) => n.endsWith('model.pth'))) return 'a PtychoPINN PyTorch bundle (manifest.dill, model.pth, params.dill)';
  if (names.some((n) => n.endsWith('model.keras') || n.endsWith('model.h5'))) return 'a PtychoPINN TensorFlow/Keras bundle (manifest.dill, model.keras, params.dill)';
  return 'a PtychoPINN bundle (manifest.dill)';
}

function checkParams(p: unknown, member: string, file: string): BundleParams {
  if (!p || typeof p !== 'object') throw new BundleError(`${file}: ${member} must be a JSON object`);
  const o = p as Record<string, unknown>;
  for (const k of ['N', 'gridsize']) if (typeof o[k] !== 'number') throw new BundleError(`${file}: ${member} lacks '${k}' (a number)`);
  if (![64, 128, 256].includes(o.N as number)) throw new BundleError(`${file}: ${member}: N must be 64, 128 or 256, found ${String(o.N)}`);
  if (typeof o.intensity_scale !== 'number' || !(o.intensity_scale > 0)) throw new BundleError(`${file}: ${member} lacks a positive 'intensity_scale'`);
  const probe = o.probe as BundleParams['probe'] | undefined;
  const N = o.N as number;
  if (!probe || !Array.isArray(probe.re) || !Array.isArray(probe.im) || probe.re.length !== N * N || probe.im.length !== N * N) {
    throw new BundleError(`${file}: ${member}: 'probe' must hold re and im arrays of ${N}×${N} values`);
  }
  if (!o.config || typeof o.config !== 'object') throw new BundleError(`${file}: ${member} lacks 'config'`);
  return p as BundleParams;
}

export interface ReadBundleOptions {
  /** Models to load (default: both). */
  models?: readonly ModelName[];
  /** Create an ONNX Runtime session for each model and compare its I/O names (default true). */
  checkOnnx?: boolean;
}

export async function readBundle(path: string, opts: ReadBundleOptions = {}): Promise<BundleContents> {
  const file = basename(path);
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) return readBundle(`${path.replace(/\/$/, '')}/wts.h5.zip`, opts);
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BundleError(code === 'ENOENT' ? `${path}: model bundle not found` : `${path}: cannot read (${(e as Error).message})`);
  }
  return decodeBundle(bytes, file, opts);
}

export async function decodeBundle(bytes: Uint8Array, file: string, opts: ReadBundleOptions = {}): Promise<BundleContents> {
  const members = unpackArchive(bytes, file);
  const names = [...members.keys()];
  const foreign = foreignBundle(names);
  if (foreign) {
    throw new BundleError(`${file}: this is ${foreign}. It stores pickled Python objects that this app will not load (unpickling runs code); train the model here, or run it with PtychoPINN itself`);
  }
  const manifest = parseJson(members, 'manifest.json', file) as Partial<Manifest>;
  if (!manifest || typeof manifest !== 'object' || !Array.isArray(manifest.models)) throw new BundleError(`${file}: manifest.json must have a 'models' list`);
  if (typeof manifest.version !== 'string' || !SUPPORTED_VERSIONS.includes(manifest.version)) {
    throw new BundleError(`${file}: bundle version ${JSON.stringify(manifest.version)} is not supported (this app reads ${SUPPORTED_VERSIONS.join(', ')})`);
  }
  if (manifest.backend !== 'onnx') throw new BundleError(`${file}: backend ${JSON.stringify(manifest.backend)} is not supported (expected "onnx")`);
  const want = opts.models ?? MODEL_NAMES;
  const out: BundleContents = { manifest: manifest as Manifest, models: {}, history: [], trainingState: members.get('training_state/params.safetensors') ?? null };
  for (const name of want) {
    if (!manifest.models.includes(name)) throw new BundleError(`${file}: model '${name}' is not in the bundle (manifest lists: ${manifest.models.join(', ')})`);
    const onnx = members.get(`${name}/model.onnx`);
    if (!onnx) throw new BundleError(`${file}: missing ${name}/model.onnx`);
    const params = checkParams(parseJson(members, `${name}/params.json`, file), `${name}/params.json`, file);
    if (opts.checkOnnx !== false) {
      let s: ort.InferenceSession;
      try {
        s = await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'], logSeverityLevel: 4 });
      } catch (e) {
        throw new BundleError(`${file}: ${name}/model.onnx does not load in ONNX Runtime (${(e as Error).message.split('\n')[0]})`);
      }
      const io = MODEL_IO[name];
      const ins = [...s.inputNames].sort().join(',');
      const outs = [...s.outputNames].sort().join(',');
      await s.release();
      if (ins !== [...io.inputs].sort().join(',') || outs !== [...io.outputs].sort().join(',')) {
        throw new BundleError(`${file}: ${name}/model.onnx has inputs [${ins}] and outputs [${outs}], expected [${io.inputs.join(',')}] → [${io.outputs.join(',')}]`);
      }
    }
    out.models[name] = { onnx, params };
  }
  const hist = members.has('history.json') ? parseJson(members, 'history.json', file) : [];
  out.history = Array.isArray(hist) ? (hist as Record<string, unknown>[]) : [];
  return out;
}

export interface BundleSummary {
  file: string;
  bytes: number;
  manifest: Manifest;
  models: { name: string; onnxBytes: number }[];
  N: number;
  gridsize: number;
  intensityScale: number;
  epochs: number;
  finalLoss: number | null;
  finalValLoss: number | null;
  config: Record<string, unknown>;
  hasTrainingState: boolean;
}

export async function inspectBundle(path: string): Promise<BundleSummary> {
  const b = await readBundle(path, { models: ['diffraction_to_obj'], checkOnnx: false });
  const d = b.models.diffraction_to_obj!;
  const last = b.history.at(-1) ?? null;
  const all = await readBundle(path, { checkOnnx: false });
  return {
    file: path,
    bytes: statSync(path).size,
    manifest: b.manifest,
    models: MODEL_NAMES.filter((n) => all.models[n]).map((n) => ({ name: n, onnxBytes: all.models[n]!.onnx.length })),
    N: d.params.N,
    gridsize: d.params.gridsize,
    intensityScale: d.params.intensity_scale,
    epochs: b.history.length,
    finalLoss: typeof last?.loss === 'number' ? last.loss : null,
    finalValLoss: typeof last?.val_loss === 'number' ? last.val_loss : null,
    config: d.params.config,
    hasTrainingState: b.trainingState !== null,
  };
}
