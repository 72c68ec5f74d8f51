import { describe, expect, it } from 'vitest';
import { reassemblePosition } from '../../../compute/ptycho/stitch/reassemble';
import { Rng } from '../../../compute/numerics/rng';

/** §5.2 by definition: zero-pad each crop, translate the whole canvas bilinearly, sum, divide. */
function reference(
  re: Float32Array,
  N: number,
  B: number,
  offsets: number[],
  M: number,
): { img: Float64Array; weights: Float64Array; S: number } {
  let mx = 0;
  let my = 0;
  for (let b = 0; b < B; b++) {
    mx += offsets[2 * b]!;
    my += offsets[2 * b + 1]!;
  }
  mx /= B;
  my /= B;
  let pad = 0;
  for (let b = 0; b < B; b++)
    pad = Math.max(pad, Math.abs(offsets[2 * b]! - mx), Math.abs(offsets[2 * b + 1]! - my));
  pad = Math.ceil(pad);
  pad += pad % 2;
  const S = M + 2 * pad;
  const shift = (img: Float64Array, dx: number, dy: number): Float64Array => {
    const out = new Float64Array(S * S);
    const at = (r: number, c: number): number => (r >= 0 && r < S && c >= 0 && c < S ? img[r * S + c]! : 0);
    for (let r = 0; r < S; r++)
      for (let c = 0; c < S; c++) {
        const y = r - dy;
        const x = c - dx;
        const y0 = Math.floor(y);
        const x0 = Math.floor(x);
        const fy = y - y0;
        const fx = x - x0;
        out[r * S + c] =
          (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
          fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      }
    return out;
  };
  const canvas = new Float64Array(S * S);
  const weights = new Float64Array(S * S);
  const c0 = N / 2 - M / 2;
  for (let b = 0; b < B; b++) {
    const p = new Float64Array(S * S);
    const ones = new Float64Array(S * S);
    for (let r = 0; r < M; r++)
      for (let c = 0; c < M; c++) {
        p[(pad + r) * S + pad + c] = re[b * N * N + (c0 + r) * N + c0 + c]!;
        ones[(pad + r) * S + pad + c] = 1;
      }
    const dx = offsets[2 * b]! - mx;
    const dy = offsets[2 * b + 1]! - my;
    const sp = shift(p, dx, dy);
    const so = shift(ones, dx, dy);
    for (let k = 0; k < S * S; k++) {
      canvas[k] = canvas[k]! + sp[k]!;
      weights[k] = weights[k]! + so[k]!;
    }
  }
  return { img: canvas.map((v, k) => v / (1e-9 + weights[k]!)), weights, S };
}

describe('reassemblePosition', () => {
  it('equals the by-definition canvas translation for fractional offsets', () => {
    const rng = new Rng(3);
    const N = 16;
    const B = 12;
    const M = 8;
    const re = Float32Array.from({ length: B * N * N }, () => rng.uniform());
    const offsets = Array.from({ length: B * 2 }, () => 50 + rng.uniform() * 9);
    const out = reassemblePosition({ re, im: re.map((v) => -v), count: B, N, offsets }, M);
    const ref = reference(re, N, B, offsets, M);
    expect(out.width).toBe(ref.S);
    let err = 0;
    for (let k = 0; k < ref.S * ref.S; k++)
      err = Math.max(err, Math.abs(out.re[k]! - ref.img[k]!), Math.abs(out.im[k]! + ref.img[k]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('tiles integer-offset crops of one object exactly, with the documented origin', () => {
    const N = 16;
    const M = 8;
    const W = 64;
    const obj = (x: number, y: number): number => Math.sin(x * 0.3) + Math.cos(y * 0.2) + 0.01 * x * y;
    const pos: number[] = [];
    for (let y = 20; y <= 40; y += 4) for (let x = 20; x <= 40; x += 4) pos.push(x, y);
    const B = pos.length / 2;
    const re = new Float32Array(B * N * N);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++)
          re[b * N * N + i * N + j] = obj(pos[2 * b]! + j - N / 2, pos[2 * b + 1]! + i - N / 2);
    const out = reassemblePosition({ re, im: new Float32Array(B * N * N), count: B, N, offsets: pos }, M);
    let checked = 0;
    for (let r = 0; r < out.height; r++)
      for (let c = 0; c < out.width; c++) {
        if (out.weights[r * out.width + c]! < 0.5) continue;
        expect(out.re[r * out.width + c]).toBeCloseTo(obj(out.x0 + c, out.y0 + r), 4);
        checked++;
      }
    expect(checked).toBeGreaterThan(500);
    expect(W).toBe(64);
  });

  it('averages uniform patches to a uniform interior and moves content by +d', () => {
    const N = 8;
    const M = 4;
    const out = reassemblePosition(
      {
        re: new Float32Array(3 * N * N).fill(2),
        im: new Float32Array(3 * N * N),
        count: 3,
        N,
        offsets: [10, 10, 11.5, 10, 13, 10],
      },
      M,
    );
    for (let k = 0; k < out.re.length; k++) if (out.weights[k]! > 0.25) expect(out.re[k]).toBeCloseTo(2, 5);
    // An impulse at the crop centre of the right-most patch lands right of the left-most one.
    const imp = new Float32Array(2 * N * N);
    imp[N * N + (N / 2) * N + N / 2] = 1;
    const o2 = reassemblePosition(
      { re: imp, im: new Float32Array(2 * N * N), count: 2, N, offsets: [10, 10, 14, 10] },
      M,
    );
    let best = 0;
    let at = -1;
    o2.re.forEach((v, k) => {
      if (v > best) [best, at] = [v, k];
    });
    expect(o2.x0 + (at % o2.width)).toBeCloseTo(14, 6);
    expect(o2.y0 + Math.floor(at / o2.width)).toBeCloseTo(10, 6);
  });

  it('rejects a crop size outside 0 < M ≤ N', () => {
    const z = new Float32Array(64);
    expect(() => reassemblePosition({ re: z, im: z, count: 1, N: 8, offsets: [0, 0] }, 9)).toThrow(
      /0 < M ≤ N = 8, got 9/,
    );
  });

  it('N = 64, M = 20, complex patches, offsets on both sides of the mean: equals the reference to 1e-5 (values and weights)', () => {
    const rng = new Rng(11);
    const N = 64;
    const M = 20;
    const B = 30;
    const re = Float32Array.from({ length: B * N * N }, () => rng.uniform() * 2 - 1);
    const im = Float32Array.from({ length: B * N * N }, () => rng.uniform() * 2 - 1);
    const offsets = Array.from({ length: B * 2 }, (_, i) => (i % 2 ? -40 : 300) + (rng.uniform() - 0.5) * 31);
    offsets[0] = 300.5; // an exact half-pixel shift
    const out = reassemblePosition({ re, im, count: B, N, offsets }, { M });
    const rRe = reference(re, N, B, offsets, M);
    const rIm = reference(im, N, B, offsets, M);
    expect([out.width, out.height]).toEqual([rRe.S, rRe.S]);
    let err = 0;
    let werr = 0;
    for (let k = 0; k < rRe.S * rRe.S; k++) {
      err = Math.max(err, Math.abs(out.re[k]! - rRe.img[k]!), Math.abs(out.im[k]! - rIm.img[k]!));
      werr = Math.max(werr, Math.abs(out.weights[k]! - rRe.weights[k]!));
    }
    expect(err).toBeLessThan(1e-5);
    expect(werr).toBeLessThan(1e-5);
  });

  it('a canvas larger than the cache (patches visited in band order) still equals the reference', () => {
    const rng = new Rng(5);
    const N = 32;
    const M = 20;
    const B = 40;
    const re = Float32Array.from({ length: B * N * N }, () => rng.uniform());
    const offsets = Array.from({ length: B * 2 }, () => 1000 + (rng.uniform() - 0.5) * 330);
    const out = reassemblePosition({ re, im: new Float32Array(B * N * N), count: B, N, offsets }, { M });
    const ref = reference(re, N, B, offsets, M);
    expect(3 * 8 * ref.S * ref.S).toBeGreaterThan(2 ** 21);
    let err = 0;
    for (let k = 0; k < ref.S * ref.S; k++)
      err = Math.max(err, Math.abs(out.re[k]! - ref.img[k]!), Math.abs(out.weights[k]! - ref.weights[k]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('one patch: the canvas is its central crop and the origin is offset − M/2', () => {
    const N = 8;
    const re = Float32Array.from({ length: N * N }, (_, i) => i);
    const out = reassemblePosition(
      { re, im: re.map((v) => 2 * v), count: 1, N, offsets: [100.25, 7.5] },
      { M: 4 },
    );
    expect([out.width, out.height, out.x0, out.y0]).toEqual([4, 4, 98.25, 5.5]);
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 4; c++) {
        expect(out.re[r * 4 + c]).toBeCloseTo((2 + r) * N + 2 + c, 6);
        expect(out.im[r * 4 + c]).toBeCloseTo(2 * ((2 + r) * N + 2 + c), 6);
      }
  });

  it('an integer offset d moves an impulse by exactly d pixels, in x (columns) and y (rows) separately', () => {
    const N = 8;
    const imp = new Float32Array(2 * N * N);
    imp[N * N + (N / 2) * N + N / 2] = 1; // patch 1, crop pixel (row 2, col 2) for M = 4
    // Even separations keep d = offset − mean integral, so the impulse lands on one pixel.
    for (const [dx, dy] of [
      [6, 0],
      [0, 10],
      [-4, 8],
    ] as const) {
      const out = reassemblePosition(
        { re: imp, im: new Float32Array(2 * N * N), count: 2, N, offsets: [0, 0, dx, dy] },
        4,
      );
      const at = out.re.indexOf(Math.max(...out.re));
      expect(out.re.filter((v) => v !== 0).length).toBe(1);
      // Crop pixel (M/2, M/2) is the patch centre, which sits at the patch's offset in object pixels.
      expect(out.x0 + (at % out.width)).toBe(dx);
      expect(out.y0 + Math.floor(at / out.width)).toBe(dy);
    }
  });

  it('refuses non-finite offsets, inconsistent lengths and absurd canvases with clear messages', () => {
    const z = new Float32Array(2 * 64);
    expect(() => reassemblePosition({ re: z, im: z, count: 2, N: 8, offsets: [0, 0, NaN, 1] }, 4)).toThrow(
      'offset of patch 1 is not finite: (NaN, 1)',
    );
    expect(() =>
      reassemblePosition({ re: z, im: z, count: 3, N: 8, offsets: [0, 0, 1, 1, 2, 2] }, 4),
    ).toThrow('patches must be (3, 8, 8) = 192 values, got 128 real and 128 imaginary');
    expect(() => reassemblePosition({ re: z, im: z, count: 2, N: 8, offsets: [0, 0, 1] }, 4)).toThrow(
      'offsets must be (2, 2), got 3 values',
    );
    expect(() => reassemblePosition({ re: z, im: z, count: 2, N: 8, offsets: [0, 0, 1e7, 0] }, 4)).toThrow(
      /a 10000004×10000004 canvas \(limit 16384\); are the positions in pixels\?/,
    );
    expect(() =>
      reassemblePosition({ re: z.subarray(0, 0), im: z.subarray(0, 0), count: 0, N: 8, offsets: [] }, 4),
    ).toThrow('no patches to stitch');
    const p64 = new Float32Array(2 * 64 * 64);
    // Default M = 20; d = ±0.5 → pad = ceil(0.5) = 1 → 2 (even) → S = 24.
    expect(reassemblePosition({ re: p64, im: p64, count: 2, N: 64, offsets: [0, 0, 1, 1] }).width).toBe(24);
    expect(() => reassemblePosition({ re: z, im: z, count: 2, N: 8, offsets: [0, 0, 1, 1] })).toThrow(
      '0 < M ≤ N = 8, got 20',
    );
  });
});
