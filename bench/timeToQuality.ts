/**
 * bench/timeToQuality.ts — the time-to-quality table on the realistic test bed (#13): for each
 * training recipe, SSIM (amplitude, phase; stitched, registered, as `ptycho infer
 * --ground_truth`) on the unseen band against training seconds; beside the PyTorch peer trained
 * on the very same prepared arrays (../shared/bench-reference via bench/quality_torch.py,
 * PtychoPINN's recipe), and the iterative solver (rPIE, `ptycho reconstruct`) on the same band.
 *
 *   npx tsx bench/timeToQuality.ts [--seconds 300] [--recipes default,ptychopinn,...|none] [--no-torch] [--keep]
 *
 * --keep: start from the rows of the existing results file and replace only those re-measured.
 * Writes bench/results/time_to_quality.{json,md}.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { prepareData } from '../compute/ptycho/lifecycle/prepare';
import { INFERENCE_SEED } from '../compute/ptycho/lifecycle/reconstruct';
import { reassemblePosition } from '../compute/ptycho/stitch/reassemble';
import { reconstructIterative } from '../compute/ptycho/iterative/reconstruct';
import { readNpz, writeNpz } from '../compute/io/npz';
import { makeTestBed, runRecipe, scoreStitched, type BandScore, type TestBed } from './lib/testbed';
import { RECIPES, recipeConfig } from './lib/recipes';
import { loadavg, machineInfo } from './lib/machine';

const argv = process.argv.slice(2);
const opt = (n: string, d: string): string => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1]! : d;
};
const budget = Number(opt('--seconds', '300'));
const finetuneS = Number(opt('--finetune', '60'));
const names = opt('--recipes', 'ptychopinn,gs2,gs2-s1-b4,gs2-s1-b4+ft')
  .split(',')
  .filter((n) => n && n !== 'none');

interface Point extends BandScore {
  t: number;
  epoch?: number;
  iteration?: number;
}
interface Row {
  method: string;
  note: string;
  points: Point[];
}

const machine = machineInfo();
const bed = makeTestBed();
const resultsJson = new URL('./results/time_to_quality.json', import.meta.url);
const kept: Row[] =
  argv.includes('--keep') && existsSync(resultsJson)
    ? (JSON.parse(readFileSync(resultsJson, 'utf8')) as { rows: Row[] }).rows
    : [];
const rows: Row[] = [];
const cfgOf = recipeConfig;

for (const name of names) {
  const r = RECIPES[name];
  if (!r) throw new Error(`unknown recipe ${name} (known: ${Object.keys(RECIPES).join(', ')})`);
  const cfg = cfgOf({ early_stop_patience: 10_000, ...r.overrides });
  const { curve } = await runRecipe(
    bed,
    [
      { name: 'train', cfg, raw: bed.train, budgetS: r.finetune ? budget - finetuneS : budget },
      ...(r.finetune
        ? [{ name: 'finetune' as const, cfg, raw: bed.test, budgetS: finetuneS, validationFraction: 0 }]
        : []),
    ],
    {
      log: (p) =>
        console.log(
          `${name} ${p.phase} ep ${p.epoch} ${p.t.toFixed(0)} s: SSIM ${p.ssimAmplitude.toFixed(3)} / ${p.ssimPhase.toFixed(3)}`,
        ),
    },
  );
  rows.push({
    method: `PINN ${name}`,
    note: r.note,
    points: curve.map((c) => ({
      t: c.t,
      epoch: c.epoch,
      ssimAmplitude: c.ssimAmplitude,
      ssimPhase: c.ssimPhase,
      frc50Amplitude: c.frc50Amplitude,
    })),
  });
}

if (!argv.includes('--no-torch')) {
  const peer = runPeer(bed, budget);
  if (peer) rows.push(peer);
}

// The floor every method must beat: a flat object (amplitude 1, phase 0) stitched the same way.
{
  const N = 64;
  const B = bed.test.M;
  const cents = new Float64Array(2 * B);
  for (let i = 0; i < B; i++) {
    cents[2 * i] = bed.test.xcoords[i]!;
    cents[2 * i + 1] = bed.test.ycoords[i]!;
  }
  const flat = reassemblePosition(
    { re: new Float32Array(B * N * N).fill(1), im: new Float32Array(B * N * N), count: B, N, offsets: cents },
    20,
  );
  rows.push({
    method: 'flat object (baseline)',
    note: 'amplitude 1, phase 0: what SSIM gives for no information',
    points: [{ t: 0, ...scoreStitched(flat, bed.test, cents) }],
  });
}

// The iterative solver on the same band: SSIM after K iterations, seconds of the sweeps.
{
  const points: Point[] = [];
  const marks = new Set([1, 2, 3, 5, 10, 20, 30]);
  const t0 = performance.now();
  let evalMs = 0;
  await reconstructIterative(bed.test, {
    iterations: 30,
    onIteration: (r, current) => {
      if (!marks.has(r.iteration)) return;
      const te = performance.now();
      const s = current();
      const sc = scoreStitched(s, bed.test, []);
      evalMs += performance.now() - te;
      points.push({ t: (performance.now() - t0 - evalMs) / 1000, iteration: r.iteration, ...sc });
    },
  });
  rows.push({ method: 'rPIE (ptycho reconstruct)', note: 'flat start, known probe, α 0.1', points });
}

function runPeer(b: TestBed, seconds: number): Row | null {
  const gridsize = 1;
  const N = 64;
  const cfg = cfgOf(RECIPES.ptychopinn!.overrides);
  const p = prepareData(b.train, {
    N,
    gridsize,
    neighborCount: cfg.neighbor_count,
    probeScale: cfg.model.probe_scale,
    nphotons: cfg.nphotons,
    preferMetadataNphotons: true,
    nGroups: b.train.M,
  });
  const pt = prepareData(b.test, {
    N,
    gridsize,
    nGroups: b.test.M,
    nSubsample: b.test.M,
    subsampleSeed: INFERENCE_SEED,
    neighborCount: cfg.neighbor_count,
    probeScale: cfg.model.probe_scale,
    nphotons: cfg.nphotons,
  });
  const tmp = mkdtempSync(join(tmpdir(), 'ptycho-ttq-'));
  try {
    const scaled = (x: Float32Array, k: number): Float32Array => x.map((v) => v * k);
    const inFile = join(tmp, 'in.npz');
    const outFile = join(tmp, 'out.npz');
    writeNpz(inFile, {
      X: { dtype: 'float32', shape: [p.grouped.B, 1, N, N], data: scaled(p.X, p.intensityScale) },
      offsets: { dtype: 'float32', shape: [p.grouped.B, 1, 2], data: p.grouped.coordsRelative },
      probe_re: { dtype: 'float32', shape: [N, N], data: p.probe.re },
      probe_im: { dtype: 'float32', shape: [N, N], data: p.probe.im },
      test_X: { dtype: 'float32', shape: [pt.grouped.B, 1, N, N], data: scaled(pt.X, pt.intensityScale) },
      test_offsets: { dtype: 'float32', shape: [pt.grouped.B, 1, 2], data: pt.grouped.coordsRelative },
      intensity_scale: { dtype: 'float64', shape: [], data: Float64Array.of(p.intensityScale) },
    });
    const script = new URL('./quality_torch.py', import.meta.url).pathname;
    const r = spawnSync(
      '/usr/bin/python3',
      [
        script,
        inFile,
        outFile,
        '--s',
        '2',
        '--gridsize',
        '1',
        '--epochs',
        '10000',
        '--every',
        '1',
        '--seconds',
        String(seconds),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (r.status !== 0) {
      console.log(`PyTorch peer not run: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}`);
      return null;
    }
    const z = readNpz(outFile).arrays;
    const log = z.get('log')!.data as Float64Array;
    const points: Point[] = [];
    const degenerate: number[] = [];
    for (const key of z.keys()) {
      const m = /^pred_re_(\d+)$/.exec(key);
      if (!m) continue;
      const ep = Number(m[1]);
      const s = reassemblePosition(
        {
          re: z.get(key)!.data as Float32Array,
          im: z.get(`pred_im_${ep}`)!.data as Float32Array,
          count: pt.grouped.B,
          N,
          offsets: pt.grouped.centroids,
        },
        20,
      );
      let sc: BandScore;
      try {
        sc = scoreStitched(s, b.test, pt.grouped.centroids);
      } catch (e) {
        // A collapsed network (amplitude 0 everywhere) cannot be mean-matched: it scores 0.
        console.log(`peer epoch ${ep}: ${(e as Error).message}; scored 0`);
        sc = { ssimAmplitude: 0, ssimPhase: 0, frc50Amplitude: null };
        degenerate.push(ep);
      }
      points.push({ t: log[(ep - 1) * 5 + 1]!, epoch: ep, ...sc });
    }
    points.sort((a, c) => a.t - c.t);
    const nEpochs = log.length / 5;
    const collapsed = degenerate.length
      ? `; amplitude collapsed to 0 at epoch ${degenerate.join(', ')} (scored 0)`
      : '';
    return {
      method: 'PyTorch peer (PtychoPINN recipe)',
      note: `gs1, n_filters_scale 2, batch 16, EarlyStopping(3); torch CPU, same arrays; ${nEpochs} epoch${nEpochs === 1 ? '' : 's'}${collapsed}`,
      points,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

for (const k of kept.reverse()) if (!rows.some((r) => r.method === k.method)) rows.unshift(k);
const f3 = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(3));
/** The score at `s` seconds: the last point before it, if the run lasted that long (a converged solver's last point stands). */
const MARKS = [60, 240, 600];
const at = (r: Row, s: number): Point | undefined => {
  const last = r.points.at(-1);
  if (!last || (last.t < 0.9 * s && r.points.some((p) => p.epoch !== undefined))) return undefined;
  return [...r.points].reverse().find((p) => p.t <= s);
};
const first = (r: Row, amp: number, ph: number): string => {
  const p = r.points.find((q) => q.ssimAmplitude >= amp && q.ssimPhase >= ph);
  return p ? p.t.toFixed(p.t < 10 ? 2 : 0) : '—';
};
const best = (r: Row): Point =>
  r.points.reduce((a, b) => (b.ssimAmplitude + b.ssimPhase > a.ssimAmplitude + a.ssimPhase ? b : a));
writeFileSync(
  resultsJson,
  JSON.stringify({ machine, loadavg_after: loadavg(), budget_s: budget, rows }, null, 2),
);
const md = [
  '# Time to quality on the realistic test bed',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ONNX Runtime ${machine.ort}; ${machine.date}; load average before ${machine.loadavg.split(' ').slice(0, 3).join(' ')}, after ${loadavg()}.`,
  '',
  "Runs of different budgets share the table; a cell is empty where a run did not last that long. Test bed (bench/lib/testbed.ts): natural object with amplitude and phase, defocused zone-plate probe (rings, side lobes), jittered Fermat spiral at 5 px, 1e9 photons; 848 training patterns, 239 in the unseen band (a spatial split along y). Scores: SSIM (Gaussian σ 1.5) of the stitched, registered reconstruction of the unseen band against the true object, as `ptycho infer --ground_truth`. Seconds: training time (PINN; scoring excluded), the peer's training loop, or the rPIE sweeps.",
  '',
  `| method | settings | s to SSIM ≥ 0.5/0.8 (amp/phase) | ${MARKS.map((m) => `SSIM at ${m} s`).join(' | ')} | best (s) |`,
  `|---|---|---|${MARKS.map(() => '---|').join('')}---|`,
  ...rows.map((r) => {
    const cells = MARKS.map((m) => {
      const p = at(r, m);
      return p ? `${f3(p.ssimAmplitude)} / ${f3(p.ssimPhase)}` : '—';
    });
    const b = best(r);
    return `| ${r.method} | ${r.note} | ${first(r, 0.5, 0.8)} | ${cells.join(' | ')} | ${f3(b.ssimAmplitude)} / ${f3(b.ssimPhase)} (${b.t.toFixed(b.t < 10 ? 2 : 0)}) |`;
  }),
  '',
  '## Curves (seconds: SSIM amplitude / phase)',
  '',
  ...rows.map(
    (r) =>
      `- ${r.method}: ${r.points.map((p) => `${p.t.toFixed(p.t < 10 ? 2 : 0)} s ${f3(p.ssimAmplitude)}/${f3(p.ssimPhase)}`).join(', ')}`,
  ),
  '',
];
writeFileSync(new URL('./results/time_to_quality.md', import.meta.url), md.join('\n'));
console.log(md.join('\n'));
