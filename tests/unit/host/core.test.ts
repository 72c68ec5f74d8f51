import { describe, expect, it } from 'vitest';
import { CoreSupervisor } from '../../../electron/host/supervisor';
import { nodeCoreLauncher } from '../../../electron/host/nodeLauncher';
import { explainProviderFailure } from '../../../compute/core/providers';
import { until } from './fakeCore';

describe('compute core process (real worker, real ONNX Runtime)', () => {
  it('starts, probes providers with a real model, answers core.info, and is restarted after a kill', async () => {
    const sup = new CoreSupervisor(nodeCoreLauncher({ onStderr: () => undefined }), { restartDelayMs: 10 });
    sup.start();
    await until(() => sup.getStatus().state === 'ready', 60_000);
    const info = (await sup.request('core.info', {})) as {
      providers: { name: string; available: boolean; detail: string }[];
      runtime: string;
      ortVersion: string;
    };
    expect(info.runtime).toBe('node-child');
    expect(info.ortVersion).toMatch(/^1\.\d+/);
    const cpu = info.providers.find((p) => p.name === 'cpu');
    expect(cpu?.available).toBe(true);
    for (const p of info.providers.filter((x) => !x.available)) expect(p.detail.length).toBeGreaterThan(10);
    const pid1 = sup.getStatus().info!.pid;
    sup.killCore();
    await until(() => sup.getStatus().state === 'ready' && sup.getStatus().info?.pid !== pid1, 60_000);
    expect(sup.getStatus().restarts).toBe(1);
    await expect(sup.request('core.ping', { echo: 'again' })).resolves.toMatchObject({ echo: 'again' });
    sup.stop();
  });

  it('explains provider failures in words a user can act on', () => {
    expect(
      explainProviderFailure(
        'cuda',
        new Error('Failed to load shared library libonnxruntime_providers_shared.so'),
      ),
    ).toMatch(/setup:cuda/);
    expect(explainProviderFailure('webgpu', new Error('adapter_result.status == Success'))).toMatch(
      /webgpu execution provider could not start/,
    );
  });
});
