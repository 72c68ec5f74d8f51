/**
 * Gradients through the PINN loss.
 * 1. Physics + loss (overlap constraint, probe, far field, Poisson NLL, MAE) against central
 *    finite differences of the float64 reference evaluator, for gridsize 1 and 2 and both
 *    canvas normalisations.
 * 2. The whole autoencoder (network included) by a directional-derivative check through ONNX
 *    Runtime: (L(θ + εv) − L(θ − εv)) / 2ε against ⟨∇L, v⟩ for a random direction v.
 */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../compute/engine/ir';
import { gradcheck } from '../../../compute/engine/gradcheck';
import { buildAutoencoder, FEEDS, physicsAndLoss } from '../../../compute/ptycho/model/pinn';
import { polar } from '../../../compute/ptycho/model/physics';
import { DEFAULT_MODEL_SPEC, type PinnModelSpec } from '../../../compute/ptycho/model/spec';
import { createParamStore } from '../../../compute/ptycho/train/trainer';
import { Rng } from '../../../compute/numerics/rng';

const N = 64;

function field(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

describe('gradients of the physics and loss (float64 finite differences)', () => {
  const cases: [string, Partial<PinnModelSpec>][] = [
    ['gridsize 1, robust', { gridsize: 1 }],
    ['gridsize 2, robust', { gridsize: 2 }],
    ['gridsize 2, mean', { gridsize: 2, canvas_normalisation: 'mean' }],
    [
      'gridsize 2, tf_compat, probe_big off, probe mask',
      { gridsize: 2, canvas_normalisation: 'tf_compat', probe_big: false, probe_mask: true },
    ],
  ];
  for (const [name, over] of cases) {
    it(
      name,
      async () => {
        const spec: PinnModelSpec = { ...DEFAULT_MODEL_SPEC, ...over };
        const C = spec.gridsize ** 2;
        const rng = new Rng(5);
        const g = new Graph();
        const amp = g.input('amp', ['B', C, N, N]);
        const phase = g.input('phase', ['B', C, N, N]);
        const X = g.input('X', ['B', C, N, N]);
        const shifts = spec.gridsize > 1 ? g.input('offsets', ['B', C, 2]) : null;
        const logScale = g.input('log_scale', []);
        const pr = field(rng, N * N, 0, 0.2);
        const probe = { re: g.constant(pr, [N, N]), im: g.constant(field(rng, N * N, -0.05, 0.05), [N, N]) };
        const { losses } = physicsAndLoss(
          g,
          spec,
          { nll_weight: 1, mae_weight: 0.5, realspace_weight: 0, realspace_mae_weight: 0, tv_weight: 0 },
          polar(amp, phase),
          shifts,
          probe,
          logScale,
          X,
        );
        const values: Record<string, { shape: number[]; data: Float64Array }> = {
          amp: { shape: [1, C, N, N], data: field(rng, C * N * N, 0.3, 1) },
          phase: { shape: [1, C, N, N], data: field(rng, C * N * N, -1, 1) },
          X: { shape: [1, C, N, N], data: field(rng, C * N * N, 0.05, 0.6) },
          log_scale: { shape: [], data: Float64Array.of(0.3) },
        };
        if (shifts)
          values.offsets = {
            shape: [1, C, 2],
            data: Float64Array.from([1.5, 1.25, -1.5, 1.25, 1.5, -1.25, -1.5, -1.25]),
          };
        const r = await gradcheck(losses.loss, [amp, phase, logScale], values, {
          maxPoints: spec.gridsize > 1 ? 4 : 12,
          eps: 1e-6,
        });
        expect(r.loss.engine).toBeCloseTo(r.loss.reference, 2);
        expect(r.maxRelErr).toBeLessThan(1e-3);
      },
      120_000,
    );
  }
});

describe('gradient of the full autoencoder loss (network + physics) against float64 finite differences', () => {
  it('gridsize 1, n_filters_scale 1: deep and shallow kernels, a bias and log_scale', async () => {
    // A float32 directional difference through ONNX Runtime is too noisy for the deep ReLU/max-pool
    // layers (and crosses kinks); the float64 reference evaluator gives exact finite differences.
    const spec: PinnModelSpec = { ...DEFAULT_MODEL_SPEC, gridsize: 1, n_filters_scale: 1 };
    const rng = new Rng(11);
    const probe = { re: Float32Array.from(field(rng, N * N, 0, 0.3)), im: new Float32Array(N * N) };
    const ae = buildAutoencoder({
      spec,
      loss: { nll_weight: 1, mae_weight: 0, realspace_weight: 0, realspace_mae_weight: 0, tv_weight: 0 },
      intensityScale: 30,
      probe,
    });
    const params = createParamStore(ae.params, 4);
    const values: Record<string, { shape: number[]; data: Float64Array }> = {
      [FEEDS.amplitudes]: { shape: [1, 1, N, N], data: field(rng, N * N, 1, 15) },
    };
    for (const n of params.names())
      values[n] = { shape: params.shape(n), data: Float64Array.from(params.get(n)) };
    const wrt = ['encoder.0.conv1.w', 'amp.last.border.conv.w', 'phase.last.center.b', 'log_scale'].map((n) =>
      ae.graph.feed(n)!,
    );
    const r = await gradcheck(ae.losses.loss, wrt, values, { maxPoints: 1, eps: 1e-6 });
    expect(r.loss.engine).toBeCloseTo(r.loss.reference, 2);
    expect(r.maxRelErr).toBeLessThan(1e-3);
  }, 180_000);
});
