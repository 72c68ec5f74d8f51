/**
 * The low-level bridge the preload script exposes as `window.ptychoBridge` (plain data only:
 * contextBridge cannot carry class instances). The renderer wraps it into a PtychoApi.
 */
import type { ErrorInfo, WireMessage } from '../compute/protocol';

export type BridgeResult = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };

export interface PtychoBridge {
  hostKind: 'electron';
  invoke(method: string, params: unknown): Promise<BridgeResult>;
  /** Subscribe to event messages; returns an unsubscribe function. */
  onMessage(listener: (msg: WireMessage) => void): () => void;
  /** Filesystem path of a dropped File (Electron ≥ 32 no longer sets File.path). */
  pathForFile(file: File): string;
}

export const IPC_INVOKE = 'ptycho:invoke';
export const IPC_EVENT = 'ptycho:event';
