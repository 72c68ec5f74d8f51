import { describe, expect, it } from 'vitest';
import { reassemblePosition } from '../../../compute/ptycho/stitch/reassemble';
import { Rng } from '../../../compute/ptycho/data/rng';

/** §5.2 by definition: zero-pad each crop, translate the whole canvas bilinearly, sum, divide. */
function reference(re: Float32Array, N: number, B: number, offsets: number[], M: number): { img: Float64Array; S: number } {
  let mx = 0;
  let my = 0;
  for (let b = 0; b < B; b++) {
    mx += offsets[2 * b]!;
    my += offsets[2 * b + 1]!;
  }
  mx /= B;
  my /= B;
  let pad = 0;
  for (let b = 0; b < B; b++) pad = Math.max(pad, Math.abs(offsets[2 * b]! - mx), Math.abs(offsets[2 * b + 1]! - my));
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
        out[r * S + c] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
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
  return { img: canvas.map((v, k) => v / (1e-9 + weights[k]!)), S };
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
    for (let k = 0; k < ref.S * ref.S; k++) err = Math.max(err, Math.abs(out.re[k]! - ref.img[k]!), Math.abs(out.im[k]! + ref.img[k]!));
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
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) re[b * N * N + i * N + j] = obj(pos[2 * b]! + j - N / 2, pos[2 * b + 1]! + i - N / 2);
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
    const out = reassemblePosition({ re: new Float32Array(3 * N * N).fill(2), im: new Float32Array(3 * N * N), count: 3, N, offsets: [10, 10, 11.5, 10, 13, 10] }, M);
    for (let k = 0; k < out.re.length; k++) if (out.weights[k]! > 0.25) expect(out.re[k]).toBeCloseTo(2, 5);
    // An impulse at the crop centre of the right-most patch lands right of the left-most one.
    const imp = new Float32Array(2 * N * N);
    imp[N * N + (N / 2) * N + N / 2] = 1;
    const o2 = reassemblePosition({ re: imp, im: new Float32Array(2 * N * N), count: 2, N, offsets: [10, 10, 14, 10] }, M);
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
    expect(() => reassemblePosition({ re: z, im: z, count: 1, N: 8, offsets: [0, 0] }, 9)).toThrow(/0 < M ≤ N = 8, got 9/);
  });
});
