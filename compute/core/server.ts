/**
 * The compute core's message loop, independent of how it is hosted: Electron's utilityProcess
 * (process.parentPort) or a Node child process (process.send with advanced serialization).
 */
import ort from 'onnxruntime-node';
import type {
  CoreInfo,
  EventMessage,
  MethodName,
  RequestMessage,
  ResponseMessage,
  WireMessage,
} from '../protocol';
import { PROTOCOL_VERSION } from '../protocol';
import { handlers, type CoreContext, type Handler } from './handlers';
import { probeProviders } from './providers';
import { appVersion } from '../version';
import { CoreError } from './errors';
import { newSession } from './session';

export interface CoreTransport {
  send(msg: WireMessage): void;
  onMessage(listener: (msg: WireMessage) => void): void;
  runtime: CoreInfo['runtime'];
}

export { CoreError } from './errors';

export async function runCore(transport: CoreTransport): Promise<void> {
  const pending: RequestMessage[] = [];
  let ctx: CoreContext | null = null;

  const handle = async (req: RequestMessage): Promise<void> => {
    const handler = handlers[req.method as MethodName] as Handler<MethodName> | undefined;
    let res: ResponseMessage;
    if (!handler) {
      res = {
        type: 'response',
        id: req.id,
        ok: false,
        error: { code: 'unknown-method', message: `unknown method '${req.method}'` },
      };
    } else {
      try {
        const result = await handler((req.params ?? {}) as never, ctx!);
        res = { type: 'response', id: req.id, ok: true, result };
      } catch (e) {
        const code = e instanceof CoreError ? e.code : 'failed';
        res = {
          type: 'response',
          id: req.id,
          ok: false,
          error: { code, message: e instanceof Error ? e.message : String(e) },
        };
      }
    }
    try {
      transport.send(res);
    } catch (e) {
      // The host's channel hiccuped (closed, message not serialisable): the core keeps running.
      process.stderr.write(
        `compute core: could not send the answer to request ${req.id}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
    }
  };

  transport.onMessage((msg: unknown) => {
    // Anything but a well-formed request (null, garbage, a stray response) is ignored, not fatal.
    if (msg === null || typeof msg !== 'object') return;
    const m = msg as Partial<RequestMessage>;
    if (m.type !== 'request' || !Number.isSafeInteger(m.id) || typeof m.method !== 'string') return;
    if (ctx) void handle(m as RequestMessage);
    else pending.push(m as RequestMessage);
  });

  const t0 = performance.now();
  const providers = await probeProviders();
  const info: CoreInfo = {
    appVersion: appVersion(),
    protocolVersion: PROTOCOL_VERSION,
    ortVersion: ort.env.versions.common,
    nodeVersion: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    pid: process.pid,
    runtime: transport.runtime,
    providers,
    probeMs: Math.round(performance.now() - t0),
  };
  const session = newSession();
  ctx = {
    info,
    session,
    emit: (event, payload) => {
      try {
        transport.send({ type: 'event', event, payload });
      } catch (e) {
        process.stderr.write(
          `compute core: could not send event ${event}: ${e instanceof Error ? e.message : String(e)}\n`,
        );
      }
    },
  };
  const ready: EventMessage = { type: 'event', event: 'core.ready', payload: info };
  transport.send(ready);
  for (const req of pending.splice(0)) void handle(req);
}
