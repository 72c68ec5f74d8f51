/**
 * Request routing shared by both hosts: validate, answer host methods locally, forward the
 * rest to the compute core, and map every failure to an ErrorInfo the UI can show.
 */
import type { ErrorInfo, MethodName } from '../../compute/protocol';
import { HOST_METHODS } from '../../compute/protocol';
import { SupervisorError, type CoreSupervisor } from './supervisor';
import { validateRequest, ValidationError } from './validate';
import { RecentStore, windowTitle } from './recent';
import { checkPath, listDir } from './paths';
import type { PathPurpose } from '../../compute/protocol';

export type HostHandler = (params: unknown) => Promise<unknown> | unknown;

export type RouteResult = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };

export class RequestRouter {
  private readonly hostHandlers = new Map<string, HostHandler>();

  readonly recent: RecentStore;

  constructor(
    private readonly core: CoreSupervisor,
    opts: { recent?: RecentStore; onTitle?: (title: string) => void } = {},
  ) {
    this.recent = opts.recent ?? new RecentStore(null);
    this.hostHandlers.set('host.status', () => this.core.getStatus());
    this.hostHandlers.set('host.recent', () => this.recent.list());
    // Without a native dialog (browser mode) the UI asks for a path itself.
    this.hostHandlers.set('host.pickPath', () => ({ path: null, native: false }));
    this.hostHandlers.set('host.checkPath', (p) => {
      const { path, purpose } = p as { path: string; purpose: PathPurpose };
      return checkPath(path, purpose);
    });
    this.hostHandlers.set('host.listDir', (p) => listDir((p as { path: string }).path));
    // The in-page menu greys its items itself; Electron overrides this for the native menu.
    this.hostHandlers.set('host.menuState', () => ({}));
    this.hostHandlers.set('host.setTitle', (p) => {
      const { dataset, model } = p as { dataset: string | null; model: string | null };
      const title = windowTitle(dataset, model);
      opts.onTitle?.(title);
      return { title };
    });
  }

  /** Register a host-side method (e.g. native dialogs in Electron). */
  handleHost(method: MethodName, handler: HostHandler): void {
    this.hostHandlers.set(method, handler);
  }

  /** Successful opens and saves go to the recent-files list. */
  private remember(method: MethodName, result: unknown): void {
    const path = (result as { path?: unknown } | null)?.path;
    if (typeof path !== 'string') return;
    if (method === 'dataset.open') this.recent.add('datasets', path);
    else if (method === 'model.open' || method === 'model.save') this.recent.add('models', path);
  }

  async route(method: unknown, params: unknown): Promise<RouteResult> {
    try {
      const v = validateRequest(method, params);
      if (HOST_METHODS.includes(v.method) || this.hostHandlers.has(v.method)) {
        const h = this.hostHandlers.get(v.method);
        if (!h)
          return {
            ok: false,
            error: { code: 'unavailable', message: `${v.method} is not available in this host` },
          };
        return { ok: true, result: await h(v.params) };
      }
      const result = await this.core.request(v.method, v.params);
      this.remember(v.method, result);
      return { ok: true, result };
    } catch (e) {
      if (e instanceof ValidationError) return { ok: false, error: { code: e.code, message: e.message } };
      if (e instanceof SupervisorError) return { ok: false, error: e.info };
      return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
    }
  }
}
