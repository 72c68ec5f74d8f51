/**
 * bench/data.ts — data-layer throughput: simulate 10,000 N=64 patterns; group 100,000 positions
 * (gridsize 2, K = 4); stitch 10,000 patches (M = 20). Seconds and peak RSS (process maxRSS).
 *   npx tsx bench/data.ts   → bench/results/data.md, data.json
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { makeObject } from '../compute/ptycho/data/objects';
import { defaultProbe } from '../compute/ptycho/data/probe';
import { simulateScan } from '../compute/ptycho/data/simulate';
import { groupPositions } from '../compute/ptycho/data/grouping';
import { reassemblePosition } from '../compute/ptycho/stitch/reassemble';
import { Rng } from '../compute/numerics/rng';
import { loadavg, machineInfo } from './lib/machine';

// Machine facts (and the load average) before any work starts.
const machine = machineInfo();

/** The work is synchronous, so a sampling timer would never fire during it: use the kernel's
 *  process-wide peak RSS (maxRSS, KiB), which is the peak up to and including this task. */
function timed<T>(fn: () => T): { value: T; seconds: number; peakMB: number } {
  const t = performance.now();
  const value = fn();
  return {
    value,
    seconds: (performance.now() - t) / 1000,
    peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

const N = 64;
const object = makeObject('lines', 512, 1, true);
const sim = timed(() =>
  simulateScan({ N, object, probe: defaultProbe(N), nphotons: 1e9, nImages: 10_000, seed: 1 }),
);
const rng = new Rng(2);
const M = 100_000;
const x = Float64Array.from({ length: M }, () => rng.uniform() * 3000);
const y = Float64Array.from({ length: M }, () => rng.uniform() * 3000);
const grp = timed(() => groupPositions(x, y, { gridsize: 2, neighborCount: 4, nGroups: M, seed: 3 }));
const B = 10_000;
const patches = {
  re: Float32Array.from({ length: B * N * N }, () => rng.uniform()),
  im: new Float32Array(B * N * N),
  count: B,
  N,
  offsets: Float64Array.from({ length: B * 2 }, () => 100 + rng.uniform() * 400),
};
const st = timed(() => reassemblePosition(patches, 20));

const rows = [
  {
    task: 'simulate 10,000 patterns (N=64, 512² lines object, Poisson)',
    seconds: sim.seconds,
    per_s: 10_000 / sim.seconds,
    unit: 'patterns/s',
    peak_rss_mb: sim.peakMB,
  },
  {
    task: 'group 100,000 positions (gridsize 2, K=4, flatbush KNN)',
    seconds: grp.seconds,
    per_s: M / grp.seconds,
    unit: 'groups/s',
    peak_rss_mb: grp.peakMB,
  },
  {
    task: 'stitch 10,000 patches (N=64, M=20)',
    seconds: st.seconds,
    per_s: B / st.seconds,
    unit: 'patches/s',
    peak_rss_mb: st.peakMB,
  },
];
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/data.json', import.meta.url),
  JSON.stringify({ machine, loadavg_after: loadavg(), rows }, null, 2),
);
const md = [
  '# Data layer: simulation, grouping, stitching',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.date}; load average before ${machine.loadavg.split(' ').slice(0, 3).join(' ')}, after ${loadavg()}.`,
  '',
  '| task | seconds | throughput | peak RSS (MB) |',
  '|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.task} | ${r.seconds.toFixed(2)} | ${Math.round(r.per_s).toLocaleString('en')} ${r.unit} | ${r.peak_rss_mb} |`,
  ),
  '',
];
writeFileSync(new URL('./results/data.md', import.meta.url), md.join('\n'));
console.log(md.join('\n'));
