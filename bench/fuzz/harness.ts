/** Run one fuzz target for N inputs (or a time budget): counts, timings, peak RSS, findings. */
import { createHash } from 'node:crypto';
import { rng } from './mutate';
import type { FuzzTarget } from './targets';

export interface Finding {
  error: string;
  stack: string;
  input: string;
  sha1: string;
  bytes: number;
}

export interface FuzzStats {
  target: string;
  inputs: number;
  accepted: number;
  refused: number;
  unexpected: number;
  /** Inputs that took longer than `hangMs` (sync code cannot be interrupted; they are timed). */
  hangs: number;
  slowestMs: number;
  seconds: number;
  peakRssMiB: number;
  findings: Finding[];
  /** Distinct refusal messages (first line, numbers masked), a measure of coverage. */
  distinctRefusals: number;
}

export interface FuzzOptions {
  inputs: number;
  seed?: number;
  /** Stop earlier when this many seconds have passed. */
  maxSeconds?: number;
  hangMs?: number;
  /** Keep at most this many findings (all are counted). */
  keepFindings?: number;
}

export async function fuzzTarget(t: FuzzTarget, o: FuzzOptions): Promise<FuzzStats> {
  await t.setup?.();
  const seeds = t.seeds();
  const r = rng(o.seed ?? 1);
  const hangMs = o.hangMs ?? 5000;
  const s: FuzzStats = {
    target: t.name,
    inputs: 0,
    accepted: 0,
    refused: 0,
    unexpected: 0,
    hangs: 0,
    slowestMs: 0,
    seconds: 0,
    peakRssMiB: 0,
    findings: [],
    distinctRefusals: 0,
  };
  const messages = new Set<string>();
  const t0 = performance.now();
  let peak = process.memoryUsage().rss;
  for (let i = 0; i < o.inputs; i++) {
    if (o.maxSeconds && (performance.now() - t0) / 1000 > o.maxSeconds) break;
    const seed = seeds[Math.floor(r() * seeds.length)]!;
    const other = seeds[Math.floor(r() * seeds.length)]!;
    const input = i < seeds.length ? seeds[i]! : t.mutate(r, seed, other);
    const ti = performance.now();
    try {
      await t.run(input);
      s.accepted++;
    } catch (e) {
      if (t.clean.some((c) => e instanceof c)) {
        s.refused++;
        if (messages.size < 100_000)
          messages.add(
            String((e as Error).message)
              .split('\n')[0]!
              .replace(/\d+/g, '#')
              .slice(0, 200),
          );
      } else {
        s.unexpected++;
        if (s.findings.length < (o.keepFindings ?? 20)) {
          const err = e instanceof Error ? e : new Error(String(e));
          s.findings.push({
            error: `${err.name}: ${err.message.slice(0, 300)}`,
            stack: (err.stack ?? '').split('\n').slice(1, 6).join('\n'),
            input: Buffer.from(input.subarray(0, 2_000_000)).toString('base64'),
            sha1: createHash('sha1').update(input).digest('hex'),
            bytes: input.length,
          });
        }
      }
    }
    const ms = performance.now() - ti;
    if (ms > s.slowestMs) s.slowestMs = ms;
    if (ms > hangMs) s.hangs++;
    s.inputs++;
    if ((i & 63) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  s.seconds = (performance.now() - t0) / 1000;
  s.peakRssMiB = Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
  s.distinctRefusals = messages.size;
  return s;
}
