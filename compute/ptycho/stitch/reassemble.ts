/**
 * Position-based stitching (PtychoPINN §5.2 `reassemble_position`): the central M×M crop of
 * each object patch is placed at d_b = offset_b − mean(offsets) with bilinear weights (zero
 * fill; content moves by +d: output(x, y) = input(x − dx, y − dy); x = column, y = row), and
 * the canvas is divided by the equally placed weights (+1e-9): a uniformly weighted average of
 * the overlapping crops.
 *
 * Each crop is splatted directly with its four bilinear weights: O(B·M²), instead of
 * translating a full canvas per patch. Sums are accumulated in float64.
 *
 * Canvas side S = M + 2·pad, pad = ceil(max|d|) rounded up to even (§5.2), so no crop falls off
 * the canvas. Canvas pixel (row, col) ↔ object (y0 + row, x0 + col) with
 * x0 = x̄ − pad − M/2, y0 = ȳ − pad − M/2 (x̄, ȳ the mean offset).
 */

import { canvasWarning } from './outliers';

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
  /** Things the user should know about the result (e.g. a canvas enlarged by outlier positions). */
  warnings?: string[];
}

export class StitchError extends Error {
  override name = 'StitchError';
}

export interface StitchOptions {
  /** Central crop size ("stitch_crop_size"), 0 < M ≤ N; default 20. */
  M?: number;
  /** Largest canvas side accepted (default 16384): offsets spread wider than this are refused. */
  maxCanvasSide?: number;
}

export { canvasWarning, findCanvasOutliers } from './outliers';

export function reassemblePosition(inp: StitchInput, opts: number | StitchOptions = {}): Stitched {
  const o: StitchOptions = typeof opts === 'number' ? { M: opts } : opts;
  const M = o.M ?? 20;
  const maxSide = o.maxCanvasSide ?? 16384;
  const { N, count: B } = inp;
  if (!(Number.isInteger(N) && N > 0))
    throw new StitchError(`patch size N must be a positive integer, got ${N}`);
  if (!(Number.isInteger(M) && M > 0 && M <= N))
    throw new StitchError(`stitch_crop_size M must be an integer with 0 < M ≤ N = ${N}, got ${M}`);
  if (!(Number.isInteger(B) && B >= 0))
    throw new StitchError(`patch count must be a non-negative integer, got ${B}`);
  if (inp.re.length !== B * N * N || inp.im.length !== B * N * N) {
    throw new StitchError(
      `patches must be (${B}, ${N}, ${N}) = ${B * N * N} values, got ${inp.re.length} real and ${inp.im.length} imaginary`,
    );
  }
  if (inp.offsets.length !== B * 2)
    throw new StitchError(`offsets must be (${B}, 2), got ${inp.offsets.length} values`);
  if (B === 0) throw new StitchError('no patches to stitch');
  let mx = 0;
  let my = 0;
  for (let b = 0; b < B; b++) {
    const x = inp.offsets[2 * b]!;
    const y = inp.offsets[2 * b + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new StitchError(`offset of patch ${b} is not finite: (${x}, ${y})`);
    mx += x;
    my += y;
  }
  mx /= B;
  my /= B;
  let maxAbs = 0;
  for (let b = 0; b < B; b++)
    maxAbs = Math.max(maxAbs, Math.abs(inp.offsets[2 * b]! - mx), Math.abs(inp.offsets[2 * b + 1]! - my));
  let pad = Math.ceil(maxAbs);
  pad += pad % 2;
  const S = M + 2 * pad;
  const outlierWarning = canvasWarning(inp.offsets, B, M, S);
  if (S > maxSide)
    throw new StitchError(
      `the offsets span ±${maxAbs.toFixed(1)} pixels, a ${S}×${S} canvas (limit ${maxSide}); are the positions in pixels?${outlierWarning ? ` (${outlierWarning})` : ''}`,
    );
  // Interleaved (re, im, weight) sums: one cache line per canvas pixel run instead of three.
  const acc = new Float64Array(3 * S * S);
  const c0 = N / 2 - M / 2;
  // Per crop row: the horizontal bilinear pass first (M + 1 values), then added to the two canvas
  // rows it straddles with weights (1 − fy) and fy. Source pixel (r, c) lands on canvas
  // (pad + iy + r + {0,1}, pad + ix + c + {0,1}): output(x, y) = input(x − dx, y − dy).
  const hr = new Float64Array(M + 1);
  const hi = new Float64Array(M + 1);
  const hw = new Float64Array(M + 1);
  const { re: pr, im: pi, offsets } = inp;
  // On a canvas larger than the cache, visit the patches in bands of M rows, left to right, so
  // that consecutive splats touch neighbouring canvas memory (a random scan order otherwise
  // misses the cache at almost every crop row: ~30 % faster at 10⁴ patches over 600 px).
  const order = new Uint32Array(B);
  for (let b = 0; b < B; b++) order[b] = b;
  if (acc.byteLength > 2 ** 21) {
    const key = new Float64Array(B);
    for (let b = 0; b < B; b++)
      key[b] = Math.floor((offsets[2 * b + 1]! - my + pad) / M) * (4 * S) + (offsets[2 * b]! - mx);
    order.sort((a, c) => key[a]! - key[c]! || a - c);
  }
  for (let j = 0; j < B; j++) {
    const b = order[j]!;
    const dx = offsets[2 * b]! - mx;
    const dy = offsets[2 * b + 1]! - my;
    const ix = Math.floor(dx);
    const iy = Math.floor(dy);
    const fx = dx - ix;
    const fy = dy - iy;
    const gx = 1 - fx;
    // pad ≥ |d| keeps every crop on the canvas; only a zero-weight last column or row can fall off.
    const col0 = pad + ix;
    const nc = Math.min(M + 1, S - col0);
    hw[0] = gx;
    for (let c = 1; c < M; c++) hw[c] = 1;
    hw[M] = fx;
    const base = b * N * N;
    for (let r = 0; r < M; r++) {
      const src = base + (c0 + r) * N + c0;
      let prevR = 0;
      let prevI = 0;
      for (let c = 0; c < M; c++) {
        const vr = pr[src + c]!;
        const vi = pi[src + c]!;
        hr[c] = gx * vr + fx * prevR;
        hi[c] = gx * vi + fx * prevI;
        prevR = vr;
        prevI = vi;
      }
      hr[M] = fx * prevR;
      hi[M] = fx * prevI;
      const rowA = pad + iy + r;
      for (let dr = 0; dr < 2; dr++) {
        const wy = dr === 0 ? 1 - fy : fy;
        const rr = rowA + dr;
        if (wy === 0 || rr < 0 || rr >= S) continue;
        let k = 3 * (rr * S + col0);
        for (let c = 0; c < nc; c++, k += 3) {
          acc[k] = acc[k]! + wy * hr[c]!;
          acc[k + 1] = acc[k + 1]! + wy * hi[c]!;
          acc[k + 2] = acc[k + 2]! + wy * hw[c]!;
        }
      }
    }
  }
  const outRe = new Float32Array(S * S);
  const outIm = new Float32Array(S * S);
  const weights = new Float32Array(S * S);
  for (let k = 0; k < S * S; k++) {
    const w = acc[3 * k + 2]!;
    const d = 1e-9 + w;
    outRe[k] = acc[3 * k]! / d;
    outIm[k] = acc[3 * k + 1]! / d;
    weights[k] = w;
  }
  // Canvas pixel (pad + r, pad + c) with d = 0 holds patch pixel (c0 + r, c0 + c), i.e. the object
  // pixel at (mean + (c0 + r − N/2), …): so canvas (row, col) ↔ object (row − pad − M/2 + ȳ, …).
  return {
    width: S,
    height: S,
    re: outRe,
    im: outIm,
    weights,
    x0: mx - pad - M / 2,
    y0: my - pad - M / 2,
    ...(outlierWarning ? { warnings: [outlierWarning] } : {}),
  };
}
