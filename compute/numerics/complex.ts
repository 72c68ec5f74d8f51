/**
 * Complex fields as split real/imaginary arrays → real maps: the one implementation of amplitude
 * and phase (evaluation, output files, the core's StitchedImage and the renderer's probe view).
 *
 * - amplitude  |z| = hypot(re, im)                (numpy.abs)
 * - intensity  |z|² = re² + im²
 * - phase      arg z = atan2(im, re) ∈ [−π, π]    (numpy.angle; −π only for im = −0, re < 0)
 *
 * Every function takes an optional `out` array (same length; Float32Array or Float64Array) to
 * avoid allocating per frame; without it a Float32Array is returned.
 */

export type RealArray = Float32Array | Float64Array;

export type ComplexComponent = 'amplitude' | 'phase' | 'intensity' | 'real' | 'imag';

export const COMPLEX_COMPONENTS: readonly ComplexComponent[] = [
  'amplitude',
  'phase',
  'intensity',
  'real',
  'imag',
];

function output<T extends RealArray>(n: number, out?: T): T {
  if (out && out.length !== n) throw new RangeError(`out has length ${out.length}, expected ${n}`);
  return out ?? (new Float32Array(n) as T);
}

function checkLengths(re: ArrayLike<number>, im: ArrayLike<number>): number {
  if (re.length !== im.length)
    throw new RangeError(`re and im differ in length (${re.length} vs ${im.length})`);
  return re.length;
}

/** Wraps any angle to (−π, π]. */
export function wrapPhase(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let y = x - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI)); // [−π, π)
  if (y <= -Math.PI) y += 2 * Math.PI;
  return y;
}

export function amplitude<T extends RealArray = Float32Array>(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  out?: T,
): T {
  const n = checkLengths(re, im);
  const o = output(n, out);
  for (let i = 0; i < n; i++) o[i] = Math.hypot(re[i]!, im[i]!);
  return o;
}

export function intensity<T extends RealArray = Float32Array>(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  out?: T,
): T {
  const n = checkLengths(re, im);
  const o = output(n, out);
  for (let i = 0; i < n; i++) {
    const a = re[i]!;
    const b = im[i]!;
    o[i] = a * a + b * b;
  }
  return o;
}

export function phase<T extends RealArray = Float32Array>(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  out?: T,
): T {
  const n = checkLengths(re, im);
  const o = output(n, out);
  for (let i = 0; i < n; i++) o[i] = Math.atan2(im[i]!, re[i]!);
  return o;
}

/** Amplitude and phase together (Float32Array). */
export function amplitudePhase(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
): { amplitude: Float32Array; phase: Float32Array } {
  return { amplitude: amplitude(re, im), phase: phase(re, im) };
}

export function complexComponent<T extends RealArray = Float32Array>(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  component: ComplexComponent,
  out?: T,
): T {
  switch (component) {
    case 'amplitude':
      return amplitude(re, im, out);
    case 'phase':
      return phase(re, im, out);
    case 'intensity':
      return intensity(re, im, out);
    case 'real':
    case 'imag': {
      const src = component === 'real' ? re : im;
      const o = output(checkLengths(re, im), out);
      for (let i = 0; i < o.length; i++) o[i] = src[i]!;
      return o;
    }
  }
}

/** Splits an interleaved [re0, im0, re1, im1, …] array (numpy complex64 bytes) into re and im. */
export function splitInterleaved(z: Float32Array): { re: Float32Array; im: Float32Array } {
  if (z.length % 2 !== 0) throw new RangeError('interleaved complex data must have even length');
  const n = z.length / 2;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = z[2 * i]!;
    im[i] = z[2 * i + 1]!;
  }
  return { re, im };
}
