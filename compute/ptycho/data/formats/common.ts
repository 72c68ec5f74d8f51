/** Pieces the HDF5 readers share: frames in blocks, a probe's first mode, positions files. */
import { readRegularFile } from '../../../io/safeFile';
import type { H5Reader } from '../../../io/hdf5';
import { DatasetError, type ComplexImage } from '../dataset';
import type { Frames } from './geometry';
import { probeAfterFrameOps } from './probeResample';

/** A (M, H, W) stack (or (H, W) single frame) as float32, read 256 frames at a time. */
export function readFrames(r: H5Reader, path: string): Frames & { dtype: string } {
  const info = r.info(path);
  let shape = info.shape;
  if (shape.length === 4 && shape[1] === 1) shape = [shape[0]!, shape[2]!, shape[3]!];
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length !== 3)
    throw new DatasetError(
      `${r.file}: dataset '${path}': expected a 3-D stack (M, H, W) of diffraction frames, found shape (${info.shape.join(', ')}) ${info.dtype}`,
    );
  if (info.kind === 'complex' || info.kind === 'string' || info.kind === 'other')
    throw new DatasetError(
      `${r.file}: dataset '${path}': expected real detector values, found ${info.dtype}`,
    );
  const [M, H, W] = shape as [number, number, number];
  if (M < 1)
    throw new DatasetError(`${r.file}: dataset '${path}': no frames (shape (${info.shape.join(', ')}))`);
  const data = new Float32Array(M * H * W);
  const block = 256;
  if (info.shape.length !== 3) {
    data.set(r.readReal(path, 'f32').data);
  } else {
    for (let m = 0; m < M; m += block) {
      const count = Math.min(block, M - m);
      data.set(r.readReal(path, 'f32', { start: m, count }).data, m * H * W);
    }
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!))
      throw new DatasetError(
        `${r.file}: dataset '${path}': non-finite value ${data[i]} in frame ${Math.floor(i / (H * W))}`,
      );
  }
  return { data, M, H, W, dtype: info.dtype };
}

/** A probe dataset: 2-D, or the first mode of (modes…, H, W). */
export function readProbe(r: H5Reader, path: string, conversion: string[]): ComplexImage {
  const c = r.readComplex(path);
  if (c.shape.length < 2)
    throw new DatasetError(
      `${r.file}: dataset '${path}': expected a 2-D complex probe (H, W) or modes (…, H, W), found shape (${c.shape.join(', ')})`,
    );
  const H = c.shape[c.shape.length - 2]!;
  const W = c.shape[c.shape.length - 1]!;
  const modes = c.re.length / (H * W);
  if (modes > 1) conversion.push(`probe '${path}': first of ${modes} modes kept`);
  return { re: c.re.slice(0, H * W), im: c.im.slice(0, H * W), width: W, height: H };
}

/**
 * The probe for N×N patterns: kept when it is N×N; when it is on the raw H×W frames' grid and
 * the frames were binned/cropped, carried onto the new grid (probeResample.ts) with a note;
 * otherwise dropped with a note (training then asks for one).
 */
export function probeForN(
  p: ComplexImage | null,
  N: number,
  where: string,
  conversion: string[],
  frames?: { H: number; W: number; bin: number },
): ComplexImage | null {
  if (!p) return null;
  if (p.width === N && p.height === N) return p;
  const moved = frames ? probeAfterFrameOps(p, frames, N) : null;
  if (moved && frames) {
    const b = frames.bin;
    const binned = b > 1 ? `central ${p.height / b}×${p.width / b} kept for --bin ${b}` : '';
    const resampled =
      p.height / b !== N || p.width / b !== N
        ? `resampled to ${N}×${N} (its far field cropped as the frames were)`
        : '';
    conversion.push(
      `probe '${where}' ${p.height}×${p.width} → ${N}×${N}: ${[binned, resampled].filter(Boolean).join(', then ')}`,
    );
    return moved;
  }
  conversion.push(
    `probe '${where}' is ${p.height}×${p.width}, not ${N}×${N} after crop/bin: dropped (supply a matching probe)`,
  );
  return null;
}

/** Positions from CSV/TXT: two numeric columns x, y per line (comma, tab or space); '#' comments and a header line allowed. */
export function readPositionsText(file: string, M: number): { x: Float64Array; y: Float64Array } {
  const text = readRegularFile(file, {
    what: 'a positions file',
    maxBytes: 512 * 2 ** 20,
    error: DatasetError,
  }).toString('utf8');
  const xs: number[] = [];
  const ys: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const t = line.replace(/#.*/, '').trim();
    if (!t) return;
    const parts = t.split(/[\s,;]+/).map(Number);
    if (parts.length < 2 || parts.some((v) => !Number.isFinite(v))) {
      if (xs.length === 0 && i === lines.findIndex((l) => l.trim() !== '')) return; // header
      throw new DatasetError(`${file}: line ${i + 1}: expected two numbers 'x y', found '${t.slice(0, 40)}'`);
    }
    xs.push(parts[0]!);
    ys.push(parts[1]!);
  });
  if (xs.length !== M)
    throw new DatasetError(
      `${file}: expected ${M} positions (one per diffraction pattern), found ${xs.length}`,
    );
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}
