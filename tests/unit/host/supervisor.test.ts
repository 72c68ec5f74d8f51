import { describe, expect, it } from 'vitest';
import { CoreSupervisor, SupervisorError, busyDetail } from '../../../electron/host/supervisor';
import type { CoreState } from '../../../compute/protocol';
import { fakeLauncher, until } from './fakeCore';

describe('CoreSupervisor', () => {
  it('goes starting → ready, queues requests made before ready, and reports busy while working', async () => {
    const { launcher } = fakeLauncher({ readyDelayMs: 20, slowMs: 30 });
    const sup = new CoreSupervisor(launcher);
    const states: CoreState[] = [];
    sup.on('status', (s) => states.push(s.state));
    sup.start();
    expect(sup.getStatus().state).toBe('starting');
    const early = sup.request('core.ping', { echo: 'early' });
    await expect(early).resolves.toEqual({ echo: 'early', atMs: 0 });
    expect(states).toContain('ready');
    expect(states).toContain('busy');
    expect(sup.getStatus().state).toBe('ready');
    expect(sup.getStatus().info?.providers[0]?.name).toBe('cpu');
    sup.stop();
  });

  it('rejects in-flight requests when the core dies and restarts it', async () => {
    const { launcher, cores } = fakeLauncher({ slowMs: 200 });
    const sup = new CoreSupervisor(launcher, { restartDelayMs: 10 });
    sup.start();
    await until(() => sup.getStatus().state === 'ready');
    const inflight = sup.request('core.ping', { echo: 'x' });
    cores[0]!.die(1);
    const err = await inflight.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupervisorError);
    expect((err as SupervisorError).info.code).toBe('core-crashed');
    expect((err as SupervisorError).message).toMatch(/exit code 1/);
    await until(() => sup.getStatus().state === 'ready' && cores.length === 2);
    expect(sup.getStatus().restarts).toBe(1);
    await expect(sup.request('core.ping', { echo: 'after' })).resolves.toMatchObject({ echo: 'after' });
    sup.stop();
  });

  it('gives up after too many crashes in the window and says so', async () => {
    const { launcher, cores } = fakeLauncher();
    const sup = new CoreSupervisor(launcher, { restartDelayMs: 1, maxRestarts: 2, restartWindowMs: 60_000 });
    sup.start();
    for (let i = 0; i < 3; i++) {
      await until(() => cores.length === i + 1 && sup.getStatus().state === 'ready');
      cores[i]!.die(9);
    }
    await until(() => /gave up/.test(sup.getStatus().detail));
    expect(sup.getStatus().state).toBe('crashed');
    expect(cores.length).toBe(3);
    sup.stop();
  });

  it('reports a launcher that throws as a crash, not an exception', async () => {
    let calls = 0;
    const sup = new CoreSupervisor(
      () => {
        calls++;
        throw new Error('worker file missing');
      },
      { restartDelayMs: 1, maxRestarts: 1 },
    );
    sup.start();
    await until(() => /gave up/.test(sup.getStatus().detail));
    expect(sup.getStatus().detail).toMatch(/worker file missing/);
    expect(calls).toBe(2);
    sup.stop();
  });
});

describe('status bar wording', () => {
  it('says what the core does in plain words, never method names', () => {
    expect(busyDetail(['model.save'])).toBe('Saving the model…');
    expect(busyDetail(['training', 'dataset.frame'])).toBe('Training, reading a pattern…');
    expect(busyDetail(['preparing'])).toBe('Preparing training (building the model)…');
    expect(busyDetail(['recon.run'])).not.toMatch(/recon\.run/);
  });

  it('is "Preparing training" from the answer to train.start to the first batch, then "Training", then ready', async () => {
    const { launcher, cores } = fakeLauncher();
    const sup = new CoreSupervisor(launcher);
    sup.start();
    await until(() => sup.getStatus().state === 'ready');
    await sup.request('train.start', {});
    expect(sup.getStatus()).toMatchObject({
      state: 'busy',
      detail: 'Preparing training (building the model)…',
    });
    cores[0]!.event('train.batch', {});
    expect(sup.getStatus().detail).toBe('Training…');
    cores[0]!.event('train.done', {});
    expect(sup.getStatus()).toMatchObject({ state: 'ready', detail: 'ready' });
    sup.stop();
  });
});
