/**
 * model.architecture and its fno_* fields through every way a config is made: the typed config
 * (validation names field, expected and found), the CLI flags, a YAML model block, the legacy
 * params.cfg bridge, and the host validator of the Train form's request.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from '../../../compute/cli/args';
import { MODEL_FLAGS, trainingConfigFromFlags } from '../../../compute/cli/configFlags';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { fromLegacyParams, toLegacyParams } from '../../../compute/ptycho/config/legacy';
import { validateRequest } from '../../../electron/host/validate';
import type { TrainRequest } from '../../../compute/protocol';

const paths = { train_data_file: 'a.npz', output_dir: 'out' };

describe('model.architecture', () => {
  it('defaults to cnn with PtychoPINN-named fno defaults (modes 12, width 32, blocks 4)', () => {
    expect(makeTrainingConfig().model).toMatchObject({
      architecture: 'cnn',
      fno_modes: 12,
      fno_width: 32,
      fno_blocks: 4,
    });
  });
  it('validates with messages naming the field, the expected and the found value', () => {
    expect(() => makeTrainingConfig({ model: { architecture: 'unet' as 'cnn' } })).toThrow(
      "architecture: expected 'cnn', 'fno', 'ffno', 'bpunet', got \"unet\"",
    );
    expect(() => makeTrainingConfig({ model: { architecture: 'fno', fno_modes: 40 } })).toThrow(
      'fno_modes: expected an integer from 1 to N/2 = 32, got 40',
    );
    expect(() => makeTrainingConfig({ model: { fno_width: 0 } })).toThrow(
      'fno_width: expected an integer from 1 to 512, got 0',
    );
    expect(() => makeTrainingConfig({ model: { fno_blocks: 1.5 } })).toThrow(
      'fno_blocks: expected an integer from 1 to 32, got 1.5',
    );
  });
  it('comes from --architecture and the fno flags, and from a YAML model block (flags win)', () => {
    const flags = parseArgs(MODEL_FLAGS, [], ['--architecture', 'ffno', '--fno_width', '16']).flags;
    expect(trainingConfigFromFlags(flags, paths).model).toMatchObject({
      architecture: 'ffno',
      fno_width: 16,
      fno_modes: 12,
    });
    expect(() => parseArgs(MODEL_FLAGS, [], ['--architecture', 'unet'])).toThrow(
      /expected one of cnn, fno, ffno, bpunet/,
    );
    const yaml = join(mkdtempSync(join(tmpdir(), 'arch-')), 'c.yaml');
    writeFileSync(yaml, 'model:\n  architecture: fno\n  fno_modes: 8\n  fno_blocks: 2\n');
    expect(trainingConfigFromFlags({ config: yaml }, paths).model).toMatchObject({
      architecture: 'fno',
      fno_modes: 8,
      fno_blocks: 2,
    });
    expect(trainingConfigFromFlags({ config: yaml, architecture: 'ffno' }, paths).model.architecture).toBe(
      'ffno',
    );
  });
  it('round-trips through the legacy params.cfg dictionary; a dictionary without it is cnn', () => {
    const c = makeTrainingConfig({ model: { architecture: 'ffno', fno_modes: 10 } });
    const d = toLegacyParams(c);
    expect(d).toMatchObject({ architecture: 'ffno', fno_modes: 10, fno_width: 32, fno_blocks: 4 });
    expect(fromLegacyParams(d).model).toEqual(c.model);
    expect(fromLegacyParams({ N: 64, gridsize: 2 }).model.architecture).toBe('cnn');
  });
  it('is accepted by the host validator of train.start (absent = cnn; unknown values refused)', () => {
    const req: TrainRequest = {
      N: 64,
      gridsize: 1,
      n_filters_scale: 2,
      amp_activation: 'sigmoid',
      object_big: true,
      probe_big: true,
      probe_mask: false,
      probe_scale: 4,
      probe_trainable: false,
      intensity_scale_trainable: true,
      canvas_normalisation: 'robust',
      architecture: 'cnn',
      batch_size: 16,
      nepochs: 50,
      learning_rate: 1e-3,
      early_stop_patience: 3,
      nll_weight: 1,
      mae_weight: 0,
      nphotons: 1e9,
      n_groups: null,
      neighbor_count: 4,
      subsample_seed: 0,
      device: 'cpu',
      preview_groups: 256,
    };
    expect(validateRequest('train.start', req).params).toMatchObject({ architecture: 'cnn' });
    expect(validateRequest('train.start', { ...req, architecture: 'fno' }).params).toMatchObject({
      architecture: 'fno',
    });
    const { architecture: _, ...old } = req;
    expect((validateRequest('train.start', old).params as Record<string, unknown>).architecture).toBe('cnn');
    expect(() => validateRequest('train.start', { ...req, architecture: 'vit' })).toThrow(
      `train.start: architecture: expected 'cnn', 'fno', 'ffno', 'bpunet', got "vit"`,
    );
  });
});
