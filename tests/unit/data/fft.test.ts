import { describe, expect, it } from 'vitest';
import { fft, fft2, fftPlan, fftshiftIndex } from '../../../compute/ptycho/data/fft';
import { Rng } from '../../../compute/ptycho/data/rng';

/** Direct O(n²) DFT, numpy's sign convention — the independent reference. */
function dft(re: Float64Array, im: Float64Array, inverse = false): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const or = new Float64Array(n);
  const oi = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
    or[k] = inverse ? sr / n : sr;
    oi[k] = inverse ? si / n : si;
  }
  return { re: or, im: oi };
}

/** Direct 2-D DFT by the double sum over rows and columns (no separability used). */
function dft2(re: Float64Array, im: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  const or = new Float64Array(n * n);
  const oi = new Float64Array(n * n);
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const a = (-2 * Math.PI * ((u * y + v * x) % n)) / n;
          const c = Math.cos(a);
          const s = Math.sin(a);
          sr += re[y * n + x]! * c - im[y * n + x]! * s;
          si += re[y * n + x]! * s + im[y * n + x]! * c;
        }
      or[u * n + v] = sr;
      oi[u * n + v] = si;
    }
  return { re: or, im: oi };
}

function randomComplex(n: number, seed: number): { re: Float64Array; im: Float64Array } {
  const rng = new Rng(seed);
  return { re: Float64Array.from({ length: n }, () => rng.normal()), im: Float64Array.from({ length: n }, () => rng.normal()) };
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('radix-2 FFT', () => {
  it.each([1, 2, 4, 8, 32, 64, 256])('matches a direct DFT for n = %i, forward and inverse', (n) => {
    const x = randomComplex(n, n);
    for (const inverse of [false, true]) {
      const ref = dft(x.re, x.im, inverse);
      const re = x.re.slice();
      const im = x.im.slice();
      fft(re, im, inverse);
      expect(maxDiff(re, ref.re)).toBeLessThan(1e-10 * n);
      expect(maxDiff(im, ref.im)).toBeLessThan(1e-10 * n);
    }
  });

  it.each([4, 8, 16])('2-D transform matches the direct double-sum DFT for %i×%i (rows = y, columns = x)', (n) => {
    const x = randomComplex(n * n, 100 + n);
    const ref = dft2(x.re, x.im, n);
    const re = x.re.slice();
    const im = x.im.slice();
    fft2(re, im, n);
    expect(maxDiff(re, ref.re)).toBeLessThan(1e-10 * n * n);
    expect(maxDiff(im, ref.im)).toBeLessThan(1e-10 * n * n);
    // A pure x-frequency (varies along columns only) lands in row 0.
    const wave = new Float64Array(n * n);
    for (let y = 0; y < n; y++) for (let c = 0; c < n; c++) wave[y * n + c] = Math.cos((2 * Math.PI * c) / n);
    const wi = new Float64Array(n * n);
    fft2(wave, wi, n);
    expect(wave[1]).toBeCloseTo((n * n) / 2, 9);
    expect(wave[n]).toBeCloseTo(0, 9);
  });

  it('inverse undoes forward and Parseval holds (N = 64)', () => {
    const n = 64;
    const x = randomComplex(n * n, 3);
    const re = x.re.slice();
    const im = x.im.slice();
    fft2(re, im, n);
    let eX = 0;
    let eF = 0;
    for (let i = 0; i < n * n; i++) {
      eX += x.re[i]! ** 2 + x.im[i]! ** 2;
      eF += re[i]! ** 2 + im[i]! ** 2;
    }
    expect(eF / (n * n)).toBeCloseTo(eX, 8);
    fft2(re, im, n, true);
    expect(maxDiff(re, x.re)).toBeLessThan(1e-12);
    expect(maxDiff(im, x.im)).toBeLessThan(1e-12);
  });

  it('transforms an image in place at an offset without touching its neighbours', () => {
    const n = 8;
    const x = randomComplex(3 * n * n, 9);
    const re = x.re.slice();
    const im = x.im.slice();
    fftPlan(n).transform2d(re, im, n * n);
    const ref = dft2(x.re.slice(n * n, 2 * n * n), x.im.slice(n * n, 2 * n * n), n);
    expect(maxDiff(re.slice(n * n, 2 * n * n), ref.re)).toBeLessThan(1e-10);
    expect(re.slice(0, n * n)).toEqual(x.re.slice(0, n * n));
    expect(im.slice(2 * n * n)).toEqual(x.im.slice(2 * n * n));
  });

  it('refuses lengths that are not powers of two', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power-of-two length, got 6/);
    expect(() => fft2(new Float64Array(16), new Float64Array(16), 8)).toThrow(/expected 8×8/);
  });

  it('fftshift index moves zero frequency to (N/2, N/2) and is a permutation', () => {
    const n = 8;
    const map = fftshiftIndex(n);
    expect(map[0]).toBe((n / 2) * n + n / 2);
    expect(new Set(map).size).toBe(n * n);
    // numpy: fftshift([0..7]) = [4,5,6,7,0,1,2,3] per axis
    expect(map[1]).toBe((n / 2) * n + n / 2 + 1);
    expect(map[n - 1]).toBe((n / 2) * n + n / 2 - 1);
  });
});
