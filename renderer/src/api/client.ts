/**
 * The renderer's single entry to the host and compute core: a PtychoApi built either on the
 * Electron preload bridge or on the browser-mode WebSocket. Views and stores use only this.
 */
import type {
  ErrorInfo,
  EventMessage,
  Events,
  EventName,
  MethodName,
  ParamsOf,
  PtychoApi,
  ResultOf,
  WireMessage,
} from '../../../compute/protocol';
import { RemoteError } from '../../../compute/protocol';
import { decodeFrame, encodeFrame } from '../../../compute/wire/framing';

type Listener = (payload: unknown) => void;

class EventHub {
  private listeners = new Map<string, Set<Listener>>();
  on(event: string, l: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(l);
    return () => set!.delete(l);
  }
  dispatch(msg: EventMessage): void {
    for (const l of this.listeners.get(msg.event) ?? []) l(msg.payload);
  }
}

function electronApi(bridge: NonNullable<Window['ptychoBridge']>): PtychoApi {
  const hub = new EventHub();
  bridge.onMessage((msg) => {
    if (msg.type === 'event') hub.dispatch(msg);
  });
  return {
    hostKind: 'electron',
    async invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
      const r = await bridge.invoke(method, params);
      if (!r.ok) throw new RemoteError(r.error);
      return r.result as ResultOf<M>;
    },
    on<E extends EventName>(event: E, listener: (p: Events[E]) => void) {
      return hub.on(event, listener as Listener);
    },
  };
}

/** Why browser mode is not connected, in a sentence for the user; null when connected. */
export type ConnectionListener = (problem: string | null) => void;
const connectionListeners = new Set<ConnectionListener>();
export function onConnectionProblem(l: ConnectionListener): () => void {
  connectionListeners.add(l);
  return () => connectionListeners.delete(l);
}
export const EXPIRED_LINK =
  'This link has expired: the host now runs with a new token. Restart `npm run serve` if it is not running, and open the new URL it prints.';
export const HOST_DOWN =
  'The browser-mode host is not running: start `npm run serve` and open the URL it prints.';

/** A refused connection: a stale token (the host answers 401) or no host at all. */
async function diagnose(token: string): Promise<string> {
  try {
    const r = await fetch(`/token-check?token=${encodeURIComponent(token)}`, { cache: 'no-store' });
    return r.status === 401
      ? EXPIRED_LINK
      : 'Could not connect to the browser-mode host (its WebSocket refused this page).';
  } catch {
    return HOST_DOWN;
  }
}

/** Browser mode: one WebSocket to the host that served this page, authenticated by the URL token. */
function browserApi(token: string): PtychoApi {
  const hub = new EventHub();
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let ws: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let retryMs = 500;

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
      const sock = new WebSocket(url);
      sock.binaryType = 'arraybuffer';
      sock.onopen = () => {
        ws = sock;
        retryMs = 500;
        for (const l of connectionListeners) l(null);
        resolve(sock);
      };
      sock.onmessage = (ev) => {
        const msg = decodeFrame(new Uint8Array(ev.data as ArrayBuffer)) as WireMessage;
        if (msg.type === 'event') hub.dispatch(msg);
        else if (msg.type === 'response') {
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          if (msg.ok) p.resolve(msg.result);
          else p.reject(new RemoteError(msg.error));
        }
      };
      sock.onclose = () => {
        const err: ErrorInfo = {
          code: 'disconnected',
          message: 'lost the connection to the browser-mode host',
        };
        for (const [id, p] of pending) {
          pending.delete(id);
          p.reject(new RemoteError(err));
        }
        const wasOpen = ws === sock;
        ws = null;
        opened = null;
        if (wasOpen)
          hub.dispatch({
            type: 'event',
            event: 'core.status',
            payload: { state: 'crashed', detail: err.message, restarts: 0, info: null },
          });
        else
          void diagnose(token).then((why) => {
            for (const l of connectionListeners) l(why);
            hub.dispatch({
              type: 'event',
              event: 'core.status',
              payload: { state: 'crashed', detail: why, restarts: 0, info: null },
            });
          });
        if (!wasOpen)
          reject(
            new RemoteError({
              code: 'disconnected',
              message:
                'could not connect to the browser-mode host (is `npm run serve` running, and is the token in the URL?)',
            }),
          );
        setTimeout(() => void connect().catch(() => undefined), retryMs);
        retryMs = Math.min(10_000, retryMs * 2);
      };
    });
    return opened;
  };
  void connect().catch(() => undefined);

  return {
    hostKind: 'browser',
    async invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
      const sock = ws ?? (await connect());
      const id = nextId++;
      return new Promise<ResultOf<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        sock.send(encodeFrame({ type: 'request', id, method, params }));
      });
    },
    on<E extends EventName>(event: E, listener: (p: Events[E]) => void) {
      return hub.on(event, listener as Listener);
    },
  };
}

let api: PtychoApi | null = null;

export function getApi(): PtychoApi {
  if (api) return api;
  if (window.ptychoBridge) return (api = electronApi(window.ptychoBridge));
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return (api = browserApi(token));
}
