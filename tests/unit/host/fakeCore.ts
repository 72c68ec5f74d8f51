/**
 * An in-process stand-in for the compute process, speaking the real wire protocol, so the
 * supervisor and router are tested without spawning ONNX Runtime.
 */
import type { CoreInfo, WireMessage } from '../../../compute/protocol';
import type { CoreChannel, CoreLauncher } from '../../../electron/host/supervisor';

export const FAKE_INFO: CoreInfo = {
  appVersion: '0.0.0-test',
  protocolVersion: 1,
  ortVersion: 'fake',
  nodeVersion: process.versions.node,
  platform: 'test',
  pid: 1,
  runtime: 'node-child',
  providers: [{ name: 'cpu', available: true, detail: 'fake' }],
  probeMs: 0,
};

export interface FakeCore extends CoreChannel {
  /** Simulate the process dying. */
  die(code: number): void;
  received: WireMessage[];
  /** Push an event as the core would (train.batch, train.done, …). */
  event(name: string, payload: unknown): void;
}

export function fakeLauncher(opts: { slowMs?: number; readyDelayMs?: number } = {}): {
  launcher: CoreLauncher;
  cores: FakeCore[];
} {
  const cores: FakeCore[] = [];
  const launcher: CoreLauncher = () => {
    let onMsg: (m: WireMessage) => void = () => undefined;
    let onExit: (c: number | null, s: string | null) => void = () => undefined;
    let alive = true;
    const core: FakeCore = {
      pid: 1000 + cores.length,
      received: [],
      send(m) {
        if (!alive) return;
        core.received.push(m);
        if (m.type !== 'request') return;
        setTimeout(() => {
          if (!alive) return;
          if (m.method === 'core.info') onMsg({ type: 'response', id: m.id, ok: true, result: FAKE_INFO });
          else if (m.method === 'train.start')
            onMsg({
              type: 'response',
              id: m.id,
              ok: true,
              result: { started: true, groups: 1, validationGroups: 0 },
            });
          else if (m.method === 'core.ping')
            onMsg({
              type: 'response',
              id: m.id,
              ok: true,
              result: { echo: (m.params as { echo: string }).echo, atMs: 0 },
            });
          else
            onMsg({
              type: 'response',
              id: m.id,
              ok: false,
              error: { code: 'unknown-method', message: `unknown method '${m.method}'` },
            });
        }, opts.slowMs ?? 0);
      },
      onMessage(l) {
        onMsg = l;
      },
      event(name, payload) {
        if (alive) onMsg({ type: 'event', event: name, payload });
      },
      onExit(l) {
        onExit = l;
      },
      kill() {
        core.die(137);
      },
      die(code) {
        if (!alive) return;
        alive = false;
        setTimeout(() => onExit(code, null), 0);
      },
    };
    cores.push(core);
    setTimeout(
      () => alive && onMsg({ type: 'event', event: 'core.ready', payload: FAKE_INFO }),
      opts.readyDelayMs ?? 0,
    );
    return core;
  };
  return { launcher, cores };
}

export const until = async (pred: () => boolean, timeoutMs = 3000): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
