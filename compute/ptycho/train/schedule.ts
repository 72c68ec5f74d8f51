/**
 * Keras-compatible training callbacks as plain state machines (PtychoPINN §4.1):
 * ReduceLROnPlateau(monitor val_loss, factor 0.5, patience 2, min_lr 1e-4, min_delta 1e-4)
 * and EarlyStopping(monitor loss, patience 3, min_delta 0).
 */

export interface PlateauOptions {
  factor: number;
  patience: number;
  minLr: number;
  /** Improvement means value < best − minDelta (Keras default 1e-4). */
  minDelta: number;
}

export const PTYCHOPINN_PLATEAU: PlateauOptions = { factor: 0.5, patience: 2, minLr: 1e-4, minDelta: 1e-4 };

export class ReduceLROnPlateau {
  private best = Infinity;
  private wait = 0;

  constructor(
    public lr: number,
    readonly opts: PlateauOptions = PTYCHOPINN_PLATEAU,
  ) {}

  /** Feed the epoch's monitored value; returns the learning rate for the next epoch. */
  update(value: number): number {
    if (value < this.best - this.opts.minDelta) {
      this.best = value;
      this.wait = 0;
      return this.lr;
    }
    this.wait++;
    if (this.wait >= this.opts.patience) {
      if (this.lr > this.opts.minLr) this.lr = Math.max(this.lr * this.opts.factor, this.opts.minLr);
      this.wait = 0;
    }
    return this.lr;
  }
}

export class EarlyStopping {
  private best = Infinity;
  private wait = 0;

  constructor(readonly patience = 3) {}

  /** Returns true when training should stop after this epoch. */
  update(value: number): boolean {
    if (value < this.best) {
      this.best = value;
      this.wait = 0;
      return false;
    }
    this.wait++;
    return this.wait >= this.patience;
  }
}
