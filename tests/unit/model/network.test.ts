import { describe, expect, it } from 'vitest';
import { buildAutoencoder, buildDiffractionToObj, LOG_SCALE } from '../../../compute/ptycho/model/pinn';
import { countParams } from '../../../compute/ptycho/model/network';
import {
  DEFAULT_LOSS_SPEC,
  DEFAULT_MODEL_SPEC,
  type PinnModelSpec,
} from '../../../compute/ptycho/model/spec';

const probe = (N: number) => ({ re: new Float32Array(N * N).fill(0.25), im: new Float32Array(N * N) });
const convCount = (spec: PinnModelSpec) =>
  countParams(
    buildAutoencoder({
      spec,
      loss: DEFAULT_LOSS_SPEC,
      intensityScale: 988.2,
      probe: probe(spec.N),
    }).params.filter((p) => p.name !== LOG_SCALE),
  );

describe('PtychoPINN network', () => {
  it("has exactly PtychoPINN's conv parameter counts (N=64, s=2)", () => {
    expect(convCount({ ...DEFAULT_MODEL_SPEC, gridsize: 1 })).toBe(2_331_772);
    expect(convCount({ ...DEFAULT_MODEL_SPEC, gridsize: 2 })).toBe(2_340_208);
  });
  it('matches the documented N=128 count and scales with n_filters_scale', () => {
    expect(convCount({ ...DEFAULT_MODEL_SPEC, N: 128 })).toBe(4_661_212);
    expect(convCount({ ...DEFAULT_MODEL_SPEC, n_filters_scale: 1 })).toBeLessThan(2_331_772 / 3);
  });
  it('shares parameter names between the training and inference graphs', () => {
    for (const gridsize of [1, 2]) {
      const spec = { ...DEFAULT_MODEL_SPEC, gridsize };
      const train = buildAutoencoder({ spec, loss: DEFAULT_LOSS_SPEC, intensityScale: 10, probe: probe(64) })
        .params.map((p) => p.name)
        .sort();
      const infer = buildDiffractionToObj(spec, 10)
        .params.map((p) => p.name)
        .sort();
      expect(infer).toEqual(train);
    }
  });
  it('refuses unsupported N with a clear message', () => {
    expect(() => convCount({ ...DEFAULT_MODEL_SPEC, N: 96 as 64 })).toThrow(
      /N must be 64, 128 or 256, got 96/,
    );
  });
});
