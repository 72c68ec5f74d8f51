/**
 * The wts.h5.zip container on its own (no trained network): tiny ONNX graphs with the public I/O,
 * write → read → inspect, and the hostile or inconsistent archives the model-based tests do not
 * build (backslashes, duplicates, sizes that lie, CRC, I/O names and shapes, versions).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { deflateSync, strToU8, zipSync } from 'fflate';
import { encodeModel, type OnnxNode } from '../../../compute/engine/onnx/onnxProto';
import { writeSafetensors } from '../../../compute/engine/params';
import {
  decodeBundle,
  encodeBundle,
  inspectBundle,
  makeManifest,
  readBundle,
  unpackArchive,
  writeBundle,
  type BundleContents,
  type BundleParams,
  type ModelName,
} from '../../../compute/ptycho/bundle/bundle';

const N = 64;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'container-'));

/** input (B,N,N,C), input_positions (B,1,2,C) → the given outputs (elementwise ops of `input`). */
function tinyOnnx(
  outputs: string[],
  o: { N?: number; C?: number; inputs?: [string, string] } = {},
): Uint8Array {
  const n = o.N ?? N;
  const C = o.C ?? 1;
  const [inp, pos] = o.inputs ?? ['input', 'input_positions'];
  const ops = ['Identity', 'Neg', 'Abs', 'Relu'];
  const nodes: OnnxNode[] = outputs.map((out, i) => ({
    opType: ops[i % ops.length]!,
    inputs: [inp],
    outputs: [out],
    name: `n${i}`,
  }));
  nodes.push({ opType: 'Identity', inputs: [pos], outputs: ['pos_out'], name: 'pos' });
  return encodeModel({
    opset: 17,
    graph: {
      name: 'tiny',
      nodes,
      inputs: [
        { name: inp, dtype: 'FLOAT', shape: ['B', n, n, C] },
        { name: pos, dtype: 'FLOAT', shape: ['B', 1, 2, C] },
      ],
      outputs: [
        ...outputs.map((name) => ({ name, dtype: 'FLOAT' as const, shape: ['B', n, n, C] })),
        { name: 'pos_out', dtype: 'FLOAT' as const, shape: ['B', 1, 2, C] },
      ],
      initializers: [],
    },
  });
}

const IO = {
  autoencoder: { inputs: ['input', 'input_positions'], outputs: ['a', 'b', 'c', 'pos_out'] },
  diffraction_to_obj: {
    inputs: ['input', 'input_positions'],
    outputs: ['trimmed_obj_real', 'trimmed_obj_imag', 'pos_out'],
  },
};

function params(over: Partial<BundleParams> = {}): BundleParams {
  return {
    version: '1.0',
    N,
    gridsize: 1,
    config: { model: { N, gridsize: 1 }, nepochs: 2 },
    legacy: { N, gridsize: 1, 'object.big': true, offset: 4, max_position_jitter: 10 },
    intensity_scale: 12.5,
    initial_intensity_scale: 10,
    probe: {
      shape: [N, N],
      re: Array.from({ length: N * N }, (_, i) => (i % 7) / 7),
      im: new Array<number>(N * N).fill(-0.25),
    },
    ...over,
  };
}

function contents(
  over: {
    onnx?: Partial<Record<ModelName, Uint8Array>>;
    params?: Partial<BundleParams>;
    state?: Uint8Array | null;
  } = {},
): BundleContents {
  return {
    manifest: makeManifest('9.8.7', '2026-11-28T12:00:00.000Z'),
    models: {
      autoencoder: { onnx: over.onnx?.autoencoder ?? tinyOnnx(['a', 'b', 'c']), params: params(over.params) },
      diffraction_to_obj: {
        onnx: over.onnx?.diffraction_to_obj ?? tinyOnnx(['trimmed_obj_real', 'trimmed_obj_imag']),
        params: params(over.params),
      },
    },
    history: [
      { epoch: 1, loss: 3, val_loss: 4 },
      { epoch: 2, loss: 2, val_loss: 2.5 },
    ],
    trainingState: over.state === undefined ? Uint8Array.from([1, 2, 3, 250]) : over.state,
  };
}

/** Write bytes to D/wts.h5.zip and return the path. */
function put(bytes: Uint8Array): string {
  const p = join(tmp(), 'wts.h5.zip');
  writeFileSync(p, bytes);
  return p;
}

/** Offsets of every local (PK\3\4) and central (PK\1\2) header in a zip. */
function headers(z: Buffer): { local: number[]; central: number[] } {
  const find = (sig: number[]): number[] => {
    const out: number[] = [];
    for (let i = z.indexOf(Buffer.from(sig)); i >= 0; i = z.indexOf(Buffer.from(sig), i + 1)) out.push(i);
    return out;
  };
  return { local: find([0x50, 0x4b, 0x03, 0x04]), central: find([0x50, 0x4b, 0x01, 0x02]) };
}

describe('wts.h5.zip container', () => {
  it('write → read returns the same contents; the write leaves no temporary file; the layout is as documented', async () => {
    const dir = tmp();
    const path = join(dir, 'wts.h5.zip');
    const c = contents();
    const n = writeBundle(path, c);
    expect(readdirSync(dir)).toEqual(['wts.h5.zip']);
    expect(readFileSync(path).length).toBe(n);
    const back = await readBundle(path, { io: IO });
    expect(back.manifest).toEqual({
      format: 'ptycho-workstation-bundle',
      models: ['autoencoder', 'diffraction_to_obj'],
      version: '1.0',
      backend: 'onnx',
      created: '2026-11-28T12:00:00.000Z',
      app_version: '9.8.7',
    });
    expect(back.models.diffraction_to_obj!.params).toEqual(c.models.diffraction_to_obj!.params);
    expect(Buffer.from(back.models.autoencoder!.onnx)).toEqual(Buffer.from(c.models.autoencoder!.onnx));
    expect(back.history).toEqual(c.history);
    expect(Array.from(back.trainingState!)).toEqual([1, 2, 3, 250]);
    // Reading the folder finds D/wts.h5.zip; a subset of models can be asked for.
    const only = await readBundle(dir, { models: ['diffraction_to_obj'], io: IO });
    expect(Object.keys(only.models)).toEqual(['diffraction_to_obj']);
    const names = [...unpackArchive(readFileSync(path), path).members.keys()].sort();
    expect(names).toEqual([
      'autoencoder/model.onnx',
      'autoencoder/params.json',
      'diffraction_to_obj/model.onnx',
      'diffraction_to_obj/params.json',
      'history.json',
      'manifest.json',
      'training_state/params.safetensors',
    ]);
    // Deterministic: the same contents encode to the same bytes.
    expect(Buffer.from(encodeBundle(c))).toEqual(Buffer.from(encodeBundle(contents())));
  });

  it('overwrites an existing bundle atomically and can omit the training state', async () => {
    const dir = tmp();
    const path = join(dir, 'wts.h5.zip');
    writeBundle(path, contents());
    writeBundle(path, contents({ state: null, params: { intensity_scale: 99 } }));
    expect(readdirSync(dir)).toEqual(['wts.h5.zip']);
    const b = await readBundle(path, { io: IO });
    expect(b.trainingState).toBeNull();
    expect(b.models.autoencoder!.params.intensity_scale).toBe(99);
  });

  it('inspect: models, N, gridsize, intensity scale, history, dates, member sizes', async () => {
    const path = join(tmp(), 'wts.h5.zip');
    const bytes = writeBundle(
      path,
      contents({ state: writeSafetensors({ w: { shape: [2], data: Float32Array.of(1, 2) } }) }),
    );
    const s = await inspectBundle(path);
    expect(s).toMatchObject({
      bytes,
      N: 64,
      gridsize: 1,
      intensityScale: 12.5,
      initialIntensityScale: 10,
      epochs: 2,
      finalLoss: 2,
      finalValLoss: 2.5,
      hasTrainingState: true,
      trainingStateError: null,
    });
    // Issue #15: bytes that are not a valid safetensors file do not make a bundle resumable.
    writeBundle(path, contents());
    expect(await inspectBundle(path)).toMatchObject({
      hasTrainingState: false,
      trainingStateError: expect.stringMatching(/safetensors: file too short \(4 bytes\)/),
    });
    expect(s.manifest).toMatchObject({ created: '2026-11-28T12:00:00.000Z', app_version: '9.8.7' });
    expect(s.models.map((m) => m.name)).toEqual(['autoencoder', 'diffraction_to_obj']);
    const onnx = s.members.find((m) => m.name === 'diffraction_to_obj/model.onnx')!;
    expect(onnx.bytes).toBe(s.models[1]!.onnxBytes);
    expect(s.members.find((m) => m.name === 'manifest.json')!.method).toBe('deflate');
    expect(s.members.length).toBe(7);
  });

  it('inspect describes a bundle holding only diffraction_to_obj; reading it for both models says what is missing', async () => {
    const c = contents();
    const only: BundleContents = {
      ...c,
      manifest: { ...c.manifest, models: ['diffraction_to_obj'] },
      models: { diffraction_to_obj: c.models.diffraction_to_obj! },
    };
    const path = join(tmp(), 'wts.h5.zip');
    writeBundle(path, only);
    const s = await inspectBundle(path);
    expect(s.models.map((m) => m.name)).toEqual(['diffraction_to_obj']);
    await expect(readBundle(path, { io: IO })).rejects.toThrow(
      /model 'autoencoder' is not in the bundle \(manifest lists: diffraction_to_obj\)/,
    );
    await expect(readBundle(path, { io: IO, models: ['diffraction_to_obj'] })).resolves.toBeTruthy();
  });

  it('the expected I/O names are a parameter, and a mismatch names the member and both lists', async () => {
    const path = join(tmp(), 'wts.h5.zip');
    writeBundle(path, contents());
    // Default MODEL_IO expects the real network's outputs, which the tiny graphs do not have.
    await expect(readBundle(path)).rejects.toThrow(
      /wts\.h5\.zip: autoencoder\/model\.onnx has inputs \[input,input_positions\] and outputs \[a,b,c,pos_out\], expected/,
    );
    await expect(
      readBundle(path, {
        io: { ...IO, diffraction_to_obj: { inputs: ['input', 'input_positions'], outputs: ['obj'] } },
      }),
    ).rejects.toThrow(
      /diffraction_to_obj\/model\.onnx has inputs .* expected \[input,input_positions\] → \[obj\]/,
    );
    await expect(readBundle(path, { checkOnnx: false })).resolves.toBeTruthy();
    const renamed = put(
      encodeBundle(
        contents({
          onnx: {
            diffraction_to_obj: tinyOnnx(['trimmed_obj_real', 'trimmed_obj_imag'], {
              inputs: ['X', 'input_positions'],
            }),
          },
        }),
      ),
    );
    await expect(readBundle(renamed, { models: ['diffraction_to_obj'], io: IO })).rejects.toThrow(
      /has inputs \[X,input_positions\]/,
    );
  });

  it('an ONNX graph whose static input shape contradicts N or gridsize in params.json is refused', async () => {
    const wrongN = put(
      encodeBundle(
        contents({
          onnx: { diffraction_to_obj: tinyOnnx(['trimmed_obj_real', 'trimmed_obj_imag'], { N: 128 }) },
        }),
      ),
    );
    await expect(readBundle(wrongN, { models: ['diffraction_to_obj'], io: IO })).rejects.toThrow(
      /diffraction_to_obj\/model\.onnx input 'input' has shape \(B,128,128,1\), but params\.json \(N 64, gridsize 1\) needs \(B,64,64,1\)/,
    );
    const wrongC = put(
      encodeBundle(
        contents({
          onnx: { diffraction_to_obj: tinyOnnx(['trimmed_obj_real', 'trimmed_obj_imag'], { C: 4 }) },
        }),
      ),
    );
    await expect(readBundle(wrongC, { models: ['diffraction_to_obj'], io: IO })).rejects.toThrow(
      /input 'input' has shape \(B,64,64,4\)/,
    );
  });

  describe('refuses, naming the archive and the member', () => {
    const manifest = strToU8(
      JSON.stringify({ models: ['autoencoder', 'diffraction_to_obj'], version: '1.0', backend: 'onnx' }),
    );
    it('a member name with a backslash', async () => {
      await expect(
        readBundle(put(zipSync({ '..\\..\\evil.dll': strToU8('x'), 'manifest.json': manifest }))),
      ).rejects.toThrow(/refusing archive member '\.\.\\\.\.\\evil\.dll' \(a backslash in the name\)/);
    });
    it('a Windows drive path and a nested traversal', async () => {
      await expect(readBundle(put(zipSync({ 'C:/x': strToU8('x') })))).rejects.toThrow(
        /'C:\/x' \(an absolute path\)/,
      );
      await expect(readBundle(put(zipSync({ 'autoencoder/../../x': strToU8('x') })))).rejects.toThrow(
        /'autoencoder\/\.\.\/\.\.\/x' \(.*path traversal\)/,
      );
    });
    it('duplicate members', async () => {
      // Two members whose names have the same length; rename the second to the first in both headers.
      const z = Buffer.from(
        zipSync({ 'manifest.json': manifest, 'manifest.jsoX': strToU8('{"models":[]}') }, { level: 0 }),
      );
      const { local, central } = headers(z);
      for (const h of [local[1]! + 30, central[1]! + 46]) z.write('manifest.json', h, 'latin1');
      await expect(readBundle(put(z))).rejects.toThrow(
        /wts\.h5\.zip: duplicate archive member 'manifest\.json'/,
      );
    });
    it('a member that inflates to more than it declares (size lie) fails its check, not silently truncated', async () => {
      const big = new Uint8Array(200_000).fill(65);
      const z = Buffer.from(zipSync({ 'history.json': [big, { level: 9 }], 'manifest.json': manifest }));
      const { local, central } = headers(z);
      z.writeUInt32LE(1000, local[0]! + 22);
      z.writeUInt32LE(1000, central[0]! + 24);
      await expect(readBundle(put(z))).rejects.toThrow(/member 'history\.json' fails its CRC-32 check/);
    });
    it('a member that inflates to less than it declares', async () => {
      const z = Buffer.from(zipSync({ 'manifest.json': [manifest, { level: 9 }] }));
      const { local, central } = headers(z);
      z.writeUInt32LE(manifest.length + 50, local[0]! + 22);
      z.writeUInt32LE(manifest.length + 50, central[0]! + 24);
      await expect(readBundle(put(z))).rejects.toThrow(
        /member 'manifest\.json' inflates to \d+ bytes, not the declared \d+/,
      );
    });
    it('corrupted member bytes (CRC) and a stored member whose sizes disagree', async () => {
      const z = Buffer.from(zipSync({ 'manifest.json': manifest }, { level: 0 }));
      z[headers(z).local[0]! + 30 + 'manifest.json'.length + 3] ^= 0xff;
      await expect(readBundle(put(z))).rejects.toThrow(
        /member 'manifest\.json' fails its CRC-32 check; corrupt archive/,
      );
      const y = Buffer.from(zipSync({ 'manifest.json': manifest }, { level: 0 }));
      y.writeUInt32LE(5, headers(y).central[0]! + 24);
      await expect(readBundle(put(y))).rejects.toThrow(
        /stored member 'manifest\.json' declares 5 bytes but occupies/,
      );
    });
    it('an encrypted member and an unknown compression method', async () => {
      const z = Buffer.from(zipSync({ 'manifest.json': manifest }));
      z.writeUInt16LE(1, headers(z).central[0]! + 8);
      await expect(readBundle(put(z))).rejects.toThrow(/member 'manifest\.json' is encrypted/);
      const y = Buffer.from(zipSync({ 'manifest.json': manifest }));
      y.writeUInt16LE(12, headers(y).central[0]! + 10);
      await expect(readBundle(put(y))).rejects.toThrow(/member 'manifest\.json' uses compression method 12/);
    });
    it('a declared total above the limit (before inflating anything)', () => {
      const z = zipSync({ a: [new Uint8Array(3000), { level: 0 }], b: [new Uint8Array(3000), { level: 0 }] });
      expect(() => unpackArchive(z, 'x.zip', { maxTotalBytes: 5000 })).toThrow(
        /x\.zip: archive declares more than 5000 bytes in total/,
      );
      expect(() => unpackArchive(z, 'x.zip', { maxMemberBytes: 2000 })).toThrow(
        /x\.zip: member 'a' declares 3000 bytes \(limit 2000\)/,
      );
    });
    it('a params.json with the wrong version, a bad gridsize, disagreeing config, or a history that is not a list', async () => {
      const one = async (c: BundleContents, msg: RegExp): Promise<void> => {
        await expect(decodeBundle(encodeBundle(c), 'm.zip', { io: IO })).rejects.toThrow(msg);
      };
      await one(
        contents({ params: { version: '7.0' } }),
        /m\.zip: autoencoder\/params\.json: version "7\.0" is not supported/,
      );
      await one(
        contents({ params: { gridsize: 0 } }),
        /autoencoder\/params\.json: gridsize must be a positive integer, found 0/,
      );
      await one(
        contents({ params: { gridsize: 2 } }),
        /autoencoder\/params\.json: N 64 \/ gridsize 2 disagree with its config/,
      );
      await one(
        contents({ params: { intensity_scale: -1 } }),
        /autoencoder\/params\.json lacks a positive 'intensity_scale'/,
      );
      await one(
        contents({ params: { probe: { shape: [N, N], re: [1], im: [1] } } }),
        /'probe' must hold re and im arrays of 64×64 values/,
      );
      const c = contents();
      const z = unpackArchive(encodeBundle(c), 'm.zip').members;
      z.set('history.json', strToU8('{"loss": 1}'));
      const rezipped = zipSync(Object.fromEntries(z));
      await expect(decodeBundle(rezipped, 'm.zip', { io: IO })).rejects.toThrow(
        /m\.zip: history\.json must be a list of epoch records/,
      );
      z.set(
        'manifest.json',
        strToU8(
          JSON.stringify({
            models: ['autoencoder', 'diffraction_to_obj'],
            version: '1.0',
            backend: 'pytorch',
          }),
        ),
      );
      await expect(decodeBundle(zipSync(Object.fromEntries(z)), 'm.zip', { io: IO })).rejects.toThrow(
        /backend "pytorch" is not supported \(expected "onnx"\)/,
      );
    });
    it('a manifest without a models list, and a missing model.onnx', async () => {
      await expect(
        decodeBundle(zipSync({ 'manifest.json': strToU8('{"version":"1.0"}') }), 'm.zip'),
      ).rejects.toThrow(/m\.zip: manifest\.json must have a 'models' list/);
      const z = unpackArchive(encodeBundle(contents()), 'm.zip').members;
      z.delete('diffraction_to_obj/model.onnx');
      await expect(decodeBundle(zipSync(Object.fromEntries(z)), 'm.zip', { io: IO })).rejects.toThrow(
        /m\.zip: missing diffraction_to_obj\/model\.onnx/,
      );
    });
    it('a folder without wts.h5.zip, and a raw deflate stream that is not a zip', async () => {
      await expect(readBundle(tmp())).rejects.toThrow(/wts\.h5\.zip: model bundle not found/);
      await expect(readBundle(put(deflateSync(manifest)))).rejects.toThrow(
        /not a model bundle \(not a zip archive\)/,
      );
    });
  });
});
