import { describe, expect, it } from 'vitest';
import {
  amplitudeOf,
  borderBox,
  complexImage,
  cropComplex,
  fromAmplitudePhase,
  image,
  phaseOf,
} from '../../../compute/numerics/image';

describe('image containers', () => {
  it('amplitude/phase round trip; phase is numpy.angle (wrapped, atan2)', () => {
    const amp = image(3, 2, [1, 2, 0.5, 3, 1, 2]);
    const ph = image(3, 2, [0, 1, -1, 3, -3, Math.PI]);
    const z = fromAmplitudePhase(amp, ph);
    amplitudeOf(z).data.forEach((v, i) => expect(v).toBeCloseTo(amp.data[i]!, 14));
    const p = phaseOf(z).data;
    [0, 1, -1, 3, -3].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 14));
    expect(Math.abs(p[5]!)).toBeCloseTo(Math.PI, 14);
    expect(phaseOf(complexImage(1, 1, [-1], [0])).data[0]).toBe(Math.PI);
  });

  it('row-major layout: crop rows [1,3) × cols [2,4)', () => {
    const z = complexImage(
      5,
      4,
      Array.from({ length: 20 }, (_, i) => i),
      Array.from({ length: 20 }, (_, i) => -i),
    );
    const c = cropComplex(z, { row0: 1, row1: 3, col0: 2, col1: 4 });
    expect(Array.from(c.re)).toEqual([7, 8, 12, 13]);
    expect(Array.from(c.im)).toEqual([-7, -8, -12, -13]);
  });

  it('validates shapes and crops with messages that name the sizes', () => {
    expect(() => image(3, 2, [1, 2])).toThrow(/2 samples, expected 3×2 = 6/);
    expect(() => cropComplex(complexImage(4, 4), { row0: 0, row1: 5, col0: 0, col1: 2 })).toThrow(
      /outside a 4×4 image/,
    );
    expect(() => borderBox({ width: 4, height: 10 }, 2)).toThrow(/leaves nothing of a 10×4 image/);
  });
});
