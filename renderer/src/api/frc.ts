/**
 * FrcChart's curves from an EvaluationSummary: amplitude and phase with their threshold crossings.
 *
 * The crossings come from the core's one implementation (compute/ptycho/eval/frc.ts
 * `frcThresholdCrossings`, the same rule as metrics.json). Until the protocol's
 * `EvaluationSummary.frc` carries them (compute/protocol.ts is being moved to a schema), they are
 * evaluated here on the arrays the core sent; the renderer has no FRC rule of its own.
 */
import type { EvaluationSummary } from '../../../compute/protocol';
import { frcThresholdCrossings } from '../../../compute/ptycho/eval/frc';
import type { FrcCurveInput } from '../components/types';

export function frcCurves(frc: EvaluationSummary['frc']): FrcCurveInput[] {
  return [
    { name: 'amplitude', frc: frc.amplitude, crossings: frcThresholdCrossings(frc.frequencyPerPx, frc.amplitude, frc.halfBit) },
    { name: 'phase', frc: frc.phase, crossings: frcThresholdCrossings(frc.frequencyPerPx, frc.phase, frc.halfBit) },
  ];
}
