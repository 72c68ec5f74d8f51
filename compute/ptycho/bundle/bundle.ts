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
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { createSession, type Session } from '../../engine';
import { atomicWriteFileSync } from '../../io/atomicWrite';

export const BUNDLE_FORMAT = 'ptycho-workstation-bundle';
export const BUNDLE_VERSION = '1.0';
export const SUPPORTED_VERSIONS = ['1.0'];
export const MODEL_NAMES = ['autoencoder', 'diffraction_to_obj'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Expected ONNX I/O of each model (checked on load). */
export const MODEL_IO: Readonly<Record<ModelName, ModelIO>> = {
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

/** Why a member name is unsafe to use (null when it is fine). */
function unsafeMemberName(name: string): string | null {
  if (name === '') return 'an empty name';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control characters in the name';
  if (name.includes('\\')) return 'a backslash in the name';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'an absolute path';
  if (name.split('/').some((seg) => seg === '..' || seg === '.')) return "'..' or '.' path segments (path traversal)";
  return null;
}

/** Where each member's CRC-32 lives: one walk over the central directory, in entry order. */
function centralDirectoryCrcs(bytes: Uint8Array): { crc: number; flags: number }[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let e = bytes.length - 22;
  while (e >= 0 && dv.getUint32(e, true) !== 0x06054b50) {
    if (bytes.length - e > 65558) return [];
    e--;
  }
  if (e < 0) return [];
  let count = dv.getUint16(e + 8, true);
  let o = dv.getUint32(e + 16, true);
  if (e >= 20 && dv.getUint32(e - 20, true) === 0x07064b50) {
    const z = Number(dv.getBigUint64(e - 12, true));
    if (z + 56 <= bytes.length && dv.getUint32(z, true) === 0x06064b50) {
      count = Number(dv.getBigUint64(z + 32, true));
      o = Number(dv.getBigUint64(z + 48, true));
    }
  }
  const out: { crc: number; flags: number }[] = [];
  for (let i = 0; i < count && o + 46 <= bytes.length && dv.getUint32(o, true) === 0x02014b50; i++) {
    out.push({ flags: dv.getUint16(o + 8, true), crc: dv.getUint32(o + 16, true) });
    o += 46 + dv.getUint16(o + 28, true) + dv.getUint16(o + 30, true) + dv.getUint16(o + 32, true);
  }
  return out;
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
export function unpackArchive(bytes: Uint8Array, file: string, limits: ArchiveLimits = {}): { members: Map<string, Uint8Array>; listing: ArchiveMember[] } {
  const maxMember = limits.maxMemberBytes ?? MAX_MEMBER_BYTES;
  const maxTotal = limits.maxTotalBytes ?? MAX_TOTAL_BYTES;
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new BundleError(`${file}: not a model bundle (not a zip archive)`);
  const crcs = centralDirectoryCrcs(bytes);
  const declared = new Map<string, { crc: number | null; bytes: number }>();
  const listing: ArchiveMember[] = [];
  let total = 0;
  let index = 0;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        const cd = crcs[index++];
        const why = unsafeMemberName(f.name);
        if (why) throw new BundleError(`${file}: refusing archive member '${f.name}' (${why})`);
        if (declared.has(f.name)) throw new BundleError(`${file}: duplicate archive member '${f.name}'`);
        if (cd && cd.flags & 1) throw new BundleError(`${file}: member '${f.name}' is encrypted; bundles are never encrypted`);
        if (f.compression !== 0 && f.compression !== 8) throw new BundleError(`${file}: member '${f.name}' uses compression method ${f.compression}; only stored (0) and deflate (8) are supported`);
        if (f.originalSize > maxMember) throw new BundleError(`${file}: member '${f.name}' declares ${f.originalSize} bytes (limit ${maxMember}); refusing to inflate`);
        if (f.compression === 0 && f.originalSize !== f.size) throw new BundleError(`${file}: stored member '${f.name}' declares ${f.originalSize} bytes but occupies ${f.size}; corrupt archive`);
        if (f.compression === 8 && f.originalSize > MAX_RATIO * f.size + 4096) throw new BundleError(`${file}: member '${f.name}' claims an impossible ${Math.round(f.originalSize / Math.max(1, f.size))}:1 compression ratio; refusing to inflate`);
        total += f.originalSize;
        if (total > maxTotal) throw new BundleError(`${file}: archive declares more than ${maxTotal} bytes in total; refusing to inflate`);
        declared.set(f.name, { crc: cd ? cd.crc : null, bytes: f.originalSize });
        if (f.name.endsWith('/') && f.originalSize === 0) return false; // a folder entry
        listing.push({ name: f.name, compressedBytes: f.size, bytes: f.originalSize, method: f.compression === 0 ? 'stored' : 'deflate' });
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError(`${file}: corrupt or truncated archive (${(e as Error).message})`);
  }
  for (const [name, data] of Object.entries(members)) {
    const d = declared.get(name)!;
    if (data.length !== d.bytes) throw new BundleError(`${file}: member '${name}' inflates to ${data.length} bytes, not the declared ${d.bytes}; corrupt or truncated archive`);
    if (d.crc !== null && crc32(data) >>> 0 !== d.crc) throw new BundleError(`${file}: member '${name}' fails its CRC-32 check; corrupt archive`);
  }
  return { members: new Map(Object.entries(members)), listing };
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
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new BundleError(`${file}: ${member} must be a JSON object`);
  const o = p as Record<string, unknown>;
  for (const k of ['N', 'gridsize']) if (typeof o[k] !== 'number') throw new BundleError(`${file}: ${member} lacks '${k}' (a number)`);
  if (![64, 128, 256].includes(o.N as number)) throw new BundleError(`${file}: ${member}: N must be 64, 128 or 256, found ${String(o.N)}`);
  if (!Number.isInteger(o.gridsize) || (o.gridsize as number) < 1) throw new BundleError(`${file}: ${member}: gridsize must be a positive integer, found ${String(o.gridsize)}`);
  if (o.version !== undefined && !SUPPORTED_VERSIONS.includes(String(o.version))) {
    throw new BundleError(`${file}: ${member}: version ${JSON.stringify(o.version)} is not supported (this app reads ${SUPPORTED_VERSIONS.join(', ')})`);
  }
  if (typeof o.intensity_scale !== 'number' || !(o.intensity_scale > 0) || !Number.isFinite(o.intensity_scale)) throw new BundleError(`${file}: ${member} lacks a positive 'intensity_scale'`);
  const probe = o.probe as BundleParams['probe'] | undefined;
  const N = o.N as number;
  if (!probe || !Array.isArray(probe.re) || !Array.isArray(probe.im) || probe.re.length !== N * N || probe.im.length !== N * N) {
    throw new BundleError(`${file}: ${member}: 'probe' must hold re and im arrays of ${N}×${N} values`);
  }
  if (!o.config || typeof o.config !== 'object') throw new BundleError(`${file}: ${member} lacks 'config'`);
  const cm = (o.config as { model?: { N?: unknown; gridsize?: unknown } }).model;
  if (cm && ((cm.N !== undefined && cm.N !== N) || (cm.gridsize !== undefined && cm.gridsize !== o.gridsize))) {
    throw new BundleError(`${file}: ${member}: N ${N} / gridsize ${String(o.gridsize)} disagree with its config (N ${String(cm.N)}, gridsize ${String(cm.gridsize)})`);
  }
  return p as BundleParams;
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

async function readBundleDetailed(path: string, opts: ReadBundleOptions): Promise<{ contents: BundleContents; listing: ArchiveMember[]; bytes: number }> {
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return readBundleDetailed(join(path, 'wts.h5.zip'), opts);
    if (st.size > MAX_ARCHIVE_BYTES) throw new BundleError(`${path}: ${st.size} bytes is larger than any model bundle (limit ${MAX_ARCHIVE_BYTES}); refusing to read it`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof BundleError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new BundleError(code === 'ENOENT' ? `${path}: model bundle not found` : `${path}: cannot read (${(e as Error).message})`);
  }
  const { contents, listing } = await decodeBundleDetailed(bytes, path, opts);
  return { contents, listing, bytes: bytes.length };
}

export async function decodeBundle(bytes: Uint8Array, file: string, opts: ReadBundleOptions = {}): Promise<BundleContents> {
  return (await decodeBundleDetailed(bytes, file, opts)).contents;
}

function dimsText(dims: readonly (number | string)[]): string {
  return `(${dims.join(',')})`;
}

/** Compare an ONNX session's I/O with the expected names and, where the graph has static dims, with N and C = gridsize². */
async function checkOnnxModel(onnx: Uint8Array, name: ModelName, io: ModelIO, params: BundleParams, file: string): Promise<void> {
  let session: Session;
  try {
    session = await createSession(onnx, { provider: 'cpu', ortOptions: { logSeverityLevel: 4 } }, `${name}/model.onnx`);
  } catch (e) {
    const ortError = (e as Error).cause instanceof Error ? ((e as Error).cause as Error) : (e as Error);
    throw new BundleError(`${file}: ${name}/model.onnx does not load in ONNX Runtime (${ortError.message.split('\n')[0]})`);
  }
  const s = session.ort;
  try {
    const ins = [...s.inputNames].sort().join(',');
    const outs = [...s.outputNames].sort().join(',');
    if (ins !== [...io.inputs].sort().join(',') || outs !== [...io.outputs].sort().join(',')) {
      throw new BundleError(`${file}: ${name}/model.onnx has inputs [${ins}] and outputs [${outs}], expected [${io.inputs.join(',')}] → [${io.outputs.join(',')}]`);
    }
    const C = params.gridsize * params.gridsize;
    const want: Record<string, (number | null)[]> = { input: [null, params.N, params.N, C], input_positions: [null, 1, 2, C] };
    for (const m of s.inputMetadata) {
      const w = want[m.name];
      if (!w || !m.isTensor) continue;
      const dims = m.shape;
      const bad = dims.length !== w.length || w.some((v, i) => v !== null && typeof dims[i] === 'number' && dims[i] !== v);
      if (bad) {
        throw new BundleError(`${file}: ${name}/model.onnx input '${m.name}' has shape ${dimsText(dims)}, but params.json (N ${params.N}, gridsize ${params.gridsize}) needs ${dimsText(w.map((v) => v ?? 'B'))}`);
      }
    }
  } finally {
    await session.release();
  }
}

async function decodeBundleDetailed(bytes: Uint8Array, file: string, opts: ReadBundleOptions): Promise<{ contents: BundleContents; listing: ArchiveMember[] }> {
  const { members, listing } = unpackArchive(bytes, file);
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
    if (!(MODEL_NAMES as readonly string[]).includes(name)) throw new BundleError(`${file}: unknown model '${name}' requested (known: ${MODEL_NAMES.join(', ')})`);
    if (!manifest.models.includes(name)) throw new BundleError(`${file}: model '${name}' is not in the bundle (manifest lists: ${manifest.models.join(', ')})`);
    const onnx = members.get(`${name}/model.onnx`);
    if (!onnx) throw new BundleError(`${file}: missing ${name}/model.onnx`);
    const params = checkParams(parseJson(members, `${name}/params.json`, file), `${name}/params.json`, file);
    if (opts.checkOnnx !== false) await checkOnnxModel(onnx, name, opts.io?.[name] ?? MODEL_IO[name], params, file);
    out.models[name] = { onnx, params };
  }
  const hist = members.has('history.json') ? parseJson(members, 'history.json', file) : [];
  if (!Array.isArray(hist)) throw new BundleError(`${file}: history.json must be a list of epoch records`);
  out.history = hist as Record<string, unknown>[];
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
  hasTrainingState: boolean;
}

/** Summary for `ptycho inspect wts.h5.zip` (validates the archive; does not start ONNX Runtime). */
export async function inspectBundle(path: string): Promise<BundleSummary> {
  // Only diffraction_to_obj is required to describe a bundle; the autoencoder is listed if present.
  const { contents: b, listing, bytes } = await readBundleDetailed(path, { checkOnnx: false, models: ['diffraction_to_obj'] });
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
    initialIntensityScale: typeof d.params.initial_intensity_scale === 'number' ? d.params.initial_intensity_scale : null,
    epochs: b.history.length,
    finalLoss: typeof last?.loss === 'number' ? last.loss : null,
    finalValLoss: typeof last?.val_loss === 'number' ? last.val_loss : null,
    config: d.params.config,
    hasTrainingState: b.trainingState !== null,
  };
}
