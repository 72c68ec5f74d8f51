/**
 * Geometric and value alignment of a reconstruction with its ground truth before metrics
 * (PtychoPINN's `align_for_evaluation`, `register_and_align` and the pre-processing inside
 * `eval_reconstruction`).
 */
import {
  assertSameShape,
  centreCropBox,
  cropComplex,
  cropImage,
  image,
  type ComplexImage2D,
  type Image2D,
  type PixelBox,
} from '../../numerics/image';

/** Scan positions in ground-truth (object) pixels: y = row, x = column. */
export interface ScanCoordsYX {
  y: ArrayLike<number>;
  x: ArrayLike<number>;
}

/**
 * Ground-truth crop to the scanned area: rows [trunc(min y) − ⌊M/2⌋, trunc(max y) + ⌊M/2⌋),
 * columns likewise (trunc = integer truncation toward zero, as Python's int()), clipped to the
 * image. M is the stitch crop size (20 in all PtychoPINN workflows).
 */
export function scanBoundingBox(
  gtShape: { width: number; height: number },
  coords: ScanCoordsYX,
  stitchCropSize: number,
): PixelBox {
  const n = coords.y.length;
  if (n === 0 || coords.x.length !== n) {
    throw new Error(
      `scan coordinates must be non-empty with equal y and x lengths (got ${coords.y.length} and ${coords.x.length})`,
    );
  }
  if (!Number.isInteger(stitchCropSize) || stitchCropSize <= 0) {
    throw new Error(`stitch crop size M must be a positive integer, got ${stitchCropSize}`);
  }
  let minY = Infinity,
    maxY = -Infinity,
    minX = Infinity,
    maxX = -Infinity;
  for (let i = 0; i < n; i++) {
    const y = coords.y[i]!;
    const x = coords.x[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(x))
      throw new Error(`scan coordinate ${i} is not finite (y=${y}, x=${x})`);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
  }
  const r = Math.floor(stitchCropSize / 2);
  const box = {
    row0: Math.max(0, Math.trunc(minY) - r),
    row1: Math.min(gtShape.height, Math.trunc(maxY) + r),
    col0: Math.max(0, Math.trunc(minX) - r),
    col1: Math.min(gtShape.width, Math.trunc(maxX) + r),
  };
  if (box.row1 <= box.row0 || box.col1 <= box.col0) {
    throw new Error(
      `scan area rows [${box.row0}, ${box.row1}) × cols [${box.col0}, ${box.col1}) does not overlap the ${gtShape.height}×${gtShape.width} ground truth`,
    );
  }
  return box;
}

export interface CropAlignment {
  recon: ComplexImage2D;
  groundTruth: ComplexImage2D;
  /** Ground-truth scan-area crop (null when no scan coordinates were given). */
  groundTruthScanBox: PixelBox | null;
  /** Centre crops to the common shape, in the reconstruction's and the (scan-cropped) ground truth's pixels. */
  reconCommonBox: PixelBox;
  groundTruthCommonBox: PixelBox;
}

/**
 * Crops the ground truth to the scan area (when coordinates are given), then centre-crops both
 * images to the common minimum shape (start = ⌊(size − target)/2⌋).
 */
export function alignForEvaluation(
  recon: ComplexImage2D,
  groundTruth: ComplexImage2D,
  scanCoords: ScanCoordsYX | undefined,
  stitchCropSize = 20,
): CropAlignment {
  let gt = groundTruth;
  let groundTruthScanBox: PixelBox | null = null;
  if (scanCoords !== undefined) {
    groundTruthScanBox = scanBoundingBox(groundTruth, scanCoords, stitchCropSize);
    gt = cropComplex(groundTruth, groundTruthScanBox);
  }
  const th = Math.min(recon.height, gt.height);
  const tw = Math.min(recon.width, gt.width);
  const reconCommonBox = centreCropBox(recon, th, tw);
  const groundTruthCommonBox = centreCropBox(gt, th, tw);
  return {
    recon: cropComplex(recon, reconCommonBox),
    groundTruth: cropComplex(gt, groundTruthCommonBox),
    groundTruthScanBox,
    reconCommonBox,
    groundTruthCommonBox,
  };
}

/** Plane φ ≈ a·x + b·y + c with x = column index, y = row index (pixels, origin at pixel (0,0)). */
export interface Plane {
  /** Slope along columns, units of the image per pixel. */
  a: number;
  /** Slope along rows, units of the image per pixel. */
  b: number;
  /** Value at pixel (row 0, column 0). */
  c: number;
}

/**
 * Least-squares plane fit over every pixel. On a full rectangular grid the centred
 * regressors (x − x̄, y − ȳ, 1) are orthogonal, so the normal equations decouple:
 * a = Σ(x−x̄)φ / Σ(x−x̄)², b likewise, and the plane passes through the mean at the centre.
 */
export function fitPlane(img: Image2D): Plane {
  const { width: w, height: h } = img;
  const xm = (w - 1) / 2;
  const ym = (h - 1) / 2;
  let sx = 0,
    sy = 0,
    s = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img.data[y * w + x]!;
      sx += (x - xm) * v;
      sy += (y - ym) * v;
      s += v;
    }
  }
  // Σ over the grid of (x − x̄)² = h·w(w²−1)/12
  const sxx = (h * w * (w * w - 1)) / 12;
  const syy = (w * h * (h * h - 1)) / 12;
  const a = w > 1 ? sx / sxx : 0;
  const b = h > 1 ? sy / syy : 0;
  const mean = s / (w * h);
  return { a, b, c: mean - a * xm - b * ym };
}

/** img − fitted plane (PtychoPINN's `fit_and_remove_plane`, the default phase alignment). */
export function removePlane(img: Image2D): { image: Image2D; plane: Plane } {
  const plane = fitPlane(img);
  const out = image(img.width, img.height);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = y * img.width + x;
      out.data[i] = img.data[i]! - (plane.a * x + plane.b * y + plane.c);
    }
  }
  return { image: out, plane };
}

export function meanOf(img: Image2D): number {
  let s = 0;
  for (const v of img.data) s += v;
  return s / img.data.length;
}

/** img − mean(img) (PtychoPINN's 'mean' phase alignment). */
export function subtractMean(img: Image2D): { image: Image2D; mean: number } {
  const mean = meanOf(img);
  const out = image(img.width, img.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = img.data[i]! - mean;
  return { image: out, mean };
}

/** Rescales `test` by mean(reference)/mean(test) (amplitude mean-matching). */
export function matchMean(reference: Image2D, test: Image2D): { image: Image2D; scale: number } {
  assertSameShape(reference, test, 'reference', 'test');
  const mt = meanOf(test);
  if (mt === 0 || !Number.isFinite(mt)) {
    throw new Error(`cannot mean-match: the reconstruction amplitude has mean ${mt}`);
  }
  const scale = meanOf(reference) / mt;
  const out = image(test.width, test.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = test.data[i]! * scale;
  return { image: out, scale };
}

/** Crops `px` pixels from every edge (PtychoPINN's `trim` with offset = 2·px). */
export function trimImage(img: Image2D, px: number): Image2D {
  if (px === 0) return img;
  return cropImage(img, { row0: px, row1: img.height - px, col0: px, col1: img.width - px });
}
