/**
 * The forward physics of PtychoPINN (§3.5–3.6) as engine graph ops, so it differentiates and
 * runs on every execution provider. Complex fields are (re, im) pairs of float32 tensors.
 *
 * - `diffract`: FFT2 as two matrix products with the DFT matrix, fftshift folded into it
 *   (row k of the shifted matrix is row (k + N/2) mod N of the DFT matrix), then |F|²/N².
 * - `translate`: bilinear, zero-fill shift: output(x, y) = input(x − dx, y − dy), i.e. content
 *   moves by +d (x = column, y = row). Separable: out = K(dy) · in · K(dx)ᵀ with
 *   K(d)[i, j] = relu(1 − |j − i + d|), built in-graph from the offsets. K(−d) = K(d)ᵀ, so
 *   extraction is the transpose of reassembly.
 * - `reassemblePatches` / `extractPatches`: the object_big overlap constraint on the padded
 *   canvas M = N + (gridsize−1)·4 + 10.
 */
import type { Graph, Tensor } from '../../engine';
import type { CanvasNormalisation } from './spec';

export interface Complex {
  re: Tensor;
  im: Tensor;
}

export function complexMul(a: Complex, b: Complex): Complex {
  return { re: a.re.mul(b.re).sub(a.im.mul(b.im)), im: a.re.mul(b.im).add(a.im.mul(b.re)) };
}

/** O = A·e^{iφ} (the published method's polar object). */
export function polar(amp: Tensor, phase: Tensor): Complex {
  return { re: amp.mul(phase.cos()), im: amp.mul(phase.sin()) };
}

/** fftshift-folded DFT matrix: W[k, n] = exp(−2πi·((k + N/2) mod N)·n / N), float64 math. */
export function shiftedDftMatrix(N: number): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(N * N);
  const im = new Float32Array(N * N);
  for (let k = 0; k < N; k++) {
    const ks = (k + N / 2) % N;
    for (let n = 0; n < N; n++) {
      const ang = (-2 * Math.PI * ((ks * n) % N)) / N;
      re[k * N + n] = Math.cos(ang);
      im[k * N + n] = Math.sin(ang);
    }
  }
  return { re, im };
}

function transposeSquare(a: Float32Array, N: number): Float32Array {
  const t = new Float32Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) t[j * N + i] = a[i * N + j]!;
  return t;
}

/** Complex matrix product with a constant matrix on the left (`W·x`) or right (`x·Wᵀ`). */
function constMatmul(g: Graph, w: { re: Tensor; im: Tensor }, x: Complex, side: 'left' | 'right'): Complex {
  const mm = (a: Tensor, b: Tensor): Tensor => (side === 'left' ? g.matmul(a, b) : g.matmul(b, a));
  // (Wr + iWi)(Xr + iXi) = (WrXr − WiXi) + i(WrXi + WiXr)  (order of factors kept per side)
  return { re: mm(w.re, x.re).sub(mm(w.im, x.im)), im: mm(w.re, x.im).add(mm(w.im, x.re)) };
}

/**
 * Far-field intensity of exit waves ψ `(…, N, N)`: I = fftshift(|FFT2(ψ)|²) / N².
 * (Parseval-consistent: Σ I = Σ |ψ|².)
 */
export function diffractIntensity(g: Graph, psi: Complex, N: number): Tensor {
  const f = shiftedDft2(g, psi, N, 'forward');
  return f.re
    .square()
    .add(f.im.square())
    .mul(1 / (N * N));
}

/**
 * The fftshift-folded 2-D DFT of `(…, N, N)` fields, unnormalised: forward F = W·ψ·Wᵀ (far field,
 * zero frequency at N/2); inverse ψ = Wᴴ·F·W̄ (takes the fftshifted layout back; the inverse of
 * forward up to N²). So far field amplitudes A = |F|/N come back as the exit wave by
 * inverse(A·e^{iθ})/N.
 */
export function shiftedDft2(g: Graph, x: Complex, N: number, direction: 'forward' | 'inverse'): Complex {
  const W = shiftedDftMatrix(N);
  const Wt = { re: transposeSquare(W.re, N), im: transposeSquare(W.im, N) };
  const neg = (a: Float32Array): Float32Array => a.map((v) => -v);
  // forward: left W, right Wᵀ; inverse: left Wᴴ = conj(Wᵀ), right conj(W) (= (Wᴴ)ᵀ).
  const [l, r] =
    direction === 'forward'
      ? [W, Wt]
      : [
          { re: Wt.re, im: neg(Wt.im) },
          { re: W.re, im: neg(W.im) },
        ];
  const c = (m: { re: Float32Array; im: Float32Array }) => ({
    re: g.constant(m.re, [N, N]),
    im: g.constant(m.im, [N, N]),
  });
  return constMatmul(g, c(r), constMatmul(g, c(l), x, 'left'), 'right');
}

/**
 * Bilinear interpolation matrices for shifts `d (…, 1, 1)`: K[i, j] = relu(1 − |j − i + d|),
 * restricted to output rows [rowStart, rowStart + rows) of an M-wide input.
 */
export function shiftMatrix(g: Graph, d: Tensor, M: number, rows = M, rowStart = 0): Tensor {
  const grid = new Float32Array(rows * M);
  for (let i = 0; i < rows; i++) for (let j = 0; j < M; j++) grid[i * M + j] = j - (i + rowStart);
  return g.constant(grid, [rows, M]).add(d).abs().neg().add(1).relu();
}

/** Centre mask: ones on the central N/2 × N/2 square of an N × N patch. */
export function centerMask(N: number): Float32Array {
  const m = new Float32Array(N * N);
  const q = N / 4;
  for (let r = q; r < q + N / 2; r++) for (let c = q; c < q + N / 2; c++) m[r * N + c] = 1;
  return m;
}

export interface Reassembled {
  /** The merged canvas `(B, 1, M, M)` per component. */
  canvas: Complex;
  /** Central N×N crop of the canvas: PtychoPINN's `trimmed_obj`, `(B, 1, N, N)`. */
  trimmed: Complex;
}

/**
 * Merge the C patches of each group on the padded canvas (`ReassemblePatchesLayer`): patch c is
 * shifted by −coords_relative_c (= position_c − centroid), summed, and divided by the summed,
 * equally shifted centre masks (whole-patch masks for `norm` 'mean'; normalisation per `norm`).
 *
 * @param obj    `(B, C, N, N)` complex patches
 * @param shifts `(B, C, 2)` coords_relative as (x, y); null when gridsize = 1 (all zero)
 */
export function reassemblePatches(
  g: Graph,
  obj: Complex,
  shifts: Tensor | null,
  N: number,
  M: number,
  norm: CanvasNormalisation,
): Reassembled {
  const p = (M - N) / 2;
  const C = obj.re.shape[1] as number;
  const mask = g.constant(norm === 'mean' ? new Float32Array(N * N).fill(1) : centerMask(N), [N, N]);
  let canvasRe: Tensor;
  let canvasIm: Tensor;
  let count: Tensor;
  if (!shifts || C === 1) {
    const pads = [
      [0, 0],
      [0, 0],
      [p, p],
      [p, p],
    ] as const;
    canvasRe = obj.re.sum([1], true).pad(pads);
    canvasIm = obj.im.sum([1], true).pad(pads);
    count = mask.mul(C).pad([
      [p, p],
      [p, p],
    ]);
  } else {
    // Shift by −rel: K(−d) = K(d)ᵀ; the padded patch is Pᵀ·x·P' with P the zero-pad embedding,
    // folded into the interpolation matrices by taking only the N input columns that are non-zero.
    const dx = shifts.slice([2], [0], [1]).reshape(['B', C, 1, 1]).neg();
    const dy = shifts.slice([2], [1], [2]).reshape(['B', C, 1, 1]).neg();
    const ky = shiftMatrix(g, dy, M).slice([3], [p], [p + N]); // (B, C, M, N): rows over canvas, cols over patch
    const kx = shiftMatrix(g, dx, M).slice([3], [p], [p + N]);
    const kxT = kx.transpose([0, 1, 3, 2]); // (B, C, N, M)
    const place = (x: Tensor): Tensor => g.matmul(g.matmul(ky, x), kxT).sum([1], true);
    canvasRe = place(obj.re);
    canvasIm = place(obj.im);
    count = place(mask);
  }
  const denom = norm === 'tf_compat' ? count.add(0.001) : g.where(g.greater(count, 1), count, 1);
  const inv = g.div(1, denom);
  const canvas = { re: canvasRe.mul(inv), im: canvasIm.mul(inv) };
  const crop = (x: Tensor): Tensor => x.slice([2, 3], [p, p], [p + N, p + N]);
  return { canvas, trimmed: { re: crop(canvas.re), im: crop(canvas.im) } };
}

/**
 * Extract each channel's N×N patch from the merged canvas (`ExtractPatchesPositionLayer`):
 * copy c is shifted by +coords_relative_c (back to its own position) and centre-cropped.
 * Returns `(B, C, N, N)`.
 */
export function extractPatches(
  g: Graph,
  canvas: Complex,
  shifts: Tensor | null,
  N: number,
  M: number,
  C: number,
): Complex {
  const p = (M - N) / 2;
  if (!shifts || C === 1) {
    const crop = (x: Tensor): Tensor => {
      const c = x.slice([2, 3], [p, p], [p + N, p + N]);
      return C === 1
        ? c
        : g.concat(
            Array.from({ length: C }, () => c),
            1,
          );
    };
    return { re: crop(canvas.re), im: crop(canvas.im) };
  }
  const dx = shifts.slice([2], [0], [1]).reshape(['B', C, 1, 1]);
  const dy = shifts.slice([2], [1], [2]).reshape(['B', C, 1, 1]);
  const ky = shiftMatrix(g, dy, M, N, p); // (B, C, N, M): only the N output rows kept
  const kxT = shiftMatrix(g, dx, M, N, p).transpose([0, 1, 3, 2]); // (B, C, M, N)
  const take = (x: Tensor): Tensor => g.matmul(g.matmul(ky, x), kxT); // x (B,1,M,M) broadcasts over C
  return { re: take(canvas.re), im: take(canvas.im) };
}

/** Circular mask of radius N/4 with pixel centres at i − N/2 + 0.5 (PtychoPINN's probe mask). */
export function circularMask(N: number): Float32Array {
  const m = new Float32Array(N * N);
  const r = N / 4;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const y = i - N / 2 + 0.5;
      const x = j - N / 2 + 0.5;
      m[i * N + j] = x * x + y * y < r * r ? 1 : 0;
    }
  }
  return m;
}
