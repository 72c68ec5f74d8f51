import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_SIMULATION_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  makeInferenceConfig,
  makeSimulationConfig,
  makeTrainingConfig,
} from '../../../compute/ptycho/config/config';
import { DEVICE_FLAGS, MODEL_FLAGS, TRAINING_FLAGS } from '../../../compute/cli/configFlags';
import { DEFAULT_MODEL_SPEC, DEFAULT_LOSS_SPEC } from '../../../compute/ptycho/model/spec';
import { fromLegacyParams, toLegacyParams } from '../../../compute/ptycho/config/legacy';
import { mergeOverrides, readYamlConfig } from '../../../compute/ptycho/config/yamlConfig';

describe('configuration', () => {
  it("has PtychoPINN's published defaults and is frozen", () => {
    const c = makeTrainingConfig();
    expect(c.model).toMatchObject({
      N: 64,
      gridsize: 1,
      n_filters_scale: 2,
      amp_activation: 'sigmoid',
      object_big: true,
      probe_big: true,
      probe_mask: false,
      probe_scale: 4,
    });
    expect(c).toMatchObject({
      batch_size: 16,
      nepochs: 50,
      nll_weight: 1,
      mae_weight: 0,
      nphotons: 1e9,
      n_groups: 512,
      neighbor_count: 4,
      intensity_scale_trainable: true,
      probe_trainable: false,
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.model)).toBe(true);
  });
  it('names the field and the expected value on bad input', () => {
    expect(() => makeTrainingConfig({ batch_size: 12 })).toThrow(
      'batch_size: expected a power of two from 1 to 4096, got 12',
    );
    expect(() => makeTrainingConfig({ model: { N: 96 as 64 } })).toThrow(
      'N: expected 64, 128 or 256, got 96',
    );
    expect(() => makeTrainingConfig({ nll_weight: 2 })).toThrow(
      /nll_weight: expected a number in \[0, 1\], got 2/,
    );
    expect(() => makeTrainingConfig({ model: { gridsize: 2 }, neighbor_count: 3 })).toThrow(
      /neighbor_count: expected ≥ gridsize² = 4, got 3/,
    );
    expect(() => makeTrainingConfig({ model: { amp_activation: 'elu' as 'relu' } })).toThrow(
      /amp_activation: expected sigmoid, swish, softplus or relu/,
    );
  });
  it('reads YAML with flat keys and a model block; CLI > YAML > defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'c.yaml');
    writeFileSync(
      f,
      'nepochs: 7\nbatch_size: 32\ngridsize: 2\nmodel:\n  n_filters_scale: 1\n  amp_activation: swish\n',
    );
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
  it("maps to and from PtychoPINN's legacy params.cfg", () => {
    const c = makeTrainingConfig({
      model: { gridsize: 2, probe_mask: true },
      train_data_file: '/d/train.npz',
      output_dir: 'out',
      n_subsample: null,
    });
    const d = toLegacyParams(c);
    expect(d).toMatchObject({
      'object.big': true,
      'probe.big': true,
      'probe.mask': true,
      'probe.trainable': false,
      'intensity_scale.trainable': true,
      'positions.provided': true,
      output_prefix: 'out',
      train_data_file_path: '/d/train.npz',
      gridsize: 2,
      N: 64,
      offset: 4,
      max_position_jitter: 10,
    });
    expect('object_big' in d).toBe(false);
    expect('n_subsample' in d).toBe(false);
    expect('test_data_file_path' in d).toBe(false);
    const back = fromLegacyParams(d);
    expect(back).toEqual(c);
    expect(fromLegacyParams({ N: 128, 'probe.big': false, size: 392, nimgs_train: 9 }).model).toMatchObject({
      N: 128,
      probe_big: false,
    });
  });

  it('refuses unknown keys and wrong types, naming the field; undefined means unset', () => {
    expect(() => makeTrainingConfig({ nepoch: 3 } as never)).toThrow("unknown training config key 'nepoch'");
    expect(() => makeTrainingConfig({ model: { gridsize: 1, filters: 2 } as never })).toThrow(
      "unknown model config key 'filters'",
    );
    expect(() => makeTrainingConfig({ probe_trainable: 'yes' as never })).toThrow(
      'probe_trainable: expected true or false, got "yes"',
    );
    expect(() => makeTrainingConfig({ nepochs: 'ten' as never })).toThrow(
      'nepochs: expected an integer from 1 to 10000, got "ten"',
    );
    expect(() => makeTrainingConfig({ output_dir: '' })).toThrow(
      'output_dir: expected a folder path, got ""',
    );
    expect(() => makeTrainingConfig({ train_data_file: 3 as never })).toThrow(
      'train_data_file: expected a file path or null, got 3',
    );
    expect(() => makeTrainingConfig({ neighbor_pool_size: 2 })).toThrow(
      'neighbor_pool_size: expected null or an integer ≥ neighbor_count = 4, got 2',
    );
    expect(() => makeTrainingConfig({ nphotons: 0 })).toThrow('nphotons: expected a number > 0, got 0');
    expect(() => makeTrainingConfig({ model: { gridsize: 0 } })).toThrow(
      'gridsize: expected an integer from 1 to 4, got 0',
    );
    expect(() => makeTrainingConfig({ nepochs: 0 })).toThrow(
      'nepochs: expected an integer from 1 to 10000, got 0',
    );
    expect(() => makeTrainingConfig({ model: null as never })).toThrow(
      'model: expected a mapping of model fields, got null',
    );
    const c = makeTrainingConfig({ nepochs: undefined, model: { N: undefined, gridsize: 2 } });
    expect(c.nepochs).toBe(50);
    expect(c.model.N).toBe(64);
    expect(makeTrainingConfig({ batch_size: 1 }).batch_size).toBe(1);
  });

  it('defaults are frozen values and every config is a fresh object (no global mutable state)', () => {
    expect(Object.isFrozen(DEFAULT_MODEL_CONFIG) && Object.isFrozen(DEFAULT_TRAINING_CONFIG)).toBe(true);
    expect(() => {
      (makeTrainingConfig().model as { N: number }).N = 128;
    }).toThrow(TypeError);
    const a = toLegacyParams(makeTrainingConfig());
    a.N = 256;
    expect(toLegacyParams(makeTrainingConfig()).N).toBe(64);
    expect(DEFAULT_MODEL_CONFIG.N).toBe(64);
    expect(makeTrainingConfig().model.canvas_normalisation).toBe('robust');
    expect(makeTrainingConfig()).toMatchObject({
      learning_rate: 1e-3,
      device: 'cpu',
      seed: 0,
      realspace_weight: 0,
      realspace_mae_weight: 0,
      sequential_sampling: false,
      enable_oversampling: false,
      neighbor_pool_size: null,
      positions_provided: true,
      output_dir: 'training_outputs',
      early_stop_patience: 10,
    });
    expect(makeTrainingConfig({ early_stop_patience: 100 }).early_stop_patience).toBe(100);
    expect(() => makeTrainingConfig({ early_stop_patience: 0 })).toThrow(
      'early_stop_patience: expected an integer from 1 to 10000 (epochs), got 0',
    );
    expect(makeTrainingConfig().model).toMatchObject({
      model_type: 'pinn',
      pad_object: true,
      gaussian_smoothing_sigma: 0,
    });
  });

  it('inference config: required paths, defaults, validation, legacy dict', () => {
    const c = makeInferenceConfig({
      model_path: 'run/wts.h5.zip',
      test_data_file: 'test.npz',
      model: { gridsize: 2 },
    });
    expect(c).toMatchObject({
      n_groups: null,
      neighbor_count: 4,
      output_dir: 'inference_outputs',
      stitch_crop_size: 20,
      device: 'cpu',
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.model)).toBe(true);
    expect(toLegacyParams(c)).toMatchObject({
      model_path: 'run/wts.h5.zip',
      test_data_file_path: 'test.npz',
      output_prefix: 'inference_outputs',
      gridsize: 2,
      'object.big': true,
      offset: 4,
    });
    expect('n_groups' in toLegacyParams(c)).toBe(false);
    expect(() => makeInferenceConfig({ test_data_file: 't.npz' })).toThrow(
      /model_path: expected a wts\.h5\.zip bundle or the folder holding it/,
    );
    expect(() => makeInferenceConfig({ model_path: 'm', test_data_file: 't', stitch_crop_size: 65 })).toThrow(
      'stitch_crop_size: expected an integer with 0 < M ≤ N = 64, got 65',
    );
    expect(() => makeInferenceConfig({ model_path: 'm', test_data_file: 't', nepochs: 3 } as never)).toThrow(
      "unknown inference config key 'nepochs'",
    );
    expect(() =>
      makeInferenceConfig({
        model_path: 'm',
        test_data_file: 't',
        model: { gridsize: 2 },
        neighbor_count: 3,
      }),
    ).toThrow(/neighbor_count: expected ≥ gridsize² = 4, got 3/);
  });

  it('YAML edge cases: empty file, non-mapping, bad syntax, duplicate keys, unknown model key, bad values named with the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'c.yaml');
    writeFileSync(f, '# nothing\n');
    expect(readYamlConfig(f)).toEqual({});
    writeFileSync(f, '- 1\n- 2\n');
    expect(() => readYamlConfig(f)).toThrow(/c\.yaml: expected a mapping of config keys at the top level/);
    writeFileSync(f, 'nepochs: [1,\n');
    expect(() => readYamlConfig(f)).toThrow(/c\.yaml: not valid YAML/);
    writeFileSync(f, 'nepochs: 1\nnepochs: 2\n');
    expect(() => readYamlConfig(f)).toThrow(/c\.yaml: not valid YAML/);
    writeFileSync(f, 'model:\n  N: 128\n  batch_size: 4\n');
    expect(() => readYamlConfig(f)).toThrow(/c\.yaml: unknown key 'model\.batch_size'/);
    writeFileSync(f, 'nepochs: ten\n');
    expect(() => readYamlConfig(f)).toThrow(
      /c\.yaml: nepochs: expected an integer from 1 to 10000, got "ten"$/,
    );
    writeFileSync(f, 'model:\n  gridsize: 9\n');
    expect(() => readYamlConfig(f)).toThrow(/c\.yaml: gridsize: expected an integer from 1 to 4, got 9$/);
    // Rules between fields apply once the layers are merged (flags may fix what YAML sets).
    writeFileSync(f, 'gridsize: 2\nobject_big: false\n');
    expect(() => makeTrainingConfig(readYamlConfig(f))).toThrow(
      'object_big: expected true when gridsize > 1 (patches must be merged), got false',
    );
    expect(
      makeTrainingConfig(mergeOverrides(readYamlConfig(f), { model: { object_big: true } })).model.gridsize,
    ).toBe(2);
    // Flat model keys and the model block both reach the model; YAML beats defaults, flags beat YAML.
    writeFileSync(f, 'N: 128\nmodel:\n  probe_big: false\nnphotons: 1.0e6\n');
    const c = makeTrainingConfig(mergeOverrides(readYamlConfig(f), {}));
    expect(c.model).toMatchObject({ N: 128, probe_big: false });
    expect(c.nphotons).toBe(1e6);
    expect(makeTrainingConfig(mergeOverrides(readYamlConfig(f), { nphotons: 5 })).nphotons).toBe(5);
  });

  it('reads a PtychoPINN R1-style legacy dict (extra legacy-only keys ignored, dotted keys mapped)', () => {
    const legacy = {
      N: 128,
      offset: 4,
      gridsize: 2,
      batch_size: 16,
      nepochs: 60,
      n_filters_scale: 2,
      output_prefix: 'outputs',
      big_gridsize: 10,
      max_position_jitter: 10,
      mae_weight: 0,
      nll_weight: 1,
      tv_weight: 0,
      realspace_mae_weight: 0,
      realspace_weight: 0,
      nphotons: 1e9,
      nimgs_train: 9,
      nimgs_test: 3,
      data_source: 'generic',
      'probe.trainable': false,
      'intensity_scale.trainable': false,
      'positions.provided': false,
      'object.big': true,
      'probe.big': false,
      probe_scale: 10,
      set_phi: false,
      'probe.mask': true,
      pad_object: true,
      model_type: 'pinn',
      label: '',
      size: 392,
      amp_activation: 'sigmoid',
      h5_path: 'wts.h5',
      npseed: 42,
      debug: true,
      gaussian_smoothing_sigma: 0,
      use_xla_translate: true,
      intensity_scale: 1234.5,
    };
    const c = fromLegacyParams(legacy);
    expect(c.model).toMatchObject({
      N: 128,
      gridsize: 2,
      probe_big: false,
      probe_mask: true,
      probe_scale: 10,
    });
    expect(c).toMatchObject({
      nepochs: 60,
      output_dir: 'outputs',
      intensity_scale_trainable: false,
      positions_provided: false,
      probe_trainable: false,
    });
    expect(() => fromLegacyParams({ N: 100 })).toThrow('N: expected 64, 128 or 256, got 100');
  });

  it('simulation config: defaults, ranges and the object-size rule from its schema', () => {
    expect(DEFAULT_SIMULATION_CONFIG).toMatchObject({
      object: 'lines',
      probe: 'default',
      N: 64,
      n_images: 500,
      jitter: 0.5,
      nphotons: 1e9,
      seed: 42,
      set_phi: false,
      object_size: null,
      split: null,
    });
    expect(() => makeSimulationConfig({ N: 96 as 64 })).toThrow('N: expected 64, 128 or 256, got 96');
    expect(() => makeSimulationConfig({ object_size: 60 })).toThrow(
      'object_size: expected null (3.5·N) or an integer ≥ N + 4 = 68, got 60',
    );
    expect(makeSimulationConfig({ N: 128, object_size: 132 }).object_size).toBe(132);
    expect(() => makeSimulationConfig({ split: 1 })).toThrow(
      'split: expected null or a fraction in (0, 1), got 1',
    );
    expect(() => makeSimulationConfig({ grid_step: 0 })).toThrow(
      'grid_step: expected null or a number of pixels > 0, got 0',
    );
  });

  it('CLI flags and the model spec take their defaults from the schemas (one place per default)', () => {
    const all = { ...DEFAULT_MODEL_CONFIG, ...DEFAULT_TRAINING_CONFIG } as Record<string, unknown>;
    const flags = [...MODEL_FLAGS, ...TRAINING_FLAGS, ...DEVICE_FLAGS].filter((f) => f.name !== 'threads');
    expect(flags.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'N',
        'gridsize',
        'architecture',
        'nepochs',
        'batch_size',
        'learning_rate',
        'early_stop_patience',
        'device',
      ]),
    );
    for (const f of flags) {
      if (all[f.name] === null) expect(f.defaultText, f.name).toBeUndefined();
      else
        expect(
          Number(f.defaultText) === all[f.name] || f.defaultText === String(all[f.name]),
          `${f.name}: ${f.defaultText}`,
        ).toBe(true);
    }
    expect(TRAINING_FLAGS.find((f) => f.name === 'nphotons')!.defaultText).toBe('1e9');
    expect(TRAINING_FLAGS.find((f) => f.name === 'nepochs')!.aliases).toEqual(['max_epochs']);
    expect(MODEL_FLAGS.find((f) => f.name === 'amp_activation')!.choices).toEqual([
      'sigmoid',
      'swish',
      'softplus',
      'relu',
    ]);
    for (const [k, v] of [...Object.entries(DEFAULT_MODEL_SPEC), ...Object.entries(DEFAULT_LOSS_SPEC)])
      expect(v, k).toBe(all[k]);
    expect(Object.keys(DEFAULT_MODEL_SPEC)).toHaveLength(15);
  });
});
