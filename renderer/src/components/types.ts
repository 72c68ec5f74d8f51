/** Small shared types of the visual building blocks (kept out of .vue files so .ts code can import them). */
import type { FrcThresholdCrossings } from '../../../compute/ptycho/eval/frc';

/** An image pixel: x = column, y = row (DESIGN §8). */
export interface PixelPoint {
  x: number;
  y: number;
}

/** Hover read-out of ImageCanvas: the pixel under the mouse and its value. */
export interface HoverInfo extends PixelPoint {
  value: number;
}

/** One epoch of LossChart: mean training loss and validation loss (either may be missing). */
export interface EpochLoss {
  epoch: number;
  train?: number | null;
  val?: number | null;
}

/** One batch point of LossChart; `epoch` is fractional (epoch + batch / batchesPerEpoch). */
export interface BatchLoss {
  epoch: number;
  loss: number;
}

/** A named FRC curve sampled at FrcChart's `frequencyPerPx`, with the core's threshold crossings. */
export interface FrcCurveInput {
  name: string;
  frc: ArrayLike<number>;
  crossings: FrcThresholdCrossings;
}

/** Hover read-out of ComplexImagePair: pixel with amplitude and phase (rad). */
export interface ComplexHover extends PixelPoint {
  amplitude: number;
  phase: number;
}
