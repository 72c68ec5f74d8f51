/**
 * The training callbacks against Keras' documented semantics, traced by hand:
 * ReduceLROnPlateau(monitor val_loss, factor 0.5, patience 2, min_lr 1e-4, min_delta 1e-4 —
 * improvement means value < best − min_delta) and EarlyStopping(monitor loss, patience p,
 * min_delta 0 — an equal value is not an improvement).
 */
import { describe, expect, it } from 'vitest';
import {
  EarlyStopping,
  PTYCHOPINN_PLATEAU,
  ReduceLROnPlateau,
  slope,
} from '../../../compute/ptycho/train/schedule';
import { DEFAULT_TRAINING_CONFIG } from '../../../compute/ptycho/config/config';

describe('ReduceLROnPlateau (PtychoPINN settings)', () => {
  it('halves after 2 epochs without an improvement larger than min_delta, never below min_lr', () => {
    const p = new ReduceLROnPlateau(1e-3, PTYCHOPINN_PLATEAU);
    const values = [1, 0.99995, 0.99995, 0.5, 0.6, 0.6, 0.7, 0.7, 0.8, 0.8, 0.9, 0.9, 0.4];
    const lrs = values.map((v) => p.update(v));
    expect(lrs).toEqual([
      1e-3, 1e-3, 5e-4, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 1.25e-4, 1.25e-4, 1e-4, 1e-4, 1e-4, 1e-4,
    ]);
  });

  it('an improvement resets the wait', () => {
    const p = new ReduceLROnPlateau(1e-3, PTYCHOPINN_PLATEAU);
    expect([1, 1, 0.5, 0.5, 0.4, 0.4].map((v) => p.update(v))).toEqual([1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3]);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without a strictly lower loss (patience 3, PtychoPINN TF)', () => {
    const e = new EarlyStopping(3, false);
    const stops = [5, 4, 4, 4.5, 3.9, 4, 3.9, 4].map((v) => e.update(v));
    expect(stops).toEqual([false, false, false, false, false, false, false, true]);
  });

  it('a larger patience (early_stop_patience) rides out a flat stretch', () => {
    const losses = [5, 4, 4.1, 4.05, 4.02, 4.01, 3.5, 3.4];
    const short = new EarlyStopping(3, false);
    expect(losses.findIndex((v) => short.update(v))).toBe(4);
    const long = new EarlyStopping(10);
    expect(losses.some((v) => long.update(v))).toBe(false);
  });

  it('the trend rule waits while a flat stretch is still falling, then stops once it is flat', () => {
    const losses = [5, 4, 4.1, 4.05, 4.02, 4.01, 3.5, 3.4];
    const trend = new EarlyStopping(3);
    expect(losses.some((v) => trend.update(v))).toBe(false);
    const flat = new EarlyStopping(3);
    expect([5, 4, 4.2, 4.1, 4.2, 4.1, 4.2].findIndex((v) => flat.update(v))).toBe(4);
  });

  it('the default (early_stop_patience) does not stop a run whose validation loss still falls in trend', () => {
    // A slowly falling validation loss with epoch-to-epoch noise three times the weekly gain:
    // Keras's rule at PtychoPINN's patience 3 stops it early; the default must not.
    const noise = [0.3, -0.2, 0.25, -0.3, 0.1, 0.2, -0.25, 0.3, -0.1, 0.15];
    const val = Array.from({ length: 60 }, (_, k) => 10 - 0.05 * k + noise[k % noise.length]!);
    const keras = new EarlyStopping(3, false);
    expect(val.findIndex((v) => keras.update(v))).toBeGreaterThan(0);
    const ours = new EarlyStopping(DEFAULT_TRAINING_CONFIG.early_stop_patience);
    expect(val.some((v) => ours.update(v))).toBe(false);
    // …and it does stop once the same noise rides on a flat loss.
    const flat = new EarlyStopping(DEFAULT_TRAINING_CONFIG.early_stop_patience);
    const flatStop = val.map((_, k) => 7 + noise[k % noise.length]!).findIndex((v) => flat.update(v));
    expect(flatStop).toBeGreaterThan(0);
    expect(flatStop).toBeLessThan(3 * DEFAULT_TRAINING_CONFIG.early_stop_patience);
  });

  it('slope is the least-squares slope', () => {
    expect(slope([1, 2, 3, 4])).toBeCloseTo(1, 12);
    expect(slope([4, 1, 4, 1])).toBeCloseTo(-0.6, 12);
    expect(slope([2])).toBe(0);
  });
});
