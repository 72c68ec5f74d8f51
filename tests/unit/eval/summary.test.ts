/**
 * The UI's EvaluationSummary carries the FRC threshold crossings the core computed, the same
 * values metrics.json reports, so the renderer draws them without an FRC rule of its own.
 */
import { describe, expect, it } from 'vitest';
import { evaluateReconstruction, metricsJson } from '../../../compute/ptycho/eval/evaluate';
import { findCrossing, FRC_HALF, FRC_ONE_SEVENTH } from '../../../compute/ptycho/eval/frc';
import { evaluationSummary } from '../../../compute/ptycho/lifecycle/evaluation';
import { loadExpected, readComplex } from './helpers';

const E = loadExpected();
const gt = readComplex(E.pairB.gt_re, E.pairB.gt_im);
const recon = readComplex(E.pairB.recon_re, E.pairB.recon_im);
const scan = { y: E.pairB.scan_y as number[], x: E.pairB.scan_x as number[] };

interface CrossingJson {
  reached: boolean;
  frequency_per_px: { value: number | null };
}
type FrcJson = Record<'frc50' | 'frc_1over7' | 'half_bit', CrossingJson>;

describe('EvaluationSummary.frc.crossings', () => {
  const report = evaluateReconstruction(recon, gt, { scanCoordsYX: scan });
  const summary = evaluationSummary(report);
  const json = metricsJson(report) as { amplitude: { frc: FrcJson }; phase: { frc: FrcJson } };

  it("are the report's (metrics.json's) crossings, amplitude and phase each their own", () => {
    for (const part of ['amplitude', 'phase'] as const) {
      const c = summary.frc.crossings[part];
      const j = json[part].frc;
      expect(c.half, part).toBe(j.frc50.reached ? j.frc50.frequency_per_px.value : null);
      expect(c.oneSeventh, part).toBe(j.frc_1over7.reached ? j.frc_1over7.frequency_per_px.value : null);
      expect(c.halfBit, part).toBe(j.half_bit.reached ? j.half_bit.frequency_per_px.value : null);
      expect(c.half, part).toBe(report[part].frc.frc50.frequencyPerPx);
      expect(c.oneSeventh, part).toBe(report[part].frc.frc1over7.frequencyPerPx);
      expect(c.halfBit, part).toBe(report[part].frc.halfBitCrossing.frequencyPerPx);
    }
    // Not vacuous: this pair's amplitude FRC crosses 0.5, and the two parts differ.
    const a = summary.frc.crossings.amplitude;
    expect(a.half).not.toBeNull();
    expect(summary.frc.crossings.phase).not.toEqual(a);
  });

  it('describe the curves the summary carries (same rule on its float32 arrays)', () => {
    const n = Math.round(1 / summary.frc.frequencyPerPx[1]!);
    for (const part of ['amplitude', 'phase'] as const) {
      const curve = summary.frc[part];
      const c = summary.frc.crossings[part];
      const near = (want: number | null, got: number | null): void => {
        if (want === null) expect(got).toBeNull();
        else expect(got!).toBeCloseTo(want, 5);
      };
      near(c.half, findCrossing(curve, FRC_HALF, n).frequencyPerPx);
      near(c.oneSeventh, findCrossing(curve, FRC_ONE_SEVENTH, n).frequencyPerPx);
      near(c.halfBit, findCrossing(curve, summary.frc.halfBit, n).frequencyPerPx);
    }
  });
});
