/**
 * Normalisation (PtychoPINN §2.4–2.5).
 * - α = sqrt((N/2)² / mean_{b,c} Σ_{h,w} X²), so that the mean per-pattern Σ (αX)² = (N/2)².
 * - intensity scale s = sqrt(nphotons) / (N/2): s·αX then carries nphotons per pattern.
 */

/** α for grouped amplitudes `(B·C patterns of N×N)`, computed in float64. */
export function normalisationFactor(amplitudes: Float32Array, N: number): number {
  const patterns = amplitudes.length / (N * N);
  let sum = 0;
  for (let i = 0; i < amplitudes.length; i++) sum += amplitudes[i]! * amplitudes[i]!;
  const meanTotal = sum / patterns;
  if (!(meanTotal > 0)) throw new Error('cannot normalise: every diffraction pattern is zero');
  return Math.sqrt((N / 2) ** 2 / meanTotal);
}

/** X_full = α · X (new array). */
export function normalise(amplitudes: Float32Array, alpha: number): Float32Array {
  const out = new Float32Array(amplitudes.length);
  for (let i = 0; i < out.length; i++) out[i] = amplitudes[i]! * alpha;
  return out;
}

/**
 * α-normalise grouped amplitudes in one call: returns α (§2.4) and αX as a new array.
 * `amplitudes` is any stack of N×N patterns, e.g. the `(B, C, N, N)` grouped amplitudes.
 */
export function normaliseDiffraction(
  amplitudes: Float32Array,
  N: number,
): { alpha: number; normalised: Float32Array } {
  if (amplitudes.length === 0 || amplitudes.length % (N * N) !== 0)
    throw new Error(`expected a stack of ${N}×${N} patterns, got ${amplitudes.length} values`);
  const alpha = normalisationFactor(amplitudes, N);
  return { alpha, normalised: normalise(amplitudes, alpha) };
}

/** PtychoPINN's closed-form intensity scale s = sqrt(nphotons)/(N/2) (§2.5); e.g. N = 64, 1e9 → 988.2. */
export function intensityScale(nphotons: number, N: number): number {
  if (!(nphotons > 0)) throw new Error(`nphotons must be > 0, got ${nphotons}`);
  return Math.sqrt(nphotons) / (N / 2);
}
