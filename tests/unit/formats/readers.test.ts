import { describe, expect, it, beforeAll } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadRawDataset, type RawDataset } from '../../../compute/ptycho/data/dataset';
import { openDataset } from '../../../compute/ptycho/data/formats/index';
import { GOLDEN } from './helpers';

const g = (f: string): string => join(GOLDEN, f);
const facts = JSON.parse(readFileSync(g('scan16.json'), 'utf8')) as {
  simulation_scale: number;
  object_pixel_m: number;
};
let ref: RawDataset;

function expectSameScan(raw: RawDataset, ampScale = 1): void {
  expect(raw.M).toBe(16);
  expect(raw.N).toBe(64);
  for (let i = 0; i < 16; i++) {
    expect(Math.abs(raw.xcoords[i]! - ref.xcoords[i]!)).toBeLessThan(0.01);
    expect(Math.abs(raw.ycoords[i]! - ref.ycoords[i]!)).toBeLessThan(0.01);
  }
  let worst = 0;
  for (let i = 0; i < ref.diffraction.length; i++)
    worst = Math.max(worst, Math.abs(raw.diffraction[i]! - ref.diffraction[i]! * ampScale));
  expect(worst).toBeLessThan(1e-3 * ampScale);
}

function expectSameProbe(raw: RawDataset): void {
  expect(raw.probe).not.toBeNull();
  expect(Array.from(raw.probe!.re)).toEqual(Array.from(ref.probe!.re));
  expect(Array.from(raw.probe!.im)).toEqual(Array.from(ref.probe!.im));
}

describe('dataset readers (golden files written by h5py, make_golden.py)', () => {
  beforeAll(() => {
    ref = loadRawDataset(g('scan16.npz'));
  });
  it('CXI: intensities → amplitudes, metres → pixels via λz/(NΔx), probe from illumination', async () => {
    const raw = await openDataset(g('scan16.cxi'));
    expect(raw.format).toBe('cxi');
    expectSameScan(raw);
    expectSameProbe(raw);
    expect(raw.geometry!.objectPixelSizeM).toBeCloseTo(facts.object_pixel_m, 15);
    expect(raw.geometry!.energyEV).toBeCloseTo(8000, 6);
    expect(raw.conversion!.join('; ')).toMatch(/sqrt.*λ·z\/\(N·Δx\) = 64\.5\d nm/);
  });
  it('Ptychodus folder (diffraction.h5 with LZF counts + product-in.h5) pairs patterns and positions by index', async () => {
    const raw = await openDataset(g('ptychodus'));
    expect(raw.format).toBe('ptychodus-folder');
    expectSameScan(raw, facts.simulation_scale);
    expectSameProbe(raw);
    expect(raw.objectGuess!.width).toBe(224);
    expect(raw.geometry!.objectPixelSizeM).toBeCloseTo(facts.object_pixel_m, 15);
  });
  it('Ptychodus product (HDF5 and NPZ) with --diffraction_file', async () => {
    const h5 = await openDataset(g('ptychodus/product-in.h5'), {
      diffractionFile: g('ptychodus/diffraction.h5'),
    });
    expectSameScan(h5, facts.simulation_scale);
    const npz = await openDataset(g('product16.npz'), { diffractionFile: g('ptychodus/diffraction.h5') });
    expect(npz.format).toBe('ptychodus-product');
    expectSameScan(npz, facts.simulation_scale);
    expectSameProbe(npz);
    await expect(openDataset(g('ptychodus/product-in.h5'))).rejects.toThrow(
      /product-in\.h5: .*--diffraction_file/,
    );
  });
  it('generic HDF5: --diffraction_path, --crop, positions from CSV or a dataset', async () => {
    const raw = await openDataset(g('beamline.h5'), {
      diffractionPath: '/entry/data/data',
      crop: 64,
      positionsFile: g('beamline_positions.csv'),
      requireProbe: false,
    });
    expectSameScan(raw, facts.simulation_scale);
    expect(raw.conversion!.join('; ')).toMatch(/centre-cropped 96×96 → 64×64/);
    const viaPath = await openDataset(g('beamline.h5'), {
      diffractionPath: '/entry/data/data',
      crop: 64,
      positionsPath: '/entry/positions',
      requireProbe: false,
    });
    expectSameScan(viaPath, facts.simulation_scale);
    await expect(
      openDataset(g('beamline.h5'), {
        diffractionPath: '/entry/data/data',
        positionsFile: g('beamline_positions.csv'),
      }),
    ).rejects.toThrow(/96×96 .*--crop N.*--bin B/);
    await expect(openDataset(g('beamline.h5'))).rejects.toThrow(
      /beamline\.h5: unrecognised dataset: .*--diffraction_path/,
    );
  });
  it('PtychoPINN NPZ as before, and loadRawDataset dispatches by content once HDF5 is ready', async () => {
    const raw = await openDataset(g('scan16.npz'));
    expect(raw.format).toBe('ptychopinn-npz');
    expectSameScan(raw);
    const dir = mkdtempSync(join(tmpdir(), 'fmt-'));
    copyFileSync(g('scan16.cxi'), join(dir, 'scan.dat'));
    expectSameScan(loadRawDataset(join(dir, 'scan.dat')));
  });
  it('malformed files fail in one line naming the file, the dataset and what was expected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmt-'));
    const bytes = readFileSync(g('scan16.cxi'));
    writeFileSync(join(dir, 'truncated.cxi'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cases: [string, RegExp][] = [
      [
        g('bad_missing.cxi'),
        /bad_missing\.cxi: dataset '\/entry_1\/data_1\/data' not found \(CXI diffraction intensities, shape \(M, H, W\)\)/,
      ],
      [
        g('bad_rank.cxi'),
        /bad_rank\.cxi: dataset '\/entry_1\/data_1\/data': expected a 3-D stack \(M, H, W\).*found shape \(8192\)/,
      ],
      [
        g('bad_length.cxi'),
        /bad_length\.cxi: dataset '\/entry_1\/data_1\/translation': expected shape \(2, 3\).*found \(3, 3\)/,
      ],
      [
        g('bad_filter.cxi'),
        /bad_filter\.cxi: dataset '\/entry_1\/data_1\/data' is compressed with HDF5 filter id 31999, which cannot be read/,
      ],
      [g('bad_pixels.cxi'), /bad_pixels\.cxi: 3 bad detector pixels .*--bad_pixels zero/],
      [join(dir, 'truncated.cxi'), /truncated\.cxi: not a readable HDF5 file \(truncated file: eof = \d+/],
    ];
    for (const [file, re] of cases) {
      const err = await openDataset(file).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(err, file).toMatch(re);
      expect(err!.split('\n'), file).toHaveLength(1);
    }
    const zeroed = await openDataset(g('bad_pixels.cxi'), { badPixels: 'zero' });
    expect(zeroed.diffraction[0]).toBe(0);
    expect(zeroed.conversion!.join('; ')).toMatch(/3 bad detector pixels set to 0/);
  });
});
