import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { datasetSummary, loadRawDataset, type RawDataset } from '../../../compute/ptycho/data/dataset';
import { openDataset } from '../../../compute/ptycho/data/formats/index';
import { PIXEL_SIZE_UNKNOWN } from '../../../compute/ptycho/data/units';
import { evaluateAndWrite } from '../../../compute/cli/commands/evaluate';
import type { Stitched } from '../../../compute/ptycho/stitch/reassemble';
import { GOLDEN, fixture } from './helpers';

const g = (f: string): string => join(GOLDEN, f);
const facts = JSON.parse(readFileSync(g('scan16.json'), 'utf8')) as { object_pixel_m: number };
const pixelNm = facts.object_pixel_m * 1e9; // 64.575 nm: 8 keV, 2 m, 75 µm, N = 64

describe('pixel size from the file to the facts', () => {
  it('CXI and the Ptychodus folder: object pixel in nm, energy, detector distance and pixel', async () => {
    for (const f of ['scan16.cxi', 'ptychodus']) {
      const s = datasetSummary(await openDataset(g(f), { requireProbe: false }));
      expect(s.objectPixelSizeM! * 1e9).toBeCloseTo(pixelNm, 9);
      const rows = Object.fromEntries(s.physicalFacts);
      expect(rows['Object pixel size']).toBe('64.6 nm');
      expect(rows['Energy']).toBe('8 keV (λ 0.155 nm)');
      expect(rows['Detector distance']).toBe('2 m');
      if (f === 'scan16.cxi') expect(rows['Detector pixel']).toBe('75 µm');
    }
  });
  it('a PtychoPINN NPZ says plainly that the pixel size is unknown', () => {
    const s = datasetSummary(loadRawDataset(g('scan16.npz')));
    expect(s.objectPixelSizeM).toBeNull();
    expect(s.physicalFacts).toEqual([['Object pixel size', PIXEL_SIZE_UNKNOWN]]);
    expect(PIXEL_SIZE_UNKNOWN).toBe('pixel size unknown (positions in object pixels)');
  });
});

describe('FRC resolution in nm when the data carry the pixel size', () => {
  let ref: RawDataset;
  let cxi: RawDataset;
  let rec: Stitched;
  beforeAll(async () => {
    ref = loadRawDataset(fixture('lines-N64-test.npz'));
    cxi = await openDataset(g('scan16.cxi'));
    // The ground truth plus seeded noise, on its own footprint: FRC falls below 0.5 before Nyquist.
    const o = ref.objectGuess!;
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
    rec = {
      width: o.width,
      height: o.height,
      re: Float32Array.from(o.re, (v) => v + 0.6 * rnd()),
      im: Float32Array.from(o.im, (v) => v + 0.6 * rnd()),
      weights: new Float32Array(o.width * o.height).fill(1),
      x0: 0,
      y0: 0,
    };
  });

  const metrics = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as {
      options: { pixel_size_m: number | null };
      amplitude: {
        frc: {
          frc50: {
            frequency_per_px: { value: number };
            half_period_resolution_nm?: { value: number; unit: string };
          };
        };
      };
    };

  it('takes the pixel size from the scan reconstructed (infer/reconstruct --ground_truth) and reports half-period nm', () => {
    const dir = mkdtempSync(join(tmpdir(), 'units-'));
    const table = evaluateAndWrite(dir, rec, ref, [], {}, cxi);
    const m = metrics(dir);
    expect(m.options.pixel_size_m! * 1e9).toBeCloseTo(pixelNm, 9);
    const f50 = m.amplitude.frc.frc50;
    expect(f50.frequency_per_px.value).toBeGreaterThan(0);
    expect(f50.frequency_per_px.value).toBeLessThan(0.5);
    expect(f50.half_period_resolution_nm!.unit).toBe('nm');
    expect(f50.half_period_resolution_nm!.value).toBeCloseTo(pixelNm / (2 * f50.frequency_per_px.value), 6);
    const line = table.split('\n').find((l) => l.includes('FRC50 res. (nm)'))!;
    expect(Number(line.trim().split(/\s+/)[3])).toBeCloseTo(pixelNm / (2 * f50.frequency_per_px.value), 0);
    expect(table).toMatch(/half-period 1\/\(2f\) at object pixel 64\.6 nm/);
  });

  it('a ground truth with geometry wins over nothing; --pixel_size_nm wins over both; without any, px only', () => {
    const withGeo = { ...ref, geometry: cxi.geometry! };
    const a = mkdtempSync(join(tmpdir(), 'units-'));
    evaluateAndWrite(a, rec, withGeo, [], {});
    expect(metrics(a).options.pixel_size_m! * 1e9).toBeCloseTo(pixelNm, 9);
    const b = mkdtempSync(join(tmpdir(), 'units-'));
    evaluateAndWrite(b, rec, withGeo, [], { pixel_size_nm: 10 });
    expect(metrics(b).options.pixel_size_m).toBeCloseTo(1e-8, 18);
    const c = mkdtempSync(join(tmpdir(), 'units-'));
    const table = evaluateAndWrite(c, rec, ref, [], {});
    expect(metrics(c).options.pixel_size_m).toBeNull();
    expect(metrics(c).amplitude.frc.frc50.half_period_resolution_nm).toBeUndefined();
    expect(table).toMatch(/FRC resolution in px only: pixel size unknown/);
  });
});
