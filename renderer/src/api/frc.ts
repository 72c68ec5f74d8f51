/**
 * FrcChart's curves from an EvaluationSummary: amplitude and phase with the threshold crossings
 * the core computed (`EvaluationSummary.frc.crossings`, the same values as metrics.json). The
 * renderer has no FRC rule of its own.
 */
import type { EvaluationSummary } from '../../../compute/protocol';
import type { FrcCurveInput } from '../components/types';

export function frcCurves(frc: EvaluationSummary['frc']): FrcCurveInput[] {
  return [
    { name: 'amplitude', frc: frc.amplitude, crossings: frc.crossings.amplitude },
    { name: 'phase', frc: frc.phase, crossings: frc.crossings.phase },
  ];
}
