/**
 * Keras-compatible training callbacks as plain state machines (PtychoPINN §4.1):
 * ReduceLROnPlateau(monitor val_loss, factor 0.5, patience 2, min_lr 1e-4, min_delta 1e-4)
 * and EarlyStopping (PtychoPINN: monitor loss, patience 3, min_delta 0; ours monitors val_loss
 * when there is a validation split and asks the trend to have stopped falling too).
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

/**
 * EarlyStopping that does not stop a run still improving in trend: it stops after `patience`
 * epochs without a new best *and* only when the least-squares slope of the monitored value over
 * those epochs is not negative. Keras's rule (stop after `patience` epochs without a new best)
 * fires on the noise of a slowly falling validation loss — PtychoPINN's patience 3 stops a
 * lines run at epoch 5 with a near-flat object. `trend: false` gives Keras's rule exactly.
 */
export class EarlyStopping {
  private best = Infinity;
  private wait = 0;
  private readonly recent: number[] = [];

  constructor(
    readonly patience = 3,
    readonly trend = true,
  ) {}

  /** Returns true when training should stop after this epoch. */
  update(value: number): boolean {
    this.recent.push(value);
    if (this.recent.length > Math.max(this.patience, 2)) this.recent.shift();
    if (value < this.best) {
      this.best = value;
      this.wait = 0;
      return false;
    }
    this.wait++;
    if (this.wait < this.patience) return false;
    return !this.trend || this.recent.length < 2 || slope(this.recent) >= 0;
  }
}

/** Least-squares slope of values against their index. */
export function slope(v: readonly number[]): number {
  const n = v.length;
  const mx = (n - 1) / 2;
  const my = v.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * (v[i]! - my);
    sxx += (i - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}
