/**
 * The training callbacks against Keras' documented semantics, traced by hand:
 * ReduceLROnPlateau(monitor val_loss, factor 0.5, patience 2, min_lr 1e-4, min_delta 1e-4 —
 * improvement means value < best − min_delta) and EarlyStopping(monitor loss, patience p,
 * min_delta 0 — an equal value is not an improvement).
 */
import { describe, expect, it } from 'vitest';
import { EarlyStopping, PTYCHOPINN_PLATEAU, ReduceLROnPlateau } from '../../../compute/ptycho/train/schedule';

describe('ReduceLROnPlateau (PtychoPINN settings)', () => {
  it('halves after 2 epochs without an improvement larger than min_delta, never below min_lr', () => {
    const p = new ReduceLROnPlateau(1e-3, PTYCHOPINN_PLATEAU);
    const values = [1, 0.99995, 0.99995, 0.5, 0.6, 0.6, 0.7, 0.7, 0.8, 0.8, 0.9, 0.9, 0.4];
    const lrs = values.map((v) => p.update(v));
    expect(lrs).toEqual([1e-3, 1e-3, 5e-4, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 1.25e-4, 1.25e-4, 1e-4, 1e-4, 1e-4, 1e-4]);
  });

  it('an improvement resets the wait', () => {
    const p = new ReduceLROnPlateau(1e-3, PTYCHOPINN_PLATEAU);
    expect([1, 1, 0.5, 0.5, 0.4, 0.4].map((v) => p.update(v))).toEqual([1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3]);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without a strictly lower loss (patience 3, PtychoPINN TF)', () => {
    const e = new EarlyStopping(3);
    const stops = [5, 4, 4, 4.5, 3.9, 4, 3.9, 4].map((v) => e.update(v));
    expect(stops).toEqual([false, false, false, false, false, false, false, true]);
  });

  it('a larger patience (early_stop_patience) rides out a flat stretch', () => {
    const losses = [5, 4, 4.1, 4.05, 4.02, 4.01, 3.5, 3.4];
    const short = new EarlyStopping(3);
    expect(losses.findIndex((v) => short.update(v))).toBe(4);
    const long = new EarlyStopping(10);
    expect(losses.some((v) => long.update(v))).toBe(false);
  });
});
