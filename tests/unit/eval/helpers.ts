import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComplexImage2D, Image2D } from '../../../compute/numerics/image';
import { mulberry32 } from '../../../compute/numerics/rng';

/** Deterministic uniform [0, 1) generator: the project's mulberry32 stream. */
export const rng = mulberry32;

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface FixtureArray {
  file: string;
  shape: [number, number];
}

/** Reads a little-endian float64 row-major array described in the sidecar. */
export function readF64(entry: FixtureArray): Image2D {
  const buf = readFileSync(join(FIXTURE_DIR, entry.file));
  const [h, w] = entry.shape;
  if (buf.length !== 8 * w * h) throw new Error(`${entry.file}: ${buf.length} bytes, expected ${8 * w * h}`);
  const data = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) data[i] = buf.readDoubleLE(8 * i);
  return { width: w, height: h, data };
}

export function readComplex(re: FixtureArray, im: FixtureArray): ComplexImage2D {
  const r = readF64(re);
  const i = readF64(im);
  return { width: r.width, height: r.height, re: r.data, im: i.data };
}

export function loadExpected(): any {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, 'expected.json'), 'utf8'));
}

/** |a − b| ≤ tol·max(|b|, floor). */
export function relClose(a: number, b: number, tol: number, floor = 1e-12): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(b), floor);
}
