/**
 * bench/generators.ts — cnn vs fno vs ffno at the same wall-clock budget.
 *
 * Trains one architecture on fixtures/lines-N64-train.npz (gridsize 1, batch 16, Adam 1e-3,
 * no early stopping) for a fixed number of seconds after data preparation (graph compilation
 * included), on one ONNX Runtime thread, keeps the best epoch (as a cancelled run does) and
 * scores the object patches it predicts for the unseen fixtures/lines-N64-test.npz with
 * patchCorrelation (as tests/unit/model/training.test.ts does).
 *
 *   npx tsx bench/generators.ts --arch fno [--seconds 120] [--s 1]
 *
 * One architecture per run (each run fits in a few minutes); results are merged into
 * bench/results/generators.json and generators.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadRawDataset } from '../compute/ptycho/data/dataset';
import { extractPatchesAt } from '../compute/ptycho/data/simulate';
import { makeTrainingConfig } from '../compute/ptycho/config/config';
import { modelSpecOf, trainModel } from '../compute/ptycho/lifecycle/model';
import { prepareData } from '../compute/ptycho/lifecycle/prepare';
import { ObjectPredictor } from '../compute/ptycho/infer/predictor';
import { patchCorrelation } from '../compute/ptycho/eval/patchCorrelation';
import { generatorCost } from '../compute/ptycho/model/generators';
import type { Architecture } from '../compute/ptycho/model/spec';
import { loadavg, machineInfo } from './lib/machine';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1]! : d;
};
const arch = opt('--arch', 'fno') as Architecture;
const seconds = Number(opt('--seconds', '120'));
const s = Number(opt('--s', '1'));
const N = 64;

const raw = loadRawDataset('fixtures/lines-N64-train.npz');
const cfg = makeTrainingConfig({
  model: { gridsize: 1, architecture: arch, n_filters_scale: s },
  nepochs: 10_000,
  batch_size: 16,
  n_groups: null,
  subsample_seed: 1,
  seed: 1,
  early_stop_patience: 10_000,
});
const ac = new AbortController();
let t0 = 0;
const load0 = loadavg();
const run = await trainModel(cfg, {
  raw,
  threads: 1,
  signal: ac.signal,
  onPrepared: () => {
    t0 = performance.now();
    setTimeout(() => ac.abort(), seconds * 1000);
  },
});
const trainSeconds = (performance.now() - t0) / 1000;
const h = run.result.history;

const test = loadRawDataset('fixtures/lines-N64-test.npz');
const pt = prepareData(test, {
  N,
  gridsize: 1,
  nGroups: test.M,
  neighborCount: cfg.neighbor_count,
  probeScale: cfg.model.probe_scale,
  nphotons: cfg.nphotons,
  preferMetadataNphotons: true,
  subsampleSeed: 1,
});
const pred = await ObjectPredictor.create(run.model.inferenceOnnx, {
  N,
  gridsize: 1,
  intensityScale: run.model.intensityScale,
  threads: 1,
});
const out = await pred.predict({
  amplitudes: pt.X,
  coordsRelative: pt.grouped.coordsRelative,
  count: pt.grouped.B,
});
await pred.release();
const r = patchCorrelation(out, extractPatchesAt(test.objectGuess!, pt.grouped.centroids, N), N);
const cost = generatorCost(modelSpecOf(cfg));

const row = {
  arch,
  n_filters_scale: arch === 'cnn' || arch === 'bpunet' ? s : undefined,
  machine: machineInfo(),
  fno:
    arch === 'cnn'
      ? undefined
      : { modes: cfg.model.fno_modes, width: cfg.model.fno_width, blocks: cfg.model.fno_blocks },
  params: cost.params,
  gflops_per_sample: +(cost.flops / 1e9).toFixed(3),
  budget_s: seconds,
  train_s: +trainSeconds.toFixed(1),
  epochs: h.length,
  s_per_epoch: +(h.reduce((a, e) => a + e.seconds, 0) / Math.max(1, h.length)).toFixed(1),
  best_epoch: run.result.bestEpoch,
  loss: h.map((e) => +e.loss.toFixed(2)),
  val_loss: h.map((e) => (e.val_loss == null ? null : +e.val_loss.toFixed(2))),
  test_r_amplitude: +r.amplitude.toFixed(3),
  test_r_phase: +r.phase.toFixed(3),
  loadavg: [load0, loadavg()],
};
console.log(JSON.stringify(row));

mkdirSync('bench/results', { recursive: true });
const jsonPath = 'bench/results/generators.json';
const all = (
  existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : { machine: machineInfo(), runs: {} }
) as { machine: unknown; runs: Record<string, typeof row> };
all.runs[arch] = row;
writeFileSync(jsonPath, JSON.stringify(all, null, 2) + '\n');
const lines = [
  '# Generators at the same wall-clock budget (bench/generators.ts)',
  '',
  'lines-N64-train → lines-N64-test, gridsize 1, batch 16, Adam 1e-3, one ORT thread, best epoch kept;',
  'r = patchCorrelation (Pearson r over the central N/2 square of each unseen test patch).',
  '',
  '| arch | params | GFLOP/sample | budget s | epochs | s/epoch | best epoch | final train loss | test r amplitude | test r phase |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...Object.values(all.runs).map(
    (x) =>
      `| ${x.arch}${x.n_filters_scale ? ` (s=${x.n_filters_scale})` : ''} | ${x.params.toLocaleString('en')} | ${x.gflops_per_sample} | ${x.budget_s} | ${x.epochs} | ${x.s_per_epoch} | ${x.best_epoch} | ${x.loss.at(-1)} | ${x.test_r_amplitude} | ${x.test_r_phase} |`,
  ),
  '',
  `Machine (rows without their own): ${JSON.stringify(all.machine)}`,
  ...Object.values(all.runs)
    .filter((x) => x.machine)
    .map((x) => `Machine (${x.arch}): ${JSON.stringify(x.machine)}; load ${x.loadavg.join(' → ')}`),
  '',
];
// hand-written notes below the marker survive regeneration
const mdPath = 'bench/results/generators.md';
const NOTES = '<!-- notes: kept when the table is regenerated -->';
const old = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '';
const notes = old.includes(NOTES) ? old.slice(old.indexOf(NOTES)) : NOTES + '\n';
writeFileSync(mdPath, lines.join('\n') + '\n' + notes);
