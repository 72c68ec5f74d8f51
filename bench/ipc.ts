/**
 * bench/ipc.ts — what relaying a message through Electron's main process costs. Electron's IPC
 * (utilityProcess.postMessage, parentPort.postMessage, webContents.send / ipcRenderer) copies
 * every message with the structured-clone algorithm (v8.serialize); ArrayBuffers cannot be
 * transferred between processes, only MessagePorts can. Today a core → renderer message is
 * cloned twice (core → main, main → renderer) where a direct MessagePort would clone it once.
 * This measures one clone (serialize + deserialize) of typical payloads in Node, as the cost of
 * the extra hop. Electron's binary is not available here, so this is the measurable proxy.
 *
 *   npx tsx bench/ipc.ts
 *
 * Writes bench/results/ipc.md and ipc.json.
 */
import { writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { machineInfo } from './lib/machine';

const f32 = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i));
const payloads: Record<string, unknown> = {
  'diffraction frame 64×64 (dataset.frame)': { data: f32(64 * 64) },
  'train.epoch preview 256 groups (≈ 300×300 complex)': { re: f32(300 * 300), im: f32(300 * 300), loss: 1 },
  'dataset.open info, 1087 positions + probe + 262² object': {
    x: f32(1087),
    y: f32(1087),
    probe: { re: f32(64 * 64), im: f32(64 * 64) },
    object: { amplitude: f32(262 * 262), phase: f32(262 * 262) },
  },
  'recon.run result 1024×1024 complex image': { re: f32(1024 * 1024), im: f32(1024 * 1024) },
  'dataset frames 848×64×64 (a whole scan)': { data: f32(848 * 64 * 64) },
};

function time(v: unknown): { bytes: number; ms: number } {
  const bytes = serialize(v).length;
  for (let i = 0; i < 3; i++) deserialize(serialize(v)); // warm up
  const reps = 20;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) deserialize(serialize(v));
  return { bytes, ms: (performance.now() - t0) / reps };
}

const machine = machineInfo();
const rows = Object.entries(payloads).map(([name, v]) => ({ name, ...time(v) }));
writeFileSync(new URL('./results/ipc.json', import.meta.url), JSON.stringify({ machine, rows }, null, 2));
const md = [
  '# Relay cost of one structured-clone hop (the copy a direct MessagePort would save)',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; ${machine.date}; load ${machine.loadavg}.`,
  '',
  'Electron copies every IPC message (structured clone); typed arrays are never transferred between processes. The main-process relay adds one such copy to each core ↔ renderer message. One hop = v8.serialize + v8.deserialize, mean of 20.',
  '',
  '| payload | MB | ms per hop | MB/s |',
  '|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${(r.bytes / 1e6).toFixed(2)} | ${r.ms.toFixed(2)} | ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(0)} |`,
  ),
  '',
];
writeFileSync(new URL('./results/ipc.md', import.meta.url), md.join('\n'));
console.log(md.join('\n'));
