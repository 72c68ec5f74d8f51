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
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { createSession, checkSafetensors, type Session } from '../../engine';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { parseJsonLimited, describeJson } from '../../io/json';
import { checkRegularFile, readRegularFile } from '../../io/safeFile';
import { readZip } from '../../io/zip';
import { firstIssue, historySchema, manifestSchema, paramsSchema } from './schema';

export const BUNDLE_FORMAT = 'ptycho-workstation-bundle';
export const BUNDLE_VERSION = '1.0';
export const SUPPORTED_VERSIONS = ['1.0'];
export const MODEL_NAMES = ['autoencoder', 'diffraction_to_obj'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Expected ONNX I/O of each model (checked on load). */
export const MODEL_IO: Readonly<Record<ModelName, ModelIO>> = {
  autoencoder: {
    inputs: ['input', 'input_positions'],
    outputs: ['trimmed_obj_real', 'trimmed_obj_imag', 'pred_amp_scaled', 'pred_intensity'],
  },
  diffraction_to_obj: {
    inputs: ['input', 'input_positions'],
    outputs: ['trimmed_obj_real', 'trimmed_obj_imag'],
  },
};

const MAX_MEMBER_BYTES = 1024 * 2 ** 20;
const MAX_TOTAL_BYTES = 2 * 2 ** 30;

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
  return {
    format: BUNDLE_FORMAT,
    models: [...MODEL_NAMES],
    version: BUNDLE_VERSION,
    backend: 'onnx',
    created,
    app_version: appVersion,
  };
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

/** Why a member name is unsafe to use (null when it is fine). */
function unsafeMemberName(name: string): string | null {
  if (name === '') return 'an empty name';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control characters in the name';
  if (name.includes('\\')) return 'a backslash in the name';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'an absolute path';
  if (name.split('/').some((seg) => seg === '..' || seg === '.'))
    return "'..' or '.' path segments (path traversal)";
  return null;
}

/** A member of an archive as its central directory declares it. */
export interface ArchiveMember {
  name: string;
  /** Bytes in the archive. */
  compressedBytes: number;
  /** Bytes once inflated. */
  bytes: number;
  method: 'stored' | 'deflate';
}

export interface ArchiveLimits {
  /** Largest inflated member (default 1 GiB). */
  maxMemberBytes?: number;
  /** Largest inflated total (default 2 GiB). */
  maxTotalBytes?: number;
}

/**
 * Inflate an archive in memory after checking every member's name and declared size (from the
 * central directory, before anything is inflated): no absolute paths, '..', backslashes or
 * duplicates, no member over the per-member or total limits, no deflate ratio above what deflate
 * can reach (≈1032:1), stored members' sizes consistent. Inflated data are then checked against
 * the declared size and CRC-32, so a member that lies about its size is caught, not truncated.
 */
export function unpackArchive(
  bytes: Uint8Array,
  file: string,
  limits: ArchiveLimits = {},
): { members: Map<string, Uint8Array>; listing: ArchiveMember[] } {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new BundleError(`${file}: not a model bundle (not a zip archive)`);
  const folder = (e: { name: string; size: number }): boolean => e.name.endsWith('/') && e.size === 0;
  const { entries, members } = readZip(bytes, file, {
    maxMemberBytes: limits.maxMemberBytes ?? MAX_MEMBER_BYTES,
    maxTotalBytes: limits.maxTotalBytes ?? MAX_TOTAL_BYTES,
    error: BundleError,
    label: 'archive',
    checkName: unsafeMemberName,
    want: (e) => !folder(e),
  });
  const listing = entries
    .filter((e) => !folder(e))
    .map((e): ArchiveMember => ({
      name: e.name,
      compressedBytes: e.compressedSize,
      bytes: e.size,
      method: e.method === 0 ? 'stored' : 'deflate',
    }));
  return { members, listing };
}

function parseJson(m: Map<string, Uint8Array>, member: string, file: string): unknown {
  const b = m.get(member);
  if (!b) throw new BundleError(`${file}: missing ${member}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new BundleError(`${file}: ${member} is not valid UTF-8 text`);
  }
  try {
    return parseJsonLimited(text, `${file}: ${member}`);
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new BundleError(`${file}: ${member} is not valid JSON (${e.message})`);
    throw new BundleError((e as Error).message);
  }
}

/** Recognise PtychoPINN's own (TensorFlow / PyTorch) bundles, which hold pickles. */
function foreignBundle(names: string[]): string | null {
  if (!names.includes('manifest.dill')) return null;
  if (names.some((n) => n.endsWith('model.pth')))
    return 'a PtychoPINN PyTorch bundle (manifest.dill, model.pth, params.dill)';
  if (names.some((n) => n.endsWith('model.keras') || n.endsWith('model.h5')))
    return 'a PtychoPINN TensorFlow/Keras bundle (manifest.dill, model.keras, params.dill)';
  return 'a PtychoPINN bundle (manifest.dill)';
}

function checkParams(p: unknown, member: string, file: string): BundleParams {
  if (!p || typeof p !== 'object' || Array.isArray(p))
    throw new BundleError(`${file}: ${member} must be a JSON object`);
  const o = p as Record<string, unknown>;
  for (const k of ['N', 'gridsize'])
    if (typeof o[k] !== 'number') throw new BundleError(`${file}: ${member} lacks '${k}' (a number)`);
  if (![64, 128, 256].includes(o.N as number))
    throw new BundleError(`${file}: ${member}: N must be 64, 128 or 256, found ${describeJson(o.N)}`);
  if (!Number.isInteger(o.gridsize) || (o.gridsize as number) < 1)
    throw new BundleError(
      `${file}: ${member}: gridsize must be a positive integer, found ${describeJson(o.gridsize)}`,
    );
  if (o.version !== undefined && !SUPPORTED_VERSIONS.includes(String(o.version))) {
    throw new BundleError(
      `${file}: ${member}: version ${JSON.stringify(o.version)} is not supported (this app reads ${SUPPORTED_VERSIONS.join(', ')})`,
    );
  }
  if (
    typeof o.intensity_scale !== 'number' ||
    !(o.intensity_scale > 0) ||
    !Number.isFinite(o.intensity_scale)
  )
    throw new BundleError(`${file}: ${member} lacks a positive 'intensity_scale'`);
  const probe = o.probe as BundleParams['probe'] | undefined;
  const N = o.N as number;
  if (
    !probe ||
    typeof probe !== 'object' ||
    !Array.isArray(probe.re) ||
    !Array.isArray(probe.im) ||
    probe.re.length !== N * N ||
    probe.im.length !== N * N
  ) {
    throw new BundleError(`${file}: ${member}: 'probe' must hold re and im arrays of ${N}×${N} values`);
  }
  if (!o.config || typeof o.config !== 'object' || Array.isArray(o.config))
    throw new BundleError(`${file}: ${member} lacks 'config'`);
  const cm = (o.config as { model?: { N?: unknown; gridsize?: unknown } }).model;
  if (
    cm &&
    typeof cm === 'object' &&
    ((cm.N !== undefined && cm.N !== N) || (cm.gridsize !== undefined && cm.gridsize !== o.gridsize))
  ) {
    throw new BundleError(
      `${file}: ${member}: N ${N} / gridsize ${describeJson(o.gridsize)} disagree with its config (N ${describeJson(cm.N)}, gridsize ${describeJson(cm.gridsize)})`,
    );
  }
  const parsed = paramsSchema.safeParse(p);
  if (!parsed.success) throw new BundleError(`${file}: ${member}: ${firstIssue(parsed.error)}`);
  return parsed.data as BundleParams;
}

/** Expected ONNX graph I/O names of a model (order does not matter). */
export interface ModelIO {
  inputs: readonly string[];
  outputs: readonly string[];
}

export interface ReadBundleOptions {
  /** Models to load (default: both). */
  models?: readonly ModelName[];
  /** Create an ONNX Runtime session for each model and compare its I/O with `io` and the params (default true). */
  checkOnnx?: boolean;
  /** Expected I/O names per model (default MODEL_IO). */
  io?: Partial<Record<ModelName, ModelIO>>;
}

/** Archives larger than this are refused before being read. */
const MAX_ARCHIVE_BYTES = MAX_TOTAL_BYTES;

export async function readBundle(path: string, opts: ReadBundleOptions = {}): Promise<BundleContents> {
  return (await readBundleDetailed(path, opts)).contents;
}

async function readBundleDetailed(
  path: string,
  opts: ReadBundleOptions,
): Promise<{ contents: BundleContents; listing: ArchiveMember[]; bytes: number }> {
  const fileOpts = { what: 'a model bundle', maxBytes: MAX_ARCHIVE_BYTES, error: BundleError };
  let st;
  try {
    st = checkRegularFile(path, { ...fileOpts, allowDirectory: true });
  } catch (e) {
    throw new BundleError((e as Error).message.replace(/: file not found$/, ': model bundle not found'));
  }
  if (st.isDirectory()) return readBundleDetailed(join(path, 'wts.h5.zip'), opts);
  const bytes = readRegularFile(path, fileOpts);
  const { contents, listing } = await decodeBundleDetailed(bytes, path, opts);
  return { contents, listing, bytes: bytes.length };
}

export async function decodeBundle(
  bytes: Uint8Array,
  file: string,
  opts: ReadBundleOptions = {},
): Promise<BundleContents> {
  return (await decodeBundleDetailed(bytes, file, opts)).contents;
}

function dimsText(dims: readonly (number | string)[]): string {
  return `(${dims.join(',')})`;
}

/** Compare an ONNX session's I/O with the expected names and, where the graph has static dims, with N and C = gridsize². */
async function checkOnnxModel(
  onnx: Uint8Array,
  name: ModelName,
  io: ModelIO,
  params: BundleParams,
  file: string,
): Promise<void> {
  let session: Session;
  try {
    session = await createSession(
      onnx,
      { provider: 'cpu', ortOptions: { logSeverityLevel: 4 } },
      `${name}/model.onnx`,
    );
  } catch (e) {
    const ortError = (e as Error).cause instanceof Error ? ((e as Error).cause as Error) : (e as Error);
    throw new BundleError(
      `${file}: ${name}/model.onnx does not load in ONNX Runtime (${ortError.message.split('\n')[0]})`,
    );
  }
  const s = session.ort;
  try {
    const ins = [...s.inputNames].sort().join(',');
    const outs = [...s.outputNames].sort().join(',');
    if (ins !== [...io.inputs].sort().join(',') || outs !== [...io.outputs].sort().join(',')) {
      throw new BundleError(
        `${file}: ${name}/model.onnx has inputs [${ins}] and outputs [${outs}], expected [${io.inputs.join(',')}] → [${io.outputs.join(',')}]`,
      );
    }
    const C = params.gridsize * params.gridsize;
    const want: Record<string, (number | null)[]> = {
      input: [null, params.N, params.N, C],
      input_positions: [null, 1, 2, C],
    };
    for (const m of s.inputMetadata) {
      const w = want[m.name];
      if (!w || !m.isTensor) continue;
      const dims = m.shape;
      const bad =
        dims.length !== w.length ||
        w.some((v, i) => v !== null && typeof dims[i] === 'number' && dims[i] !== v);
      if (bad) {
        throw new BundleError(
          `${file}: ${name}/model.onnx input '${m.name}' has shape ${dimsText(dims)}, but params.json (N ${params.N}, gridsize ${params.gridsize}) needs ${dimsText(w.map((v) => v ?? 'B'))}`,
        );
      }
    }
  } finally {
    await session.release();
  }
}

async function decodeBundleDetailed(
  bytes: Uint8Array,
  file: string,
  opts: ReadBundleOptions,
): Promise<{ contents: BundleContents; listing: ArchiveMember[] }> {
  const { members, listing } = unpackArchive(bytes, file);
  const names = [...members.keys()];
  const foreign = foreignBundle(names);
  if (foreign) {
    throw new BundleError(
      `${file}: this is ${foreign}. It stores pickled Python objects that this app will not load (unpickling runs code); train the model here, or run it with PtychoPINN itself`,
    );
  }
  const rawManifest = parseJson(members, 'manifest.json', file) as Partial<Manifest> | null;
  if (!rawManifest || typeof rawManifest !== 'object' || !Array.isArray(rawManifest.models))
    throw new BundleError(`${file}: manifest.json must have a 'models' list`);
  const mp = manifestSchema.safeParse(rawManifest);
  if (!mp.success) throw new BundleError(`${file}: manifest.json: ${firstIssue(mp.error)}`);
  const manifest = mp.data;
  if (typeof manifest.version !== 'string' || !SUPPORTED_VERSIONS.includes(manifest.version)) {
    throw new BundleError(
      `${file}: bundle version ${JSON.stringify(manifest.version)} is not supported (this app reads ${SUPPORTED_VERSIONS.join(', ')})`,
    );
  }
  if (manifest.backend !== 'onnx')
    throw new BundleError(
      `${file}: backend ${JSON.stringify(manifest.backend)} is not supported (expected "onnx")`,
    );
  const want = opts.models ?? MODEL_NAMES;
  const trainingState = members.get('training_state/params.safetensors') ?? null;
  const out: BundleContents = { manifest: manifest as Manifest, models: {}, history: [], trainingState };
  for (const name of want) {
    if (!(MODEL_NAMES as readonly string[]).includes(name))
      throw new BundleError(`${file}: unknown model '${name}' requested (known: ${MODEL_NAMES.join(', ')})`);
    if (!manifest.models.includes(name))
      throw new BundleError(
        `${file}: model '${name}' is not in the bundle (manifest lists: ${manifest.models.join(', ')})`,
      );
    const onnx = members.get(`${name}/model.onnx`);
    if (!onnx) throw new BundleError(`${file}: missing ${name}/model.onnx`);
    const params = checkParams(parseJson(members, `${name}/params.json`, file), `${name}/params.json`, file);
    if (opts.checkOnnx !== false)
      await checkOnnxModel(onnx, name, opts.io?.[name] ?? MODEL_IO[name], params, file);
    out.models[name] = { onnx, params };
  }
  const hist = members.has('history.json') ? parseJson(members, 'history.json', file) : [];
  if (!Array.isArray(hist)) throw new BundleError(`${file}: history.json must be a list of epoch records`);
  const hp = historySchema.safeParse(hist);
  if (!hp.success)
    throw new BundleError(
      `${file}: history.json: ${firstIssue(hp.error)} (each epoch record maps names to numbers)`,
    );
  out.history = hp.data;
  return { contents: out, listing };
}

export interface BundleSummary {
  file: string;
  /** Size of the archive on disk. */
  bytes: number;
  manifest: Manifest;
  models: { name: string; onnxBytes: number }[];
  /** Every member with its stored and inflated size. */
  members: ArchiveMember[];
  N: number;
  gridsize: number;
  intensityScale: number;
  initialIntensityScale: number | null;
  epochs: number;
  finalLoss: number | null;
  finalValLoss: number | null;
  config: Record<string, unknown>;
  /** training_state/params.safetensors is present and its header valid (so training can resume). */
  hasTrainingState: boolean;
  /** Why a present training state is unusable (null when absent or valid). */
  trainingStateError: string | null;
}

/** Why the training state's safetensors is unusable, or null when its header is valid. */
export function trainingStateError(bytes: Uint8Array): string | null {
  try {
    checkSafetensors(bytes);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Summary for `ptycho inspect wts.h5.zip` (validates the archive; does not start ONNX Runtime). */
export async function inspectBundle(path: string): Promise<BundleSummary> {
  // Only diffraction_to_obj is required to describe a bundle; the autoencoder is listed if present.
  const {
    contents: b,
    listing,
    bytes,
  } = await readBundleDetailed(path, { checkOnnx: false, models: ['diffraction_to_obj'] });
  const d = b.models.diffraction_to_obj!;
  const last = b.history.at(-1) ?? null;
  return {
    file: path,
    bytes,
    manifest: b.manifest,
    models: MODEL_NAMES.flatMap((n) => {
      const m = listing.find((x) => x.name === `${n}/model.onnx`);
      return m && b.manifest.models.includes(n) ? [{ name: n, onnxBytes: m.bytes }] : [];
    }),
    members: listing,
    N: d.params.N,
    gridsize: d.params.gridsize,
    intensityScale: d.params.intensity_scale,
    initialIntensityScale:
      typeof d.params.initial_intensity_scale === 'number' ? d.params.initial_intensity_scale : null,
    epochs: b.history.length,
    finalLoss: typeof last?.loss === 'number' ? last.loss : null,
    finalValLoss: typeof last?.val_loss === 'number' ? last.val_loss : null,
    config: d.params.config,
    hasTrainingState: b.trainingState !== null && trainingStateError(b.trainingState) === null,
    trainingStateError: b.trainingState ? trainingStateError(b.trainingState) : null,
  };
}
