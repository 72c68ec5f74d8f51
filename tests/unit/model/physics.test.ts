/**
 * Conformance of the physics graph ops against independent float64 references written here:
 * a direct-loop DFT, a direct bilinear shift, patch merging by explicit loops.
 */
import { describe, expect, it } from 'vitest';
import { Graph, type Tensor } from '../../../compute/engine/ir';
import { CompiledGraph } from '../../../compute/engine/compile';
import { seededRandom } from '../../../compute/engine/params';
import {
  centerMask,
  diffractIntensity,
  extractPatches,
  reassemblePatches,
  shiftMatrix,
} from '../../../compute/ptycho/model/physics';
import type { CanvasNormalisation } from '../../../compute/ptycho/model/spec';

async function run(
  outputs: Record<string, Tensor>,
  feeds: Record<string, Float32Array>,
): Promise<Record<string, Float32Array>> {
  const cg = await CompiledGraph.create(outputs);
  const r = await cg.run(feeds);
  await cg.release();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.data]));
}

const rng = seededRandom;

/** fftshift(|DFT2(ψ)|²)/N² by the definition, in float64. */
function directIntensity(re: Float32Array, im: Float32Array, N: number): Float64Array {
  const out = new Float64Array(N * N);
  for (let k = 0; k < N; k++) {
    for (let l = 0; l < N; l++) {
      let fr = 0;
      let fi = 0;
      for (let m = 0; m < N; m++) {
        for (let n = 0; n < N; n++) {
          const a = (-2 * Math.PI * (k * m + l * n)) / N;
          const c = Math.cos(a);
          const s = Math.sin(a);
          const xr = re[m * N + n]!;
          const xi = im[m * N + n]!;
          fr += xr * c - xi * s;
          fi += xr * s + xi * c;
        }
      }
      const ks = (k + N / 2) % N;
      const ls = (l + N / 2) % N;
      out[ks * N + ls] = (fr * fr + fi * fi) / (N * N);
    }
  }
  return out;
}

/** output(x, y) = input(x − dx, y − dy), bilinear, zero outside. */
function directShift(img: Float64Array | Float32Array, M: number, dx: number, dy: number): Float64Array {
  const out = new Float64Array(M * M);
  const at = (r: number, c: number): number => (r >= 0 && r < M && c >= 0 && c < M ? img[r * M + c]! : 0);
  for (let r = 0; r < M; r++) {
    for (let c = 0; c < M; c++) {
      const y = r - dy;
      const x = c - dx;
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const fy = y - y0;
      const fx = x - x0;
      out[r * M + c] =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
        fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('diffract', () => {
  it('matches a direct-loop DFT with fftshift for random complex fields', async () => {
    const N = 16;
    const r = rng(1);
    const re = Float32Array.from({ length: 2 * N * N }, () => r() - 0.5);
    const im = Float32Array.from({ length: 2 * N * N }, () => r() - 0.5);
    const g = new Graph();
    const I = diffractIntensity(
      g,
      { re: g.input('re', ['B', 1, N, N]), im: g.input('im', ['B', 1, N, N]) },
      N,
    );
    const out = (await run({ I }, { re, im })).I!;
    for (let b = 0; b < 2; b++) {
      const ref = directIntensity(
        re.subarray(b * N * N, (b + 1) * N * N),
        im.subarray(b * N * N, (b + 1) * N * N),
        N,
      );
      const got = out.subarray(b * N * N, (b + 1) * N * N);
      const scale = Math.max(...ref);
      expect(maxAbsDiff(got, ref) / scale).toBeLessThan(1e-5);
      // Parseval: Σ I = Σ |ψ|²
      let e = 0;
      for (let i = 0; i < N * N; i++) e += re[b * N * N + i]! ** 2 + im[b * N * N + i]! ** 2;
      expect(got.reduce((s, v) => s + v, 0)).toBeCloseTo(e, 3);
    }
  });

  it('a uniform object under a uniform centred probe gives a single peak at (N/2, N/2) of height N²', async () => {
    const N = 64;
    const g = new Graph();
    const I = diffractIntensity(
      g,
      { re: g.input('re', ['B', 1, N, N]), im: g.input('im', ['B', 1, N, N]) },
      N,
    );
    const out = (await run({ I }, { re: new Float32Array(N * N).fill(1), im: new Float32Array(N * N) })).I!;
    const peak = (N / 2) * N + N / 2;
    expect(out[peak]).toBeCloseTo(N * N, 0);
    let rest = 0;
    out.forEach((v, i) => {
      if (i !== peak) rest = Math.max(rest, Math.abs(v));
    });
    expect(rest / (N * N)).toBeLessThan(1e-6);
  });
});

describe('bilinear translation', () => {
  it('matches a direct bilinear shift for fractional offsets, and moves content by +d', async () => {
    const M = 20;
    const r = rng(2);
    const img = Float32Array.from({ length: M * M }, () => r());
    const shifts: [number, number][] = [
      [0, 0],
      [1.25, -0.5],
      [-2.75, 3.1],
      [0.5, 0.5],
    ];
    const g = new Graph();
    const x = g.input('img', [M, M]);
    const d = g.input('d', ['B', 2]);
    const dx = d.slice([1], [0], [1]).reshape(['B', 1, 1]);
    const dy = d.slice([1], [1], [2]).reshape(['B', 1, 1]);
    const out = g.matmul(g.matmul(shiftMatrix(g, dy, M), x), shiftMatrix(g, dx, M).transpose([0, 2, 1]));
    const got = (await run({ out }, { img, d: Float32Array.from(shifts.flat()) })).out!;
    shifts.forEach(([sx, sy], b) => {
      const ref = directShift(img, M, sx, sy);
      expect(maxAbsDiff(got.subarray(b * M * M, (b + 1) * M * M), ref)).toBeLessThan(1e-5);
    });
    // Sign: an impulse at (x=5, y=7) shifted by (dx=2, dy=1) lands at (x=7, y=8).
    const imp = new Float32Array(M * M);
    imp[7 * M + 5] = 1;
    const moved = (await run({ out }, { img: imp, d: new Float32Array([2, 1]) })).out!;
    expect(moved[8 * M + 7]).toBeCloseTo(1, 6);
    expect(moved.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });
});

describe('patch reassembly and extraction (object_big, gridsize 2)', () => {
  const N = 8;
  const M = 12;
  const C = 4;

  /** Reference merge by explicit loops: Σ_c T(pad(obj_c), −rel_c) / norm(Σ_c T(pad(mask), −rel_c)). */
  function directMerge(obj: Float32Array, rel: number[][], norm: CanvasNormalisation): Float64Array {
    const p = (M - N) / 2;
    const canvas = new Float64Array(M * M);
    const count = new Float64Array(M * M);
    const mask = norm === 'mean' ? new Float32Array(N * N).fill(1) : centerMask(N);
    for (let c = 0; c < C; c++) {
      const padded = new Float64Array(M * M);
      const pm = new Float64Array(M * M);
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          padded[(i + p) * M + j + p] = obj[c * N * N + i * N + j]!;
          pm[(i + p) * M + j + p] = mask[i * N + j]!;
        }
      const s = directShift(padded, M, -rel[c]![0]!, -rel[c]![1]!);
      const sm = directShift(pm, M, -rel[c]![0]!, -rel[c]![1]!);
      for (let k = 0; k < M * M; k++) {
        canvas[k] = canvas[k]! + s[k]!;
        count[k] = count[k]! + sm[k]!;
      }
    }
    return canvas.map((v, k) => v / (norm === 'tf_compat' ? count[k]! + 0.001 : Math.max(count[k]!, 1)));
  }

  it('reassembles like the explicit-loop reference (each normalisation) and extracts by the transpose', async () => {
    const r = rng(3);
    const obj = Float32Array.from({ length: C * N * N }, () => r());
    const rel = [
      [0.75, 0.5],
      [-0.75, 0.5],
      [0.75, -0.5],
      [-0.75, -0.5],
    ];
    for (const norm of ['robust', 'tf_compat', 'mean'] as const) {
      const g = new Graph();
      const re = g.input('re', ['B', C, N, N]);
      const shifts = g.input('rel', ['B', C, 2]);
      const merged = reassemblePatches(g, { re, im: re.mul(0) }, shifts, N, M, norm);
      const back = extractPatches(g, merged.canvas, shifts, N, M, C);
      const out = await run(
        { canvas: merged.canvas.re, back: back.re },
        { re: obj, rel: Float32Array.from(rel.flat()) },
      );
      const ref = directMerge(obj, rel, norm);
      const scale = norm === 'tf_compat' ? 1000 : 1;
      expect(maxAbsDiff(out.canvas!, ref) / scale).toBeLessThan(1e-5);
      // Extraction of channel c = crop_N(T(canvas, +rel_c)).
      for (let c = 0; c < C; c++) {
        const sh = directShift(ref, M, rel[c]![0]!, rel[c]![1]!);
        const p = (M - N) / 2;
        const crop = new Float64Array(N * N);
        for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) crop[i * N + j] = sh[(i + p) * M + j + p]!;
        expect(maxAbsDiff(out.back!.subarray(c * N * N, (c + 1) * N * N), crop) / scale).toBeLessThan(1e-4);
      }
    }
  });

  it('extract ∘ reassemble is the identity on consistent patches with integer offsets (robust)', async () => {
    // Patches cut from one object at integer positions, zero outside their centre square (what
    // the decoder's central branch produces when probe_big is off), agree on their overlaps, so
    // merging and re-extracting returns them unchanged inside each centre square.
    const r = rng(4);
    const big = Float32Array.from({ length: M * M }, () => r());
    const rel = [
      [1, 1],
      [-1, 1],
      [1, -1],
      [-1, -1],
    ];
    const p = (M - N) / 2;
    const obj = new Float32Array(C * N * N);
    for (let c = 0; c < C; c++) {
      // channel c sits at canvas offset (−rel_c) relative to the centre
      const ox = p - rel[c]![0]!;
      const oy = p - rel[c]![1]!;
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++)
          obj[c * N * N + i * N + j] = big[(i + oy) * M + j + ox]! * centerMask(N)[i * N + j]!;
    }
    const g = new Graph();
    const re = g.input('re', ['B', C, N, N]);
    const shifts = g.input('rel', ['B', C, 2]);
    const merged = reassemblePatches(g, { re, im: re.mul(0) }, shifts, N, M, 'robust');
    const back = extractPatches(g, merged.canvas, shifts, N, M, C);
    const out = await run({ back: back.re }, { re: obj, rel: Float32Array.from(rel.flat()) });
    const mask = centerMask(N);
    for (let c = 0; c < C; c++)
      for (let k = 0; k < N * N; k++)
        if (mask[k]) expect(Math.abs(out.back![c * N * N + k]! - obj[c * N * N + k]!)).toBeLessThan(1e-5);
  });
});
