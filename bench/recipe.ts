/**
 * bench/recipe.ts — one training recipe on the realistic test bed (bench/lib/testbed.ts), scored
 * on the unseen band after every epoch (stitched, registered SSIM as `ptycho infer
 * --ground_truth`) against training seconds: the experiment runner behind the time-to-quality
 * table (bench/timeToQuality.ts).
 *
 *   npx tsx bench/recipe.ts --label gs2 --seconds 300 --config '{"model":{"gridsize":2}}' \
 *       [--finetune 120] [--finetune_config '{...}'] [--out results.jsonl]
 *
 * --seconds: training on the training band (848 patterns); --finetune: then self-supervised
 * fine-tuning on the unseen band's own diffraction (no ground truth), as `ptycho infer
 * --finetune_epochs` does. Prints one JSON line per epoch and a final JSON line.
 */
import { appendFileSync } from 'node:fs';
import { makeTrainingConfig } from '../compute/ptycho/config/config';
import { makeTestBed, runRecipe } from './lib/testbed';
import { loadavg } from './lib/machine';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1]! : d;
};
type Overrides = NonNullable<Parameters<typeof makeTrainingConfig>[0]>;
const label = opt('--label', 'default');
const seconds = Number(opt('--seconds', '300'));
const finetune = Number(opt('--finetune', '0'));
const overrides = JSON.parse(opt('--config', '{}')) as Overrides;
const ftOverrides = JSON.parse(opt('--finetune_config', '{}')) as Overrides;
const out = opt('--out', '');

const bed = makeTestBed();
const load0 = loadavg();
const base = { nepochs: 10_000, n_groups: null, early_stop_patience: 10_000 };
const cfg = makeTrainingConfig({ ...base, ...overrides, model: { ...(overrides.model ?? {}) } });
const ft = makeTrainingConfig({
  ...base,
  ...overrides,
  ...ftOverrides,
  model: { ...(overrides.model ?? {}), ...(ftOverrides.model ?? {}) },
});
const { curve } = await runRecipe(
  bed,
  [
    { name: 'train', cfg, raw: bed.train, budgetS: seconds },
    { name: 'finetune', cfg: ft, raw: bed.test, budgetS: finetune, validationFraction: 0 },
  ],
  { threads: Number(opt('--threads', '2')), log: (r) => console.log(JSON.stringify({ label, ...r })) },
);
const best = curve.reduce(
  (a, b) => (b.ssimAmplitude + b.ssimPhase > a.ssimAmplitude + a.ssimPhase ? b : a),
  curve[0]!,
);
const final = {
  label,
  config: overrides,
  finetune_config: finetune > 0 ? ftOverrides : undefined,
  budget_s: [seconds, finetune],
  final: curve.at(-1),
  best_by_ssim: best,
  curve: curve.map((c) => [
    c.phase[0],
    c.epoch,
    +c.t.toFixed(1),
    +c.ssimAmplitude.toFixed(3),
    +c.ssimPhase.toFixed(3),
    +c.excess.toFixed(0),
  ]),
  loadavg: [load0, loadavg()],
};
console.log(JSON.stringify(final));
if (out) appendFileSync(out, JSON.stringify(final) + '\n');
