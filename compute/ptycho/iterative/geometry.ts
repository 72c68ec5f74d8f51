/**
 * Where each diffraction pattern's patch lies on the object canvas, in the one convention the
 * simulator, the PINN's physics and the stitcher share: patch pixel (i, j) = object
 * (y + i − N/2, x + j − N/2), x = column, y = row, bilinear between the four neighbouring
 * object pixels (zero outside). Canvas pixel (row, col) holds object (y0 + row, x0 + col),
 * the same origin convention as a stitched reconstruction.
 */

export class IterativeError extends Error {
  override name = 'IterativeError';
}

export interface Canvas {
  width: number;
  height: number;
  /** Object pixel of canvas pixel (0, 0) (integers). */
  x0: number;
  y0: number;
}

/** Per pattern: top-left canvas pixel of the bilinear window and the sub-pixel fractions. */
export interface PatchPlacement {
  ix: Int32Array;
  iy: Int32Array;
  fx: Float64Array;
  fy: Float64Array;
}

/** Canvas sides above this are refused (a 4096² complex canvas is already 256 MB in float64). */
export const MAX_CANVAS_SIDE = 4096;

/**
 * The smallest canvas holding every patch (plus one pixel for the bilinear neighbour and a
 * one-pixel margin), and each pattern's placement on it.
 */
export function layoutCanvas(
  x: Float64Array,
  y: Float64Array,
  N: number,
  file = 'the scan',
): { canvas: Canvas; placement: PatchPlacement } {
  const M = x.length;
  if (y.length !== M) throw new IterativeError(`${file}: ${M} x coordinates but ${y.length} y coordinates`);
  if (M === 0) throw new IterativeError(`${file}: no scan positions`);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let m = 0; m < M; m++) {
    const px = x[m]!;
    const py = y[m]!;
    if (!Number.isFinite(px) || !Number.isFinite(py))
      throw new IterativeError(`${file}: position ${m} is not finite: (${px}, ${py})`);
    minX = Math.min(minX, px);
    maxX = Math.max(maxX, px);
    minY = Math.min(minY, py);
    maxY = Math.max(maxY, py);
  }
  const x0 = Math.floor(minX - N / 2) - 1;
  const y0 = Math.floor(minY - N / 2) - 1;
  const width = Math.ceil(maxX + N / 2) + 2 - x0;
  const height = Math.ceil(maxY + N / 2) + 2 - y0;
  if (width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE) {
    throw new IterativeError(
      `${file}: the scan positions span ${(maxX - minX).toFixed(0)} × ${(maxY - minY).toFixed(0)} pixels, a ${width}×${height} object canvas (limit ${MAX_CANVAS_SIDE}); are xcoords/ycoords in object pixels?`,
    );
  }
  const ix = new Int32Array(M);
  const iy = new Int32Array(M);
  const fx = new Float64Array(M);
  const fy = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    const bx = x[m]! - N / 2 - x0;
    const by = y[m]! - N / 2 - y0;
    ix[m] = Math.floor(bx);
    iy[m] = Math.floor(by);
    fx[m] = bx - ix[m]!;
    fy[m] = by - iy[m]!;
  }
  return { canvas: { width, height, x0, y0 }, placement: { ix, iy, fx, fy } };
}

/** out(i, j) = bilinear sample of the canvas at pattern m's patch pixel (i, j). */
export function extractPatchInto(
  oRe: Float64Array,
  oIm: Float64Array,
  W: number,
  p: PatchPlacement,
  m: number,
  N: number,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const fx = p.fx[m]!;
  const fy = p.fy[m]!;
  const w00 = (1 - fy) * (1 - fx);
  const w01 = (1 - fy) * fx;
  const w10 = fy * (1 - fx);
  const w11 = fy * fx;
  let a = p.iy[m]! * W + p.ix[m]!;
  let k = 0;
  for (let i = 0; i < N; i++, a += W) {
    for (let j = 0; j < N; j++, k++) {
      const q = a + j;
      outRe[k] = w00 * oRe[q]! + w01 * oRe[q + 1]! + w10 * oRe[q + W]! + w11 * oRe[q + W + 1]!;
      outIm[k] = w00 * oIm[q]! + w01 * oIm[q + 1]! + w10 * oIm[q + W]! + w11 * oIm[q + W + 1]!;
    }
  }
}

/** The adjoint of `extractPatchInto`: canvas += Eᵀ·(dRe, dIm). */
export function splatPatch(
  oRe: Float64Array,
  oIm: Float64Array,
  W: number,
  p: PatchPlacement,
  m: number,
  N: number,
  dRe: Float64Array,
  dIm: Float64Array,
): void {
  const fx = p.fx[m]!;
  const fy = p.fy[m]!;
  const w00 = (1 - fy) * (1 - fx);
  const w01 = (1 - fy) * fx;
  const w10 = fy * (1 - fx);
  const w11 = fy * fx;
  let a = p.iy[m]! * W + p.ix[m]!;
  let k = 0;
  for (let i = 0; i < N; i++, a += W) {
    for (let j = 0; j < N; j++, k++) {
      const q = a + j;
      const r = dRe[k]!;
      const s = dIm[k]!;
      oRe[q] = oRe[q]! + w00 * r;
      oIm[q] = oIm[q]! + w00 * s;
      oRe[q + 1] = oRe[q + 1]! + w01 * r;
      oIm[q + 1] = oIm[q + 1]! + w01 * s;
      oRe[q + W] = oRe[q + W]! + w10 * r;
      oIm[q + W] = oIm[q + W]! + w10 * s;
      oRe[q + W + 1] = oRe[q + W + 1]! + w11 * r;
      oIm[q + W + 1] = oIm[q + W + 1]! + w11 * s;
    }
  }
}

/** Σ over patterns of Eᵀ|P|², in units of the probe's peak intensity: how strongly each canvas pixel is lit. */
export function illumination(
  canvas: Canvas,
  p: PatchPlacement,
  N: number,
  probeIntensity: Float64Array,
): Float32Array {
  const { width: W, height: H } = canvas;
  const acc = new Float64Array(W * H);
  const unusedIm = new Float64Array(W * H);
  let peak = 0;
  for (const v of probeIntensity) peak = Math.max(peak, v);
  const scaled = probeIntensity.map((v) => v / (peak || 1));
  const zero = new Float64Array(N * N);
  for (let m = 0; m < p.ix.length; m++) splatPatch(acc, unusedIm, W, p, m, N, scaled, zero);
  return Float32Array.from(acc);
}
