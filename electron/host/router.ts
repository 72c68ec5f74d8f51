/**
 * Request routing shared by both hosts: validate, answer host methods locally, forward the
 * rest to the compute core, and map every failure to an ErrorInfo the UI can show.
 */
import type { ErrorInfo, MethodName } from '../../compute/protocol';
import { HOST_METHODS } from '../../compute/protocol';
import { SupervisorError, type CoreSupervisor } from './supervisor';
import { validateRequest, ValidationError } from './validate';

export type HostHandler = (params: unknown) => Promise<unknown> | unknown;

export type RouteResult = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };

export class RequestRouter {
  private readonly hostHandlers = new Map<string, HostHandler>();

  constructor(private readonly core: CoreSupervisor) {
    this.hostHandlers.set('host.status', () => this.core.getStatus());
  }

  /** Register a host-side method (e.g. native dialogs in Electron). */
  handleHost(method: MethodName, handler: HostHandler): void {
    this.hostHandlers.set(method, handler);
  }

  async route(method: unknown, params: unknown): Promise<RouteResult> {
    try {
      const v = validateRequest(method, params);
      if (HOST_METHODS.includes(v.method) || this.hostHandlers.has(v.method)) {
        const h = this.hostHandlers.get(v.method);
        if (!h) return { ok: false, error: { code: 'unavailable', message: `${v.method} is not available in this host` } };
        return { ok: true, result: await h(v.params) };
      }
      return { ok: true, result: await this.core.request(v.method, v.params) };
    } catch (e) {
      if (e instanceof ValidationError) return { ok: false, error: { code: e.code, message: e.message } };
      if (e instanceof SupervisorError) return { ok: false, error: e.info };
      return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
    }
  }
}
