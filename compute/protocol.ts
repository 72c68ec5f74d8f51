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

/**
 * Request methods. `core.*` are answered by the compute core; `host.*` by the host
 * (dialogs, window state) without reaching compute.
 */
export interface Methods {
  'core.info': { params: Empty; result: CoreInfo };
  'core.ping': { params: { echo: string }; result: { echo: string; atMs: number } };
  'host.status': { params: Empty; result: CoreStatus };
}

export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = Methods[M]['params'];
export type ResultOf<M extends MethodName> = Methods[M]['result'];

/** Which methods the host answers itself. */
export const HOST_METHODS: readonly MethodName[] = ['host.status'];

/** Events pushed to the UI. */
export interface Events {
  'core.status': CoreStatus;
  /** A File-menu (or shortcut) action chosen in the host's native menu. */
  'menu.action': { action: MenuAction };
}
export type EventName = keyof Events;

export type MenuAction = 'openDataset' | 'openModel' | 'saveModel' | 'exportReconstruction';

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
