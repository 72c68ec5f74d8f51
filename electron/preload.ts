/**
 * Preload (sandboxed, context-isolated): exposes only `window.ptychoBridge` — a request
 * function and an event subscription — and nothing of Node or Electron.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { WireMessage } from '../compute/protocol';
import { IPC_EVENT, IPC_INVOKE, type BridgeResult, type PtychoBridge } from './bridge';

const bridge: PtychoBridge = {
  hostKind: 'electron',
  invoke: (method, params) => ipcRenderer.invoke(IPC_INVOKE, method, params) as Promise<BridgeResult>,
  onMessage: (listener) => {
    const wrapped = (_e: IpcRendererEvent, msg: WireMessage): void => listener(msg);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('ptychoBridge', bridge);
