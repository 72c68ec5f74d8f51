/**
 * Image containers for the evaluation library.
 *
 * Layout convention (one place, used by every module in `eval/`):
 * - Row-major: pixel (row y, column x) lives at `data[y * width + x]`.
 * - x = column (fast axis), y = row (slow axis), matching the project's
 *   `(x = column, y = row)` convention for scan positions.
 * - Complex images are kept as two separate Float64Arrays (real and imaginary
 *   part), never interleaved. Amplitude/phase views are derived on demand.
 */
import { amplitude, phase } from './complex';

export interface Image2D {
  readonly width: number;
  readonly height: number;
  /** Row-major samples, length width·height. */
  readonly data: Float64Array;
}

export interface ComplexImage2D {
  readonly width: number;
  readonly height: number;
  /** Row-major real parts, length width·height. */
  readonly re: Float64Array;
  /** Row-major imaginary parts, length width·height. */
  readonly im: Float64Array;
}

/** A rectangle in pixel indices: rows [row0, row1), columns [col0, col1). */
export interface PixelBox {
  readonly row0: number;
  readonly row1: number;
  readonly col0: number;
  readonly col1: number;
}

export function image(width: number, height: number, data?: ArrayLike<number>): Image2D {
  checkShape(width, height);
  const n = width * height;
  if (data !== undefined && data.length !== n) {
    throw new Error(`image data has ${data.length} samples, expected ${width}×${height} = ${n}`);
  }
  return { width, height, data: data === undefined ? new Float64Array(n) : Float64Array.from(data) };
}

export function complexImage(
  width: number,
  height: number,
  re?: ArrayLike<number>,
  im?: ArrayLike<number>,
): ComplexImage2D {
  checkShape(width, height);
  const n = width * height;
  for (const [name, a] of [
    ['re', re],
    ['im', im],
  ] as const) {
    if (a !== undefined && a.length !== n) {
      throw new Error(`complex image ${name} has ${a.length} samples, expected ${width}×${height} = ${n}`);
    }
  }
  return {
    width,
    height,
    re: re === undefined ? new Float64Array(n) : Float64Array.from(re),
    im: im === undefined ? new Float64Array(n) : Float64Array.from(im),
  };
}

/** Builds A·e^{iφ} from amplitude and phase (radians) images of equal shape. */
export function fromAmplitudePhase(amplitude: Image2D, phase: Image2D): ComplexImage2D {
  assertSameShape(amplitude, phase, 'amplitude', 'phase');
  const out = complexImage(amplitude.width, amplitude.height);
  for (let i = 0; i < amplitude.data.length; i++) {
    const a = amplitude.data[i]!;
    const p = phase.data[i]!;
    out.re[i] = a * Math.cos(p);
    out.im[i] = a * Math.sin(p);
  }
  return out;
}

/** |z| per pixel (complex.ts `amplitude`). */
export function amplitudeOf(z: ComplexImage2D): Image2D {
  const out = image(z.width, z.height);
  amplitude(z.re, z.im, out.data);
  return out;
}

/** arg z per pixel exactly like numpy.angle (complex.ts `phase`, atan2(im, re)); no unwrapping. */
export function phaseOf(z: ComplexImage2D): Image2D {
  const out = image(z.width, z.height);
  phase(z.re, z.im, out.data);
  return out;
}

/** Copies rows [row0,row1) × columns [col0,col1) of a real image. */
export function cropImage(img: Image2D, box: PixelBox): Image2D {
  const { w, h } = checkBox(img, box);
  const out = image(w, h);
  for (let y = 0; y < h; y++) {
    const src = (box.row0 + y) * img.width + box.col0;
    out.data.set(img.data.subarray(src, src + w), y * w);
  }
  return out;
}

/** Copies rows [row0,row1) × columns [col0,col1) of a complex image. */
export function cropComplex(img: ComplexImage2D, box: PixelBox): ComplexImage2D {
  const { w, h } = checkBox(img, box);
  const out = complexImage(w, h);
  for (let y = 0; y < h; y++) {
    const src = (box.row0 + y) * img.width + box.col0;
    out.re.set(img.re.subarray(src, src + w), y * w);
    out.im.set(img.im.subarray(src, src + w), y * w);
  }
  return out;
}

/**
 * The centred crop box to (height, width): start = floor((size − target)/2) on each axis,
 * the same rule as PtychoPINN's `_center_crop` and the FRC square crop.
 */
export function centreCropBox(
  shape: { width: number; height: number },
  targetHeight: number,
  targetWidth: number,
): PixelBox {
  if (targetHeight > shape.height || targetWidth > shape.width || targetHeight < 1 || targetWidth < 1) {
    throw new Error(
      `cannot centre-crop ${shape.height}×${shape.width} (rows×cols) to ${targetHeight}×${targetWidth}`,
    );
  }
  const row0 = Math.floor((shape.height - targetHeight) / 2);
  const col0 = Math.floor((shape.width - targetWidth) / 2);
  return { row0, row1: row0 + targetHeight, col0, col1: col0 + targetWidth };
}

/** Removes `px` pixels from every edge. */
export function borderBox(shape: { width: number; height: number }, px: number): PixelBox {
  if (!Number.isInteger(px) || px < 0)
    throw new Error(`border crop must be a non-negative integer, got ${px}`);
  if (2 * px >= shape.height || 2 * px >= shape.width) {
    throw new Error(`border crop of ${px} px leaves nothing of a ${shape.height}×${shape.width} image`);
  }
  return { row0: px, row1: shape.height - px, col0: px, col1: shape.width - px };
}

export function mapImage(img: Image2D, f: (v: number) => number): Image2D {
  const out = image(img.width, img.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(img.data[i]!);
  return out;
}

export function assertSameShape(
  a: { width: number; height: number },
  b: { width: number; height: number },
  nameA = 'first image',
  nameB = 'second image',
): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(
      `${nameA} is ${a.height}×${a.width} (rows×cols) but ${nameB} is ${b.height}×${b.width}; shapes must match`,
    );
  }
}

function checkShape(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image shape must be positive integers, got width=${width} height=${height}`);
  }
}

function checkBox(img: { width: number; height: number }, box: PixelBox): { w: number; h: number } {
  const { row0, row1, col0, col1 } = box;
  if (
    ![row0, row1, col0, col1].every(Number.isInteger) ||
    row0 < 0 ||
    col0 < 0 ||
    row1 > img.height ||
    col1 > img.width ||
    row1 <= row0 ||
    col1 <= col0
  ) {
    throw new Error(
      `crop rows [${row0}, ${row1}) × cols [${col0}, ${col1}) is empty or outside a ${img.height}×${img.width} image`,
    );
  }
  return { w: col1 - col0, h: row1 - row0 };
}
