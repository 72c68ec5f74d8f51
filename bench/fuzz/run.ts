/**
 * The full fuzz run: `npx tsx bench/fuzz/run.ts [--inputs 100000] [--max-seconds 600] [--targets npy,npz,…] [--jobs 2]`.
 * Each target runs in its own child process (so its peak RSS is its own, and a native crash or
 * a hang is caught by the parent), at most --jobs at a time. Per-target results go to
 * bench/results/fuzz/<target>.json (with up to 20 failing inputs, base64); bench/results/fuzz.md
 * is rebuilt from all of them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { fuzzTarget, type FuzzStats } from './harness';
import { TARGETS, cleanScratch } from './targets';

const ROOT = new URL('../../', import.meta.url).pathname;
const OUT = join(ROOT, 'bench/results/fuzz');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const inputs = Number(arg('--inputs') ?? 100_000);
const maxSeconds = Number(arg('--max-seconds') ?? 600);
const jobs = Number(arg('--jobs') ?? 2);
const child = arg('--child');

interface Result extends FuzzStats {
  requested: number;
  maxSeconds: number;
  exit: string;
  seed: number;
  date: string;
}

if (child) {
  const t = TARGETS.find((x) => x.name === child);
  if (!t) throw new Error(`unknown target ${child}`);
  const s = await fuzzTarget(t, { inputs, maxSeconds, seed: 20261202 });
  cleanScratch();
  mkdirSync(OUT, { recursive: true });
  const r: Result = {
    ...s,
    requested: inputs,
    maxSeconds,
    exit: 'ok',
    seed: 20261202,
    date: new Date().toISOString(),
  };
  writeFileSync(join(OUT, `${t.name}.json`), JSON.stringify(r, null, 1));
  process.exit(0);
}

const names = (arg('--targets') ?? TARGETS.map((t) => t.name).join(',')).split(',');
async function runChild(name: string): Promise<void> {
  const t0 = Date.now();
  await new Promise<void>((done) => {
    const c = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--max-old-space-size=4096',
        new URL(import.meta.url).pathname,
        '--child',
        name,
        '--inputs',
        String(inputs),
        '--max-seconds',
        String(maxSeconds),
      ],
      { stdio: 'inherit' },
    );
    // A child past its budget by two minutes is stuck inside one input: a hang.
    const watchdog = setTimeout(() => c.kill('SIGKILL'), (maxSeconds + 120) * 1000);
    c.once('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (code !== 0) {
        mkdirSync(OUT, { recursive: true });
        const r: Partial<Result> = {
          target: name,
          exit: signal
            ? `killed by ${signal}${signal === 'SIGKILL' ? ' (hang past the budget)' : ''}`
            : `exit code ${code}`,
          seconds: (Date.now() - t0) / 1000,
          requested: inputs,
          maxSeconds,
        };
        writeFileSync(join(OUT, `${name}.json`), JSON.stringify(r, null, 1));
      }
      console.log(`fuzz ${name}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      done();
    });
  });
}

const queue = [...names];
await Promise.all(
  Array.from({ length: Math.max(1, jobs) }, async () => {
    for (let n = queue.shift(); n; n = queue.shift()) await runChild(n);
  }),
);
writeReport();

function writeReport(): void {
  const rows = readdirSync(OUT)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as Result)
    .sort(
      (a, b) => TARGETS.findIndex((t) => t.name === a.target) - TARGETS.findIndex((t) => t.name === b.target),
    );
  const n = (v: number | undefined): string => (v === undefined ? '—' : v.toLocaleString('en-US'));
  const lines = [
    '# Fuzzing the parsers of untrusted input',
    '',
    'Produced by `npx tsx bench/fuzz/run.ts` (bench/fuzz/): a seeded mutator of real files — the golden',
    'NPY/NPZ files under tests/, a scan cut from fixtures/, and a bundle, safetensors files and WebSocket',
    'frames generated the way the app writes them — with structure-aware mutations (zip members mutated',
    'and re-zipped so CRCs are valid and the inner parsers are reached; NPY headers; JSON values replaced',
    'by hostile ones: null, "NaN", 1e308, deep nesting, wrong types). A *clean refusal* is the target\'s',
    'own error class with its one-line message; an *unexpected exception* is anything else (TypeError,',
    'RangeError, …) and must be 0. *Hangs*: inputs over 5 s. Each target ran in its own process',
    `(peak RSS is that process's), ${jobs} at a time, on a ${cpus().length}-core machine shared with other work.`,
    '',
    '| target | inputs | accepted | clean refusals | distinct refusal messages | unexpected exceptions | hangs | slowest input | time | peak RSS | exit |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${n(r.inputs)} | ${n(r.accepted)} | ${n(r.refused)} | ${n(r.distinctRefusals)} | ${n(r.unexpected)} | ${n(r.hangs)} | ${r.slowestMs === undefined ? '—' : `${r.slowestMs.toFixed(0)} ms`} | ${r.seconds.toFixed(0)} s | ${r.peakRssMiB === undefined ? '—' : `${r.peakRssMiB} MiB`} | ${r.exit} |`,
    ),
    '',
    `Requested ${n(inputs)} inputs per target with a budget of ${maxSeconds} s each; a target that reached the budget first ran fewer (its inputs column says how many).`,
    '',
    '## Targets',
    '',
    ...TARGETS.map((t) => `- **${t.name}**: ${t.input}. Clean: ${t.clean.map((c) => c.name).join(', ')}.`),
    '',
    '## Findings',
    '',
    ...(rows.some((r) => (r.findings?.length ?? 0) > 0)
      ? rows.flatMap((r) =>
          (r.findings ?? []).map(
            (f) =>
              `- ${r.target}: \`${f.error}\` (input sha1 ${f.sha1}, ${f.bytes} bytes; stored in bench/results/fuzz/${r.target}.json)`,
          ),
        )
      : ['None: no unexpected exception in any target.']),
    '',
  ];
  writeFileSync(join(ROOT, 'bench/results/fuzz.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}
