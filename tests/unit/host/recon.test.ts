import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { newSession } from '../../../compute/core/session';
import { openDataset } from '../../../compute/core/datasetHandlers';
import {
  cancelReconstruction,
  compareReconstructions,
  runReconstruction,
} from '../../../compute/core/reconHandlers';
import type { EventName, Events } from '../../../compute/protocol';
import { findCrossing, FRC_HALF } from '../../../compute/ptycho/eval/frc';

const fixture = fileURLToPath(new URL('../../../fixtures/lines-N64-test.npz', import.meta.url));

describe('recon.run with the iterative methods, recon.compare', () => {
  it('runs rPIE without a model, streams iterations, and compares two runs of the same scan', async () => {
    const session = newSession();
    await openDataset(session, fixture);
    const events: { e: EventName; p: unknown }[] = [];
    const emit = <E extends EventName>(e: E, p: Events[E]) => void events.push({ e, p });
    await expect(runReconstruction(session, emit, { method: 'pinn' })).rejects.toThrow(
      /open or train a model first/,
    );
    const a = await runReconstruction(session, emit, { method: 'iterative', iterations: 5 });
    expect(a.label).toBe('rPIE 5 it.');
    expect(a.iterations).toHaveLength(5);
    expect(a.iterations[4]!.error).toBeLessThan(a.iterations[0]!.error);
    expect(a.comparable).toBe(false);
    expect(a.evaluation?.ssim.amplitude).toBeGreaterThan(0.3);
    const its = events.filter((x) => x.e === 'recon.iteration').map((x) => x.p as Events['recon.iteration']);
    expect(its.map((i) => i.iteration)).toEqual([1, 2, 3, 4, 5]);
    expect(its[4]!.image).not.toBeNull();
    expect(() => compareReconstructions(session)).toThrow(/reconstruct the same dataset twice/);
    const b = await runReconstruction(session, emit, {
      method: 'iterative',
      algorithm: 'epie',
      iterations: 3,
    });
    expect(b.comparable).toBe(true);
    const c = compareReconstructions(session);
    expect(c.labelA).toBe('ePIE 3 it.');
    expect(c.labelB).toBe('rPIE 5 it.');
    expect(c.metrics.ssim.amplitude).toBeGreaterThan(0.2);
    expect(c.metrics.frc.frequencyPerPx.length).toBeGreaterThan(4);
    // the comparison's FRC comes with the core's crossings, as the run's evaluation does
    for (const frc of [a.evaluation!.frc, c.metrics.frc]) {
      const n = Math.round(1 / frc.frequencyPerPx[1]!);
      for (const part of ['amplitude', 'phase'] as const) {
        const want = findCrossing(frc[part], FRC_HALF, n).frequencyPerPx;
        const got = frc.crossings[part].half;
        if (want === null) expect(got).toBeNull();
        else expect(got!).toBeCloseTo(want, 5);
        expect(Object.keys(frc.crossings[part]).sort()).toEqual(['half', 'halfBit', 'oneSeventh']);
      }
    }
    expect(c.metrics.frc.crossings.amplitude.half).not.toBeNull();
    expect(c.difference.amplitude.length).toBe(c.difference.width * c.difference.height);
    // the two differ (different engines and iterations), but not wildly
    const rms = Math.sqrt(
      c.difference.amplitude.reduce((s, v) => s + v * v, 0) / c.difference.amplitude.length,
    );
    expect(rms).toBeGreaterThan(0);
    expect(rms).toBeLessThan(0.5);
  });

  it('cancels a running iterative reconstruction and keeps the last iterate', async () => {
    const session = newSession();
    await openDataset(session, fixture);
    const emit = <E extends EventName>(e: E, p: Events[E]) => {
      if (e === 'recon.iteration' && (p as Events['recon.iteration']).iteration === 2)
        cancelReconstruction(session);
    };
    const r = await runReconstruction(session, emit, { method: 'iterative', iterations: 50 });
    expect(r.iterations).toHaveLength(2);
    expect(r.message).toMatch(/cancelled after 2 of 50/);
    expect(cancelReconstruction(session)).toEqual({ cancelled: false });
  });
});
