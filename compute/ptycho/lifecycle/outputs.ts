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
import type { ComplexImage } from '../data/dataset';

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

/** Arrays a reconstruction may add: the (refined) probe of an iterative run. */
export interface ReconstructionExtras {
  probe?: ComplexImage;
}

/** reconstruction.npz content at `path` (atomic). */
export function writeReconstructionNpz(path: string, s: Stitched, meta: Record<string, unknown> = {}, extra: ReconstructionExtras = {}): string {
  const { amplitude, phase } = amplitudePhase(s);
  const shape = [s.height, s.width];
  writeNpz(
    path,
    {
      object: complexFromSplit(s.re, s.im, shape),
      amplitude: f32(amplitude, shape),
      phase: f32(phase, shape),
      weights: f32(s.weights, shape),
      x0: f64(Float64Array.of(s.x0), []),
      y0: f64(Float64Array.of(s.y0), []),
      ...(extra.probe ? { probe: complexFromSplit(extra.probe.re, extra.probe.im, [extra.probe.height, extra.probe.width]) } : {}),
    },
    { compress: true, metadata: { ...meta, conventions: 'object[row, col] is object pixel (y0 + row, x0 + col); x = column, y = row' } },
  );
  return path;
}

/** Amplitude (gray) and phase (viridis) PNGs, PtychoPINN's colour choices. */
export function writeReconstructionPngs(amplitudePath: string, phasePath: string, s: Stitched): string[] {
  const { amplitude, phase } = amplitudePhase(s);
  writeMapPng(amplitudePath, amplitude, s.width, s.height, { colormap: 'gray' });
  writeMapPng(phasePath, phase, s.width, s.height, { colormap: 'viridis' });
  return [amplitudePath, phasePath];
}

/** PtychoPINN's output names in `dir`: reconstruction.npz, reconstructed_amplitude.png, reconstructed_phase.png. */
export function writeReconstruction(dir: string, s: Stitched, meta: Record<string, unknown> = {}, extra: ReconstructionExtras = {}): string[] {
  return [writeReconstructionNpz(join(dir, 'reconstruction.npz'), s, meta, extra), ...writeReconstructionPngs(join(dir, 'reconstructed_amplitude.png'), join(dir, 'reconstructed_phase.png'), s)];
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

/** iterations.csv: the data error of each iteration of an iterative reconstruction. */
export function writeIterativeHistory(dir: string, history: readonly { iteration: number; error: number; seconds: number }[]): string[] {
  const csv = join(dir, 'iterations.csv');
  atomicWriteFileSync(csv, ['iteration,error,seconds', ...history.map((h) => `${h.iteration},${h.error},${h.seconds.toFixed(4)}`)].join('\n') + '\n');
  return [csv];
}
