import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { fromLegacyParams, toLegacyParams } from '../../../compute/ptycho/config/legacy';
import { mergeOverrides, readYamlConfig } from '../../../compute/ptycho/config/yamlConfig';

describe('configuration', () => {
  it('has PtychoPINN\'s published defaults and is frozen', () => {
    const c = makeTrainingConfig();
    expect(c.model).toMatchObject({ N: 64, gridsize: 1, n_filters_scale: 2, amp_activation: 'sigmoid', object_big: true, probe_big: true, probe_mask: false, probe_scale: 4 });
    expect(c).toMatchObject({ batch_size: 16, nepochs: 50, nll_weight: 1, mae_weight: 0, nphotons: 1e9, n_groups: 512, neighbor_count: 4, intensity_scale_trainable: true, probe_trainable: false });
    expect(Object.isFrozen(c) && Object.isFrozen(c.model)).toBe(true);
  });
  it('names the field and the expected value on bad input', () => {
    expect(() => makeTrainingConfig({ batch_size: 12 })).toThrow('batch_size: expected a positive power of two, got 12');
    expect(() => makeTrainingConfig({ model: { N: 96 as 64 } })).toThrow('N: expected 64, 128 or 256, got 96');
    expect(() => makeTrainingConfig({ nll_weight: 2 })).toThrow(/nll_weight: expected a number in \[0, 1\], got 2/);
    expect(() => makeTrainingConfig({ model: { gridsize: 2 }, neighbor_count: 3 })).toThrow(/neighbor_count: expected ≥ gridsize² = 4, got 3/);
    expect(() => makeTrainingConfig({ model: { amp_activation: 'elu' as 'relu' } })).toThrow(/amp_activation: expected sigmoid, swish, softplus or relu/);
  });
  it('reads YAML with flat keys and a model block; CLI > YAML > defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'c.yaml');
    writeFileSync(f, 'nepochs: 7\nbatch_size: 32\ngridsize: 2\nmodel:\n  n_filters_scale: 1\n  amp_activation: swish\n');
    const yaml = readYamlConfig(f);
    const c = makeTrainingConfig(mergeOverrides(yaml, { nepochs: 3, model: { amp_activation: 'relu' } }));
    expect(c.nepochs).toBe(3);
    expect(c.batch_size).toBe(32);
    expect(c.model).toMatchObject({ gridsize: 2, n_filters_scale: 1, amp_activation: 'relu' });
    writeFileSync(f, 'nepoch: 3\n');
    expect(() => readYamlConfig(f)).toThrow(/c\.yaml: unknown key 'nepoch'/);
    writeFileSync(f, 'model: [1, 2]\n');
    expect(() => readYamlConfig(f)).toThrow(/'model' must be a mapping/);
    expect(() => readYamlConfig(join(dir, 'none.yaml'))).toThrow(/none\.yaml: config file not found/);
  });
  it('maps to and from PtychoPINN\'s legacy params.cfg', () => {
    const c = makeTrainingConfig({ model: { gridsize: 2, probe_mask: true }, train_data_file: '/d/train.npz', output_dir: 'out', n_subsample: null });
    const d = toLegacyParams(c);
    expect(d).toMatchObject({ 'object.big': true, 'probe.big': true, 'probe.mask': true, 'probe.trainable': false, 'intensity_scale.trainable': true, 'positions.provided': true, output_prefix: 'out', train_data_file_path: '/d/train.npz', gridsize: 2, N: 64, offset: 4, max_position_jitter: 10 });
    expect('object_big' in d).toBe(false);
    expect('n_subsample' in d).toBe(false);
    expect('test_data_file_path' in d).toBe(false);
    const back = fromLegacyParams(d);
    expect(back).toEqual(c);
    expect(fromLegacyParams({ N: 128, 'probe.big': false, size: 392, nimgs_train: 9 }).model).toMatchObject({ N: 128, probe_big: false });
  });
});
