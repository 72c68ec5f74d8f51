import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openDataset, readProduct } from '../../../compute/ptycho/data/formats/index';
import {
  PRODUCT_UNITS_ATTR,
  reconstructionProduct,
  writeReconstruction,
} from '../../../compute/ptycho/lifecycle/outputs';
import type { Stitched } from '../../../compute/ptycho/stitch/reassemble';
import { cli, GOLDEN, pythonWithH5py } from './helpers';

const stitched: Stitched = {
  width: 40,
  height: 30,
  re: Float32Array.from({ length: 1200 }, (_, i) => Math.cos(i / 50)),
  im: Float32Array.from({ length: 1200 }, (_, i) => Math.sin(i / 70)),
  weights: new Float32Array(1200).fill(1),
  x0: 12.5,
  y0: 7,
};

const CHECK = `
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
for k in ('probe_position_indexes', 'probe_position_x_m', 'probe_position_y_m', 'probe', 'object', 'object_layer_spacing_m', 'loss_epochs', 'loss_values'):
    assert k in f, k
assert f['object'].dtype == np.complex64 and f['object'].shape == (1, 30, 40), f['object'].shape
assert f['probe'].dtype == np.complex64 and f['probe'].shape == (1, 1, 64, 64), f['probe'].shape
for a in ('center_x_m', 'center_y_m', 'pixel_width_m', 'pixel_height_m'):
    assert a in f['object'].attrs, a
px = float(f['object'].attrs['pixel_width_m'])
assert abs(px - float(sys.argv[2])) < 1e-12 * max(px, 1), px
for a in ('name', 'detector_object_distance_m', 'probe_energy_eV', '${PRODUCT_UNITS_ATTR}'):
    assert a in f.attrs, a
assert f.attrs['${PRODUCT_UNITS_ATTR}'].startswith(sys.argv[3]), f.attrs['${PRODUCT_UNITS_ATTR}']
assert list(f['loss_values'][()]) == [3.0, 2.0], list(f['loss_values'][()])
print('ok', len(f['probe_position_x_m']))
`;

describe('product-out.h5 (Ptychodus product of a reconstruction)', () => {
  it('is written by writeReconstruction and read back without losing fields', async () => {
    const raw = await openDataset(join(GOLDEN, 'scan16.cxi'));
    const dir = mkdtempSync(join(tmpdir(), 'prod-'));
    const history = [
      { epoch: 1, loss: 3 },
      { epoch: 2, loss: 2 },
    ];
    const files = writeReconstruction(dir, stitched, {}, { raw, probe: raw.probe!, history });
    expect(files).toContain(join(dir, 'product-out.h5'));
    const want = reconstructionProduct(stitched, { raw, probe: raw.probe!, history });
    const back = readProduct(join(dir, 'product-out.h5'));
    expect(back).toEqual(want);
    // positions in metres: the CXI translations came in as x_m = x_px · pixel
    expect(back.positionXM[3]! / raw.geometry!.objectPixelSizeM!).toBeCloseTo(raw.xcoords[3]!, 6);
    const inspect = await cli(['inspect', join(dir, 'product-out.h5')]);
    expect(inspect.out).toMatch(/Ptychodus product.*\n.*16 \(m\)/);
  });
  it('has the datasets, attributes and units Ptychodus expects (checked by h5py)', async (ctx) => {
    const py = pythonWithH5py();
    if (!py) return ctx.skip('python3 with h5py and numpy not found (Debian: apt install python3-h5py)');
    const dir = mkdtempSync(join(tmpdir(), 'prod-'));
    const raw = await openDataset(join(GOLDEN, 'scan16.cxi'));
    writeReconstruction(
      dir,
      stitched,
      {},
      {
        raw,
        probe: raw.probe!,
        history: [
          { epoch: 1, loss: 3 },
          { epoch: 2, loss: 2 },
        ],
      },
    );
    const r = spawnSync(
      py,
      ['-c', CHECK, join(dir, 'product-out.h5'), String(raw.geometry!.objectPixelSizeM), 'm'],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok 16');
    // Without geometry (PtychoPINN NPZ): pixel size 1, flagged as pixels.
    const npz = await openDataset(join(GOLDEN, 'scan16.npz'));
    const dir2 = mkdtempSync(join(tmpdir(), 'prod-'));
    writeReconstruction(
      dir2,
      stitched,
      {},
      {
        raw: npz,
        probe: npz.probe!,
        history: [
          { epoch: 1, loss: 3 },
          { epoch: 2, loss: 2 },
        ],
      },
    );
    const r2 = spawnSync(py, ['-c', CHECK, join(dir2, 'product-out.h5'), '1', 'pixels'], {
      encoding: 'utf8',
    });
    expect(r2.stderr).toBe('');
    expect(r2.stdout.trim()).toBe('ok 16');
  });
});

describe('ptycho convert / inspect with other formats', () => {
  it('converts CXI → NPZ and NPZ → CXI, keeping positions and amplitudes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conv-'));
    const a = await cli(['convert', join(GOLDEN, 'scan16.cxi'), '--output_file', join(dir, 'a.npz')]);
    expect(a.err).toBe('');
    expect(a.out).toMatch(/16 patterns of 64×64 from cxi; .*sqrt/);
    const fromCxi = await openDataset(join(dir, 'a.npz'));
    const b = await cli([
      'convert',
      join(dir, 'a.npz'),
      '--output_file',
      join(dir, 'b.cxi'),
      '--energy_ev',
      '8000',
      '--detector_distance_m',
      '2',
      '--detector_pixel_size_m',
      '75e-6',
    ]);
    expect(b.err).toBe('');
    const again = await openDataset(join(dir, 'b.cxi'));
    for (let i = 0; i < 16; i++) expect(again.xcoords[i]!).toBeCloseTo(fromCxi.xcoords[i]!, 4);
    expect(again.diffraction[5000]!).toBeCloseTo(fromCxi.diffraction[5000]!, 5);
    const c = await cli(['convert', join(dir, 'a.npz'), '--output_file', join(dir, 'c.cxi')]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/writing CXI needs the physical geometry/);
    const i = await cli(['inspect', join(GOLDEN, 'ptychodus')]);
    expect(i.out).toMatch(/format\s+ptychodus-folder/);
    expect(i.out).toMatch(/object pixel 64\.5\d nm, 8\.000 keV/);
  });
});
