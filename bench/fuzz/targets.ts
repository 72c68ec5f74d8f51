/**
 * Fuzz targets: each is a parser or loader of untrusted bytes, the error classes that count as a
 * clean refusal, real seed files (from tests/ and fixtures/, or generated here the way the app
 * writes them), and the mutator that suits the format. Anything else thrown is a finding.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, NpyError } from '../../compute/io/npy';
import { encodeNpz, readNpz, NpzError } from '../../compute/io/npz';
import { f32, f64, type AnyNdArray } from '../../compute/io/ndarray';
import { Hdf5Error, initHdf5 } from '../../compute/io/hdf5';
import { FileKindError } from '../../compute/io/safeFile';
import {
  BundleError,
  decodeBundle,
  encodeBundle,
  makeManifest,
  trainingStateError,
} from '../../compute/ptycho/bundle/bundle';
import { EngineError, readSafetensors, writeSafetensors } from '../../compute/engine/index';
import { ConfigError, makeTrainingConfig } from '../../compute/ptycho/config/config';
import { DatasetError } from '../../compute/ptycho/data/dataset';
import { openDatasetSync } from '../../compute/ptycho/data/formats/index';
import { decodeFrame, encodeFrame, WireError } from '../../compute/wire/framing';
import {
  concat,
  mutateBytes,
  mutateJsonText,
  mutateNpy,
  mutateSafetensorsHeader,
  mutateZipMember,
  type Rand,
} from './mutate';

export interface FuzzTarget {
  name: string;
  /** What is fed to it, in words (for the results table). */
  input: string;
  seeds(): Uint8Array[];
  mutate(r: Rand, seed: Uint8Array, other: Uint8Array): Uint8Array;
  run(bytes: Uint8Array): unknown;
  /** Errors that are clean refusals. */
  clean: readonly (new (...a: never[]) => Error)[];
  setup?(): Promise<void>;
}

const ROOT = new URL('../../', import.meta.url).pathname;
const file = (p: string): Uint8Array => new Uint8Array(readFileSync(join(ROOT, p)));
const stacked = (r: Rand, b: Uint8Array, f: (r: Rand, b: Uint8Array) => Uint8Array): Uint8Array => {
  let out = b;
  const n = 1 + Math.floor(r() * r() * 4);
  for (let i = 0; i < n; i++) out = f(r, out);
  return out;
};

/** A small PtychoPINN scan: the first 12 patterns of a fixture, written as the app writes NPZ. */
function smallScan(compress: boolean): Uint8Array {
  const z = readNpz(join(ROOT, 'fixtures/lines-N64-train.npz'));
  const d = z.arrays.get('diffraction')!;
  const [, n1, n2] = d.shape as [number, number, number];
  const M = 12;
  const arrays: Record<string, AnyNdArray> = {
    diffraction: f32((d.data as Float32Array).slice(0, M * n1 * n2), [M, n1, n2]),
    xcoords: f64(Float64Array.from(z.arrays.get('xcoords')!.data as Float64Array).slice(0, M), [M]),
    ycoords: f64(Float64Array.from(z.arrays.get('ycoords')!.data as Float64Array).slice(0, M), [M]),
  };
  const probe = z.arrays.get('probeGuess');
  if (probe) arrays.probeGuess = probe;
  return encodeNpz(arrays, {
    compress,
    metadata: { nphotons: 1e6 },
    mtime: new Date('2026-01-01T00:00:00Z'),
  });
}

/** A bundle as the app writes it (real params and history; small placeholder ONNX members). */
function smallBundle(): Uint8Array {
  const N = 64;
  const cfg = makeTrainingConfig({});
  const re = Array.from({ length: N * N }, (_, i) => Math.cos(i / 50));
  const im = Array.from({ length: N * N }, (_, i) => Math.sin(i / 50));
  const params = {
    version: '1.0',
    N,
    gridsize: 1,
    config: JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>,
    legacy: { N, gridsize: 1 },
    intensity_scale: 12.5,
    initial_intensity_scale: 10,
    probe: { shape: [N, N] as [number, number], re, im },
  };
  const onnx = new Uint8Array(256).map((_, i) => (i * 37) & 255);
  return encodeBundle({
    manifest: makeManifest('0.1.0', '2026-01-01T00:00:00.000Z'),
    models: { autoencoder: { onnx, params }, diffraction_to_obj: { onnx, params } },
    history: [1, 2, 3].map((e) => ({
      epoch: e,
      loss: 3 - e / 2,
      val_loss: 3.2 - e / 2,
      lr: 1e-3,
      seconds: 1.5,
      samples_per_sec: 200,
      intensity_scale: 12.5,
    })),
    trainingState: writeSafetensors(
      {
        'conv1.w': { shape: [3, 3, 1, 4], data: new Float32Array(36).fill(0.5) },
        log_scale: { shape: [1], data: Float32Array.of(2.5) },
      },
      { format: 'ptycho-workstation weights', epochs: '3' },
    ),
  });
}

function frames(): Uint8Array[] {
  return [
    encodeFrame({ type: 'request', id: 1, method: 'dataset.open', params: { path: '/data/scan.npz' } }),
    encodeFrame({ type: 'request', id: 2, method: 'core.ping', params: { echo: 'x' } }),
    encodeFrame({
      type: 'request',
      id: 3,
      method: 'model.infer',
      params: {
        data: Float32Array.of(1, 2, 3),
        idx: Int32Array.of(4, 5),
        nested: { a: [Float64Array.of(6)] },
      },
    }),
  ];
}

/** The host's check of a decoded frame (electron/host/browserHost). */
function asRequest(v: unknown): void {
  const m = v as { type?: unknown; id?: unknown } | null;
  if (m === null || typeof m !== 'object' || m.type !== 'request' || !Number.isSafeInteger(m.id))
    throw new WireError('not a request message');
}

let scratch: string | null = null;
function scratchFile(bytes: Uint8Array): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'fuzz-'));
  const p = join(scratch, 'scan.npz');
  writeFileSync(p, bytes);
  return p;
}
export function cleanScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
}

const zipMutate = (r: Rand, seed: Uint8Array, other: Uint8Array): Uint8Array =>
  r() < 0.6 ? stacked(r, seed, mutateZipMember) : stacked(r, seed, (rr, b) => mutateBytes(rr, b, other));

export const TARGETS: FuzzTarget[] = [
  {
    name: 'npy',
    input: 'readNpy on the 19 golden .npy files (numpy-written), header- and byte-mutated',
    seeds: () =>
      readdirSync(join(ROOT, 'tests/unit/io/golden'))
        .filter((f) => f.endsWith('.npy'))
        .map((f) => file(`tests/unit/io/golden/${f}`)),
    mutate: (r, seed, other) =>
      stacked(r, seed, (rr, b) => (rr() < 0.5 ? mutateNpy(rr, b) : mutateBytes(rr, b, other))),
    run: (b) => readNpy(b, 'fuzz.npy'),
    clean: [NpyError],
  },
  {
    name: 'npz',
    input:
      'readNpz on golden NPZ (stored, deflated, object member, PtychoPINN scan) and a generated scan; members re-zipped or raw bytes mutated',
    seeds: () => [
      ...['stored', 'compressed', 'object_member', 'ptychopinn_scan'].map((n) =>
        file(`tests/unit/io/golden/${n}.npz`),
      ),
      file('tests/unit/formats/golden/scan16.npz'),
      smallScan(true),
    ],
    mutate: zipMutate,
    run: (b) => readNpz(b, 'fuzz.npz'),
    clean: [NpzError, NpyError],
  },
  {
    name: 'dataset',
    input: 'openDatasetSync on a file (format sniffing, NPZ, validation of a PtychoPINN scan)',
    seeds: () => [
      file('tests/unit/formats/golden/scan16.npz'),
      file('tests/unit/io/golden/ptychopinn_scan.npz'),
      smallScan(false),
      smallScan(true),
    ],
    mutate: zipMutate,
    run: (b) => openDatasetSync(scratchFile(b), { requireProbe: false }),
    clean: [DatasetError, NpzError, NpyError, Hdf5Error, FileKindError],
    setup: () => initHdf5(),
  },
  {
    name: 'bundle',
    input:
      'decodeBundle (no ONNX Runtime) + config + training state as loadModel reads them, on a generated wts.h5.zip',
    seeds: () => [smallBundle()],
    mutate: zipMutate,
    run: async (b) => {
      const c = await decodeBundle(b, 'fuzz.zip', { checkOnnx: false });
      const p = c.models.diffraction_to_obj!.params;
      makeTrainingConfig(p.config as Parameters<typeof makeTrainingConfig>[0]);
      if (c.trainingState && trainingStateError(c.trainingState) === null) readSafetensors(c.trainingState);
      return Float32Array.from(p.probe.re);
    },
    clean: [BundleError, ConfigError],
  },
  {
    name: 'safetensors',
    input: 'readSafetensors on generated files (F32 tensors, __metadata__), header-as-JSON and byte-mutated',
    seeds: () => [
      writeSafetensors(
        {
          a: { shape: [2, 3], data: new Float32Array(6).fill(1) },
          b: { shape: [], data: Float32Array.of(7) },
        },
        { format: 'x' },
      ),
      writeSafetensors({ w: { shape: [4, 4, 2], data: new Float32Array(32) } }),
    ],
    mutate: (r, seed, other) =>
      stacked(r, seed, (rr, b) => (rr() < 0.6 ? mutateSafetensorsHeader(rr, b) : mutateBytes(rr, b, other))),
    run: (b) => readSafetensors(b),
    clean: [EngineError],
  },
  {
    name: 'frame',
    input: "decodeFrame + the host's request check on encoded requests with typed arrays",
    seeds: frames,
    mutate: (r, seed, other) =>
      stacked(r, seed, (rr, b) => {
        if (rr() < 0.5 && b.length >= 4) {
          const n = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
          if (4 + n <= b.length) {
            const h = mutateJsonText(rr, b.subarray(4, 4 + n));
            const head = new Uint8Array(4);
            new DataView(head.buffer).setUint32(0, h.length, true);
            const pad = new Uint8Array((8 - ((4 + h.length) % 8)) % 8);
            return concat(head, h, pad, b.subarray((4 + n + 7) & ~7));
          }
        }
        return mutateBytes(rr, b, other);
      }),
    run: (b) => asRequest(decodeFrame(b)),
    clean: [WireError],
  },
];
