/**
 * bench/lifecycle.ts — end-to-end seconds of the lifecycle as a user runs it: train (N=64,
 * 512 groups, 5 epochs, n_filters_scale 2, gridsize 1) on the lines fixture, save the bundle,
 * load it, infer + stitch 1,000 patterns.
 *   npx tsx bench/lifecycle.ts   → bench/results/lifecycle.md, lifecycle.json
 */
import { mkdtempSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { makeTrainingConfig } from '../compute/ptycho/config/config';
import { loadRawDataset } from '../compute/ptycho/data/dataset';
import { makeObject } from '../compute/ptycho/data/objects';
import { defaultProbe } from '../compute/ptycho/data/probe';
import { simulateScan, scanArrays } from '../compute/ptycho/data/simulate';
import { rawDatasetFromNpz } from '../compute/ptycho/data/dataset';
import { encodeNpz, readNpz } from '../compute/io/npz';
import { loadModel, saveModel, trainModel } from '../compute/ptycho/lifecycle/model';
import { reconstruct } from '../compute/ptycho/lifecycle/reconstruct';
import { loadavg, machineInfo } from './lib/machine';

const root = fileURLToPath(new URL('..', import.meta.url));
const machine = machineInfo();
const train = loadRawDataset(join(root, 'fixtures', 'lines-N64-train.npz'));
const cfg = makeTrainingConfig({
  n_groups: 512,
  nepochs: 5,
  train_data_file: join(root, 'fixtures', 'lines-N64-train.npz'),
});
const t0 = performance.now();
const run = await trainModel(cfg, { raw: train });
const t1 = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'bench-lifecycle-'));
const bundle = join(dir, 'wts.h5.zip');
saveModel(run.model, bundle);
const t2 = performance.now();
const model = await loadModel(bundle);
const t3 = performance.now();
// 1,000 patterns: a fresh simulated scan of the same kind
const object = makeObject('lines', 320, 5, true);
const sim = simulateScan({ N: 64, object, probe: defaultProbe(64), nphotons: 1e6, nImages: 1000, seed: 9 });
const test = rawDatasetFromNpz(
  readNpz(encodeNpz(scanArrays(sim, object, defaultProbe(64)))),
  'bench-1000.npz',
);
const t4 = performance.now();
const rec = await reconstruct(model, test, { batchSize: 64 });
const t5 = performance.now();
const result = {
  machine,
  loadavg_after: loadavg(),
  train_seconds: (t1 - t0) / 1000,
  train_samples_per_s: (run.result.trainSamples * run.result.history.length) / ((t1 - t0) / 1000),
  epochs: run.result.history.length,
  save_seconds: (t2 - t1) / 1000,
  bundle_mb: statSync(bundle).size / 2 ** 20,
  load_seconds: (t3 - t2) / 1000,
  infer_stitch_seconds: (t5 - t4) / 1000,
  infer_seconds: rec.inferSeconds,
  stitch_seconds: rec.stitchSeconds,
  patterns_per_s: 1000 / rec.inferSeconds,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/lifecycle.json', import.meta.url), JSON.stringify(result, null, 2));
const md = [
  '# Lifecycle end to end',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ONNX Runtime ${machine.ort}; ${machine.date}; load average before ${machine.loadavg.split(' ').slice(0, 3).join(' ')}, after ${result.loadavg_after}.`,
  '',
  '| step | seconds | notes |',
  '|---|---|---|',
  `| train (N=64, 512 groups, ${result.epochs} epochs, s=2, gridsize 1, batch 16) | ${result.train_seconds.toFixed(1)} | ${result.train_samples_per_s.toFixed(1)} samples/s incl. validation |`,
  `| save bundle | ${result.save_seconds.toFixed(2)} | ${result.bundle_mb.toFixed(1)} MiB |`,
  `| load bundle (ONNX checked) | ${result.load_seconds.toFixed(2)} | |`,
  `| infer + stitch 1,000 patterns | ${result.infer_stitch_seconds.toFixed(2)} | inference ${result.infer_seconds.toFixed(2)} s (${result.patterns_per_s.toFixed(0)} patterns/s), stitching ${result.stitch_seconds.toFixed(2)} s |`,
  '',
];
writeFileSync(new URL('./results/lifecycle.md', import.meta.url), md.join('\n'));
console.log(md.join('\n'));
