/**
 * bench/quality.ts — does training reconstruct the object, and as well as the PyTorch peer?
 *
 * Trains on fixtures/lines-N64-train.npz and scores the object patches predicted for the
 * spatially separate fixtures/lines-N64-test.npz against the truth (patchCorrelation: Pearson r
 * of amplitude and of phase over the central N/2 square, pooled), every few epochs, for
 * gridsize 1 and 2. The PyTorch peer (../shared/bench-reference/ptychopinn_ref.py, Debian's
 * torch) is trained on the very same prepared arrays with the same recipe by
 * bench/quality_torch.py and scored by the same code.
 *
 *   npx tsx bench/quality.ts [--epochs 16] [--s 1] [--gridsizes 1,2] [--every 2] [--no-torch] [--no-tf-compat]
 *
 * Writes bench/results/quality.md and quality.json.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadRawDataset } from '../compute/ptycho/data/dataset';
import { extractPatchesAt } from '../compute/ptycho/data/simulate';
import { makeTrainingConfig, type TrainingConfig } from '../compute/ptycho/config/config';
import { modelSpecOf, trainModel } from '../compute/ptycho/lifecycle/model';
import { prepareData, type PreparedData } from '../compute/ptycho/lifecycle/prepare';
import { exportInferenceModel } from '../compute/ptycho/infer/exportModels';
import { ObjectPredictor } from '../compute/ptycho/infer/predictor';
import { patchCorrelation } from '../compute/ptycho/eval/patchCorrelation';
import { readNpz, writeNpz } from '../compute/io/npz';
import type { ParamStore } from '../compute/engine';
import { loadavg, machineInfo } from './lib/machine';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1]! : d;
};
const epochs = Number(opt('--epochs', '16'));
const s = Number(opt('--s', '1'));
const every = Number(opt('--every', '2'));
const gridsizes = opt('--gridsizes', '1,2').split(',').map(Number);
const withTorch = !argv.includes('--no-torch');
const withTfCompat = !argv.includes('--no-tf-compat');
const N = 64;
const BATCH = 16;

const machine = machineInfo();
const fixture = (f: string): string => new URL(`../fixtures/${f}`, import.meta.url).pathname;
const train = loadRawDataset(fixture('lines-N64-train.npz'));
const test = loadRawDataset(fixture('lines-N64-test.npz'));

interface CurvePoint {
  epoch: number;
  seconds: number;
  amplitude: number;
  phase: number;
}
interface Run {
  impl: string;
  gridsize: number;
  epochs_run: number;
  seconds: number;
  curve: CurvePoint[];
}

const runs: Run[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'ptycho-quality-'));
try {
  for (const gridsize of gridsizes) {
    const C = gridsize * gridsize;
    const cfg = makeTrainingConfig({
      model: { gridsize, n_filters_scale: s },
      nepochs: epochs,
      batch_size: BATCH,
      n_groups: null,
      subsample_seed: 1,
      seed: 1,
    });
    const pt = prepareData(test, {
      N,
      gridsize,
      nGroups: test.M,
      neighborCount: cfg.neighbor_count,
      probeScale: cfg.model.probe_scale,
      nphotons: cfg.nphotons,
      preferMetadataNphotons: true,
      subsampleSeed: 1,
    });
    const truth = extractPatchesAt(test.objectGuess!, pt.grouped.centroids, N);
    const score = async (
      params: ParamStore,
      intensityScale: number,
      c: TrainingConfig = cfg,
    ): Promise<{ amplitude: number; phase: number }> => {
      const pred = await ObjectPredictor.create(exportInferenceModel(modelSpecOf(c), params), {
        N,
        gridsize,
        intensityScale,
      });
      const out = await pred.predict({
        amplitudes: pt.X,
        coordsRelative: pt.grouped.coordsRelative,
        count: pt.grouped.B,
      });
      await pred.release();
      return patchCorrelation(out, truth, N);
    };

    // Ours, with the default (robust) canvas normalisation; for gridsize > 1 also with
    // TensorFlow's count + 0.001 (tf_compat), the semantics the PyTorch peer implements.
    const runOurs = async (canvas: 'robust' | 'tf_compat'): Promise<PreparedData> => {
      const c = makeTrainingConfig({ ...cfg, model: { ...cfg.model, canvas_normalisation: canvas } });
      let prepared: PreparedData | null = null;
      const curve: CurvePoint[] = [];
      const t0 = performance.now();
      let evalMs = 0;
      const run = await trainModel(c, {
        raw: train,
        onPrepared: (p) => (prepared = p),
        onEpoch: async (r, params) => {
          if (r.epoch % every !== 0 && r.epoch !== epochs) return;
          const te = performance.now();
          const m = await score(params, r.intensity_scale, c);
          evalMs += performance.now() - te;
          curve.push({ epoch: r.epoch, seconds: (performance.now() - t0 - evalMs) / 1000, ...m });
          console.log(
            `ours (${canvas}) gs${gridsize} epoch ${r.epoch}: loss ${r.loss.toFixed(3)} val ${r.val_loss?.toFixed(3)} lr ${r.lr} test r amp ${m.amplitude.toFixed(3)} phase ${m.phase.toFixed(3)}`,
          );
        },
      });
      const last = run.result.history.at(-1)!;
      if (curve.at(-1)?.epoch !== last.epoch)
        curve.push({
          epoch: last.epoch,
          seconds: (performance.now() - t0 - evalMs) / 1000,
          ...(await score(run.model.params, run.model.intensityScale, c)),
        });
      const label = canvas === 'robust' ? 'ours (ONNX Runtime, CPU)' : 'ours, canvas_normalisation tf_compat';
      runs.push({
        impl: label,
        gridsize,
        epochs_run: run.result.history.length,
        seconds: (performance.now() - t0 - evalMs) / 1000,
        curve,
      });
      if (!prepared) throw new Error('training data were not prepared');
      return prepared;
    };
    const prepared = await runOurs('robust');
    if (gridsize > 1 && withTfCompat) await runOurs('tf_compat');

    // The PyTorch peer on the same arrays.
    if (!withTorch) continue;
    const p = prepared;
    const scaled = (x: Float32Array, k: number): Float32Array => x.map((v) => v * k);
    const inFile = join(tmp, `in-gs${gridsize}.npz`);
    const outFile = join(tmp, `out-gs${gridsize}.npz`);
    writeNpz(inFile, {
      X: { dtype: 'float32', shape: [p.grouped.B, C, N, N], data: scaled(p.X, p.intensityScale) },
      offsets: { dtype: 'float32', shape: [p.grouped.B, C, 2], data: p.grouped.coordsRelative },
      probe_re: { dtype: 'float32', shape: [N, N], data: p.probe.re },
      probe_im: { dtype: 'float32', shape: [N, N], data: p.probe.im },
      test_X: { dtype: 'float32', shape: [pt.grouped.B, C, N, N], data: scaled(pt.X, pt.intensityScale) },
      test_offsets: { dtype: 'float32', shape: [pt.grouped.B, C, 2], data: pt.grouped.coordsRelative },
      intensity_scale: { dtype: 'float64', shape: [], data: Float64Array.of(p.intensityScale) },
    });
    const script = new URL('./quality_torch.py', import.meta.url).pathname;
    const tt = performance.now();
    const r = spawnSync(
      '/usr/bin/python3',
      [
        script,
        inFile,
        outFile,
        '--s',
        String(s),
        '--gridsize',
        String(gridsize),
        '--epochs',
        String(epochs),
        '--every',
        String(every),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const wall = (performance.now() - tt) / 1000;
    if (r.status !== 0) {
      console.log(`PyTorch peer not run: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}`);
      continue;
    }
    process.stdout.write(r.stdout);
    const z = readNpz(outFile).arrays;
    const log = z.get('log')!.data as Float64Array;
    const tcurve: CurvePoint[] = [];
    for (const key of z.keys()) {
      const m = /^pred_re_(\d+)$/.exec(key);
      if (!m) continue;
      const ep = Number(m[1]);
      const sc = patchCorrelation(
        { re: z.get(key)!.data as Float32Array, im: z.get(`pred_im_${ep}`)!.data as Float32Array },
        truth,
        N,
      );
      tcurve.push({ epoch: ep, seconds: log[(ep - 1) * 5 + 1]!, amplitude: sc.amplitude, phase: sc.phase });
    }
    tcurve.sort((a, b) => a.epoch - b.epoch);
    const nEp = log.length / 5;
    runs.push({
      impl: 'PyTorch peer (torch, CPU)',
      gridsize,
      epochs_run: nEp,
      seconds: log[(nEp - 1) * 5 + 1] ?? wall,
      curve: tcurve,
    });
    console.log(
      tcurve
        .map(
          (c) =>
            `torch gs${gridsize} epoch ${c.epoch}: test r amp ${c.amplitude.toFixed(3)} phase ${c.phase.toFixed(3)}`,
        )
        .join('\n'),
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/quality.json', import.meta.url),
  JSON.stringify(
    {
      machine,
      loadavg_after: loadavg(),
      settings: { epochs, n_filters_scale: s, batch_size: BATCH, every },
      runs,
    },
    null,
    2,
  ),
);
const f3 = (v: number): string => v.toFixed(3);
const md = [
  '# Training quality: held-out reconstruction vs the PyTorch peer',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ONNX Runtime ${machine.ort}; ${machine.date}; load average before ${machine.loadavg.split(' ').slice(0, 3).join(' ')}, after ${loadavg()}.`,
  '',
  `Train on \`lines-N64-train\` (586 patterns), score on the separate region \`lines-N64-test\` (314 patterns / groups): Pearson r between predicted and true object patches over the central 32×32 px (amplitude; phase with each patch's constant phase removed), pooled. N = 64, n_filters_scale ${s}, batch ${BATCH}, Adam 1e-3, ReduceLROnPlateau and EarlyStopping(patience 3) as PtychoPINN, at most ${epochs} epochs. Both implementations get the same prepared arrays; initialisation differs (Keras Glorot here, PyTorch defaults there). The peer merges a group's patches with TensorFlow's normalisation (divide by count + 0.001, so pixels no patch centre covers are amplified ×1000); ours defaults to \`robust\` (divide by max(count, 1)) and, for gridsize 2, is also run with \`tf_compat\`, the peer's semantics. At gridsize 1 there is nothing to merge and the two coincide. Seconds exclude the scoring; ours count from the start of trainModel (data preparation, compiling the training graph and exporting the models included), the peer's only its training loop.`,
  '',
  '| gridsize | implementation | epochs | train s | test r amplitude | test r phase |',
  '|---|---|---|---|---|---|',
  ...runs.map(
    (r) =>
      `| ${r.gridsize} | ${r.impl} | ${r.epochs_run} | ${r.seconds.toFixed(0)} | ${f3(r.curve.at(-1)!.amplitude)} | ${f3(r.curve.at(-1)!.phase)} |`,
  ),
  '',
  '## Learning curves (test r amplitude / phase)',
  '',
  ...runs.flatMap((r) => [
    `- gs ${r.gridsize}, ${r.impl}: ${r.curve.map((c) => `ep ${c.epoch} ${f3(c.amplitude)}/${f3(c.phase)}`).join(', ')}`,
  ]),
  '',
];
writeFileSync(new URL('./results/quality.md', import.meta.url), md.join('\n'));
console.log(md.join('\n'));
