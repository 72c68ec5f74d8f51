import { describe, expect, it } from 'vitest';
import { encodeNpz } from '../../../compute/io/npz';
import { readNpz } from '../../../compute/io/npz';
import type { AnyNdArray } from '../../../compute/io/ndarray';
import {
  datasetSummary,
  rawDatasetFromNpz,
  selectPatterns,
  type RawDataset,
} from '../../../compute/ptycho/data/dataset';
import { gatherGroups, groupPositions, subsampleIndices } from '../../../compute/ptycho/data/grouping';
import { intensityScale, normalisationFactor, normalise } from '../../../compute/ptycho/data/normalise';
import { defaultProbe, prepareProbe, probeMask } from '../../../compute/ptycho/data/probe';
import { Rng } from '../../../compute/numerics/rng';

const N = 64;

function scan(M: number, overrides: Record<string, AnyNdArray | null> = {}): RawDataset {
  const rng = new Rng(5);
  const arrays: Record<string, AnyNdArray> = {
    diffraction: {
      dtype: 'float32',
      shape: [M, N, N],
      data: Float32Array.from({ length: M * N * N }, () => rng.uniform() * 0.3),
    },
    xcoords: {
      dtype: 'float64',
      shape: [M],
      data: Float64Array.from({ length: M }, () => 40 + rng.uniform() * 100),
    },
    ycoords: {
      dtype: 'float64',
      shape: [M],
      data: Float64Array.from({ length: M }, () => 40 + rng.uniform() * 100),
    },
    probeGuess: { dtype: 'complex64', shape: [N, N], data: new Float32Array(2 * N * N).fill(0.5) },
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete arrays[k];
    else arrays[k] = v;
  }
  return rawDatasetFromNpz(readNpz(encodeNpz(arrays), 'scan.npz'), 'scan.npz');
}

describe('raw dataset loader', () => {
  it('loads a valid scan and summarises it', () => {
    const raw = scan(30);
    expect(raw.M).toBe(30);
    expect(raw.N).toBe(64);
    expect(raw.xcoordsStart).toBe(raw.xcoords);
    const s = datasetSummary(raw);
    expect(s.patterns).toBe(30);
    expect(s.scanExtent.xmin).toBeGreaterThanOrEqual(40);
    expect(s.medianStepPx).toBeGreaterThan(0);
  });
  it('transposes legacy (N, N, M) stacks', () => {
    const M = 70;
    const d = new Float32Array(N * N * M);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++)
        for (let k = 0; k < M; k++) d[(i * N + j) * M + k] = (k + 1) * 0.001 + i * 1e-6;
    const raw = scan(M, { diffraction: { dtype: 'float32', shape: [N, N, M], data: d }, diff3d: null });
    expect(raw.transposedFromLegacy).toBe(true);
    expect(raw.diffraction[5 * N * N + 3 * N + 2]).toBeCloseTo(0.006 + 3e-6, 7);
  });
  it('refuses bad files with the file, key and expected value named', () => {
    const f32 = (shape: number[], v = 0.1) => ({
      dtype: 'float32' as const,
      shape,
      data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v),
    });
    expect(() => scan(10, { diffraction: null })).toThrow(
      /scan\.npz: no diffraction patterns: expected key 'diffraction' or 'diff3d' \(found: xcoords, ycoords, probeGuess\)/,
    );
    expect(() => scan(10, { xcoords: { dtype: 'float64', shape: [9], data: new Float64Array(9) } })).toThrow(
      /key 'xcoords': expected shape \(10,\) to match the 10 diffraction patterns, found \(9\)/,
    );
    expect(() => scan(10, { ycoords: null })).toThrow(/missing key 'ycoords'/);
    expect(() =>
      scan(10, { probeGuess: { dtype: 'complex64', shape: [32, 32], data: new Float32Array(2048) } }),
    ).toThrow(/key 'probeGuess': probe is 32×32 but the patterns are 64×64/);
    expect(() =>
      scan(10, { probeGuess: { dtype: 'complex64', shape: [64, 32], data: new Float32Array(4096) } }),
    ).toThrow(/probe must be square/);
    expect(() => scan(10, { diffraction: f32([10, 48, 48]) })).toThrow(/N must be 64, 128 or 256, found 48/);
    expect(() => scan(10, { diffraction: f32([10, 64, 48]) })).toThrow(/patterns must be square/);
    const nan = f32([10, 64, 64]);
    nan.data[3 * 4096 + 7] = NaN;
    expect(() => scan(10, { diffraction: nan })).toThrow(/non-finite value NaN in pattern 3 \(pixel 7\)/);
    const neg = f32([10, 64, 64]);
    neg.data[4096 * 2] = -0.5;
    expect(() => scan(10, { diffraction: neg })).toThrow(/negative amplitude -0.5 in pattern 2/);
    const counts = {
      dtype: 'uint16' as const,
      shape: [10, 64, 64],
      data: new Uint16Array(10 * 4096).fill(300),
    };
    expect(() => scan(10, { diffraction: counts })).toThrow(
      /looks like raw detector counts.*ptycho convert scan\.npz --sqrt/,
    );
    expect(() => scan(10, { diffraction: f32([10, 64, 64], 250) })).toThrow(
      /integer-valued data.*raw detector counts/,
    );
    expect(() => scan(10, { probeGuess: null })).toThrow(/missing key 'probeGuess'/);
  });
  it('selects patterns consistently across arrays', () => {
    const raw = scan(20);
    const sub = selectPatterns(raw, [2, 5, 19]);
    expect(sub.M).toBe(3);
    expect(sub.xcoords[2]).toBe(raw.xcoords[19]);
    expect(sub.diffraction[N * N + 10]).toBe(raw.diffraction[5 * N * N + 10]);
  });
});

describe('subsampling and grouping', () => {
  const rng = new Rng(11);
  const M = 400;
  const x = Float64Array.from({ length: M }, () => rng.uniform() * 200);
  const y = Float64Array.from({ length: M }, () => rng.uniform() * 200);

  /** Brute-force K nearest (excluding i) for the property check. */
  const knn = (i: number, K: number): Set<number> => {
    const d = Array.from({ length: M }, (_, j) => ({
      j,
      d: Math.hypot(x[j]! - x[i]!, y[j]! - y[i]!),
    })).filter((e) => e.j !== i);
    d.sort((a, b) => a.d - b.d);
    return new Set(d.slice(0, K).map((e) => e.j));
  };

  it('subsamples a sorted, seeded choice', () => {
    const a = subsampleIndices(100, 10, 3);
    expect(Array.from(a)).toEqual(Array.from(a).sort((p, q) => p - q));
    expect(new Set(a).size).toBe(10);
    expect(Array.from(subsampleIndices(100, 10, 3))).toEqual(Array.from(a));
    expect(Array.from(subsampleIndices(100, 10, 4))).not.toEqual(Array.from(a));
    expect(subsampleIndices(5, 10, 1).length).toBe(5);
  });
  it('forms gridsize-2 groups from the K nearest neighbours of each seed, excluding the seed', () => {
    const g = groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 150, seed: 9 });
    expect(g.B).toBe(150);
    expect(g.C).toBe(4);
    for (let b = 0; b < g.B; b++) {
      const members = Array.from(g.indices.subarray(b * 4, b * 4 + 4));
      expect(new Set(members).size).toBe(4);
      const near = knn(g.seeds[b]!, 6);
      for (const m of members) expect(near.has(m)).toBe(true);
      expect(members).not.toContain(g.seeds[b]);
    }
    const again = groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 150, seed: 9 });
    expect(Array.from(again.indices)).toEqual(Array.from(g.indices));
    expect(
      Array.from(groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 150, seed: 10 }).indices),
    ).not.toEqual(Array.from(g.indices));
  });
  it('makes one group per seed for gridsize 1 and caps groups at M without oversampling', () => {
    const g = groupPositions(x, y, { gridsize: 1, nGroups: 1000, seed: 1 });
    expect(g.B).toBe(M);
    expect(groupPositions(x, y, { gridsize: 1, nGroups: 50, seed: 1 }).B).toBe(50);
  });
  it('oversamples K-choose-C combinations only when enabled', () => {
    const small = { x: x.subarray(0, 40), y: y.subarray(0, 40) };
    expect(groupPositions(small.x, small.y, { gridsize: 2, neighborCount: 5, nGroups: 100, seed: 2 }).B).toBe(
      40,
    );
    const g = groupPositions(small.x, small.y, {
      gridsize: 2,
      neighborCount: 5,
      nGroups: 100,
      seed: 2,
      enableOversampling: true,
    });
    expect(g.B).toBe(100);
    const combos = new Set<string>();
    for (let b = 0; b < g.B; b++)
      combos.add(
        Array.from(g.indices.subarray(b * 4, b * 4 + 4))
          .sort()
          .join(','),
      );
    expect(combos.size).toBe(100);
  });
  it('refuses K < C and M < C', () => {
    expect(() => groupPositions(x, y, { gridsize: 2, neighborCount: 3 })).toThrow(
      /neighbor_count K = 3 must be ≥ C = gridsize² = 4/,
    );
    expect(() => groupPositions([1, 2, 3], [1, 2, 3], { gridsize: 2 })).toThrow(
      /needs at least 4 scan positions per group, but the dataset has 3/,
    );
  });
  it('gathers (B, C, N, N) amplitudes with coords_relative = centroid − position', () => {
    const raw = scan(30);
    const g = gatherGroups(
      raw,
      groupPositions(raw.xcoords, raw.ycoords, { gridsize: 2, nGroups: 5, seed: 1 }),
    );
    expect(g.amplitudes.length).toBe(5 * 4 * N * N);
    for (let b = 0; b < 5; b++) {
      let sx = 0;
      for (let c = 0; c < 4; c++) sx += g.coordsRelative[(b * 4 + c) * 2]!;
      expect(Math.abs(sx)).toBeLessThan(1e-4);
      const i = g.indices[b * 4 + 2]!;
      expect(g.coordsRelative[(b * 4 + 2) * 2 + 1]).toBeCloseTo(g.centroids[b * 2 + 1]! - raw.ycoords[i]!, 4);
      expect(g.amplitudes[(b * 4 + 2) * N * N + 17]).toBe(raw.diffraction[i * N * N + 17]);
    }
  });
});

describe('normalisation and probe', () => {
  it('α makes the mean per-pattern Σ X² equal (N/2)²', () => {
    const rng = new Rng(1);
    const a = Float32Array.from({ length: 7 * N * N }, () => rng.uniform());
    const alpha = normalisationFactor(a, N);
    const x = normalise(a, alpha);
    let s = 0;
    for (const v of x) s += v * v;
    expect(s / 7).toBeCloseTo((N / 2) ** 2, 1);
  });
  it("intensity scale matches PtychoPINN's values", () => {
    expect(intensityScale(1e9, 64)).toBeCloseTo(988.212, 2);
    expect(intensityScale(1e6, 64)).toBeCloseTo(31.25, 6);
    expect(intensityScale(1e5, 64)).toBeCloseTo(9.882, 3);
  });
  it('prepared probe has masked mean modulus 1/probe_scale', () => {
    const p = defaultProbe(N);
    const q = prepareProbe(p, N, 4);
    const m = probeMask(N);
    let s = 0;
    for (let i = 0; i < N * N; i++) s += m[i]! * Math.hypot(q.re[i]!, q.im[i]!);
    expect(s / (N * N)).toBeCloseTo(0.25, 6);
  });
  it('default probe is a blurred disk of radius ≈ 1.18σ, centred', () => {
    const p = defaultProbe(64);
    const sigma = 64 / (0.7 * Math.PI ** 2);
    const row = Array.from(p.re.subarray(32 * 64, 33 * 64));
    const inside = row.filter((v) => v > 0.5).length;
    expect(inside / 2).toBeGreaterThan(1.18 * sigma - 1.5);
    expect(inside / 2).toBeLessThan(1.18 * sigma + 1.5);
    expect(p.re[32 * 64 + 32]).toBeCloseTo(1, 3);
    expect(p.re[0]).toBeLessThan(1e-6);
  });
});
