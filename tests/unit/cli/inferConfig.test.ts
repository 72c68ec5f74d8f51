import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferenceConfigFromFlags } from '../../../compute/cli/commands/infer';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { CliError } from '../../../compute/cli/args';

const trained = makeTrainingConfig({ model: { gridsize: 2, N: 64 }, neighbor_count: 6 });
const base = { model_path: 'run/wts.h5.zip', test_data: 'scan.npz' };

describe('ptycho infer configuration (InferenceConfig)', () => {
  it("defaults to PtychoPINN's: inference_outputs, all groups, seed 45, and the training neighbour count", () => {
    const c = inferenceConfigFromFlags(base, trained);
    expect(c).toMatchObject({
      output_dir: 'inference_outputs',
      n_groups: null,
      n_subsample: null,
      subsample_seed: 45,
      neighbor_count: 6,
      batch_size: 64,
      stitch_crop_size: 20,
      device: 'cpu',
    });
    expect(c.model.gridsize).toBe(2);
    expect(c.test_data_file).toBe('scan.npz');
  });

  it('takes the grouping keys of a (training) YAML, not its output_dir or batch_size, and flags win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infer-cfg-'));
    const yaml = join(dir, 'cfg.yaml');
    writeFileSync(
      yaml,
      'n_groups: 100\nn_subsample: 400\nsubsample_seed: 7\nneighbor_count: 5\noutput_dir: training_outputs\nbatch_size: 16\nmodel:\n  gridsize: 2\n',
    );
    const c = inferenceConfigFromFlags({ ...base, config: yaml }, trained);
    expect(c).toMatchObject({
      n_groups: 100,
      n_subsample: 400,
      subsample_seed: 7,
      neighbor_count: 5,
      output_dir: 'inference_outputs',
      batch_size: 64,
    });
    const d = inferenceConfigFromFlags(
      { ...base, config: yaml, n_images: 12, subsample_seed: 3, output_dir: 'out' },
      trained,
    );
    expect(d).toMatchObject({ n_groups: 12, n_subsample: 400, subsample_seed: 3, output_dir: 'out' });
  });

  it('refuses bad values with the field and the expected value', () => {
    expect(() => inferenceConfigFromFlags({ ...base, n_subsample: -3 }, trained)).toThrow(CliError);
    expect(() => inferenceConfigFromFlags({ ...base, n_subsample: -3 }, trained)).toThrow(
      /n_subsample.*positive integer/,
    );
    expect(() => inferenceConfigFromFlags({ ...base, neighbor_count: 2 }, trained)).toThrow(
      /neighbor_count.*≥ gridsize² = 4/,
    );
    expect(() => inferenceConfigFromFlags({ ...base, stitch_crop_size: 65 }, trained)).toThrow(
      /stitch_crop_size/,
    );
  });
});
