/**
 * Divergence detection for the training loop: a loss that is not finite, or that has grown by
 * orders of magnitude over the best loss seen so far, means the run has diverged (typically a
 * learning rate that is too high). The loop stops, keeps the last good epoch and says why.
 * Kept separate from the trainer so the recipe there can change without touching this.
 */

export interface DivergenceOptions {
  /** Growth over the best loss that counts as divergence (default 1000: three orders of magnitude). */
  factor?: number;
}

export class DivergenceGuard {
  private best = Infinity;
  private readonly factor: number;

  constructor(o: DivergenceOptions = {}) {
    this.factor = o.factor ?? 1000;
  }

  /** The best (lowest) loss seen so far. */
  get bestLoss(): number {
    return this.best;
  }

  /**
   * Check one batch loss: null while training is sane, otherwise why it diverged ("the loss
   * became NaN", "the loss grew to 7.0e+29, 3.1e+28× the best so far (2.26)…").
   */
  check(loss: number): string | null {
    if (!Number.isFinite(loss)) return `the loss became ${loss}`;
    if (Number.isFinite(this.best)) {
      // Relative to the best loss's magnitude, so losses near or below zero are handled too.
      const scale = Math.max(Math.abs(this.best), 1e-12);
      if (loss - this.best > this.factor * scale) {
        const times = loss / this.best;
        const ratio =
          this.best > 0
            ? `, ${times >= 1e5 ? times.toExponential(1) : Math.round(times)}× the best so far (${this.best.toPrecision(3)})`
            : ` from a best of ${this.best.toPrecision(3)}`;
        return `the loss grew to ${loss.toPrecision(3)}${ratio}; the learning rate is probably too high`;
      }
    }
    if (loss < this.best) this.best = loss;
    return null;
  }
}
