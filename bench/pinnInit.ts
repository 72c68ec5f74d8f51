/**
 * bench/pinnInit.ts — does a PINN start help the iterative solver? On the realistic test bed
 * (bench/lib/testbed.ts) a recipe trains on the training band for a fixed budget; its stitched
 * reconstruction of the unseen band (infer's path) then starts rPIE and ePIE, beside the same
 * solvers from a flat object (`ptycho reconstruct` with and without --init_model_path). Every
 * image is scored by our evaluation (registration, SSIM) against the true object.
 *
 *   npx tsx bench/pinnInit.ts [--recipe bpunet-gs2] [--seconds 240] [--iterations 20]
 *
 * Writes bench/results/pinn_init.{json,md} (one recipe per file; rerun to replace).
 */
import { writeFileSync } from 'node:fs';
import { reconstructIterative, type IterativeOptions } from '../compute/ptycho/iterative/reconstruct';
import { reconstruct } from '../compute/ptycho/lifecycle/reconstruct';
import type { Stitched } from '../compute/ptycho/stitch/reassemble';
import { loadavg, machineInfo } from './lib/machine';
import { RECIPES, recipeConfig } from './lib/recipes';
import { makeTestBed, runRecipe, scoreStitched, type BandScore } from './lib/testbed';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1]! : d;
};
const recipeName = opt('--recipe', 'bpunet-gs2');
const seconds = Number(opt('--seconds', '240'));
const iterations = Number(opt('--iterations', '20'));
const recipe = RECIPES[recipeName];
if (!recipe) throw new Error(`unknown recipe ${recipeName} (known: ${Object.keys(RECIPES).join(', ')})`);
const MARKS = [1, 2, 3, 5, 10, 20, 30, 50].filter((k) => k <= iterations);

const machine = machineInfo();
const load0 = loadavg();
const bed = makeTestBed();
const { model, curve } = await runRecipe(
  bed,
  [
    {
      name: 'train',
      cfg: recipeConfig({ early_stop_patience: 10_000, ...recipe.overrides }),
      raw: bed.train,
      budgetS: seconds,
    },
  ],
  {
    log: (r) =>
      console.error(
        `epoch ${r.epoch} ${r.t.toFixed(0)} s ${r.ssimAmplitude.toFixed(3)}/${r.ssimPhase.toFixed(3)}`,
      ),
  },
);
if (!model) throw new Error('the recipe trained no epoch');
const pinn = await reconstruct(model, bed.test, { threads: 2 });
const pinnScore = scoreStitched(pinn.stitched, bed.test, pinn.prepared.grouped.centroids);

interface Point extends BandScore {
  iteration: number;
  seconds: number;
}
interface Run {
  algorithm: 'rpie' | 'epie';
  start: 'flat' | 'pinn';
  points: Point[];
}
const runs: Run[] = [];
for (const algorithm of ['rpie', 'epie'] as const)
  for (const start of ['flat', 'pinn'] as const) {
    const points: Point[] = [];
    const opts: IterativeOptions = { algorithm, iterations };
    if (start === 'pinn') opts.initialObject = pinn.stitched;
    let evalMs = 0;
    const t0 = performance.now();
    const res = await reconstructIterative(bed.test, {
      ...opts,
      onIteration: (r, current: () => Stitched) => {
        if (!MARKS.includes(r.iteration)) return;
        const te = performance.now();
        const sc = scoreStitched(current(), bed.test, []);
        evalMs += performance.now() - te;
        points.push({ iteration: r.iteration, seconds: (performance.now() - t0 - evalMs) / 1000, ...sc });
      },
    });
    if (res.stopReason !== 'completed') console.error(`${algorithm} from ${start}: ${res.message}`);
    runs.push({ algorithm, start, points });
    const at10 = points.find((p) => p.iteration === 10);
    console.error(
      `${algorithm} ${start}: K=10 ${at10?.ssimAmplitude.toFixed(3)}/${at10?.ssimPhase.toFixed(3)}`,
    );
  }

const last = curve.at(-1)!;
const result = {
  machine,
  loadavg: [load0, loadavg()],
  recipe: { name: recipeName, note: recipe.note, seconds: +last.t.toFixed(1), epochs: last.epoch },
  pinn: { ...pinnScore, pinnSeconds: +(pinn.inferSeconds + pinn.stitchSeconds).toFixed(2) },
  runs,
};
writeFileSync(new URL('./results/pinn_init.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');

const f = (x: number) => x.toFixed(3);
const cell = (r: Run, k: number) => {
  const p = r.points.find((q) => q.iteration === k);
  return p ? `${f(p.ssimAmplitude)} / ${f(p.ssimPhase)}` : '';
};
const ks = MARKS;
const md = [
  '# PINN start vs flat start for the iterative solver (bench/pinnInit.ts)',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ONNX Runtime ${machine.ort}; ${machine.date}; load average before ${load0}, after ${loadavg()}.`,
  '',
  `Test bed (bench/lib/testbed.ts): natural object, defocused zone-plate probe, jittered 5 px spiral, 1e9 photons; the PINN (recipe \`${recipeName}\`: ${recipe.note}) trained ${result.recipe.seconds} s (${last.epoch} epochs) on the ${bed.train.M} training patterns, then reconstructed the ${bed.test.M} unseen ones (SSIM ${f(pinnScore.ssimAmplitude)} / ${f(pinnScore.ssimPhase)}, ${result.pinn.pinnSeconds} s), which start the solvers. SSIM amplitude / phase after K iterations, registered, against the true object.`,
  '',
  `| solver | start | ${ks.map((k) => `K = ${k}`).join(' | ')} |`,
  `|---|---|${ks.map(() => '---').join('|')}|`,
  ...runs.map(
    (r) =>
      `| ${r.algorithm === 'rpie' ? 'rPIE (α 0.1)' : 'ePIE (step 1)'} | ${r.start} | ${ks.map((k) => cell(r, k)).join(' | ')} |`,
  ),
  '',
  'Seconds of the sweeps (scoring excluded) are in pinn_init.json.',
  '',
].join('\n');
writeFileSync(new URL('./results/pinn_init.md', import.meta.url), md);
console.log(md);
