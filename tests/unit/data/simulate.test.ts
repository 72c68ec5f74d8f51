import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { makeObject } from '../../../compute/ptycho/data/objects';
import { defaultProbe } from '../../../compute/ptycho/data/probe';
import {
  extractPatch,
  extractPatchesAt,
  simulateScan,
  spatialSplit,
} from '../../../compute/ptycho/data/simulate';
import { loadRawDataset } from '../../../compute/ptycho/data/dataset';
import { readNpz, writeNpz } from '../../../compute/io/npz';

const N = 64;

describe('simulation', () => {
  it('a flat object under a uniform probe gives a delta at the centre', () => {
    const object = {
      re: new Float32Array(100 * 100).fill(1),
      im: new Float32Array(100 * 100),
      width: 100,
      height: 100,
    };
    const probe = { re: new Float32Array(N * N).fill(1), im: new Float32Array(N * N) };
    const sim = simulateScan({ N, object, probe, nphotons: 1e6, nImages: 3, seed: 1, buffer: 33 });
    for (let m = 0; m < 3; m++) {
      const d = sim.diffraction.subarray(m * N * N, (m + 1) * N * N);
      const centre = d[(N / 2) * N + N / 2]!;
      let rest = 0;
      d.forEach((v, i) => {
        if (i !== (N / 2) * N + N / 2) rest += v * v;
      });
      expect(rest).toBe(0);
      // all 1e6 photons land in one pixel: sqrt(counts)/s with s² = 1e6 / N²
      expect(centre * sim.scale).toBeGreaterThan(Math.sqrt(1e6) * 0.99);
      expect(centre * sim.scale).toBeLessThan(Math.sqrt(1e6) * 1.01);
    }
  });
  it('has Poisson statistics at nphotons per pattern', () => {
    const object = makeObject('grf', 160, 3, true);
    const sim = simulateScan({ N, object, probe: defaultProbe(N), nphotons: 1e4, nImages: 40, seed: 2 });
    let total = 0;
    for (let i = 0; i < sim.diffraction.length; i++) total += (sim.diffraction[i]! * sim.scale) ** 2;
    expect(total / sim.M / 1e4).toBeGreaterThan(0.97);
    expect(total / sim.M / 1e4).toBeLessThan(1.03);
    // counts are integers
    for (let i = 0; i < 2000; i++) {
      const c = (sim.diffraction[i]! * sim.scale) ** 2;
      expect(Math.abs(c - Math.round(c))).toBeLessThan(1e-2 * Math.max(1, c));
    }
  });
  it('is deterministic for a seed and differs between seeds', () => {
    const object = makeObject('lines', 140, 5, false);
    const a = simulateScan({ N, object, probe: defaultProbe(N), nphotons: 1e5, nImages: 5, seed: 9 });
    const b = simulateScan({ N, object, probe: defaultProbe(N), nphotons: 1e5, nImages: 5, seed: 9 });
    const c = simulateScan({ N, object, probe: defaultProbe(N), nphotons: 1e5, nImages: 5, seed: 10 });
    expect(Buffer.from(a.diffraction.buffer)).toEqual(Buffer.from(b.diffraction.buffer));
    expect(Buffer.from(a.diffraction.buffer)).not.toEqual(Buffer.from(c.diffraction.buffer));
  });
  it('centres patches on positions (bilinear, x = column, y = row)', () => {
    const W = 100;
    const object = {
      re: Float32Array.from({ length: W * W }, (_, k) => (k % W) + 1000 * Math.floor(k / W)),
      im: new Float32Array(W * W),
      width: W,
      height: W,
    };
    const re = new Float64Array(N * N);
    const im = new Float64Array(N * N);
    extractPatch(object, 50.25, 40, N, re, im);
    expect(re[(N / 2) * N + N / 2]).toBeCloseTo(40 * 1000 + 50.25, 6);
    // Many positions at once: patch b is centred on (x_b, y_b).
    const many = extractPatchesAt(object, [50.25, 40, 30, 60.5], N);
    expect(many.re.length).toBe(2 * N * N);
    expect(Array.from(many.re.subarray(0, N * N))).toEqual(Array.from(re));
    expect(many.re[N * N + (N / 2) * N + N / 2]).toBeCloseTo(60.5 * 1000 + 30, 6);
  });
  it('splits spatially along y', () => {
    const y = Float64Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const s = spatialSplit(y, 0.8);
    expect(Array.from(s.train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(s.test)).toEqual([8, 9]);
  });
  it('a split fraction is the share of patterns, also on random positions (0.67 → 67 %, not 70 %)', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) ** 1.3); // uneven spacing
    const s = spatialSplit(y, 0.67);
    expect(s.train.length).toBe(67);
    expect(s.test.length).toBe(33);
    const maxTrain = Math.max(...Array.from(s.train, (i) => y[i]!));
    const minTest = Math.min(...Array.from(s.test, (i) => y[i]!));
    expect(maxTrain).toBeLessThanOrEqual(minTest); // still spatial: the train part lies below the test part
  });
});

describe('ptycho simulate / inspect / convert', () => {
  const bin = fileURLToPath(new URL('../../../bin/ptycho.js', import.meta.url));
  const run = (a: string[]) => spawnSync(process.execPath, [bin, ...a], { encoding: 'utf8' });
  it('simulates a split scan that loads as a valid dataset, inspects it and converts counts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const r = run([
      'simulate',
      '--object',
      'grf',
      '--N',
      '64',
      '--n_images',
      '60',
      '--nphotons',
      '1e5',
      '--seed',
      '3',
      '--split',
      '0.5',
      '--output_file',
      join(dir, 's.npz'),
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const train = loadRawDataset(join(dir, 's_train.npz'));
    const test = loadRawDataset(join(dir, 's_test.npz'));
    expect(train.M + test.M).toBe(60);
    expect(Math.max(...train.ycoords)).toBeLessThan(Math.min(...test.ycoords));
    expect(readNpz(join(dir, 's_train.npz')).arrays.get('ground_truth_patches')!.shape).toEqual([
      train.M,
      64,
      64,
    ]);
    const i = run(['inspect', join(dir, 's_test.npz')]);
    expect(i.status).toBe(0);
    expect(i.stdout).toMatch(/patterns\s+\d+ of 64×64/);
    expect(i.stdout).toMatch(/1\.000e\+5 per pattern \(metadata\)/);
    // raw counts (uint16 intensity under the legacy key) are refused, then converted
    const z = readNpz(join(dir, 's_test.npz'));
    const d = z.arrays.get('diffraction')!;
    const counts = Uint16Array.from(d.data as Float32Array, (v) => Math.round(v * v * 100));
    const arrays = Object.fromEntries(z.arrays);
    delete arrays.diffraction;
    arrays.diff3d = { dtype: 'uint16', shape: d.shape, data: counts };
    writeNpz(join(dir, 'counts.npz'), arrays);
    expect(() => loadRawDataset(join(dir, 'counts.npz'))).toThrow(
      /raw detector counts.*ptycho convert counts\.npz --sqrt/,
    );
    const c = run([
      'convert',
      join(dir, 'counts.npz'),
      '--sqrt',
      '--rename',
      'diff3d=diffraction',
      '--output_file',
      join(dir, 'amp.npz'),
    ]);
    expect(c.status).toBe(0);
    const amp = loadRawDataset(join(dir, 'amp.npz'));
    expect(amp.diffractionKey).toBe('diffraction');
    expect(amp.diffraction[100]).toBeCloseTo(Math.sqrt(counts[100]!), 5);
    expect((readNpz(join(dir, 'amp.npz')).metadata!.data_transformations as unknown[]).length).toBe(2);
  });
  it('fails in one line on a missing input', () => {
    const r = run(['inspect', '/nonexistent.npz']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
