/** Machine facts recorded next to every benchmark result. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import ort from 'onnxruntime-node';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  ort: string;
  date: string;
  loadavg: string;
  torch?: string;
}

export function machineInfo(): MachineInfo {
  let load: string;
  try {
    load = readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    load = 'n/a';
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ort: ort.env.versions.common,
    date: new Date().toISOString(),
    loadavg: load,
  };
}

export function loadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function timeMedianMs(fn: () => Promise<unknown>, reps: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

/** Run the PyTorch peer (../shared/bench-reference) if Debian's torch is installed. */
export function runTorchReference(
  args: string[],
): { text: string; values: Record<string, number> } | { error: string } {
  const script = new URL('../../../shared/bench-reference/ptychopinn_ref.py', import.meta.url).pathname;
  const r = spawnSync('/usr/bin/python3', [script, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0)
    return { error: (r.stderr || r.error?.message || 'failed').split('\n').slice(-3).join(' ') };
  const values: Record<string, number> = {};
  for (const m of r.stdout.matchAll(/(\w+)=([\d.,]+)/g)) values[m[1]!] = Number(m[2]!.replace(/,/g, ''));
  return { text: r.stdout.trim(), values };
}
