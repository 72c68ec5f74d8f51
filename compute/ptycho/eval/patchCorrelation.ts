/**
 * How well reconstructed object patches match the true ones, patch by patch, without stitching:
 * Pearson correlation of amplitude, and of phase after removing each patch's own constant phase
 * (a global phase is not observable in ptychography), over the central crop of each patch that
 * the probe lights well, pooled over all patches.
 *
 * Used by the training test and the training-quality benchmark; independent of the model, so a
 * network that only learned the mean (a flat object) scores ≈ 0 and a perfect one 1.
 */

export interface ComplexPatches {
  /** `(count, N, N)` real and imaginary parts, row-major. */
  re: Float32Array | Float64Array;
  im: Float32Array | Float64Array;
}

export interface PatchCorrelation {
  /** Pearson r of |O| over the pooled crops. */
  amplitude: number;
  /** Pearson r of arg O with each patch's circular-mean phase removed (values wrapped to (−π, π]). */
  phase: number;
  /** Values pooled (patches × crop pixels). */
  pixels: number;
}

function wrap(p: number): number {
  const w = p - 2 * Math.PI * Math.round(p / (2 * Math.PI));
  return w <= -Math.PI ? w + 2 * Math.PI : w;
}

class Pearson {
  private n = 0;
  private sa = 0;
  private sb = 0;
  private saa = 0;
  private sbb = 0;
  private sab = 0;
  add(a: number, b: number): void {
    this.n++;
    this.sa += a;
    this.sb += b;
    this.saa += a * a;
    this.sbb += b * b;
    this.sab += a * b;
  }
  value(): number {
    const cov = this.sab - (this.sa * this.sb) / this.n;
    const va = this.saa - (this.sa * this.sa) / this.n;
    const vb = this.sbb - (this.sb * this.sb) / this.n;
    return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
  }
}

/**
 * @param pred   reconstructed patches
 * @param truth  true patches at the same positions (same layout)
 * @param N      patch side
 * @param crop   side of the central square compared (default N/2, the well-lit centre)
 */
export function patchCorrelation(
  pred: ComplexPatches,
  truth: ComplexPatches,
  N: number,
  crop = N / 2,
): PatchCorrelation {
  const NN = N * N;
  const count = pred.re.length / NN;
  if (
    !Number.isInteger(count) ||
    pred.im.length !== pred.re.length ||
    truth.re.length !== pred.re.length ||
    truth.im.length !== pred.re.length
  ) {
    throw new Error(
      `patchCorrelation: predicted and true patches must both be (count, ${N}, ${N}); got ${pred.re.length} and ${truth.re.length} values`,
    );
  }
  if (!(crop >= 1 && crop <= N))
    throw new Error(`patchCorrelation: crop must be between 1 and ${N}, got ${crop}`);
  const lo = Math.floor((N - crop) / 2);
  const hi = lo + crop;
  const amp = new Pearson();
  const phase = new Pearson();
  for (let b = 0; b < count; b++) {
    // Each patch's circular-mean phase (argument of the sum of unit phasors).
    let pc = 0;
    let ps = 0;
    let tc = 0;
    let ts = 0;
    for (let r = lo; r < hi; r++)
      for (let c = lo; c < hi; c++) {
        const k = b * NN + r * N + c;
        const pa = Math.atan2(pred.im[k]!, pred.re[k]!);
        const ta = Math.atan2(truth.im[k]!, truth.re[k]!);
        pc += Math.cos(pa);
        ps += Math.sin(pa);
        tc += Math.cos(ta);
        ts += Math.sin(ta);
      }
    const p0 = Math.atan2(ps, pc);
    const t0 = Math.atan2(ts, tc);
    for (let r = lo; r < hi; r++)
      for (let c = lo; c < hi; c++) {
        const k = b * NN + r * N + c;
        amp.add(Math.hypot(pred.re[k]!, pred.im[k]!), Math.hypot(truth.re[k]!, truth.im[k]!));
        phase.add(
          wrap(Math.atan2(pred.im[k]!, pred.re[k]!) - p0),
          wrap(Math.atan2(truth.im[k]!, truth.re[k]!) - t0),
        );
      }
  }
  return { amplitude: amp.value(), phase: phase.value(), pixels: count * crop * crop };
}
