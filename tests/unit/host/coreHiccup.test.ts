/**
 * Issue #15: the core survives a host hiccup (garbage on its IPC channel) and the host side
 * survives a stuck or crashed core (request timeout, liveness ping, restart).
 */
import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../../compute/protocol';
import { CoreSupervisor, SupervisorError } from '../../../electron/host/supervisor';
import { nodeCoreLauncher } from '../../../electron/host/nodeLauncher';
import { fakeLauncher, until } from './fakeCore';

describe('compute core and host keep each other alive', () => {
  it('a real core ignores malformed messages from the host and keeps answering', async () => {
    const errs: string[] = [];
    const ch = nodeCoreLauncher({ onStderr: (l) => errs.push(l) })();
    const got: WireMessage[] = [];
    let exit: unknown = null;
    ch.onMessage((m) => got.push(m));
    ch.onExit((c, s) => (exit = c ?? s));
    try {
      await until(() => got.some((m) => m.type === 'event' && m.event === 'core.ready'), 60_000);
      for (const bad of [null, 42, 'text', [], {}, { type: 'request' }, { type: 'request', id: 'x', method: 'core.ping' }, { type: 'request', id: 1, method: 12 }, { type: 'response', id: 3, ok: true }])
        ch.send(bad as unknown as WireMessage);
      ch.send({ type: 'request', id: 2, method: 'dataset.open', params: null });
      ch.send({ type: 'request', id: 3, method: 'core.ping', params: { echo: 'alive' } });
      await until(() => got.some((m) => m.type === 'response' && m.id === 3), 10_000);
      expect(got.find((m) => m.type === 'response' && m.id === 3)).toMatchObject({ ok: true, result: { echo: 'alive' } });
      expect(got.find((m) => m.type === 'response' && m.id === 2)).toMatchObject({ ok: false });
      expect(exit).toBeNull();
    } finally {
      ch.kill();
    }
  }, 90_000);

  it('fails an unanswered request with code timeout and restarts a core that no longer answers pings', async () => {
    const { launcher, cores } = fakeLauncher({ slowMs: 400 });
    const sup = new CoreSupervisor(launcher, { requestTimeoutMs: 50, livenessMs: 100, restartDelayMs: 1 });
    sup.start();
    await until(() => sup.getStatus().state === 'ready');
    const err = await sup.request('core.info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupervisorError);
    expect((err as SupervisorError).info).toMatchObject({ code: 'timeout' });
    expect((err as SupervisorError).info.message).toMatch(/core\.info got no answer .* within 0 s/);
    await until(() => cores.length === 2 && sup.getStatus().state === 'ready', 3000);
    sup.stop();
  });

  it('a responsive core is not restarted after a slow request times out', async () => {
    const { launcher, cores } = fakeLauncher({ slowMs: 60 });
    const sup = new CoreSupervisor(launcher, { requestTimeoutMs: 30, livenessMs: 500, restartDelayMs: 1 });
    sup.start();
    await until(() => sup.getStatus().state === 'ready');
    await expect(sup.request('core.info', {})).rejects.toBeInstanceOf(SupervisorError);
    await new Promise((r) => setTimeout(r, 700));
    expect(cores.length).toBe(1);
    sup.stop();
  });
});
