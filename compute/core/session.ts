/**
 * What the compute core holds between requests: the open dataset, the current model (trained
 * or loaded), a running training job, and the last reconstruction. One per core process.
 */
import type { ComplexImage, RawDataset } from '../ptycho/data/dataset';
import type { TrainedModel } from '../ptycho/lifecycle/model';
import type { Stitched } from '../ptycho/stitch/reassemble';
import type { EventName, Events } from '../protocol';

export interface CoreSession {
  dataset: { path: string; raw: RawDataset } | null;
  /** The current model: trained here or opened from a bundle. */
  model: TrainedModel | null;
  training: AbortController | null;
  /** The last stitched reconstruction, kept for export, and the one before it (for comparison). */
  reconstruction: SessionReconstruction | null;
  previousReconstruction: SessionReconstruction | null;
  /** A running reconstruction (cancellable). */
  reconstructing: AbortController | null;
}

export interface SessionReconstruction {
  stitched: Stitched;
  datasetPath: string;
  /** What made it, for labels: 'PINN', 'rPIE 30 it.', 'PINN → rPIE 10 it.'. */
  label: string;
  /** The probe an iterative run ended with (exported with the object). */
  probe?: ComplexImage;
}

export function newSession(): CoreSession {
  return {
    dataset: null,
    model: null,
    training: null,
    reconstruction: null,
    previousReconstruction: null,
    reconstructing: null,
  };
}

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;
