import { describe, expect, it } from 'vitest';
import { formFromConfig, historyPoints, plural } from '../../../renderer/src/stores/bundleSettings';
import { DEFAULT_TRAIN_REQUEST } from '../../../renderer/src/stores/training';
import type { ModelInfo } from '../../../compute/protocol';

describe('a bundle’s settings and history for the Train view', () => {
  it('takes every config field the form has, from model and training sections', () => {
    const config = {
      model: { N: 128, gridsize: 2, n_filters_scale: 1, probe_big: false, architecture: 'fno' },
      nepochs: 7,
      n_groups: null,
      subsample_seed: null,
      learning_rate: 5e-4,
      nll_weight: 0.5,
    };
    const f = formFromConfig(config, { ...DEFAULT_TRAIN_REQUEST });
    expect(f).toMatchObject({
      N: 128,
      gridsize: 2,
      n_filters_scale: 1,
      probe_big: false,
      architecture: 'fno',
      nepochs: 7,
      n_groups: null,
      subsample_seed: 0,
      learning_rate: 5e-4,
      nll_weight: 0.5,
    });
    expect(f.batch_size).toBe(DEFAULT_TRAIN_REQUEST.batch_size);
  });

  it('keeps the current value where the config has the wrong type', () => {
    const f = formFromConfig({ model: { gridsize: 'two' }, nepochs: '5' }, { ...DEFAULT_TRAIN_REQUEST });
    expect(f.gridsize).toBe(DEFAULT_TRAIN_REQUEST.gridsize);
    expect(f.nepochs).toBe(DEFAULT_TRAIN_REQUEST.nepochs);
  });

  it('history points and plurals', () => {
    const m = {
      history: [
        { epoch: 1, loss: -3, val_loss: null },
        { epoch: 2, loss: -4, val_loss: -3.5 },
      ],
    } as unknown as ModelInfo;
    expect(historyPoints(m)).toEqual([
      { epoch: 1, train: -3 },
      { epoch: 2, train: -4, val: -3.5 },
    ]);
    expect([plural(1, 'epoch'), plural(2, 'epoch'), plural(0, 'epoch')]).toEqual([
      '1 epoch',
      '2 epochs',
      '0 epochs',
    ]);
  });
});
