/** Deterministic test data for the engine tests. */
import { seededRandom } from '../../../compute/engine/params';

export const rng = seededRandom;

export interface Val {
  shape: number[];
  data: Float64Array;
}

/** Uniform values in [lo, hi); `awayFrom0` keeps |v| ≥ that margin (for relu/abs kinks). */
export function val(shape: number[], seed: number, lo = -1, hi = 1, awayFrom0 = 0): Val {
  const r = rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = lo + (hi - lo) * r();
    if (awayFrom0 && Math.abs(v) < awayFrom0) v = v < 0 ? v - awayFrom0 : v + awayFrom0;
    data[i] = v;
  }
  return { shape, data };
}
