/**
 * The probe follows the detector operations (compute/ptycho/data/formats/probeResample.ts):
 * --bin keeps its central (H/b)×(W/b), --crop resamples it by the same crop of its far field.
 * Golden values: numpy (tests/unit/formats/make_probe_resample.py → golden/probe_resample.json).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fft2 } from '../../../compute/numerics/fft2';
import {
  centralCrop,
  fourierCrop,
  probeAfterFrameOps,
} from '../../../compute/ptycho/data/formats/probeResample';
import { probeForN } from '../../../compute/ptycho/data/formats/common';
import type { ComplexImage } from '../../../compute/ptycho/data/dataset';

interface Case {
  H: number;
  W: number;
  bin: number;
  N: number;
  samples: [number, number, number, number][];
  sum_abs2: number;
}
const golden = JSON.parse(readFileSync(new URL('./golden/probe_resample.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

/** The analytic probe of the golden script, in float32. */
function probe(h: number, w: number): ComplexImage {
  const re = new Float32Array(h * w);
  const im = new Float32Array(h * w);
  const s = h / 6;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const amp = Math.exp(-((r - h / 2) ** 2 + (c - w / 2 + 3) ** 2) / (2 * s * s));
      const ph = 0.002 * ((r - h / 2) ** 2 + (c - w / 2) ** 2) + 0.3 * Math.sin((2 * Math.PI * r) / 17);
      re[r * w + c] = amp * Math.cos(ph);
      im[r * w + c] = amp * Math.sin(ph);
    }
  return { re, im, width: w, height: h };
}

/** |fftshift(fft2(p))|² as a flat array. */
function farField(p: ComplexImage): Float64Array {
  const F = fft2(p.width, p.height, p.re, p.im);
  const out = new Float64Array(p.width * p.height);
  for (let r = 0; r < p.height; r++)
    for (let c = 0; c < p.width; c++) {
      const sr = (r + Math.floor(p.height / 2)) % p.height;
      const sc = (c + Math.floor(p.width / 2)) % p.width;
      out[sr * p.width + sc] = F.re[r * p.width + c]! ** 2 + F.im[r * p.width + c]! ** 2;
    }
  return out;
}

describe('probe after --bin / --crop', () => {
  it.each(golden.cases)('$H×$W, bin $bin, crop $N matches numpy', (g) => {
    const q = probeAfterFrameOps(probe(g.H, g.W), { H: g.H, W: g.W, bin: g.bin }, g.N)!;
    expect(q.width).toBe(g.N);
    expect(q.height).toBe(g.N);
    for (const [r, c, re, im] of g.samples) {
      expect(q.re[r * g.N + c]).toBeCloseTo(re, 5);
      expect(q.im[r * g.N + c]).toBeCloseTo(im, 5);
    }
    let e = 0;
    for (let i = 0; i < q.re.length; i++) e += q.re[i]! ** 2 + q.im[i]! ** 2;
    expect(e / g.sum_abs2).toBeCloseTo(1, 5);
  });

  it("the resampled probe's far field is the cropped far field (scaled), as the detector saw it", () => {
    const p = probe(128, 128);
    const q = fourierCrop(p, 64, 64);
    const big = farField(p);
    const small = farField(q);
    const k = (64 * 64) / (128 * 128);
    let worst = 0;
    let peak = 0;
    for (let r = 0; r < 64; r++)
      for (let c = 0; c < 64; c++) {
        const want = big[(32 + r) * 128 + 32 + c]! * k * k;
        peak = Math.max(peak, want);
        worst = Math.max(worst, Math.abs(small[r * 64 + c]! - want));
      }
    expect(worst / peak).toBeLessThan(1e-5);
  });

  it('binning keeps the central part on the same pixel; a constant keeps its value', () => {
    const p = probe(128, 128);
    const c = centralCrop(p, 64, 64);
    expect(c.re[0]).toBe(p.re[32 * 128 + 32]);
    const flat: ComplexImage = {
      re: new Float32Array(128 * 128).fill(0.7),
      im: new Float32Array(128 * 128),
      width: 128,
      height: 128,
    };
    const f = fourierCrop(flat, 64, 64);
    expect(f.re[100]).toBeCloseTo(0.7, 6);
    expect(Math.abs(f.im[100]!)).toBeLessThan(1e-6);
  });

  it('probeForN carries a frame-grid probe onto N with a note, and still drops one on another grid', () => {
    const notes: string[] = [];
    const q = probeForN(probe(256, 256), 64, '/entry_1/probe', notes, { H: 256, W: 256, bin: 2 });
    expect(q?.width).toBe(64);
    expect(notes.at(-1)).toMatch(
      /256×256 → 64×64: central 128×128 kept for --bin 2, then resampled to 64×64/,
    );
    expect(probeForN(probe(100, 100), 64, 'probe', notes, { H: 256, W: 256, bin: 1 })).toBeNull();
    expect(notes.at(-1)).toMatch(/is 100×100, not 64×64 after crop\/bin: dropped/);
  });
});
