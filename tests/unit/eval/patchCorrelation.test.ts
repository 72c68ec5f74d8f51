import { describe, expect, it } from 'vitest';
import { patchCorrelation } from '../../../compute/ptycho/eval/patchCorrelation';
import { seededRandom } from '../../../compute/engine/params';

const N = 16;

function patches(
  count: number,
  f: (b: number, r: number, c: number) => [number, number],
): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(count * N * N);
  const im = new Float64Array(count * N * N);
  for (let b = 0; b < count; b++)
    for (let r = 0; r < N; r++)
      for (let c = 0; c < N; c++) {
        const [a, p] = f(b, r, c);
        re[b * N * N + r * N + c] = a * Math.cos(p);
        im[b * N * N + r * N + c] = a * Math.sin(p);
      }
  return { re, im };
}

/** Direct two-pass Pearson r, the textbook formula. */
function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((v, i) => {
    ab += (v - ma) * (b[i]! - mb);
    aa += (v - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('patchCorrelation', () => {
  const rand = seededRandom(5);
  const amps = Array.from({ length: 3 * N * N }, () => 0.2 + rand());
  const phases = Array.from({ length: 3 * N * N }, () => 2 * rand() - 1);
  const truth = patches(3, (b, r, c) => [amps[b * N * N + r * N + c]!, phases[b * N * N + r * N + c]!]);

  it('is 1 for the truth itself, also after a different constant phase per patch and a scaled amplitude', () => {
    const pred = patches(3, (b, r, c) => [
      3 * amps[b * N * N + r * N + c]!,
      phases[b * N * N + r * N + c]! + 2.5 * (b + 1),
    ]);
    const m = patchCorrelation(pred, truth, N);
    expect(m.amplitude).toBeCloseTo(1, 12);
    expect(m.phase).toBeCloseTo(1, 12);
    expect(m.pixels).toBe(3 * (N / 2) ** 2);
  });

  it('is −1 for an inverted amplitude and a conjugated phase', () => {
    const pred = patches(3, (b, r, c) => [2 - amps[b * N * N + r * N + c]!, -phases[b * N * N + r * N + c]!]);
    const m = patchCorrelation(pred, truth, N);
    expect(m.amplitude).toBeCloseTo(-1, 12);
    expect(m.phase).toBeCloseTo(-1, 6);
  });

  it('is ≈ 0 for a flat object, and only the central crop counts', () => {
    const flat = patchCorrelation(
      patches(3, () => [0.7, 0.3]),
      truth,
      N,
    );
    expect(flat.amplitude).toBe(0);
    expect(flat.phase).toBe(0);
    // Garbage outside the central N/2 square does not change the score.
    const lo = N / 4;
    const hi = (3 * N) / 4;
    const framed = patches(3, (b, r, c) =>
      r >= lo && r < hi && c >= lo && c < hi
        ? [amps[b * N * N + r * N + c]!, phases[b * N * N + r * N + c]!]
        : [rand() * 9, rand() * 6],
    );
    expect(patchCorrelation(framed, truth, N).amplitude).toBeCloseTo(1, 12);
  });

  it('matches a direct Pearson computation on noisy data (crop 10)', () => {
    const pred = patches(3, (b, r, c) => [
      amps[b * N * N + r * N + c]! + 0.3 * rand(),
      0.5 * phases[b * N * N + r * N + c]! + 0.4 * rand(),
    ]);
    const a: number[] = [];
    const t: number[] = [];
    const pa: number[] = [];
    const ta: number[] = [];
    for (let b = 0; b < 3; b++) {
      const ks: number[] = [];
      for (let r = 3; r < 13; r++) for (let c = 3; c < 13; c++) ks.push(b * N * N + r * N + c);
      // Phases here stay within (−π, π) after centring, so a plain mean removal is exact.
      const mp = Math.atan2(
        ks.reduce((s, k) => s + Math.sin(Math.atan2(pred.im[k]!, pred.re[k]!)), 0),
        ks.reduce((s, k) => s + Math.cos(Math.atan2(pred.im[k]!, pred.re[k]!)), 0),
      );
      const mt = Math.atan2(
        ks.reduce((s, k) => s + Math.sin(phases[k]!), 0),
        ks.reduce((s, k) => s + Math.cos(phases[k]!), 0),
      );
      for (const k of ks) {
        a.push(Math.hypot(pred.re[k]!, pred.im[k]!));
        t.push(amps[k]!);
        pa.push(Math.atan2(pred.im[k]!, pred.re[k]!) - mp);
        ta.push(phases[k]! - mt);
      }
    }
    const m = patchCorrelation(pred, truth, N, 10);
    expect(m.amplitude).toBeCloseTo(pearson(a, t), 10);
    expect(m.phase).toBeCloseTo(pearson(pa, ta), 10);
    expect(m.amplitude).toBeGreaterThan(0.3);
    expect(m.amplitude).toBeLessThan(0.99);
  });

  it('refuses mismatched shapes and crops', () => {
    expect(() => patchCorrelation({ re: new Float32Array(10), im: new Float32Array(10) }, truth, N)).toThrow(
      /must both be/,
    );
    expect(() => patchCorrelation(truth, truth, N, 0)).toThrow(/crop/);
  });
});
