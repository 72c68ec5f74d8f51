/**
 * bench/stitch.ts — position-based stitching (reassemble_position, PtychoPINN §5.2):
 * 10,000 complex patches N = 64, central crops M = 20, offsets spread over a 600-pixel scan.
 * Median of 5 runs after one warm-up (wall and process CPU time: the CPU time is less disturbed by
 * other work on a shared machine); peak RSS of the process sampled around each run.
 *   npx tsx bench/stitch.ts   → bench/results/stitch.md, stitch.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { reassemblePosition } from '../compute/ptycho/stitch/reassemble';
import { Rng } from '../compute/numerics/rng';
import { loadavg, machineInfo, median } from './lib/machine';

const N = 64;
const M = 20;
const B = 10_000;
const REPS = 5;

const machine = machineInfo();
const rng = new Rng(7);
const re = Float32Array.from({ length: B * N * N }, () => rng.uniform());
const im = Float32Array.from({ length: B * N * N }, () => rng.uniform() - 0.5);
const offsets = Float64Array.from({ length: B * 2 }, () => 100 + rng.uniform() * 600);
const input = { re, im, count: B, N, offsets };
const inputMB = (re.byteLength + im.byteLength) / 2 ** 20;

const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);

reassemblePosition(input, { M }); // warm-up (JIT)
const ms: number[] = [];
const cpuMs: number[] = [];
let canvas = 0;
for (let i = 0; i < REPS; i++) {
  const c = process.cpuUsage();
  const t = performance.now();
  const out = reassemblePosition(input, { M });
  ms.push(performance.now() - t);
  const u = process.cpuUsage(c);
  cpuMs.push((u.user + u.system) / 1000);
  peak = Math.max(peak, process.memoryUsage().rss);
  canvas = out.width;
}
clearInterval(sampler);

const mb = (b: number): number => Math.round(b / 2 ** 20);
const result = {
  machine,
  loadavg_after: loadavg(),
  patches: B,
  N,
  M,
  canvas: `${canvas}×${canvas}`,
  reps: REPS,
  ms_median: median(ms),
  ms_min: Math.min(...ms),
  ms_all: ms.map((x) => Math.round(x * 10) / 10),
  cpu_ms_median: median(cpuMs),
  patches_per_s: B / (median(ms) / 1000),
  input_mb: Math.round(inputMB),
  rss_before_mb: mb(rssBefore),
  peak_rss_mb: mb(peak),
};

const here = new URL('./results/', import.meta.url);
mkdirSync(here, { recursive: true });
writeFileSync(new URL('stitch.json', here), JSON.stringify(result, null, 2) + '\n');
const md = [
  '# Stitching: reassemble_position',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.date}; load average before ${machine.loadavg.split(' ').slice(0, 3).join(' ')}, after ${result.loadavg_after}.`,
  '',
  `${B.toLocaleString('en')} complex patches N = ${N}, central crops M = ${M}, offsets uniform over 600 px → a ${result.canvas} canvas. ` +
    `Separable bilinear splat of each crop (a horizontal pass per crop row, added to the two canvas rows it straddles; O(B·M²)), patches visited in bands when the canvas exceeds the cache, float64 sums, single thread. Median of ${REPS} runs after a warm-up.`,
  '',
  '| patches | N | M | median ms | best ms | median CPU ms | patches/s | peak RSS (MB) |',
  '|---|---|---|---|---|---|---|---|',
  `| ${B.toLocaleString('en')} | ${N} | ${M} | ${result.ms_median.toFixed(1)} | ${result.ms_min.toFixed(1)} | ${result.cpu_ms_median.toFixed(1)} | ${Math.round(result.patches_per_s).toLocaleString('en')} | ${result.peak_rss_mb} |`,
  '',
  `Peak RSS is the whole process, including the ${result.input_mb} MB of input patches (RSS before stitching: ${result.rss_before_mb} MB). All runs (ms): ${result.ms_all.join(', ')}.`,
  '',
];
writeFileSync(new URL('stitch.md', here), md.join('\n'));
console.log(md.join('\n'));
