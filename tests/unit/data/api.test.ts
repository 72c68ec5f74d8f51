/** The data layer's entry points as the rest of the app calls them (README.md of compute/ptycho/data). */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { encodeNpz, readNpz } from '../../../compute/io/npz';
import {
  datasetSummary,
  estimatePhotonsFromQuantisation,
  loadRawDataset,
  rawDatasetFromNpz,
} from '../../../compute/ptycho/data/dataset';
import {
  gatherGroups,
  groupPositions,
  subsample,
  subsampleIndices,
} from '../../../compute/ptycho/data/grouping';
import { normalisationFactor, normaliseDiffraction } from '../../../compute/ptycho/data/normalise';
import { aberratedProbe, prepareProbe } from '../../../compute/ptycho/data/probe';
import { scanPositions, simulate } from '../../../compute/ptycho/data/simulate';
import { Rng } from '../../../compute/numerics/rng';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));

describe('data layer API', () => {
  const dense = loadRawDataset(fixture('dense-N64.npz'));

  it('subsample(raw, n, seed) keeps a sorted seeded subset of every per-pattern array', () => {
    const s = subsample(dense, 40, 7);
    const idx = subsampleIndices(dense.M, 40, 7);
    expect(s.M).toBe(40);
    expect(s.diffraction.length).toBe(40 * 64 * 64);
    expect(s.xcoords[5]).toBe(dense.xcoords[idx[5]!]);
    expect(s.diffraction[3 * 4096 + 2080]).toBe(dense.diffraction[idx[3]! * 4096 + 2080]);
    expect(subsample(dense, undefined, 1)).toBe(dense);
    expect(subsample(dense, 10_000, 1)).toBe(dense);
    expect(() => subsample(dense, 0, 1)).toThrow(/n_subsample must be a positive integer/);
  });

  it('groupPositions(raw, {gridsize, K, …}) groups on the nominal positions, like groupPositions(x, y, …)', () => {
    const a = groupPositions(dense, { gridsize: 2, K: 6, nGroups: 100, seed: 4 });
    const b = groupPositions(dense.xcoordsStart, dense.ycoordsStart, {
      gridsize: 2,
      neighborCount: 6,
      nGroups: 100,
      seed: 4,
    });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(() => groupPositions(dense, { gridsize: 2, K: 4, neighborCount: 5 })).toThrow(/disagree/);
    expect(() => groupPositions([1, 2, 3, 4, 5], [1, 2], { gridsize: 2 })).toThrow(
      /x has 5 positions but y has 2/,
    );
  });

  it('on a raster (many equal distances) every member is within the K-th nearest distance of its seed', () => {
    const K = 4;
    const g = groupPositions(dense, { gridsize: 2, K, seed: 1 });
    expect(g.B).toBe(dense.M);
    const x = dense.xcoordsStart;
    const y = dense.ycoordsStart;
    for (let b = 0; b < g.B; b += 7) {
      const s = g.seeds[b]!;
      const d = Array.from({ length: dense.M }, (_, j) => Math.hypot(x[j]! - x[s]!, y[j]! - y[s]!)).filter(
        (_, j) => j !== s,
      );
      d.sort((p, q) => p - q);
      const kth = d[K - 1]!;
      for (let c = 0; c < 4; c++) {
        const m = g.indices[b * 4 + c]!;
        expect(m).not.toBe(s);
        expect(Math.hypot(x[m]! - x[s]!, y[m]! - y[s]!)).toBeLessThanOrEqual(kth + 1e-9);
      }
    }
    const grouped = gatherGroups(dense, g);
    expect([grouped.B, grouped.C, grouped.N]).toEqual([dense.M, 4, 64]);
    expect(grouped.coordsRelative.length).toBe(dense.M * 4 * 2);
    expect(grouped.centroids.length).toBe(dense.M * 2);
  });

  it('gridsize 1 with oversampling draws seeds with replacement', () => {
    const g = groupPositions(dense, { gridsize: 1, nGroups: 1000, seed: 3, enableOversampling: true });
    expect(g.B).toBe(1000);
    expect(Math.max(...g.indices)).toBeLessThan(dense.M);
  });

  it('normaliseDiffraction returns α and αX; refuses a ragged stack', () => {
    const { alpha, normalised } = normaliseDiffraction(dense.diffraction, 64);
    expect(alpha).toBe(normalisationFactor(dense.diffraction, 64));
    let s = 0;
    for (const v of normalised) s += v * v;
    expect(s / dense.M).toBeCloseTo(32 ** 2, 2);
    expect(() => normaliseDiffraction(new Float32Array(100), 64)).toThrow(/stack of 64×64 patterns/);
  });

  it('prepareProbe(probe, probeScale) takes N from the probe', () => {
    const p = aberratedProbe(64);
    expect(prepareProbe(p, 4)).toEqual(prepareProbe(p, 64, 4));
    expect(() => prepareProbe(p, 128, 4)).toThrow(/expected 128×128/);
    expect(() => prepareProbe(p, 0)).toThrow(/probe_scale must be > 0/);
  });

  it('simulate() builds a raster scan whose arrays load as a valid dataset', () => {
    const sim = simulate({
      N: 64,
      object: 'grf',
      objectSize: 100,
      setPhi: true,
      probe: 'aberrated',
      nphotons: 1e6,
      gridStep: 8,
      seed: 5,
    });
    // Raster from buffer N/2 + 1 = 33 to 100 − 33 = 67 in steps of 8: 33, 41, …, 65 → 5 × 5.
    expect(sim.scan.M).toBe(25);
    expect(Array.from(sim.scan.xcoords.slice(0, 5))).toEqual([33, 41, 49, 57, 65]);
    expect(sim.scan.ycoords[5]).toBe(41);
    const raw = rawDatasetFromNpz(
      readNpz(encodeNpz(sim.arrays(), { metadata: { nphotons: 1e6 } }), 'sim.npz'),
      'sim.npz',
    );
    expect(raw.M).toBe(25);
    expect(raw.extra.get('ground_truth_patches')?.shape).toEqual([25, 64, 64]);
    const summary = datasetSummary(raw);
    expect(summary.nphotons).toBe(1e6);
    expect(summary.photonsEstimated! / 1e6).toBeGreaterThan(0.9);
    expect(summary.photonsEstimated! / 1e6).toBeLessThan(1.1);
    expect(summary.medianStepPx).toBe(8);
  });

  it('refuses impossible scan requests instead of looping or returning nothing', () => {
    const base = { N: 64, width: 200, height: 200, seed: 1 };
    expect(() => scanPositions({ ...base, gridStep: -2 })).toThrow(/grid step must be > 0/);
    expect(() => scanPositions({ ...base, gridStep: 0 })).toThrow(/grid step must be > 0/);
    expect(() => scanPositions({ ...base, nImages: 2.5 })).toThrow(/positive integer/);
    expect(() => scanPositions({ ...base, buffer: -1 })).toThrow(/buffer must be ≥ 0/);
    expect(() => simulate({ N: 48, object: 'lines', nphotons: 1e6, seed: 1 })).toThrow(
      /N must be 64, 128 or 256/,
    );
  });

  it('estimates photons only from amplitudes quantised like sqrt(counts)/s', () => {
    const rng = new Rng(2);
    const s = 50;
    const counts = Float32Array.from({ length: 20 * 64 * 64 }, () => Math.sqrt(rng.poisson(3)) / s);
    let total = 0;
    for (const v of counts) total += (v * s) ** 2;
    expect(estimatePhotonsFromQuantisation(counts, 20)! / (total / 20)).toBeCloseTo(1, 4);
    const smooth = Float32Array.from({ length: 20 * 64 * 64 }, () => rng.uniform());
    expect(estimatePhotonsFromQuantisation(smooth, 20)).toBeNull();
  });
});
