/**
 * The exported diffraction_to_obj model (public NHWC I/O, weights baked) must reproduce the
 * training graph's trimmed object exactly, for gridsize 1 and 2.
 */
import { describe, expect, it } from 'vitest';
import { CompiledGraph } from '../../../compute/engine/compile';
import { buildAutoencoder, FEEDS } from '../../../compute/ptycho/model/pinn';
import { DEFAULT_LOSS_SPEC, DEFAULT_MODEL_SPEC } from '../../../compute/ptycho/model/spec';
import { createParamStore } from '../../../compute/ptycho/train/trainer';
import { exportModels } from '../../../compute/ptycho/infer/exportModels';
import { ObjectPredictor } from '../../../compute/ptycho/infer/predictor';

describe('diffraction_to_obj export', () => {
  for (const gridsize of [1, 2]) {
    it(`matches the training graph's object (gridsize ${gridsize})`, async () => {
      const N = 64;
      const C = gridsize * gridsize;
      const spec = { ...DEFAULT_MODEL_SPEC, gridsize, n_filters_scale: 1 };
      const probe = { re: new Float32Array(N * N).fill(0.5), im: new Float32Array(N * N).fill(0.1) };
      const s = 31.25;
      const ae = buildAutoencoder({ spec, loss: DEFAULT_LOSS_SPEC, intensityScale: s, probe });
      const params = createParamStore(ae.params, 7);
      const B = 3;
      const X = Float32Array.from({ length: B * C * N * N }, (_, i) => 0.1 + 0.05 * Math.sin(i * 0.37));
      const rel = Float32Array.from({ length: B * C * 2 }, (_, i) =>
        gridsize > 1 ? ((i * 7) % 5) * 0.6 - 1.2 : 0,
      );
      const sX = X.map((v) => v * s);
      const fwd = await CompiledGraph.create({ re: ae.trimmed.re, im: ae.trimmed.im });
      const feeds: Record<string, Float32Array> = { [FEEDS.amplitudes]: sX };
      if (gridsize > 1) feeds[FEEDS.offsets] = rel;
      for (const n of params.names()) feeds[n] = params.get(n);
      const ref = await fwd.run(feeds);
      await fwd.release();

      const models = exportModels(spec, params, probe);
      const pred = await ObjectPredictor.create(models.diffraction_to_obj, {
        N,
        gridsize,
        intensityScale: s,
      });
      const out = await pred.predict({ amplitudes: X, coordsRelative: rel, count: B }, { batchSize: 2 });
      await pred.release();
      let maxErr = 0;
      let maxRef = 0;
      for (let i = 0; i < out.re.length; i++) {
        maxErr = Math.max(
          maxErr,
          Math.abs(out.re[i]! - ref.re!.data[i]!),
          Math.abs(out.im[i]! - ref.im!.data[i]!),
        );
        maxRef = Math.max(maxRef, Math.abs(ref.re!.data[i]!));
      }
      expect(maxRef).toBeGreaterThan(0.01);
      expect(maxErr / maxRef).toBeLessThan(1e-4);
    });
  }
});
