/**
 * Complex fields (object, probe) as split real/imaginary Float32Arrays → displayable real maps.
 *
 * - amplitude  |z| = √(re² + im²)
 * - intensity  |z|² = re² + im²
 * - phase      arg z wrapped to (−π, π]: atan2 gives [−π, π] (−π for im = −0, re < 0), and −π is
 *              mapped to +π so that every phase has exactly one representation.
 *
 * All functions take an optional `out` array (same length) to avoid allocating per frame.
 */

export type ComplexComponent = 'amplitude' | 'phase' | 'intensity' | 'real' | 'imag';

export const COMPLEX_COMPONENTS: readonly ComplexComponent[] = ['amplitude', 'phase', 'intensity', 'real', 'imag'];

function output(n: number, out?: Float32Array): Float32Array {
  if (out && out.length !== n) throw new RangeError(`out has length ${out.length}, expected ${n}`);
  return out ?? new Float32Array(n);
}

function checkLengths(re: ArrayLike<number>, im: ArrayLike<number>): number {
  if (re.length !== im.length) throw new RangeError(`re and im differ in length (${re.length} vs ${im.length})`);
  return re.length;
}

/** Wraps any angle to (−π, π]. */
export function wrapPhase(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let y = x - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI)); // [−π, π)
  if (y <= -Math.PI) y += 2 * Math.PI;
  return y;
}

export function amplitude(re: ArrayLike<number>, im: ArrayLike<number>, out?: Float32Array): Float32Array {
  const n = checkLengths(re, im);
  const o = output(n, out);
  for (let i = 0; i < n; i++) {
    const a = re[i]!;
    const b = im[i]!;
    o[i] = Math.sqrt(a * a + b * b);
  }
  return o;
}

export function intensity(re: ArrayLike<number>, im: ArrayLike<number>, out?: Float32Array): Float32Array {
  const n = checkLengths(re, im);
  const o = output(n, out);
  for (let i = 0; i < n; i++) {
    const a = re[i]!;
    const b = im[i]!;
    o[i] = a * a + b * b;
  }
  return o;
}

export function phase(re: ArrayLike<number>, im: ArrayLike<number>, out?: Float32Array): Float32Array {
  const n = checkLengths(re, im);
  const o = output(n, out);
  for (let i = 0; i < n; i++) {
    const p = Math.atan2(im[i]!, re[i]!);
    o[i] = p <= -Math.PI ? Math.PI : p;
  }
  return o;
}

export function complexComponent(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  component: ComplexComponent,
  out?: Float32Array,
): Float32Array {
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
