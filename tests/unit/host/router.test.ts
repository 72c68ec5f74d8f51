import { describe, expect, it } from 'vitest';
import { CoreSupervisor } from '../../../electron/host/supervisor';
import { RequestRouter } from '../../../electron/host/router';
import { validateRequest } from '../../../electron/host/validate';
import { fakeLauncher, until } from './fakeCore';

describe('request validation', () => {
  it('refuses unknown methods and malformed params with the field named', () => {
    expect(() => validateRequest('fs.readEverything', {})).toThrow(/unknown method 'fs.readEverything'/);
    expect(() => validateRequest(42, {})).toThrow(/unknown method/);
    expect(() => validateRequest('core.info', { extra: 1 })).toThrow(/unexpected field 'extra'/);
    expect(() => validateRequest('core.info', [1])).toThrow(/params must be an object/);
    expect(() => validateRequest('core.ping', {})).toThrow(/field 'echo' must be a string, got nothing/);
    expect(() => validateRequest('core.ping', { echo: 'x'.repeat(2000) })).toThrow(/too long/);
    expect(validateRequest('core.ping', { echo: 'hi' })).toEqual({
      method: 'core.ping',
      params: { echo: 'hi' },
    });
    expect(() => validateRequest('__proto__', {})).toThrow(/unknown method/);
  });
});

describe('RequestRouter', () => {
  it('answers host methods locally, forwards core methods, and maps errors to ErrorInfo', async () => {
    const { launcher, cores } = fakeLauncher();
    const sup = new CoreSupervisor(launcher);
    const router = new RequestRouter(sup);
    sup.start();
    await until(() => sup.getStatus().state === 'ready');
    const status = await router.route('host.status', {});
    expect(status).toMatchObject({ ok: true, result: { state: 'ready' } });
    expect(cores[0]!.received.filter((m) => m.type === 'request')).toHaveLength(0);
    expect(await router.route('core.info', {})).toMatchObject({ ok: true, result: { ortVersion: 'fake' } });
    expect(await router.route('core.ping', { echo: 5 })).toEqual({
      ok: false,
      error: { code: 'invalid-params', message: "core.ping: field 'echo' must be a string, got number" },
    });
    expect(await router.route('nope', {})).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    sup.stop();
  });
});
