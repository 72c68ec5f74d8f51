import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { exportReconstruction } from '../../../compute/core/reconHandlers';
import { newSession } from '../../../compute/core/session';
import { readNpz } from '../../../compute/io/npz';

describe('recon.export', () => {
  it('writes exactly the chosen files and leaves other reconstructions in the folder alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    writeFileSync(join(dir, 'reconstruction.npz'), 'an earlier result');
    const session = newSession();
    const n = 4;
    session.reconstruction = {
      datasetPath: '/d/scan.npz',
      label: 'PINN',
      stitched: {
        width: n,
        height: n,
        re: Float32Array.from({ length: n * n }, (_, i) => i / 16),
        im: new Float32Array(n * n).fill(0.1),
        weights: new Float32Array(n * n).fill(1),
        x0: 10,
        y0: 20,
      },
    };
    expect(exportReconstruction(session, join(dir, 'mine.npz'), 'npz').paths).toEqual([
      join(dir, 'mine.npz'),
    ]);
    expect(exportReconstruction(session, join(dir, 'pic.png'), 'png').paths).toEqual([
      join(dir, 'pic_amplitude.png'),
      join(dir, 'pic_phase.png'),
    ]);
    expect(readFileSync(join(dir, 'reconstruction.npz'), 'utf8')).toBe('an earlier result');
    expect(readdirSync(dir).sort()).toEqual([
      'mine.npz',
      'pic_amplitude.png',
      'pic_phase.png',
      'reconstruction.npz',
    ]);
    const z = readNpz(join(dir, 'mine.npz'));
    expect(z.arrays.get('object')!.shape).toEqual([n, n]);
    expect(Array.from(z.arrays.get('x0')!.data as Float64Array)).toEqual([10]);
  });
  it('refuses to export before a reconstruction exists', () => {
    expect(() => exportReconstruction(newSession(), '/tmp/x.npz', 'npz')).toThrow(/reconstruct first/);
  });
});
