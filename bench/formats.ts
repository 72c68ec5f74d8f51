/**
 * Read speed and peak memory of openDataset on a large CXI file (make it with
 * bench/formats_make.py). Usage: npx tsx bench/formats.ts /tmp/bench10k.cxi
 * Prints one JSON line: patterns, seconds, patterns/s, MB/s of the file, peak RSS.
 */
import { statSync } from 'node:fs';
import { initHdf5 } from '../compute/io/hdf5';
import { openDataset } from '../compute/ptycho/data/formats/index';

const file = process.argv[2] ?? '/tmp/bench10k.cxi';
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const t0 = performance.now();
await initHdf5();
const t1 = performance.now();
const raw = await openDataset(file, { requireProbe: false });
const t2 = performance.now();
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const s = (t2 - t1) / 1000;
console.log(
  JSON.stringify({
    file,
    patterns: raw.M,
    N: raw.N,
    init_s: +((t1 - t0) / 1000).toFixed(3),
    read_s: +s.toFixed(3),
    patterns_per_s: Math.round(raw.M / s),
    file_MB_per_s: +(statSync(file).size / 2 ** 20 / s).toFixed(1),
    peak_rss_MiB: Math.round(peak / 2 ** 20),
    amplitudes_MiB: Math.round(raw.diffraction.byteLength / 2 ** 20),
  }),
);
