/**
 * From what a detector recorded to what PtychoPINN eats, in one place: counts → amplitudes,
 * frame size → N (centre crop or binning, geometry updated), metres → object pixels via the
 * object-plane pixel λ·z / (N·Δx) (Ptychodus' ProductGeometry rule), bad pixels.
 * Every step appends a line to the conversion record.
 */
import type { DatasetGeometry } from '../dataset';
import { SUPPORTED_N, DatasetError } from '../dataset';
import { formatLengthM as formatLength } from '../../../render/units';

/** h·c in eV·m (CODATA 2018). */
const HC_EV_M = 1.239841984e-6;
/** 1 eV in J. */
export const EV_J = 1.602176634e-19;

export function wavelengthM(energyEV: number): number {
  return HC_EV_M / energyEV;
}

/** λ·z / (N·Δx): the object-plane pixel of an N×N far-field pattern. */
export function objectPixelSizeM(g: DatasetGeometry, N: number): number | undefined {
  const lambda = g.wavelengthM ?? (g.energyEV ? wavelengthM(g.energyEV) : undefined);
  if (!lambda || !g.detectorDistanceM || !g.detectorPixelSizeM) return undefined;
  return (lambda * g.detectorDistanceM) / (N * g.detectorPixelSizeM);
}

export function completeGeometry(g: DatasetGeometry, N: number): DatasetGeometry {
  const out: DatasetGeometry = { ...g };
  if (out.energyEV && !out.wavelengthM) out.wavelengthM = wavelengthM(out.energyEV);
  if (out.wavelengthM && !out.energyEV) out.energyEV = HC_EV_M / out.wavelengthM;
  if (!out.objectPixelSizeM) {
    const px = objectPixelSizeM(out, N);
    if (px) out.objectPixelSizeM = px;
  }
  return out;
}

export interface FrameOptions {
  /** Centre-crop frames to this size. */
  crop?: number;
  /** Sum b×b detector pixels. */
  bin?: number;
  /** What to do with masked detector pixels: refuse (default) or set them to zero. */
  badPixels?: 'refuse' | 'zero';
}

export interface Frames {
  /** (M, H, W) values as read, float32. */
  data: Float32Array;
  M: number;
  H: number;
  W: number;
}

/**
 * Frames (counts or amplitudes) → (M, N, N) amplitudes. `isCounts` takes the square root;
 * `mask` (H×W, non-zero = bad) is applied before crop/bin. Updates `g.detectorPixelSizeM` for binning.
 */
export function framesToAmplitudes(
  file: string,
  where: string,
  fr: Frames,
  isCounts: boolean,
  o: FrameOptions,
  g: DatasetGeometry,
  conversion: string[],
  mask?: Uint8Array | null,
): { data: Float32Array; N: number } {
  let { data, H, W } = fr;
  const { M } = fr;
  if (mask) {
    let bad = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) bad++;
    if (bad > 0) {
      if (o.badPixels !== 'zero') {
        throw new DatasetError(
          `${file}: ${bad} bad detector pixel${bad === 1 ? '' : 's'} flagged in '${where}' (of ${H}×${W}); PtychoPINN cannot mask them — pass --bad_pixels zero to set them to 0 (recorded in the conversion), or crop them away with --crop`,
        );
      }
      for (let m = 0; m < M; m++) for (let i = 0; i < H * W; i++) if (mask[i]) data[m * H * W + i] = 0;
      conversion.push(`${bad} bad detector pixels set to 0 (--bad_pixels zero)`);
    }
  }
  if (o.bin && o.bin > 1) {
    const b = o.bin;
    if (H % b || W % b)
      throw new DatasetError(`${file}: '${where}': --bin ${b} must divide the ${H}×${W} frames`);
    const h = H / b;
    const w = W / b;
    const out = new Float32Array(M * h * w);
    for (let m = 0; m < M; m++)
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++)
          out[m * h * w + Math.floor(r / b) * w + Math.floor(c / b)]! += data[m * H * W + r * W + c]!;
    conversion.push(`binned ${b}×${b}: ${H}×${W} → ${h}×${w} (detector pixel ×${b}, object pixel unchanged)`);
    if (g.detectorPixelSizeM) g.detectorPixelSizeM *= b;
    data = out;
    H = h;
    W = w;
  }
  if (o.crop && (o.crop < H || o.crop < W)) {
    const n = o.crop;
    if (n > H || n > W)
      throw new DatasetError(`${file}: '${where}': --crop ${n} is larger than the ${H}×${W} frames`);
    const r0 = Math.floor((H - n) / 2);
    const c0 = Math.floor((W - n) / 2);
    const out = new Float32Array(M * n * n);
    for (let m = 0; m < M; m++)
      for (let r = 0; r < n; r++)
        out.set(
          data.subarray(m * H * W + (r0 + r) * W + c0, m * H * W + (r0 + r) * W + c0 + n),
          m * n * n + r * n,
        );
    conversion.push(
      `centre-cropped ${H}×${W} → ${n}×${n} (rows ${r0}…${r0 + n - 1}, cols ${c0}…${c0 + n - 1}; object pixel ×${(H / n).toPrecision(3)})`,
    );
    data = out;
    H = n;
    W = n;
  }
  if (H !== W || !(SUPPORTED_N as readonly number[]).includes(H)) {
    throw new DatasetError(
      `${file}: '${where}': frames are ${H}×${W} but PtychoPINN needs square N×N with N ∈ {64, 128, 256}; pass --crop N (centre crop) or --bin B (sum B×B pixels)`,
    );
  }
  if (isCounts) {
    let neg = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < 0) neg++;
      data[i] = v > 0 ? Math.sqrt(v) : 0;
    }
    conversion.push(
      `intensities → amplitudes (sqrt) of '${where}'${neg ? `; ${neg} negative values set to 0` : ''}`,
    );
  }
  return { data, N: H };
}

/** World metres → object pixels: x_px = (x_m − originXM) / pixel. */
export function metresToPixels(
  xM: ArrayLike<number>,
  yM: ArrayLike<number>,
  g: DatasetGeometry,
): { x: Float64Array; y: Float64Array } {
  const px = g.objectPixelSizeM!;
  return {
    x: Float64Array.from(xM, (v) => (v - g.originXM!) / px),
    y: Float64Array.from(yM, (v) => (v - g.originYM!) / px),
  };
}

/** Choose the world origin so the scan starts N/2 + 1 pixels in from the object's corner (no object given). */
export function originForScan(
  xM: ArrayLike<number>,
  yM: ArrayLike<number>,
  pixelM: number,
  N: number,
): { originXM: number; originYM: number } {
  let xmin = Infinity;
  let ymin = Infinity;
  for (let i = 0; i < xM.length; i++) {
    xmin = Math.min(xmin, xM[i]!);
    ymin = Math.min(ymin, yM[i]!);
  }
  return { originXM: xmin - (N / 2 + 1) * pixelM, originYM: ymin - (N / 2 + 1) * pixelM };
}

/** A length with an SI prefix, 4 significant digits (the neutral rule of compute/render/units.ts). */
export function formatLengthM(m: number): string {
  return formatLength(m, 4);
}
