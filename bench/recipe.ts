/**
 * bench/recipe.ts — one training recipe on the realistic test bed, scored on the unseen band
 * after every epoch (stitched, registered SSIM as `ptycho infer --ground_truth`), against
 * training seconds. The experiment runner behind bench/quality.ts's time-to-quality table.
 *
 *   npx tsx bench/recipe.ts --label gs2 --seconds 300 --config '{"model":{"gridsize":2}}' \
 *       [--finetune 120] [--finetune_config '{...}'] [--out results.jsonl]
 *
 * --seconds: training on the training band (848 patterns); --finetune: then self-supervised
 * fine-tuning on the unseen band's own diffraction (no ground truth), as `ptycho infer
 * --finetune_epochs` does. Prints one JSON line per epoch and a final JSON line.
 */
import { appendFileSync } from 'node:fs';
import { makeTrainingConfig, type TrainingConfig } from '../compute/ptycho/config/config';
import { modelSpecOf, trainModel, type TrainedModel } from '../compute/ptycho/lifecycle/model';
import { exportInferenceModel } from '../compute/ptycho/infer/exportModels';
import { LOG_SCALE } from '../compute/ptycho/model/pinn';
import type { ParamStore } from '../compute/engine/index';
import type { RawDataset } from '../compute/ptycho/data/dataset';
import { makeTestBed, scoreOnBand, type BandScore } from './lib/testbed';
import { loadavg } from './lib/machine';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1]! : d;
};
const label = opt('--label', 'default');
const seconds = Number(opt('--seconds', '300'));
const finetune = Number(opt('--finetune', '0'));
const overrides = JSON.parse(opt('--config', '{}')) as NonNullable<Parameters<typeof makeTrainingConfig>[0]>;
const ftOverrides = JSON.parse(opt('--finetune_config', '{}')) as NonNullable<Parameters<typeof makeTrainingConfig>[0]>;
const threads = Number(opt('--threads', '2'));
const out = opt('--out', '');

type Row = BandScore & { phase: string; epoch: number; t: number; loss: number; excess: number };
const bed = makeTestBed();
const curve: Row[] = [];
let trainSeconds = 0;
const load0 = loadavg();

async function phase(name: string, cfg: TrainingConfig, raw: RawDataset, budget: number, from?: ParamStore, validationFraction?: number): Promise<ParamStore> {
  const ac = new AbortController();
  let floor = 0;
  const start = trainSeconds;
  const run = await trainModel(cfg, {
    raw,
    threads,
    signal: ac.signal,
    ...(from ? { initialParams: from } : {}),
    ...(validationFraction !== undefined ? { validationFraction } : {}),
    onPrepared: (p) => {
      // The Poisson NLL's floor: the loss a perfect model would reach on these counts (Î = y).
      let sum = 0;
      const s2 = p.intensityScale ** 2;
      for (let i = 0; i < p.X.length; i++) {
        const y = p.X[i]! * p.X[i]! * s2;
        sum += y - y * Math.log(y + 1e-12);
      }
      floor = sum / p.X.length;
    },
    onEpoch: async (rec, params) => {
      trainSeconds += rec.seconds;
      const model = { config: cfg, intensityScale: Math.exp(params.get(LOG_SCALE)[0]!), inferenceOnnx: exportInferenceModel(modelSpecOf(cfg), params) } as unknown as TrainedModel;
      const s = await scoreOnBand(model, bed.test, threads);
      const row: Row = { phase: name, epoch: rec.epoch, t: +trainSeconds.toFixed(1), loss: +rec.loss.toFixed(3), excess: +(rec.loss - floor).toFixed(3), ...s };
      curve.push(row);
      console.log(JSON.stringify({ label, ...row, ssimAmplitude: +s.ssimAmplitude.toFixed(3), ssimPhase: +s.ssimPhase.toFixed(3), lr: rec.lr, val: rec.val_loss === null ? null : +(rec.val_loss - floor).toFixed(3) }));
      if (trainSeconds - start >= budget) ac.abort();
    },
  });
  return run.model.params;
}

const base = { nepochs: 10_000, n_groups: null, early_stop_patience: 10_000 };
const cfg = makeTrainingConfig({ ...base, ...overrides, model: { ...(overrides.model ?? {}) } });
let params: ParamStore | undefined;
if (seconds > 0) params = await phase('train', cfg, bed.train, seconds);
if (finetune > 0) {
  const ft = makeTrainingConfig({ ...base, ...overrides, ...ftOverrides, model: { ...(overrides.model ?? {}), ...(ftOverrides.model ?? {}) } });
  await phase('finetune', ft, bed.test, finetune, params, 0);
}
const best = curve.reduce((a, b) => (b.ssimAmplitude + b.ssimPhase > a.ssimAmplitude + a.ssimPhase ? b : a), curve[0]!);
const final = {
  label,
  config: overrides,
  finetune_config: finetune > 0 ? ftOverrides : undefined,
  budget_s: [seconds, finetune],
  train_s: +trainSeconds.toFixed(1),
  epochs: curve.length,
  final: curve.at(-1),
  best_by_ssim: best,
  curve: curve.map((c) => [c.phase[0], c.epoch, c.t, +c.ssimAmplitude.toFixed(3), +c.ssimPhase.toFixed(3), c.excess]),
  loadavg: [load0, loadavg()],
};
console.log(JSON.stringify(final));
if (out) appendFileSync(out, JSON.stringify(final) + '\n');
