import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readNpz, writeNpz } from '../../../compute/io/npz';
import { loadRawDataset } from '../../../compute/ptycho/data/dataset';
import { cli, fixture } from './helpers';

describe('ptycho simulate --input_file', () => {
  it('takes an NPZ holding only objectGuess and probeGuess (no diffraction needed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siminput-'));
    const z = readNpz(fixture('lines-N64-train.npz'));
    const input = join(dir, 'obj_probe.npz');
    writeNpz(input, { objectGuess: z.arrays.get('objectGuess')!, probeGuess: z.arrays.get('probeGuess')! });
    const r = await cli([
      'simulate',
      '--input_file',
      input,
      '--n_images',
      '12',
      '--nphotons',
      '1e5',
      '--output_file',
      join(dir, 'sim.npz'),
      '--quiet',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const raw = loadRawDataset(join(dir, 'sim.npz'));
    expect(raw.M).toBe(12);
    expect(raw.N).toBe(64);
    expect(raw.objectGuess!.width).toBe(z.arrays.get('objectGuess')!.shape[1]);
  });
  it('names the missing key in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siminput-'));
    const z = readNpz(fixture('lines-N64-train.npz'));
    const input = join(dir, 'probe_only.npz');
    writeNpz(input, { probeGuess: z.arrays.get('probeGuess')! });
    const r = await cli([
      'simulate',
      '--input_file',
      input,
      '--output_file',
      join(dir, 'sim.npz'),
      '--quiet',
    ]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/probe_only\.npz: missing key 'objectGuess'/);
  });
});
