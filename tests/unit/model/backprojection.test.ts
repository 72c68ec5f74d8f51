/**
 * bpunet's back-projection (compute/ptycho/model/backprojection.ts) against direct float64 loops:
 * the inverse of the fftshift-folded DFT, the probe's far-field phase, the regularised division.
 * - A flat object comes back as the trust map c = |P|²/(|P|² + ρ⟨|P|²⟩), real.
 * - For a random object and probe, Re/Im/|O₀| equal the direct-loop back-projection of the
 *   amplitudes A = |DFT(P·O)|/N (fftshifted) to float32 precision.
 * - The probe-mismatch check that flags a scan taken with another probe, against a brute-force
 *   search over the global phase.
 */
import { describe, expect, it } from 'vitest';
import { CompiledGraph } from '../../../compute/engine/compile';
import { Graph } from '../../../compute/engine/ir';
import { Rng } from '../../../compute/numerics/rng';
import { ParamStore } from '../../../compute/engine/params';
import {
  BackProjectionUNet,
  backProjectionProbeMismatch,
  BP_PROBE_IM,
  BP_PROBE_RE,
  BP_REGULARISER,
  unetLevels,
} from '../../../compute/ptycho/model/backprojection';
import { DEFAULT_MODEL_SPEC, type PinnModelSpec } from '../../../compute/ptycho/model/spec';

const N = 16;

/** Direct 2-D DFT, sign −1 forward / +1 inverse, unnormalised, of an N×N complex field. */
function dft2(re: Float64Array, im: Float64Array, sign: 1 | -1): { re: Float64Array; im: Float64Array } {
  const oRe = new Float64Array(N * N);
  const oIm = new Float64Array(N * N);
  for (let ky = 0; ky < N; ky++)
    for (let kx = 0; kx < N; kx++) {
      let sr = 0,
        si = 0;
      for (let y = 0; y < N; y++)
        for (let x = 0; x < N; x++) {
          const a = (sign * 2 * Math.PI * (ky * y + kx * x)) / N;
          const c = Math.cos(a),
            s = Math.sin(a);
          sr += re[y * N + x]! * c - im[y * N + x]! * s;
          si += re[y * N + x]! * s + im[y * N + x]! * c;
        }
      oRe[ky * N + kx] = sr;
      oIm[ky * N + kx] = si;
    }
  return { re: oRe, im: oIm };
}
/** fftshift of an N×N array (N even: its own inverse). */
const shift = (a: Float64Array): Float64Array =>
  Float64Array.from({ length: N * N }, (_, i) => {
    const y = Math.floor(i / N),
      x = i % N;
    return a[((y + N / 2) % N) * N + ((x + N / 2) % N)]!;
  });

/** The back-projection by loops: amplitudes (fftshifted) → O₀ (re, im). */
function referenceBackProjection(
  A: Float64Array,
  P: { re: Float64Array; im: Float64Array },
): { re: Float64Array; im: Float64Array } {
  const FP = dft2(P.re, P.im, -1);
  const Zre = new Float64Array(N * N),
    Zim = new Float64Array(N * N);
  const a = shift(A); // back to the unshifted layout
  for (let i = 0; i < N * N; i++) {
    const m = Math.hypot(FP.re[i]!, FP.im[i]!);
    Zre[i] = (a[i]! * FP.re[i]!) / m;
    Zim[i] = (a[i]! * FP.im[i]!) / m;
  }
  const psi = dft2(Zre, Zim, 1);
  let p2mean = 0;
  for (let i = 0; i < N * N; i++) p2mean += (P.re[i]! ** 2 + P.im[i]! ** 2) / (N * N);
  const out = { re: new Float64Array(N * N), im: new Float64Array(N * N) };
  for (let i = 0; i < N * N; i++) {
    // ψ = IDFT(Z)/N² · N (amplitudes are |DFT|/N), times P̄ / (|P|² + ρ⟨|P|²⟩)
    const pr = psi.re[i]! / N,
      pi = psi.im[i]! / N;
    const d = P.re[i]! ** 2 + P.im[i]! ** 2 + BP_REGULARISER * p2mean;
    out.re[i] = (pr * P.re[i]! + pi * P.im[i]!) / d;
    out.im[i] = (pi * P.re[i]! - pr * P.im[i]!) / d;
  }
  return out;
}

async function runBackProjection(
  A: Float64Array,
  P: { re: Float64Array; im: Float64Array },
): Promise<Float32Array> {
  const spec: PinnModelSpec = { ...DEFAULT_MODEL_SPEC, N: N as 64, architecture: 'bpunet' };
  const g = new Graph();
  const gen = new BackProjectionUNet(g, spec, { re: Float32Array.from(P.re), im: Float32Array.from(P.im) });
  const x = g.input('x', ['B', 1, N, N]);
  const cg = await CompiledGraph.create({ bp: gen.backProjection(x).channels }, { threads: 1 });
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {
    x: { data: Float32Array.from(A), dims: [1, 1, N, N] },
  };
  for (const d of gen.decls)
    feeds[d.name] = { data: (d.init as { value: Float32Array }).value, dims: d.shape };
  return (await cg.run(feeds)).bp!.data;
}

describe('bpunet back-projection (direct float64 loops)', () => {
  const rng = new Rng(5);
  const rand = (lo: number, hi: number) =>
    Float64Array.from({ length: N * N }, () => lo + (hi - lo) * rng.uniform());
  const P = { re: rand(-1, 1), im: rand(-1, 1) };
  const amplitudes = (O: { re: Float64Array; im: Float64Array }): Float64Array => {
    const psi = { re: new Float64Array(N * N), im: new Float64Array(N * N) };
    for (let i = 0; i < N * N; i++) {
      psi.re[i] = P.re[i]! * O.re[i]! - P.im[i]! * O.im[i]!;
      psi.im[i] = P.re[i]! * O.im[i]! + P.im[i]! * O.re[i]!;
    }
    const F = dft2(psi.re, psi.im, -1);
    return shift(Float64Array.from({ length: N * N }, (_, i) => Math.hypot(F.re[i]!, F.im[i]!) / N));
  };

  it('a flat object comes back as the trust map (real)', async () => {
    const out = await runBackProjection(
      amplitudes({ re: new Float64Array(N * N).fill(1), im: new Float64Array(N * N) }),
      P,
    );
    const NN = N * N;
    for (let i = 0; i < NN; i++) {
      const trust = out[3 * NN + i]!;
      expect(out[i]).toBeCloseTo(trust, 4);
      expect(out[NN + i]).toBeCloseTo(0, 4);
      expect(out[2 * NN + i]).toBeCloseTo(trust, 4);
    }
  });

  it('a random object: Re, Im and |O₀| match the loops', async () => {
    const O = { re: rand(0.2, 1), im: rand(-0.5, 0.5) };
    const A = amplitudes(O);
    const ref = referenceBackProjection(A, P);
    const out = await runBackProjection(A, P);
    const NN = N * N;
    let maxErr = 0,
      scale = 0;
    for (let i = 0; i < NN; i++) {
      maxErr = Math.max(
        maxErr,
        Math.abs(out[i]! - ref.re[i]!),
        Math.abs(out[NN + i]! - ref.im[i]!),
        Math.abs(out[2 * NN + i]! - Math.hypot(ref.re[i]!, ref.im[i]!)),
      );
      scale = Math.max(scale, Math.hypot(ref.re[i]!, ref.im[i]!));
    }
    expect(scale).toBeGreaterThan(0.1);
    expect(maxErr / scale).toBeLessThan(1e-5);
    // and it is not the object itself (a single pattern does not determine its phase)
    let dist = 0;
    for (let i = 0; i < NN; i++) dist = Math.max(dist, Math.abs(ref.im[i]! - O.im[i]!));
    expect(dist).toBeGreaterThan(0.01);
  });

  it('levels: the bottleneck is 8×8', () => {
    expect([64, 128, 256].map(unetLevels)).toEqual([3, 4, 5]);
  });
});

describe('backProjectionProbeMismatch (is this scan taken with the training probe?)', () => {
  const rng = new Rng(5);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
  const q = { re: rand(N * N), im: rand(N * N) };
  const store = (p: { re: Float32Array; im: Float32Array }): ParamStore => {
    const s = new ParamStore();
    s.set(BP_PROBE_RE, p.re.slice(), [N, N]);
    s.set(BP_PROBE_IM, p.im.slice(), [N, N]);
    return s;
  };
  /** Reference: min over a fine grid of global phases φ of ‖e^{iφ}p − q‖ / ‖q‖, in float64. */
  function bruteForce(p: { re: Float32Array; im: Float32Array }): number {
    let best = Infinity,
      qq = 0;
    for (let k = 0; k < N * N; k++) qq += q.re[k]! ** 2 + q.im[k]! ** 2;
    for (let t = 0; t < 20_000; t++) {
      const phi = (2 * Math.PI * t) / 20_000,
        c = Math.cos(phi),
        s = Math.sin(phi);
      let d = 0;
      for (let k = 0; k < N * N; k++)
        d += (c * p.re[k]! - s * p.im[k]! - q.re[k]!) ** 2 + (s * p.re[k]! + c * p.im[k]! - q.im[k]!) ** 2;
      best = Math.min(best, d);
    }
    return Math.sqrt(best / qq);
  }
  it('is 0 for the same probe and for a global phase of it, the scale error for a scaled one', () => {
    const s = store(q);
    expect(backProjectionProbeMismatch(s, q)).toBeLessThan(1e-6);
    const c = Math.cos(0.7),
      sn = Math.sin(0.7);
    const rotated = {
      re: q.re.map((r, k) => c * r - sn * q.im[k]!),
      im: q.im.map((i, k) => sn * q.re[k]! + c * i),
    };
    expect(backProjectionProbeMismatch(s, rotated)).toBeLessThan(1e-6);
    expect(
      backProjectionProbeMismatch(s, { re: q.re.map((v) => 1.1 * v), im: q.im.map((v) => 1.1 * v) }),
    ).toBeCloseTo(0.1, 5);
  });
  it('matches a brute-force search over the global phase for a different probe', () => {
    const p = { re: q.re.map((v) => v + 0.3 * (rng.uniform() - 0.5)), im: q.im.map((v) => 0.8 * v) };
    const m = backProjectionProbeMismatch(store(q), p)!;
    expect(m).toBeGreaterThan(0.05);
    expect(m).toBeCloseTo(bruteForce(p), 4);
  });
  it('is null for a model without a back-projection probe (the other generators)', () => {
    expect(backProjectionProbeMismatch(new ParamStore(), q)).toBeNull();
  });
});
