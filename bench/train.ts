/**
 * bench/train.ts — PtychoPINN training and inference throughput on this machine, next to the
 * PyTorch peer (../shared/bench-reference/ptychopinn_ref.py) run in the same session.
 *
 *   npx tsx bench/train.ts [--threads 2] [--reps 10] [--no-torch]
 *
 * Same workload as the peer: N = 64, n_filters_scale 2, object_big, probe_big, polar object,
 * Poisson NLL, Adam, batch 16; gridsize 1 and 2; inference = diffraction_to_obj at batch 64.
 * Writes bench/results/train.md and train.json.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { CompiledGraph, adam, compileTrainStep } from '../compute/engine';
import { buildAutoencoder, FEEDS, LOG_SCALE } from '../compute/ptycho/model/pinn';
import { exportModels } from '../compute/ptycho/infer/exportModels';
import { ObjectPredictor } from '../compute/ptycho/infer/predictor';
import { DEFAULT_LOSS_SPEC, DEFAULT_MODEL_SPEC } from '../compute/ptycho/model/spec';
import { createParamStore } from '../compute/ptycho/train/trainer';
import { loadavg, machineInfo, runTorchReference, timeMedianMs } from './lib/machine';

const argv = process.argv.slice(2);
const flag = (n: string, d: number): number => {
  const i = argv.indexOf(n);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const threads = flag('--threads', 2);
const reps = flag('--reps', 10);
const withTorch = !argv.includes('--no-torch');

const N = 64;
const BATCH = 16;
const INFER_BATCH = 64;
const s = Math.sqrt(1e9) / (N / 2);

function probe(): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const y = i - N / 2 + 0.5;
      const x = j - N / 2 + 0.5;
      re[i * N + j] = x * x + y * y < (N / 4) ** 2 ? 0.25 : 0;
    }
  return { re, im: new Float32Array(N * N) };
}

interface Row {
  gridsize: number;
  train_step_ms: number;
  train_samples_per_s: number;
  forward_ms: number;
  infer_batch64_ms: number;
  infer_patterns_per_s: number;
  loadavg: string;
  torch?: Record<string, number>;
  ratio_train?: number;
  ratio_infer?: number;
}

async function benchGridsize(gridsize: number): Promise<Row> {
  const C = gridsize * gridsize;
  const spec = { ...DEFAULT_MODEL_SPEC, gridsize };
  const pr = probe();
  const ae = buildAutoencoder({ spec, loss: DEFAULT_LOSS_SPEC, intensityScale: s, probe: pr });
  const params = createParamStore(ae.params, 0);
  const rnd = (n: number, scale: number) => Float32Array.from({ length: n }, () => Math.random() * scale);
  const X = rnd(BATCH * C * N * N, 0.2 * s);
  const feeds: Record<string, Float32Array> = { [FEEDS.amplitudes]: X };
  if (gridsize > 1)
    feeds[FEEDS.offsets] = Float32Array.from({ length: BATCH * C * 2 }, () => (Math.random() - 0.5) * 4);
  const session = { provider: 'cpu' as const, threads };
  const step = await compileTrainStep({ loss: ae.losses.loss, params, optimizer: adam(), session });
  const trainMs = await timeMedianMs(() => step.step(feeds, 1e-3), reps);
  await step.release();
  const fwd = await CompiledGraph.create({ loss: ae.losses.loss }, session);
  const fwdFeeds: Record<string, Float32Array> = { ...feeds };
  for (const n of params.names()) fwdFeeds[n] = params.get(n);
  const forwardMs = await timeMedianMs(() => fwd.run(fwdFeeds), reps);
  await fwd.release();
  const models = exportModels(spec, params, pr);
  const pred = await ObjectPredictor.create(models.diffraction_to_obj, {
    N,
    gridsize,
    intensityScale: Math.exp(params.get(LOG_SCALE)[0]!),
    threads,
  });
  const Xi = rnd(INFER_BATCH * C * N * N, 0.2);
  const inferMs = await timeMedianMs(
    () => pred.predict({ amplitudes: Xi, count: INFER_BATCH }, { batchSize: INFER_BATCH }),
    reps,
  );
  await pred.release();
  const row: Row = {
    gridsize,
    train_step_ms: +trainMs.toFixed(1),
    train_samples_per_s: +((BATCH / trainMs) * 1000).toFixed(1),
    forward_ms: +forwardMs.toFixed(1),
    infer_batch64_ms: +inferMs.toFixed(1),
    infer_patterns_per_s: +((INFER_BATCH / inferMs) * 1000).toFixed(1),
    loadavg: loadavg(),
  };
  if (withTorch) {
    const t = runTorchReference([
      '--gridsize',
      String(gridsize),
      '--threads',
      String(threads),
      '--reps',
      String(reps),
    ]);
    if ('values' in t) {
      row.torch = t.values;
      row.ratio_train = +(row.train_samples_per_s / t.values.train_samples_per_s!).toFixed(2);
      row.ratio_infer = +(row.infer_patterns_per_s / t.values.infer_patterns_per_s!).toFixed(2);
    } else console.error(`torch reference failed: ${t.error}`);
  }
  console.log(JSON.stringify(row));
  return row;
}

const machine = machineInfo();
const rows: Row[] = [];
for (const gs of [1, 2]) rows.push(await benchGridsize(gs));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/train.json', import.meta.url),
  JSON.stringify({ machine, threads, reps, rows }, null, 2),
);
const md = [
  '# PtychoPINN training / inference throughput',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ONNX Runtime ${machine.ort}; ${machine.date}; ${threads} threads.`,
  'Workload: N = 64, n_filters_scale 2, object_big, probe_big, Poisson NLL, Adam, batch 16; inference diffraction_to_obj at batch 64.',
  'PyTorch peer: ../shared/bench-reference/ptychopinn_ref.py (Debian torch), same machine, same session, run right after ours.',
  '',
  '| gridsize | train step ms | train samples/s | torch samples/s | ratio | forward ms | infer ms (B=64) | infer patterns/s | torch patterns/s | ratio | loadavg |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.gridsize} | ${r.train_step_ms} | ${r.train_samples_per_s} | ${r.torch?.train_samples_per_s ?? 'n/a'} | ${r.ratio_train ?? 'n/a'} | ${r.forward_ms} | ${r.infer_batch64_ms} | ${r.infer_patterns_per_s} | ${r.torch?.infer_patterns_per_s ?? 'n/a'} | ${r.ratio_infer ?? 'n/a'} | ${r.loadavg} |`,
  ),
  '',
];
writeFileSync(new URL('./results/train.md', import.meta.url), md.join('\n'));
console.log(md.join('\n'));
