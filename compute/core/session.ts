/**
 * What the compute core holds between requests: the open dataset, the current model (trained
 * or loaded), a running training job, and the last reconstruction. One per core process.
 */
import type { RawDataset } from '../ptycho/data/dataset';
import type { TrainedModel } from '../ptycho/lifecycle/model';
import type { Stitched } from '../ptycho/stitch/reassemble';
import type { EventName, Events } from '../protocol';

export interface CoreSession {
  dataset: { path: string; raw: RawDataset } | null;
  /** The current model: trained here or opened from a bundle. */
  model: TrainedModel | null;
  training: AbortController | null;
  /** The last stitched reconstruction, kept for export. */
  reconstruction: { stitched: Stitched; datasetPath: string } | null;
}

export function newSession(): CoreSession {
  return { dataset: null, model: null, training: null, reconstruction: null };
}

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;
