/**
 * The generator registry (model.architecture: cnn, fno, ffno).
 * - The spectral layers (DFT matmuls) are Fourier filters: low plane waves pass, high ones are
 *   removed, complex weights act per mode (×i turns cos into −sin).
 * - Parameter counts and FLOPs per sample at N = 64 (documented in compute/ptycho/model/README.md).
 * - Every generator keeps the CNN's output contract (shapes, C channels, centre/border support).
 * - Per architecture: whole-autoencoder gradients against float64 finite differences; a short
 *   training run on 64 groups of the lines fixture lowers the loss; and (fno) a saved bundle
 *   loads with its architecture and infers the same object patches.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CompiledGraph } from '../../../compute/engine/compile';
import { gradcheck } from '../../../compute/engine/gradcheck';
import { Graph } from '../../../compute/engine/ir';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { loadRawDataset } from '../../../compute/ptycho/data/dataset';
import { Rng } from '../../../compute/numerics/rng';
import { exportInferenceModel, exportModels } from '../../../compute/ptycho/infer/exportModels';
import { ObjectPredictor } from '../../../compute/ptycho/infer/predictor';
import { reconstruct } from '../../../compute/ptycho/lifecycle/reconstruct';
import {
  loadModel,
  lossSpecOf,
  modelSpecOf,
  saveModel,
  trainModel,
  type TrainedModel,
} from '../../../compute/ptycho/lifecycle/model';
import { generatorCost, makeGenerator } from '../../../compute/ptycho/model/generators';
import { countParams } from '../../../compute/ptycho/model/network';
import { OperatorLayers, operatorSettings } from '../../../compute/ptycho/model/operator';
import {
  buildAutoencoder,
  buildDiffractionToObj,
  FEEDS,
  LOG_SCALE,
} from '../../../compute/ptycho/model/pinn';
import {
  DEFAULT_LOSS_SPEC,
  DEFAULT_MODEL_SPEC,
  type Architecture,
  type PinnModelSpec,
} from '../../../compute/ptycho/model/spec';
import { createParamStore } from '../../../compute/ptycho/train/trainer';

const N = 64;
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const field = (rng: Rng, n: number, lo: number, hi: number): Float64Array =>
  Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
/** Small operator settings for the numerical tests (defaults are width 32, 12 modes, 4 blocks). */
const TINY = { fno_width: 4, fno_modes: 4, fno_blocks: 2 };

describe('spectral layers (truncated DFT matmuls)', () => {
  const n = 16,
    m = 4,
    W = 2;
  const spec: PinnModelSpec = { ...DEFAULT_MODEL_SPEC, N: n as 64, fno_modes: m, fno_width: W };
  const wave = (kx: number, ky: number, f: (a: number) => number) =>
    Float32Array.from({ length: n * n }, (_, i) =>
      f((2 * Math.PI * (kx * (i % n) + ky * Math.floor(i / n))) / n),
    );
  /** Channel 0 carries wave A, channel 1 wave B; weights: identity (or i·identity) on every mode. */
  async function run(
    kind: '2d' | 'xy',
    a: Float32Array,
    b: Float32Array,
    times: 'one' | 'i',
  ): Promise<Float32Array> {
    const g = new Graph();
    const L = new OperatorLayers(g, spec, operatorSettings(spec));
    const h = g.input('h', ['B', W, n, n]);
    const modes = kind === '2d' ? 2 * m * m : m;
    const eye = new Float32Array(modes * W * W);
    for (let p = 0; p < modes; p++) for (let c = 0; c < W; c++) eye[p * W * W + c * W + c] = 1;
    const zero = new Float32Array(modes * W * W);
    const lead = kind === '2d' ? [2 * m, m] : [m];
    const w = {
      re: g.constant(times === 'one' ? eye : zero, [...lead, W, W]),
      im: g.constant(times === 'one' ? zero : eye, [...lead, W, W]),
    };
    const out = kind === '2d' ? L.spectral2d(h, w) : L.spectralXY(h, w, w);
    const cg = await CompiledGraph.create({ out }, { threads: 1 });
    const r = await cg.run({ h: { data: Float32Array.from([...a, ...b]), dims: [1, W, n, n] } });
    return r.out!.data;
  }
  const close = (got: Float32Array, want: Float32Array) => {
    let e = 0;
    for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i]! - want[i]!));
    expect(e).toBeLessThan(1e-5);
  };
  it('2-D: keeps plane waves with |kx| < m and −m ≤ ky < m, removes the rest, applies complex weights', async () => {
    const low = wave(3, -2, Math.cos),
      high = wave(3, 6, Math.cos);
    const out = await run('2d', low, high, 'one');
    close(out.subarray(0, n * n), low);
    close(out.subarray(n * n), new Float32Array(n * n));
    const rot = await run('2d', wave(2, 3, Math.cos), wave(1, -1, Math.sin), 'i');
    close(
      rot.subarray(0, n * n),
      wave(2, 3, (v) => -Math.sin(v)),
    );
    close(rot.subarray(n * n), wave(1, -1, Math.cos));
  });
  it('factorised: the x pass and the y pass each keep their own axis frequency below m', async () => {
    // (3, 2): both passes keep it → 2×; (6, 2): only the y pass (x frequency 6 ≥ m) → 1×.
    const out = await run('xy', wave(3, 2, Math.cos), wave(6, 2, Math.cos), 'one');
    close(
      out.subarray(0, n * n),
      wave(3, 2, (v) => 2 * Math.cos(v)),
    );
    close(out.subarray(n * n), wave(6, 2, Math.cos));
  });
});

describe('generator sizes at N = 64 (defaults: cnn n_filters_scale 2; fno/ffno width 32, 12 modes, 4 blocks)', () => {
  const expected: Record<Architecture, [number, number]> = {
    cnn: [2_331_772, 2_340_208],
    fno: [2_373_220, 2_374_480],
    ffno: [112_869, 114_129],
    bpunet: [449_938, 450_370],
  };
  for (const arch of ['cnn', 'fno', 'ffno', 'bpunet'] as const) {
    it(`${arch}: parameter counts (gridsize 1, 2) and FLOPs`, () => {
      for (const [i, gridsize] of [1, 2].entries()) {
        const spec = { ...DEFAULT_MODEL_SPEC, architecture: arch, gridsize };
        const cost = generatorCost(spec);
        expect(cost.params).toBe(expected[arch][i]);
        const ae = buildAutoencoder({
          spec,
          loss: DEFAULT_LOSS_SPEC,
          intensityScale: 10,
          probe: { re: new Float32Array(N * N), im: new Float32Array(N * N) },
        });
        expect(countParams(ae.params.filter((p) => p.name !== LOG_SCALE))).toBe(cost.params);
        const names = (s: PinnModelSpec) =>
          buildDiffractionToObj(s, 10)
            .params.map((p) => p.name)
            .sort();
        expect(names(spec)).toEqual(ae.params.map((p) => p.name).sort());
        console.log(
          `${arch} gs${gridsize}: ${cost.params} params, ${(cost.flops / 1e9).toFixed(3)} GFLOP/sample`,
        );
      }
    });
  }
  it('refuses fno_modes above N/2 and unknown architectures', () => {
    expect(() => generatorCost({ ...DEFAULT_MODEL_SPEC, architecture: 'fno', fno_modes: 33 })).toThrow(
      /fno_modes must be an integer from 1 to N\/2 = 32, got 33/,
    );
    expect(() => generatorCost({ ...DEFAULT_MODEL_SPEC, architecture: 'unet' as Architecture })).toThrow(
      /architecture must be one of cnn, fno, ffno, bpunet, got "unet"/,
    );
  });
});

describe('every generator keeps the CNN output contract', () => {
  for (const arch of ['fno', 'ffno', 'bpunet'] as const) {
    it(`${arch}: C-channel heads, amplitude in (0,1), phase in (−π,π), nothing outside the centre without probe_big`, async () => {
      for (const [gridsize, probe_big] of [
        [2, true],
        [1, false],
      ] as const) {
        const spec: PinnModelSpec = {
          ...DEFAULT_MODEL_SPEC,
          ...TINY,
          architecture: arch,
          gridsize,
          probe_big,
        };
        const C = gridsize * gridsize;
        const g = new Graph();
        const gen = makeGenerator(g, spec);
        const shifts = C > 1 && arch === 'bpunet' ? g.input('offsets', ['B', C, 2]) : null;
        const { amp, phase } = gen.objectHeads(g.input('x', ['B', C, N, N]), shifts);
        expect(amp.shape).toEqual(['B', C, N, N]);
        expect(phase.shape).toEqual(['B', C, N, N]);
        const params = createParamStore(gen.decls, 2);
        const cg = await CompiledGraph.create({ amp, phase }, { threads: 1 });
        const feeds: Record<string, Float32Array | { data: Float32Array; dims: number[] }> = {
          x: { data: Float32Array.from(field(new Rng(1), 2 * C * N * N, 0, 1)), dims: [2, C, N, N] },
        };
        if (shifts)
          feeds.offsets = { data: Float32Array.from(field(new Rng(2), 2 * C * 2, -2, 2)), dims: [2, C, 2] };
        for (const nme of params.names()) feeds[nme] = { data: params.get(nme), dims: params.shape(nme) };
        const r = await cg.run(feeds);
        const a = r.amp!.data,
          p = r.phase!.data;
        expect(Math.max(...p.map(Math.abs))).toBeLessThan(Math.PI);
        if (!probe_big) {
          for (let i = 0; i < a.length; i++) {
            const row = Math.floor(i / N) % N,
              col = i % N,
              inside = row >= N / 4 && row < (3 * N) / 4 && col >= N / 4 && col < (3 * N) / 4;
            if (!inside) expect(a[i]).toBe(0);
            else expect(a[i]).toBeGreaterThan(0);
          }
        }
        const d2o = buildDiffractionToObj(spec, 10);
        expect(d2o.outputs.trimmed_obj_real.shape).toEqual(['B', N, N, 1]);
      }
    }, 60_000);
  }
});

describe('whole-autoencoder gradients (network + physics) against float64 finite differences', () => {
  const wrtOf: Record<'fno' | 'ffno', string[]> = {
    fno: [
      'fno.lift.conv1.w',
      'fno.block.0.spectral.re',
      'fno.block.1.spectral.im',
      'fno.block.1.skip.w',
      'amp.head.border.w',
      'phase.head.center.b',
      'log_scale',
    ],
    ffno: [
      'ffno.lift.conv2.w',
      'ffno.spectral.x.re',
      'ffno.spectral.y.im',
      'ffno.gate',
      'ffno.block.1.norm.gamma',
      'ffno.block.0.expand.w',
      'ffno.refine.1.conv1.w',
      'amp.head.center.w',
    ],
  };
  for (const arch of ['fno', 'ffno'] as const) {
    it(`${arch} (width 4, 4 modes, 2 blocks, gridsize 1)`, async () => {
      const spec: PinnModelSpec = { ...DEFAULT_MODEL_SPEC, ...TINY, architecture: arch };
      const rng = new Rng(11);
      const probe = { re: Float32Array.from(field(rng, N * N, 0, 0.3)), im: new Float32Array(N * N) };
      const ae = buildAutoencoder({
        spec,
        loss: { nll_weight: 1, mae_weight: 0.5, realspace_weight: 0, realspace_mae_weight: 0, tv_weight: 0 },
        intensityScale: 30,
        probe,
      });
      const params = createParamStore(ae.params, 4);
      const values: Record<string, { shape: number[]; data: Float64Array }> = {
        [FEEDS.amplitudes]: { shape: [1, 1, N, N], data: field(rng, N * N, 1, 15) },
      };
      for (const n of params.names())
        values[n] = { shape: params.shape(n), data: Float64Array.from(params.get(n)) };
      const r = await gradcheck(
        ae.losses.loss,
        wrtOf[arch].map((n) => ae.graph.feed(n)!),
        values,
        { maxPoints: 2, eps: 1e-6 },
      );
      expect(r.loss.engine).toBeCloseTo(r.loss.reference, 2);
      expect(r.maxRelErr).toBeLessThan(1e-3);
    }, 120_000);
  }
  it('bpunet (n_filters_scale 1, gridsize 2: the group back-projection and the overlap canvas)', async () => {
    const spec: PinnModelSpec = {
      ...DEFAULT_MODEL_SPEC,
      architecture: 'bpunet',
      n_filters_scale: 1,
      gridsize: 2,
      canvas_normalisation: 'mean',
    };
    const rng = new Rng(12);
    const probe = {
      re: Float32Array.from(field(rng, N * N, 0, 0.3)),
      im: Float32Array.from(field(rng, N * N, -0.1, 0.1)),
    };
    const ae = buildAutoencoder({
      spec,
      loss: { nll_weight: 1, mae_weight: 0.5, realspace_weight: 0, realspace_mae_weight: 0, tv_weight: 0 },
      intensityScale: 30,
      probe,
    });
    const params = createParamStore(ae.params, 4);
    const values: Record<string, { shape: number[]; data: Float64Array }> = {
      [FEEDS.amplitudes]: { shape: [1, 4, N, N], data: field(rng, 4 * N * N, 1, 15) },
      [FEEDS.offsets]: { shape: [1, 4, 2], data: field(rng, 8, -2.5, 2.5) },
    };
    for (const n of params.names())
      values[n] = { shape: params.shape(n), data: Float64Array.from(params.get(n)) };
    // The heads start at zero (a flat object); give them weights so gradients reach the U-Net.
    for (const n of ['amp.head.w', 'phase.head.w'])
      values[n]!.data = field(rng, values[n]!.data.length, -0.3, 0.3);
    const wrt = [
      'bpunet.down.0.conv1.w',
      'bpunet.mid.conv2.b',
      'bpunet.up.0.reduce.w',
      'bpunet.up.1.conv2.w',
      'amp.head.w',
      // not phase.head.b: a global phase leaves |FFT|² unchanged, its gradient is ~0 (cancellation)
      'phase.head.w',
      'log_scale',
    ];
    const r = await gradcheck(
      ae.losses.loss,
      wrt.map((n) => ae.graph.feed(n)!),
      values,
      { maxPoints: 2, eps: 1e-6 },
    );
    expect(r.loss.engine).toBeCloseTo(r.loss.reference, 2);
    // float32 engine: a deep bias sums 4·64² pixel terms (measured up to 1.1e-3); a wrong rule is O(1)
    expect(r.maxRelErr).toBeLessThan(3e-3);
    expect(ae.trainable).not.toContain('bp.probe.re');
  }, 180_000);
});

describe('training on 64 groups of lines-N64 (one thread)', () => {
  for (const arch of ['cnn', 'fno', 'ffno', 'bpunet'] as const) {
    it(`${arch}: the loss falls`, async () => {
      const raw = loadRawDataset(fixture('lines-N64-train.npz'));
      const model =
        arch === 'cnn'
          ? { n_filters_scale: 1 }
          : arch === 'bpunet'
            ? { architecture: arch, n_filters_scale: 1 }
            : { architecture: arch, fno_width: 8, fno_modes: 8, fno_blocks: 2 };
      const cfg = makeTrainingConfig({
        model,
        nepochs: 4,
        batch_size: 16,
        n_groups: 64,
        subsample_seed: 1,
        seed: 1,
        learning_rate: 3e-3,
        early_stop_patience: 10,
      });
      const run = await trainModel(cfg, { raw, threads: 1 });
      const h = run.result.history;
      console.log(
        `${arch}: ${h.map((e) => e.loss.toFixed(2)).join(' → ')} (${run.result.seconds.toFixed(1)} s)`,
      );
      expect(h.length).toBe(4);
      expect(h.at(-1)!.loss).toBeLessThan(h[0]!.loss);
      expect(run.model.config.model.architecture).toBe(arch);
    }, 90_000);
  }
});

describe('bundles record the architecture', () => {
  const probe = { re: new Float32Array(N * N).fill(0.3), im: new Float32Array(N * N).fill(-0.1) };
  function bundleModel(arch: 'fno' | 'bpunet'): TrainedModel {
    const config = makeTrainingConfig({
      model:
        arch === 'fno'
          ? { gridsize: 2, architecture: 'fno', fno_width: 6, fno_modes: 5, fno_blocks: 1 }
          : { gridsize: 2, architecture: 'bpunet', n_filters_scale: 1, canvas_normalisation: 'mean' },
      nepochs: 1,
    });
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
      history: [],
      inferenceOnnx: m.diffraction_to_obj,
      autoencoderOnnx: m.autoencoder,
      path: null,
      created: '2026-11-28T00:00:00.000Z',
      appVersion: '0.1.0',
    };
  }
  async function roundTrip(m: TrainedModel): Promise<TrainedModel> {
    const path = join(mkdtempSync(join(tmpdir(), 'gen-bundle-')), 'wts.h5.zip');
    saveModel(m, path);
    return loadModel(path);
  }
  /** The float32 bytes (Buffer.from(Float32Array) would truncate each value to a byte). */
  const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  async function samePatches(m: TrainedModel, back: TrainedModel): Promise<void> {
    const before = await predict(m.inferenceOnnx);
    expect(before.some((v) => v !== 0)).toBe(true);
    expect(bytes(await predict(back.inferenceOnnx))).toEqual(bytes(before));
    const rebuilt = exportInferenceModel(modelSpecOf(back.config), back.params);
    expect(bytes(await predict(rebuilt))).toEqual(bytes(before));
  }
  async function predict(onnx: Uint8Array): Promise<Float32Array> {
    const X = Float32Array.from({ length: 2 * 4 * N * N }, (_, i) => 0.05 + 0.04 * Math.cos(i * 0.13));
    const p = await ObjectPredictor.create(onnx, { N, gridsize: 2, intensityScale: 31.25 });
    const out = await p.predict({
      amplitudes: X,
      coordsRelative: Float32Array.from({ length: 2 * 4 * 2 }, (_, i) => (i % 3) - 1),
      count: 2,
    });
    await p.release();
    return Float32Array.from([...out.re, ...out.im]);
  }
  it('fno: save → load keeps the architecture and infers the same object patches (saved and rebuilt models)', async () => {
    const m = bundleModel('fno');
    const back = await roundTrip(m);
    expect(back.config.model).toMatchObject({
      architecture: 'fno',
      fno_width: 6,
      fno_modes: 5,
      fno_blocks: 1,
    });
    await samePatches(m, back);
  }, 60_000);
  it('bpunet: save → load keeps the frozen back-projection probe; saved and rebuilt models agree', async () => {
    const m = bundleModel('bpunet');
    // heads away from zero, so the patches depend on the U-Net and the probe
    const w = m.params.get('amp.head.w');
    for (let i = 0; i < w.length; i++) w[i] = 0.2 * Math.sin(i + 1);
    m.inferenceOnnx = exportInferenceModel(modelSpecOf(m.config), m.params);
    const back = await roundTrip(m);
    expect(back.config.model).toMatchObject({ architecture: 'bpunet', n_filters_scale: 1 });
    expect(Array.from(back.params.get('bp.probe.re').slice(0, 3))).toEqual([0.3, 0.3, 0.3].map(Math.fround));
    await samePatches(m, back);
    // a model rebuilt without the saved probe would not agree: the probe is used
    const p2 = createParamStore([], 1);
    for (const n of back.params.names()) p2.set(n, back.params.get(n).slice(), back.params.shape(n));
    // (a global phase of the probe cancels in ψ₀·P̄: change its shape, not its phase)
    const re = p2.get('bp.probe.re');
    for (let i = 0; i < re.length; i++) re[i] = 0.3 + 0.2 * Math.cos((2 * Math.PI * (i % N)) / N);
    const other = await predict(exportInferenceModel(modelSpecOf(back.config), p2));
    expect(bytes(other)).not.toEqual(bytes(await predict(m.inferenceOnnx)));
  }, 60_000);
  it('bpunet: reconstructing a scan taken with another probe warns, with the training probe not', async () => {
    const m = bundleModel('bpunet');
    const raw = loadRawDataset(fixture('lines-N64-test.npz'));
    const other = await reconstruct(m, raw, { nGroups: 4, threads: 1 });
    expect(other.stitched.warnings?.join(' ')).toMatch(
      /lines-N64-test\.npz: probeGuess differs from the probe this bpunet model was trained with \(relative difference \d\.\d\d/,
    );
    m.params.set('bp.probe.re', other.prepared.probe.re.slice());
    m.params.set('bp.probe.im', other.prepared.probe.im.slice());
    const same = await reconstruct(m, raw, { nGroups: 4, threads: 1 });
    expect(same.stitched.warnings ?? []).toEqual([]);
  }, 60_000);
  it('a config without the architecture (an older bundle) is cnn', () => {
    const old = JSON.parse(JSON.stringify(makeTrainingConfig({}))) as { model: Record<string, unknown> };
    for (const k of ['architecture', 'fno_modes', 'fno_width', 'fno_blocks']) delete old.model[k];
    expect(makeTrainingConfig(old as Parameters<typeof makeTrainingConfig>[0]).model.architecture).toBe(
      'cnn',
    );
  });
});
