/**
 * The typed contract between the UI (renderer), the hosts (Electron main process, browser-mode
 * Node host) and the compute core (utility/child process). It is the only way the renderer
 * reaches compute. Every method has a params and a result type; events flow core → UI.
 *
 * Large arrays travel as typed arrays (structured clone over process IPC, binary frames over
 * the browser-mode WebSocket; see wire.ts), never as JSON number lists.
 *
 * This file must stay free of Node/Electron/DOM imports: all three sides include it.
 */

import type { TrainRequest } from './ptycho/config/trainRequest';
import type { ReconRunParams, ReconstructionMethod } from './ptycho/config/reconRequest';
import type { FrcThresholdCrossings } from './ptycho/eval/frc';

export const PROTOCOL_VERSION = 1;

export type ExecutionProviderName = 'cpu' | 'webgpu' | 'cuda';

export interface ProviderStatus {
  name: ExecutionProviderName;
  /** True when a session with this provider was created and ran a probe model. */
  available: boolean;
  /** Why it is unavailable (first line of the runtime's error), or timing info when available. */
  detail: string;
}

export interface CoreInfo {
  appVersion: string;
  protocolVersion: number;
  ortVersion: string;
  nodeVersion: string;
  platform: string;
  pid: number;
  /** Which processes host the core: Electron utility process or Node child process. */
  runtime: 'electron-utility' | 'node-child';
  providers: ProviderStatus[];
  /** Milliseconds the start-up provider probe took. */
  probeMs: number;
}

/** Lifecycle of the compute process as the host sees it. */
export type CoreState = 'starting' | 'ready' | 'busy' | 'crashed';

export interface CoreStatus {
  state: CoreState;
  /** Human-readable reason, e.g. the exit code of a crashed core. */
  detail: string;
  /** How many times the host restarted the core since it started. */
  restarts: number;
  info: CoreInfo | null;
}

type Empty = Record<string, never>;

// ---- domain payloads ----

/** Facts about an opened scan (the Dataset view's facts panel and plots). */
export interface DatasetInfo {
  path: string;
  fileName: string;
  patterns: number;
  N: number;
  diffractionKey: string;
  transposedFromLegacy: boolean;
  scanExtent: { xmin: number; xmax: number; ymin: number; ymax: number };
  medianStepPx: number;
  amplitudeMax: number;
  meanIntensitySum: number;
  /** nphotons per pattern from the file's metadata, when present. */
  nphotons: number | null;
  /** Photons per pattern counted in the data when the amplitudes are quantised sqrt(counts)/s; else null. */
  photonsEstimated: number | null;
  /** Object size (rows, cols) when the file has objectGuess (ground truth / reference). */
  objectShape: [number, number] | null;
  hasGroundTruth: boolean;
  /** Scan positions, object pixels (x = column, y = row). */
  x: Float32Array;
  y: Float32Array;
  /** Probe as split complex `(N, N)`, null when the file has no probeGuess. */
  probe: { re: Float32Array; im: Float32Array } | null;
  /** The file's objectGuess (ground truth) as amplitude and phase, null when it has none. */
  object: ComplexMap | null;
  /** Object pixel size in metres when the file's geometry gives it (scale bars); null: object pixels only. */
  pixelSizeM?: number | null;
  /** The geometry as [label, text] facts (object pixel in nm, energy, detector), or the "pixel size unknown" line. */
  physicalFacts?: Array<[string, string]>;
  /** Scan positions in µm (world frame of the file), when the pixel size is known; else null. */
  positionsUm?: { x: Float32Array; y: Float32Array } | null;
}

/** Amplitude and phase of a complex image, computed by the core. */
export interface ComplexMap {
  width: number;
  height: number;
  amplitude: Float32Array;
  phase: Float32Array;
}

/**
 * The model and training settings the Train view edits (PtychoPINN field names): the type of
 * the schema in compute/ptycho/config/trainRequest.ts, with which the form, host and core validate.
 */
export type { TrainRequest };

export interface TrainBatchEvent {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  samplesPerSec: number;
  etaSec: number;
  lr: number;
  /** Overall progress 0…1. */
  progress: number;
}

export interface TrainEpochEvent {
  epoch: number;
  nepochs: number;
  loss: number;
  nll: number;
  mae: number;
  val_loss: number | null;
  lr: number;
  seconds: number;
  samples_per_sec: number;
  intensity_scale: number;
  /** Stitched preview of the held-out subset after this epoch (object pixels), when enabled. */
  preview: StitchedImage | null;
}

export interface TrainDoneEvent {
  stoppedBy: 'completed' | 'early_stopping' | 'cancelled' | 'non_finite' | 'failed';
  error: string | null;
  epochs: number;
  bestEpoch: number;
  seconds: number;
  provider: string;
  model: ModelInfo | null;
}

/** A loaded or freshly trained model. */
export interface ModelInfo {
  /** Bundle path when loaded or saved; null for an unsaved, freshly trained model. */
  path: string | null;
  N: number;
  gridsize: number;
  n_filters_scale: number;
  intensityScale: number;
  epochsTrained: number;
  created: string;
  appVersion: string;
  /** Final training and validation loss when the bundle has a history. */
  finalLoss: number | null;
  finalValLoss: number | null;
  config: Record<string, unknown>;
  /** Loss per epoch as trained (from the bundle when opened), for the Train view's chart. */
  history: { epoch: number; loss: number; val_loss: number | null }[];
}

/** A stitched complex image on an object-pixel canvas. */
export interface StitchedImage {
  width: number;
  height: number;
  amplitude: Float32Array;
  phase: Float32Array;
  /** Canvas origin in object pixels: canvas (row, col) ↔ object (y0 + row, x0 + col). */
  x0: number;
  y0: number;
}

export interface MetricPair {
  amplitude: number | null;
  phase: number | null;
}

/** Evaluation against the scan's objectGuess (see compute/ptycho/eval). */
export interface EvaluationSummary {
  mae: MetricPair;
  mse: MetricPair;
  psnrDb: MetricPair;
  ssim: MetricPair;
  msSsim: MetricPair;
  frc50PerPx: MetricPair;
  /**
   * FRC curves on rings; frequency in cycles/pixel. `crossings`: where each curve first falls
   * below 0.5, 1/7 and the half-bit curve (cycles/pixel; null: not below it up to Nyquist), the
   * report's (metrics.json's) values.
   */
  frc: {
    frequencyPerPx: Float32Array;
    amplitude: Float32Array;
    phase: Float32Array;
    halfBit: Float32Array;
    crossings: { amplitude: FrcThresholdCrossings; phase: FrcThresholdCrossings };
  };
  notes: string[];
  /** The ground truth on the region the metrics compare (cut and registered like the reconstruction). */
  groundTruth?: ComplexMap;
  /** Object pixel size (m) the resolutions use; null or absent: unknown. */
  pixelSizeM?: number | null;
  /** Half-period resolution 1 / (2f) in nm at the FRC50 and half-bit crossings, when the pixel size is known. */
  resolutionNm?: { frc50: MetricPair; halfBit: MetricPair } | null;
}

/**
 * The `recon.run` request: PINN (default), iterative (rPIE/ePIE from a flat object) or the PINN
 * refined iteratively; fields, defaults and ranges from compute/ptycho/config/reconRequest.ts
 * (a field left out takes its default).
 */
export type { ReconRunParams, ReconstructionMethod };

/** What Export Reconstruction writes: NPZ arrays, PNG figures, or a Ptychodus product (HDF5). */
export type ReconExportFormat = 'npz' | 'png' | 'product';

/** Two reconstructions of the same scan compared (no ground truth needed): B registered onto A. */
export interface ReconstructionComparison {
  labelA: string;
  labelB: string;
  /** Aligned A − B on the common region (amplitude after mean matching, phase after offset removal). */
  difference: { width: number; height: number; amplitude: Float32Array; phase: Float32Array };
  /** Metrics of A against B (SSIM, FRC between them, …). */
  metrics: EvaluationSummary;
}

export interface ReconstructionResult {
  /** What made it, e.g. 'PINN', 'rPIE 30 it.'. */
  label: string;
  method: ReconstructionMethod;
  /** Data error per iteration (iterative methods; empty for the PINN alone). */
  iterations: { iteration: number; error: number }[];
  /** What the user should know, in sentences: an iterative run cancelled or diverged, stitching's outlier warning. */
  message: string | null;
  /** A previous reconstruction of the same dataset exists to compare with (recon.compare). */
  comparable: boolean;
  image: StitchedImage;
  groups: number;
  seconds: number;
  patternsPerSec: number;
  provider: string;
  evaluation: EvaluationSummary | null;
  /** Object pixel size in metres of the reconstructed scan (scale bars); null: unknown. */
  pixelSizeM?: number | null;
}

export type PathPurpose = 'openDataset' | 'openModel' | 'saveModel' | 'exportReconstruction';

/** A typed path checked by the host before it is used (browser mode's path dialog). */
export interface PathCheck {
  /** The path the host will use: absolute, `~` expanded (a folder given for a bundle gets /wts.h5.zip). */
  path: string;
  /** Why it cannot be used for this purpose, in one sentence; null when it can. */
  error: string | null;
  /** Existing files that saving or exporting there would replace (empty: nothing is overwritten). */
  overwrites: string[];
}

/** One folder of the host's file system, for browsing and completion in the path dialog. */
export interface DirListing {
  /** The folder listed: absolute, `~` expanded, ending without a separator (except the root). */
  dir: string;
  entries: { name: string; dir: boolean }[];
  /** More entries exist than were returned. */
  truncated: boolean;
}

export interface RecentFiles {
  datasets: string[];
  models: string[];
}

/**
 * Request methods. `core.*`, `dataset.*`, `train.*`, `model.*`, `recon.*` are answered by the
 * compute core; `host.*` by the host (dialogs, recent files) without reaching compute.
 */
export interface Methods {
  'core.info': { params: Empty; result: CoreInfo };
  'core.ping': { params: { echo: string }; result: { echo: string; atMs: number } };
  'host.status': { params: Empty; result: CoreStatus };
  /** Native file dialog (Electron). Browser mode answers `{ path: null, native: false }` and the UI asks for a path. */
  'host.pickPath': {
    params: {
      purpose: 'openDataset' | 'openModel' | 'saveModel' | 'exportReconstruction';
      defaultPath?: string;
    };
    result: { path: string | null; native: boolean };
  };
  'host.recent': { params: Empty; result: RecentFiles };
  /** Browser mode's path dialog: expand `~`, refuse relative paths, say what is missing or would be replaced. */
  'host.checkPath': { params: { path: string; purpose: PathPurpose }; result: PathCheck };
  /** Browser mode's path dialog: the entries of a folder on the host. */
  'host.listDir': { params: { path: string }; result: DirListing };
  /** Which File items can run now (Electron greys out the native Save and Export items). */
  'host.menuState': { params: { canSave: boolean; canExport: boolean }; result: Empty };
  'host.setTitle': { params: { dataset: string | null; model: string | null }; result: { title: string } };
  /** `diffraction_file` pairs a Ptychodus product with its diffraction file (error codes 'needs-diffraction-file' / 'needs-product-file' say which is missing). */
  'dataset.open': { params: { path: string; diffraction_file?: string }; result: DatasetInfo };
  'dataset.frame': { params: { index: number }; result: { index: number; data: Float32Array } };
  'train.start': {
    params: TrainRequest;
    result: { started: true; groups: number; validationGroups: number };
  };
  'train.cancel': { params: Empty; result: { cancelled: boolean } };
  'model.save': { params: { path: string }; result: ModelInfo };
  'model.open': { params: { path: string }; result: ModelInfo };
  'recon.run': { params: ReconRunParams; result: ReconstructionResult };
  'recon.cancel': { params: Empty; result: { cancelled: boolean } };
  'recon.compare': { params: Empty; result: ReconstructionComparison };
  /** 'product': a Ptychodus product (product-out.h5 layout, pixel sizes from the geometry). */
  'recon.export': { params: { path: string; format: ReconExportFormat }; result: { paths: string[] } };
}

export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = Methods[M]['params'];
export type ResultOf<M extends MethodName> = Methods[M]['result'];

/** Which methods the host answers itself. */
export const HOST_METHODS: readonly MethodName[] = [
  'host.status',
  'host.pickPath',
  'host.recent',
  'host.setTitle',
  'host.checkPath',
  'host.listDir',
  'host.menuState',
];

/** Events pushed to the UI. */
export interface Events {
  'core.status': CoreStatus;
  /** A File-menu (or shortcut) action chosen in the host's native menu. */
  'menu.action': { action: MenuAction; path?: string };
  'train.batch': TrainBatchEvent;
  'train.epoch': TrainEpochEvent;
  'train.done': TrainDoneEvent;
  'recon.progress': { done: number; total: number };
  /** One iteration of an iterative reconstruction, with the current image every few iterations. */
  'recon.iteration': { iteration: number; iterations: number; error: number; image: StitchedImage | null };
}
export type EventName = keyof Events;

export type MenuAction =
  | 'openDataset'
  | 'openModel'
  | 'saveModel'
  | 'exportReconstruction'
  | 'openRecentDataset'
  | 'openRecentModel';

// ---- wire messages (host ⇄ core process, host ⇄ browser) ----

export interface RequestMessage {
  type: 'request';
  id: number;
  method: string;
  params: unknown;
}

export interface ErrorInfo {
  message: string;
  /** Stable machine-readable code: 'invalid-params', 'unknown-method', 'core-crashed', 'failed', … */
  code: string;
}

export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ErrorInfo };

export interface EventMessage {
  type: 'event';
  event: string;
  payload: unknown;
}

export type WireMessage = RequestMessage | ResponseMessage | EventMessage;

/** What the preload script (Electron) and the WebSocket bridge (browser mode) expose to the UI. */
export interface PtychoApi {
  readonly hostKind: 'electron' | 'browser';
  invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Error thrown on the UI side for a failed request, carrying the remote code. */
export class RemoteError extends Error {
  readonly code: string;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'RemoteError';
    this.code = info.code;
  }
}
