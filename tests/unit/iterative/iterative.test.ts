import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../../compute/ptycho/data/simulate';
import { rawDatasetFromNpz, type RawDataset } from '../../../compute/ptycho/data/dataset';
import { reconstructIterative, IterativeError } from '../../../compute/ptycho/iterative/reconstruct';
import { evaluateStitched } from '../../../compute/ptycho/lifecycle/evaluation';
import { gaussianFilter } from '../../../compute/numerics/filters';
import type { AnyNdArray } from '../../../compute/io/ndarray';
import type { Stitched } from '../../../compute/ptycho/stitch/reassemble';

function dataset(arrays: Record<string, AnyNdArray>, file = 'scan.npz'): RawDataset {
  return rawDatasetFromNpz(
    { arrays: new Map(Object.entries(arrays)), metadata: null, skipped: new Map() },
    file,
  );
}

// A GRF object with phase, PtychoPINN's aberrated probe, a 6-px raster: 100 patterns at 1e6 photons.
const sim = simulate({
  N: 64,
  object: 'grf',
  setPhi: true,
  objectSize: 124,
  probe: 'aberrated',
  nphotons: 1e6,
  gridStep: 6,
  seed: 3,
});
const raw = dataset(sim.arrays());

describe('iterative reconstruction (rPIE / ePIE)', () => {
  it('reconstructs a simulated scan with an aberrated probe', async () => {
    const res = await reconstructIterative(raw, { iterations: 20 });
    expect(res.stopReason).toBe('completed');
    expect(res.history).toHaveLength(20);
    // the data error falls
    expect(res.history.at(-1)!.error).toBeLessThan(0.2 * res.history[0]!.error);
    const rep = evaluateStitched(res.stitched, sim.object, []);
    expect(rep.amplitude.ssim).toBeGreaterThan(0.8);
    expect(rep.phase.ssim).toBeGreaterThan(0.8);
    const epie = await reconstructIterative(raw, { algorithm: 'epie', iterations: 20 });
    expect(evaluateStitched(epie.stitched, sim.object, []).amplitude.ssim).toBeGreaterThan(0.6);
  });

  it('keeps the conventions: positions off by a sub-pixel amount shift the result by that amount', async () => {
    const shifted = dataset({
      ...sim.arrays(),
      xcoords: { dtype: 'float64', shape: [sim.scan.M], data: sim.scan.xcoords.map((v) => v - 0.4) },
      ycoords: { dtype: 'float64', shape: [sim.scan.M], data: sim.scan.ycoords.map((v) => v - 0.7) },
    });
    const a = await reconstructIterative(raw, { iterations: 20 });
    const b = await reconstructIterative(shifted, { iterations: 20 });
    const ra = evaluateStitched(a.stitched, sim.object, []).alignment.registrationShiftPx!;
    const rb = evaluateStitched(b.stitched, sim.object, []).alignment.registrationShiftPx!;
    expect(Math.hypot(ra.dx, ra.dy)).toBeLessThan(0.1);
    // Object pixel X claimed at X − d holds the truth at X: the canvas is the truth moved by −d.
    expect(rb.dx - ra.dx).toBeCloseTo(0.4, 1);
    expect(rb.dy - ra.dy).toBeCloseTo(0.7, 1);
  });

  it('a good start beats a flat start after the same number of iterations', async () => {
    // Stand-in for the PINN's stitched object (the CLI and bench use the real one): the truth blurred.
    const flat = await reconstructIterative(raw, { iterations: 5 });
    const blurRe = gaussianFilter(
      { width: sim.object.width, height: sim.object.height, data: Float64Array.from(sim.object.re) },
      2,
    ).data;
    const blurIm = gaussianFilter(
      { width: sim.object.width, height: sim.object.height, data: Float64Array.from(sim.object.im) },
      2,
    ).data;
    const init: Stitched = {
      width: sim.object.width,
      height: sim.object.height,
      re: Float32Array.from(blurRe),
      im: Float32Array.from(blurIm),
      weights: new Float32Array(blurRe.length).fill(1),
      x0: 0,
      y0: 0,
    };
    const started = await reconstructIterative(raw, { iterations: 5, initialObject: init });
    expect(started.history.at(-1)!.error).toBeLessThan(flat.history.at(-1)!.error);
    const sf = evaluateStitched(flat.stitched, sim.object, []);
    const ss = evaluateStitched(started.stitched, sim.object, []);
    expect(ss.amplitude.ssim).toBeGreaterThan(sf.amplitude.ssim);
  });

  it('a diverging update stops with the last good iterate and says so', async () => {
    // rPIE with α → 0 divides by |P|² (and |o|²) where they are dark: the updates explode.
    const res = await reconstructIterative(raw, {
      iterations: 20,
      alpha: 1e-12,
      probeRefine: true,
      beta: 2,
      probeStart: 0,
    });
    expect(res.stopReason).toBe('diverged');
    expect(res.message).toMatch(/diverged.*kept iteration/);
    for (const v of res.stitched.re) expect(Number.isFinite(v)).toBe(true);
    expect(res.history.length).toBeLessThan(20);
  });

  it('can be cancelled and keeps the last iterate', async () => {
    const ac = new AbortController();
    const res = await reconstructIterative(raw, {
      iterations: 20,
      signal: ac.signal,
      onIteration: (r) => r.iteration === 3 && ac.abort(),
    });
    expect(res.stopReason).toBe('cancelled');
    expect(res.history).toHaveLength(3);
    expect(res.message).toMatch(/cancelled after 3 of 20/);
  });

  it('refuses a scan without a probe and positions that make no sense, in one line', async () => {
    const noProbe = { ...raw, probe: null };
    await expect(reconstructIterative(noProbe)).rejects.toThrow(/scan\.npz: missing key 'probeGuess'/);
    const xs = sim.scan.xcoords.slice();
    xs[5] = 1e5;
    const far = dataset({ ...sim.arrays(), xcoords: { dtype: 'float64', shape: [sim.scan.M], data: xs } });
    await expect(reconstructIterative(far)).rejects.toThrow(IterativeError);
    await expect(reconstructIterative(far)).rejects.toThrow(
      /positions span .* are xcoords\/ycoords in object pixels\?/,
    );
    await expect(reconstructIterative(raw, { iterations: 0 })).rejects.toThrow(
      /^iterations: expected an integer from 1 to 10000, got 0$/,
    );
  });
});

describe('ptycho reconstruct', () => {
  it('writes what ptycho infer writes, plus the probe and the error per iteration', async () => {
    const { mkdtempSync, readFileSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { main } = await import('../../../compute/cli/main');
    const { readNpz } = await import('../../../compute/io/npz');
    const dir = mkdtempSync(join(tmpdir(), 'ptycho-rec-'));
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), isTTY: false };
    const fixture = fileURLToPath(new URL('../../../fixtures/lines-N64-test.npz', import.meta.url));
    const rc = await main(
      [
        'reconstruct',
        '--test_data',
        fixture,
        '--output_dir',
        dir,
        '--iterations',
        '3',
        '--ground_truth',
        fixture,
        '--quiet',
      ],
      io,
    );
    expect(rc).toBe(0);
    for (const f of [
      'reconstruction.npz',
      'reconstructed_amplitude.png',
      'reconstructed_phase.png',
      'iterations.csv',
      'timings.json',
      'metrics.json',
      'frc.csv',
    ])
      expect(existsSync(join(dir, f))).toBe(true);
    const z = readNpz(join(dir, 'reconstruction.npz'));
    for (const k of ['object', 'amplitude', 'phase', 'weights', 'x0', 'y0', 'probe'])
      expect(z.arrays.has(k)).toBe(true);
    expect(readFileSync(join(dir, 'iterations.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    const rcBad = await main(
      ['reconstruct', '--test_data', fixture, '--output_dir', dir, '--algorithm', 'dm'],
      io,
    );
    expect(rcBad).not.toBe(0);
  });
});
