/**
 * Issue #15: a learning rate that explodes the loss (7e29) saved a bundle without a word. The
 * guard stops on a non-finite loss or one grown by orders of magnitude over the best, and a
 * real training run with such a learning rate stops with the reason.
 */
import { describe, expect, it } from 'vitest';
import { DivergenceGuard } from '../../../compute/ptycho/train/divergence';
import { loadRawDataset } from '../../../compute/ptycho/data/dataset';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { trainModel } from '../../../compute/ptycho/lifecycle/model';

describe('divergence guard', () => {
  it('passes a normal loss curve, noisy and negative ones included', () => {
    for (const curve of [
      [2.3, 1.9, 1.2, 1.4, 0.9, 1.1, 0.7],
      [-100, -900, -1500, -1200, -1975, -1800],
      [1e6, 1e3, 50, 80, 40],
    ]) {
      const g = new DivergenceGuard();
      for (const l of curve) expect(g.check(l)).toBeNull();
    }
  });

  it('stops on NaN, ±Infinity and on growth by three orders of magnitude over the best', () => {
    expect(new DivergenceGuard().check(NaN)).toBe('the loss became NaN');
    expect(new DivergenceGuard().check(Infinity)).toBe('the loss became Infinity');
    const g = new DivergenceGuard();
    for (const l of [2.26, 1.5, 2.0]) expect(g.check(l)).toBeNull();
    expect(g.check(7e29)).toMatch(
      /^the loss grew to 7\.00e\+29, 4\.7e\+29× the best so far \(1\.50\); the learning rate is probably too high$/,
    );
    const n = new DivergenceGuard();
    n.check(-1976);
    expect(n.check(2.42e20)).toMatch(/the loss grew to 2\.42e\+20 from a best of -1\.98e\+3/);
    const f = new DivergenceGuard({ factor: 10 });
    f.check(1);
    expect(f.check(10.5)).toBeNull();
    expect(f.check(11.5)).toMatch(/grew to 11\.5/);
  });

  it('a real training run with an exploding learning rate stops with the reason', async () => {
    const raw = loadRawDataset('fixtures/lines-N64-train.npz');
    const cfg = makeTrainingConfig({
      nepochs: 2,
      n_groups: 48,
      batch_size: 16,
      learning_rate: 0.9,
      device: 'cpu',
    });
    const run = await trainModel(cfg, { raw, threads: 2 });
    expect(run.result.stoppedBy).toBe('non_finite');
    expect(run.result.error).toMatch(
      /training diverged at epoch 1, batch \d: the loss (grew to .* the learning rate is probably too high|became NaN); kept the weights of epoch initialisation/,
    );
  }, 120_000);
});
