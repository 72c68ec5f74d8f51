import { describe, expect, it } from 'vitest';
import { fft1d, fft2, fftfreq, fftshiftIndex, ifft2 } from '../../../compute/numerics/fft2';
import { rng } from '../eval/helpers';

function directDft(re: Float64Array, im: Float64Array, inverse = false): [Float64Array, Float64Array] {
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
  return [or, oi];
}

function maxAbs(a: Float64Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describe('fft1d (radix-2, mixed radix, Bluestein) against a direct DFT', () => {
  // powers of two (radix-2), 13-smooth lengths (mixed radix), lengths with a large prime (Bluestein)
  const sizes = [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 30, 31, 64, 66, 97, 98, 100, 128, 143, 243, 362, 588];
  for (const n of sizes) {
    it(`n = ${n}`, () => {
      const r = rng(1000 + n);
      const re = Float64Array.from({ length: n }, () => r() - 0.5);
      const im = Float64Array.from({ length: n }, () => r() - 0.5);
      const [er, ei] = directDft(re, im);
      const fr = Float64Array.from(re);
      const fi = Float64Array.from(im);
      fft1d(fr, fi);
      const scale = Math.max(maxAbs(er), maxAbs(ei), 1);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(fr[k]! - er[k]!)).toBeLessThan(1e-12 * scale);
        expect(Math.abs(fi[k]! - ei[k]!)).toBeLessThan(1e-12 * scale);
      }
      // inverse with 1/n, and round trip
      const [ir, ii] = directDft(re, im, true);
      const br = Float64Array.from(re);
      const bi = Float64Array.from(im);
      fft1d(br, bi, true);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(br[k]! - ir[k]!)).toBeLessThan(1e-13);
        expect(Math.abs(bi[k]! - ii[k]!)).toBeLessThan(1e-13);
      }
      fft1d(fr, fi, true);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(fr[k]! - re[k]!)).toBeLessThan(1e-13);
        expect(Math.abs(fi[k]! - im[k]!)).toBeLessThan(1e-13);
      }
    });
  }
});

describe('fft2', () => {
  it('matches a direct 2-D DFT on a 6×5 (rows×cols) array, numpy axis conventions', () => {
    const w = 5;
    const h = 6;
    const r = rng(7);
    const re = Float64Array.from({ length: w * h }, () => r());
    const im = Float64Array.from({ length: w * h }, () => r());
    const f = fft2(w, h, re, im);
    for (let ky = 0; ky < h; ky++) {
      for (let kx = 0; kx < w; kx++) {
        let sr = 0;
        let si = 0;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const a = -2 * Math.PI * ((ky * y) / h + (kx * x) / w);
            sr += re[y * w + x]! * Math.cos(a) - im[y * w + x]! * Math.sin(a);
            si += re[y * w + x]! * Math.sin(a) + im[y * w + x]! * Math.cos(a);
          }
        }
        expect(f.re[ky * w + kx]).toBeCloseTo(sr, 12);
        expect(f.im[ky * w + kx]).toBeCloseTo(si, 12);
      }
    }
    const back = ifft2(w, h, f.re, f.im);
    for (let i = 0; i < w * h; i++) {
      expect(back.re[i]).toBeCloseTo(re[i]!, 13);
      expect(back.im[i]).toBeCloseTo(im[i]!, 13);
    }
  });

  it('fftfreq follows numpy (even and odd n)', () => {
    expect(Array.from(fftfreq(4))).toEqual([0, 0.25, -0.5, -0.25]);
    expect(Array.from(fftfreq(5, 2))).toEqual([0, 0.1, 0.2, -0.2, -0.1]);
  });
});

describe('fftshift index', () => {
  it('moves zero frequency to (N/2, N/2) and is a permutation', () => {
    const n = 8;
    const map = fftshiftIndex(n);
    expect(map[0]).toBe((n / 2) * n + n / 2);
    expect(new Set(map).size).toBe(n * n);
    // numpy: fftshift([0..7]) = [4,5,6,7,0,1,2,3] per axis
    expect(map[1]).toBe((n / 2) * n + n / 2 + 1);
    expect(map[n - 1]).toBe((n / 2) * n + n / 2 - 1);
  });
});
