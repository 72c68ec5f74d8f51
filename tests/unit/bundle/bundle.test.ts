import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { zipSync, strToU8 } from 'fflate';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { buildAutoencoder } from '../../../compute/ptycho/model/pinn';
import { createParamStore } from '../../../compute/ptycho/train/trainer';
import { exportModels } from '../../../compute/ptycho/infer/exportModels';
import { ObjectPredictor } from '../../../compute/ptycho/infer/predictor';
import {
  encodeModel,
  loadModel,
  modelSpecOf,
  lossSpecOf,
  saveModel,
  type TrainedModel,
} from '../../../compute/ptycho/lifecycle/model';
import { inspectBundle, readBundle } from '../../../compute/ptycho/bundle/bundle';

const N = 64;

function tinyModel(gridsize = 1): TrainedModel {
  const config = makeTrainingConfig({ model: { gridsize, n_filters_scale: 1 }, nepochs: 1 });
  const probe = { re: new Float32Array(N * N).fill(0.3), im: new Float32Array(N * N).fill(-0.1) };
  const ae = buildAutoencoder({
    spec: modelSpecOf(config),
    loss: lossSpecOf(config),
    intensityScale: 31.25,
    probe,
  });
  const params = createParamStore(ae.params, 3);
  const m = exportModels(modelSpecOf(config), params, probe);
  return {
    config,
    params,
    probe,
    intensityScale: 31.25,
    initialIntensityScale: 31.25,
    history: [
      {
        epoch: 1,
        loss: -5,
        nll: -5,
        mae: 0,
        realspace: 0,
        val_loss: -4,
        lr: 1e-3,
        seconds: 1,
        samples_per_sec: 10,
        intensity_scale: 31.25,
      },
    ],
    inferenceOnnx: m.diffraction_to_obj,
    autoencoderOnnx: m.autoencoder,
    path: null,
    created: '2026-11-28T00:00:00.000Z',
    appVersion: '0.1.0',
  };
}

async function predict(m: TrainedModel, gridsize: number): Promise<Float32Array> {
  const C = gridsize * gridsize;
  const X = Float32Array.from({ length: 2 * C * N * N }, (_, i) => 0.05 + 0.04 * Math.cos(i * 0.13));
  const p = await ObjectPredictor.create(m.inferenceOnnx, { N, gridsize, intensityScale: m.intensityScale });
  const out = await p.predict({
    amplitudes: X,
    coordsRelative: new Float32Array(2 * C * 2).fill(0.5),
    count: 2,
  });
  await p.release();
  return Float32Array.from([...out.re, ...out.im]);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'bundle-'));

describe('wts.h5.zip bundle', () => {
  it('save → load gives bit-identical inference outputs and the same configuration (gridsize 1 and 2)', async () => {
    for (const gs of [1, 2]) {
      const m = tinyModel(gs);
      const dir = tmp();
      const path = join(dir, 'wts.h5.zip');
      saveModel(m, path);
      expect(readdirSync(dir)).toEqual(['wts.h5.zip']);
      const back = await loadModel(dir);
      expect(back.config).toEqual(m.config);
      expect(back.intensityScale).toBe(m.intensityScale);
      expect(back.history).toEqual(m.history);
      // compare the float32 bytes (Buffer.from(Float32Array) would truncate each value to a byte)
      expect(Buffer.from((await predict(back, gs)).buffer)).toEqual(
        Buffer.from((await predict(m, gs)).buffer),
      );
      expect(back.params.names().sort()).toEqual(m.params.names().sort());
      const s = await inspectBundle(path);
      expect(s).toMatchObject({
        N: 64,
        gridsize: gs,
        epochs: 1,
        finalLoss: -5,
        finalValLoss: -4,
        hasTrainingState: true,
      });
      expect(s.models.map((x) => x.name)).toEqual(['autoencoder', 'diffraction_to_obj']);
    }
  });

  it('writes the documented layout with PtychoPINN-compatible legacy params', async () => {
    const dir = tmp();
    saveModel(tinyModel(), join(dir, 'wts.h5.zip'));
    const b = await readBundle(join(dir, 'wts.h5.zip'));
    expect(b.manifest).toMatchObject({
      models: ['autoencoder', 'diffraction_to_obj'],
      version: '1.0',
      backend: 'onnx',
      app_version: '0.1.0',
    });
    expect(b.models.diffraction_to_obj!.params.legacy).toMatchObject({
      N: 64,
      gridsize: 1,
      'object.big': true,
      intensity_scale: 31.25,
    });
  });

  describe('refuses malformed or hostile archives with a clear message', () => {
    const good = encodeModel(tinyModel());
    const write = (name: string, bytes: Uint8Array): string => {
      const p = join(tmp(), name);
      writeFileSync(p, bytes);
      return p;
    };
    const cases: [string, () => Uint8Array, RegExp][] = [
      [
        'not a zip',
        () => strToU8('hello world, certainly not a zip archive'),
        /not a model bundle \(not a zip archive\)/,
      ],
      ['truncated', () => good.subarray(0, Math.floor(good.length / 2)), /corrupt or truncated archive/],
      [
        'path traversal',
        () => zipSync({ '../evil.txt': strToU8('x'), 'manifest.json': strToU8('{}') }),
        /refusing archive member '\.\.\/evil\.txt'/,
      ],
      [
        'absolute path',
        () => zipSync({ '/etc/passwd': strToU8('x') }),
        /refusing archive member '\/etc\/passwd'/,
      ],
      ['missing manifest', () => zipSync({ 'history.json': strToU8('[]') }), /missing manifest\.json/],
      [
        'bad manifest JSON',
        () => zipSync({ 'manifest.json': strToU8('{models: nope') }),
        /manifest\.json is not valid JSON/,
      ],
      [
        'unsupported version',
        () =>
          zipSync({
            'manifest.json': strToU8(
              JSON.stringify({ models: ['diffraction_to_obj'], version: '9.9', backend: 'onnx' }),
            ),
          }),
        /bundle version "9\.9" is not supported/,
      ],
      [
        'model missing',
        () =>
          zipSync({
            'manifest.json': strToU8(
              JSON.stringify({ models: ['diffraction_to_obj'], version: '1.0', backend: 'onnx' }),
            ),
          }),
        /model 'autoencoder' is not in the bundle \(manifest lists: diffraction_to_obj\)/,
      ],
      [
        'params without N',
        () =>
          zipSync({
            'manifest.json': strToU8(
              JSON.stringify({
                models: ['autoencoder', 'diffraction_to_obj'],
                version: '1.0',
                backend: 'onnx',
              }),
            ),
            'autoencoder/model.onnx': new Uint8Array(4),
            'autoencoder/params.json': strToU8('{"gridsize": 1}'),
          }),
        /autoencoder\/params\.json lacks 'N'/,
      ],
      [
        'ONNX that does not load',
        () => {
          const params = strToU8(
            JSON.stringify({
              N: 64,
              gridsize: 1,
              intensity_scale: 1,
              probe: { re: new Array(4096).fill(0), im: new Array(4096).fill(0) },
              config: {},
            }),
          );
          return zipSync({
            'manifest.json': strToU8(
              JSON.stringify({
                models: ['autoencoder', 'diffraction_to_obj'],
                version: '1.0',
                backend: 'onnx',
              }),
            ),
            'autoencoder/model.onnx': strToU8('garbage'),
            'autoencoder/params.json': params,
          });
        },
        /autoencoder\/model\.onnx does not load in ONNX Runtime/,
      ],
      [
        'PtychoPINN TensorFlow bundle',
        () =>
          zipSync({
            'manifest.dill': strToU8('\x80\x04'),
            'diffraction_to_obj/model.keras': strToU8('k'),
            'diffraction_to_obj/params.dill': strToU8('p'),
          }),
        /PtychoPINN TensorFlow\/Keras bundle.*will not load/,
      ],
      [
        'PtychoPINN PyTorch bundle',
        () => zipSync({ 'manifest.dill': strToU8('\x80\x04'), 'diffraction_to_obj/model.pth': strToU8('k') }),
        /PtychoPINN PyTorch bundle/,
      ],
      [
        'zip bomb',
        () => {
          const z = Buffer.from(zipSync({ 'manifest.json': [new Uint8Array(5000), { level: 9 }] }));
          z.writeUInt32LE(0x7fffffff, z.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04])) + 22);
          z.writeUInt32LE(0x7fffffff, z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
          return z;
        },
        /refusing to inflate/,
      ],
    ];
    for (const [name, make, msg] of cases) {
      it(name, async () => {
        const p = write('wts.h5.zip', make());
        await expect(readBundle(p)).rejects.toThrow(msg);
        await expect(readBundle(p)).rejects.toThrow(/wts\.h5\.zip: /);
      });
    }
    it('a missing file', async () => {
      await expect(readBundle('/nonexistent/wts.h5.zip')).rejects.toThrow(
        /\/nonexistent\/wts\.h5\.zip: model bundle not found/,
      );
    });
    it('leaves no file behind when reading (nothing is extracted)', async () => {
      const dir = tmp();
      writeFileSync(join(dir, 'wts.h5.zip'), zipSync({ '../x': strToU8('x') }));
      await expect(readBundle(join(dir, 'wts.h5.zip'))).rejects.toThrow();
      expect(readdirSync(dir)).toEqual(['wts.h5.zip']);
      expect(readFileSync(join(dir, 'wts.h5.zip')).length).toBeGreaterThan(0);
    });
  });
});
