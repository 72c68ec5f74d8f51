import { describe, expect, it } from 'vitest';
import {
  amplitude,
  complexComponent,
  intensity,
  phase,
  splitInterleaved,
  wrapPhase,
} from '../../../compute/numerics/complex';

describe('complex → real maps', () => {
  it('amplitude, intensity and phase of analytic values', () => {
    // z = r·e^{iφ} on a grid of radii and angles strictly inside (−π, π)
    const re: number[] = [];
    const im: number[] = [];
    const want: Array<[number, number]> = [];
    for (const r of [0.5, 1, 3.25]) {
      for (let k = -7; k <= 7; k++) {
        const phi = (k / 8) * Math.PI;
        re.push(r * Math.cos(phi));
        im.push(r * Math.sin(phi));
        want.push([r, phi]);
      }
    }
    const a = amplitude(Float32Array.from(re), Float32Array.from(im));
    const p = phase(Float32Array.from(re), Float32Array.from(im));
    const I = intensity(Float32Array.from(re), Float32Array.from(im));
    want.forEach(([r, phi], i) => {
      expect(a[i]).toBeCloseTo(r, 5);
      expect(I[i]).toBeCloseTo(r * r, 4);
      expect(p[i]).toBeCloseTo(phi, 5);
    });
  });

  it('phase is numpy.angle: the negative real axis is +π, and −π only for a −0 imaginary part', () => {
    const p = phase(
      new Float64Array([-1, -1, -2, 0, 0, 1]),
      new Float64Array([0, -0, -0, 1, -1, 0]),
      new Float64Array(6),
    );
    expect(p[0]).toBe(Math.PI);
    expect(p[1]).toBe(-Math.PI);
    expect(p[2]).toBe(-Math.PI);
    expect(p[3]).toBe(Math.PI / 2);
    expect(p[4]).toBe(-Math.PI / 2);
    expect(p[5]).toBe(0);
  });

  it('amplitude is hypot (no overflow for large parts) and honours a Float64Array out', () => {
    const a = amplitude([3e200, 0], [4e200, 2], new Float64Array(2));
    expect(a).toBeInstanceOf(Float64Array);
    expect(a[0]).toBeCloseTo(5e200, -190);
    expect(a[1]).toBe(2);
  });

  it('wrapPhase maps every angle into (−π, π]', () => {
    expect(wrapPhase(0)).toBe(0);
    expect(wrapPhase(Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapPhase(-Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapPhase(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapPhase(2 * Math.PI + 0.5)).toBeCloseTo(0.5, 12);
    expect(wrapPhase(-2 * Math.PI - 0.5)).toBeCloseTo(-0.5, 12);
    expect(wrapPhase(7)).toBeCloseTo(7 - 2 * Math.PI, 12);
    expect(wrapPhase(NaN)).toBeNaN();
  });

  it('reuses the out buffer, checks lengths, splits interleaved data', () => {
    const out = new Float32Array(2);
    expect(amplitude(new Float32Array([3, 0]), new Float32Array([4, 2]), out)).toBe(out);
    expect(Array.from(out)).toEqual([5, 2]);
    expect(() => amplitude(new Float32Array(2), new Float32Array(3))).toThrow(RangeError);
    expect(() => phase(new Float32Array(2), new Float32Array(2), new Float32Array(1))).toThrow(RangeError);
    const { re, im } = splitInterleaved(new Float32Array([1, 2, 3, 4]));
    expect(Array.from(re)).toEqual([1, 3]);
    expect(Array.from(im)).toEqual([2, 4]);
    expect(Array.from(complexComponent(re, im, 'imag'))).toEqual([2, 4]);
    expect(Array.from(complexComponent(re, im, 'real'))).toEqual([1, 3]);
  });
});
