/// <reference types="vite/client" />
import type { ErrorInfo, WireMessage } from '../../compute/protocol';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Present in Electron (exposed by the preload script); absent in browser mode. */
    ptychoBridge?: {
      hostKind: 'electron';
      invoke(
        method: string,
        params: unknown,
      ): Promise<{ ok: true; result: unknown } | { ok: false; error: ErrorInfo }>;
      onMessage(listener: (msg: WireMessage) => void): () => void;
      pathForFile?(file: File): string;
    };
  }
}
