/**
 * What the compute core holds between requests: the open dataset, the current model (trained
 * or loaded), a running training job, and the last reconstruction. One per core process.
 */
import type { RawDataset } from '../ptycho/data/dataset';
import type { EventName, Events } from '../protocol';

export interface CoreSession {
  dataset: { path: string; raw: RawDataset } | null;
  /** Set by the lifecycle handlers (train/open model). */
  model: unknown;
  training: AbortController | null;
  reconstruction: unknown;
}

export function newSession(): CoreSession {
  return { dataset: null, model: null, training: null, reconstruction: null };
}

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;
