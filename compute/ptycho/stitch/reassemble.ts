/**
 * Position-based stitching (PtychoPINN §5.2 `reassemble_position`): the central M×M crop of
 * each object patch is placed at d_b = offset_b − mean(offsets) with bilinear weights (zero
 * fill; content moves by +d: output(x, y) = input(x − dx, y − dy); x = column, y = row), and
 * the canvas is divided by the equally placed weights (+1e-9): a uniformly weighted average of
 * the overlapping crops.
 *
 * Each crop is splatted directly with its four bilinear weights: O(B·M²), instead of
 * translating a full canvas per patch.
 */

export interface StitchInput {
  /** `(B, N, N)` real and imaginary parts of the object patches. */
  re: Float32Array;
  im: Float32Array;
  count: number;
  N: number;
  /** `(B, 2)` global offsets (x, y): group centroids in object pixels. */
  offsets: ArrayLike<number>;
}

export interface Stitched {
  width: number;
  height: number;
  re: Float32Array;
  im: Float32Array;
  /** Σ weights per pixel (coverage). */
  weights: Float32Array;
  /**
   * Canvas origin in object pixels: canvas pixel (row, col) holds object (y0 + row, x0 + col),
   * where object pixel (y, x) is the patch-centre convention of the scan positions.
   */
  x0: number;
  y0: number;
}

export class StitchError extends Error {
  override name = 'StitchError';
}

export function reassemblePosition(inp: StitchInput, M = 20): Stitched {
  const { N, count: B } = inp;
  if (!(Number.isInteger(M) && M > 0 && M <= N)) throw new StitchError(`stitch_crop_size M must be an integer with 0 < M ≤ N = ${N}, got ${M}`);
  if (inp.re.length !== B * N * N || inp.im.length !== B * N * N) throw new StitchError(`patches must be (${B}, ${N}, ${N})`);
  if (inp.offsets.length !== B * 2) throw new StitchError(`offsets must be (${B}, 2), got ${inp.offsets.length} values`);
  if (B === 0) throw new StitchError('no patches to stitch');
  let mx = 0;
  let my = 0;
  for (let b = 0; b < B; b++) {
    mx += inp.offsets[2 * b]!;
    my += inp.offsets[2 * b + 1]!;
  }
  mx /= B;
  my /= B;
  let maxAbs = 0;
  for (let b = 0; b < B; b++) maxAbs = Math.max(maxAbs, Math.abs(inp.offsets[2 * b]! - mx), Math.abs(inp.offsets[2 * b + 1]! - my));
  let pad = Math.ceil(maxAbs);
  pad += pad % 2;
  const S = M + 2 * pad;
  const re = new Float64Array(S * S);
  const im = new Float64Array(S * S);
  const wt = new Float64Array(S * S);
  const c0 = N / 2 - M / 2;
  for (let b = 0; b < B; b++) {
    // The crop's top-left lands at (pad + d) on the canvas; split d into integer and fraction.
    const dx = inp.offsets[2 * b]! - mx;
    const dy = inp.offsets[2 * b + 1]! - my;
    const ix = Math.floor(dx);
    const iy = Math.floor(dy);
    const fx = dx - ix;
    const fy = dy - iy;
    const w00 = (1 - fy) * (1 - fx);
    const w01 = (1 - fy) * fx;
    const w10 = fy * (1 - fx);
    const w11 = fy * fx;
    const base = b * N * N;
    // Source pixel (r, c) contributes to (r + iy + {0,1}, c + ix + {0,1}): output(x, y) = input(x − dx, y − dy).
    for (let r = 0; r < M; r++) {
      const tr = pad + iy + r;
      const src0 = base + (c0 + r) * N + c0;
      for (let dr = 0; dr < 2; dr++) {
        const rr = tr + dr;
        if (rr < 0 || rr >= S) continue;
        const wa = dr === 0 ? w00 : w10;
        const wb = dr === 0 ? w01 : w11;
        const row = rr * S;
        for (let c = 0; c < M; c++) {
          const vr = inp.re[src0 + c]!;
          const vi = inp.im[src0 + c]!;
          const cc = pad + ix + c;
          if (wa !== 0 && cc >= 0 && cc < S) {
            const k = row + cc;
            re[k] = re[k]! + wa * vr;
            im[k] = im[k]! + wa * vi;
            wt[k] = wt[k]! + wa;
          }
          if (wb !== 0 && cc + 1 >= 0 && cc + 1 < S) {
            const k = row + cc + 1;
            re[k] = re[k]! + wb * vr;
            im[k] = im[k]! + wb * vi;
            wt[k] = wt[k]! + wb;
          }
        }
      }
    }
  }
  const outRe = new Float32Array(S * S);
  const outIm = new Float32Array(S * S);
  for (let k = 0; k < S * S; k++) {
    const d = 1e-9 + wt[k]!;
    outRe[k] = re[k]! / d;
    outIm[k] = im[k]! / d;
  }
  // Canvas pixel (pad + r, pad + c) with d = 0 holds patch pixel (c0 + r, c0 + c), i.e. the object
  // pixel at (mean + (c0 + r − N/2), …): so canvas (row, col) ↔ object (row − pad − M/2 + ȳ, …).
  return { width: S, height: S, re: outRe, im: outIm, weights: Float32Array.from(wt), x0: mx - pad - M / 2, y0: my - pad - M / 2 };
}
