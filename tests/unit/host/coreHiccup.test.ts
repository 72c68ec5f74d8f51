/**
 * Issue #15: the core survives a host hiccup (garbage on its IPC channel) and the host side
 * survives a stuck or crashed core (request timeout, liveness ping, restart).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      for (const bad of [
        null,
        42,
        'text',
        [],
        {},
        { type: 'request' },
        { type: 'request', id: 'x', method: 'core.ping' },
        { type: 'request', id: 1, method: 12 },
        { type: 'response', id: 3, ok: true },
      ])
        ch.send(bad as unknown as WireMessage);
      ch.send({ type: 'request', id: 2, method: 'dataset.open', params: null });
      ch.send({ type: 'request', id: 3, method: 'core.ping', params: { echo: 'alive' } });
      await until(() => got.some((m) => m.type === 'response' && m.id === 3), 10_000);
      expect(got.find((m) => m.type === 'response' && m.id === 3)).toMatchObject({
        ok: true,
        result: { echo: 'alive' },
      });
      expect(got.find((m) => m.type === 'response' && m.id === 2)).toMatchObject({ ok: false });
      expect(exit).toBeNull();
      // A device or a FIFO as a dataset or model: refused within a second, the core still answering.
      const fifo = join(mkdtempSync(join(tmpdir(), 'core-fifo-')), 'scan.npz');
      execFileSync('mkfifo', [fifo]);
      const asks: [number, string, string][] = [
        [10, 'dataset.open', '/dev/zero'],
        [11, 'dataset.open', fifo],
        [12, 'model.open', '/dev/zero'],
        [13, 'model.open', fifo],
      ];
      const t0 = performance.now();
      for (const [id, method, path] of asks) ch.send({ type: 'request', id, method, params: { path } });
      await until(() => asks.every(([id]) => got.some((m) => m.type === 'response' && m.id === id)), 5_000);
      expect(performance.now() - t0).toBeLessThan(1000);
      for (const [id] of asks)
        expect(got.find((m) => m.type === 'response' && m.id === id)).toMatchObject({
          ok: false,
          error: {
            message: expect.stringMatching(/is a (character device|FIFO \(named pipe\)), not a regular file/),
          },
        });
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
