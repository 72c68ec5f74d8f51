/**
 * Files a reconstruction run leaves behind (PtychoPINN's names): reconstruction.npz (object
 * complex64 (H, W), amplitude, phase, x0/y0 canvas origin in object pixels),
 * reconstructed_amplitude.png (gray) and reconstructed_phase.png (viridis), training history
 * as JSON and CSV. All writes are atomic.
 */
import { join } from 'node:path';
import { writeNpz } from '../../io/npz';
import { writeMapPng } from '../../io/png';
import { complexFromSplit, f32, f64 } from '../../io/ndarray';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import type { Stitched } from '../stitch/reassemble';

export function amplitudePhase(s: Pick<Stitched, 're' | 'im'>): { amplitude: Float32Array; phase: Float32Array } {
  const n = s.re.length;
  const amplitude = new Float32Array(n);
  const phase = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    amplitude[i] = Math.hypot(s.re[i]!, s.im[i]!);
    phase[i] = Math.atan2(s.im[i]!, s.re[i]!);
  }
  return { amplitude, phase };
}

export function writeReconstruction(dir: string, s: Stitched, meta: Record<string, unknown> = {}): string[] {
  const { amplitude, phase } = amplitudePhase(s);
  const shape = [s.height, s.width];
  const npz = join(dir, 'reconstruction.npz');
  writeNpz(
    npz,
    {
      object: complexFromSplit(s.re, s.im, shape),
      amplitude: f32(amplitude, shape),
      phase: f32(phase, shape),
      weights: f32(s.weights, shape),
      x0: f64(Float64Array.of(s.x0), []),
      y0: f64(Float64Array.of(s.y0), []),
    },
    { compress: true, metadata: { ...meta, conventions: 'object[row, col] is object pixel (y0 + row, x0 + col); x = column, y = row' } },
  );
  const amp = join(dir, 'reconstructed_amplitude.png');
  const ph = join(dir, 'reconstructed_phase.png');
  writeMapPng(amp, amplitude, s.width, s.height, { colormap: 'gray' });
  writeMapPng(ph, phase, s.width, s.height, { colormap: 'viridis' });
  return [npz, amp, ph];
}

export function writeHistory(dir: string, history: readonly Record<string, unknown>[]): string[] {
  const json = join(dir, 'history.json');
  const csv = join(dir, 'history.csv');
  atomicWriteFileSync(json, JSON.stringify(history, null, 2));
  const cols = history.length ? Object.keys(history[0]!) : ['epoch', 'loss', 'val_loss'];
  const fmt = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  atomicWriteFileSync(csv, [cols.join(','), ...history.map((h) => cols.map((c) => fmt(h[c])).join(','))].join('\n') + '\n');
  return [json, csv];
}
