import { defineStore } from 'pinia';
import { ref, computed } from 'vue';
import type { CoreStatus, RecentFiles } from '../../../compute/protocol';
import { getApi } from '../api/client';

export type ViewName = 'dataset' | 'train' | 'reconstruct';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** Blocking notices (e.g. a crash during training) stay until dismissed. */
  sticky?: boolean;
}

export type PathPurpose = 'openDataset' | 'openModel' | 'saveModel' | 'exportReconstruction';

export interface PathRequest {
  purpose: PathPurpose;
  title: string;
  initial: string;
  recent: string[];
  resolve: (path: string | null) => void;
}

/** App-wide state: view, compute-core status, notices, and the in-app path dialog (browser mode). */
export const useAppStore = defineStore('app', () => {
  const view = ref<ViewName>('dataset');
  const core = ref<CoreStatus>({ state: 'starting', detail: 'connecting…', restarts: 0, info: null });
  const notices = ref<Notice[]>([]);
  const pathRequest = ref<PathRequest | null>(null);
  const lastFolder = ref('');
  let nextNotice = 1;
  const crashListeners: ((detail: string) => void)[] = [];

  const providers = computed(() => core.value.info?.providers ?? []);
  const availableProviders = computed(() => providers.value.filter((p) => p.available).map((p) => p.name));

  function notify(kind: Notice['kind'], text: string, timeoutMs = 6000): void {
    const id = nextNotice++;
    notices.value = [...notices.value, { id, kind, text, sticky: timeoutMs <= 0 }];
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs);
  }
  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }
  function onCrash(l: (detail: string) => void): void {
    crashListeners.push(l);
  }

  /** Ask for a path: the native dialog in Electron, the in-app dialog in browser mode. */
  async function askPath(purpose: PathPurpose, title: string, suggestedName = ''): Promise<string | null> {
    const api = getApi();
    const r = await api.invoke('host.pickPath', suggestedName ? { purpose, defaultPath: suggestedName } : { purpose });
    if (r.native) return r.path;
    let recent: RecentFiles = { datasets: [], models: [] };
    try {
      recent = await api.invoke('host.recent', {});
    } catch {
      /* no recent list */
    }
    const list = purpose === 'openDataset' ? recent.datasets : purpose === 'openModel' ? recent.models : [];
    const initial = lastFolder.value ? `${lastFolder.value}/${suggestedName}` : suggestedName;
    return new Promise((resolve) => {
      pathRequest.value = {
        purpose,
        title,
        initial,
        recent: list,
        resolve: (p) => {
          pathRequest.value = null;
          if (p) lastFolder.value = p.replace(/[\\/][^\\/]*$/, '');
          resolve(p);
        },
      };
    });
  }

  async function setTitle(dataset: string | null, model: string | null): Promise<void> {
    try {
      const { title } = await getApi().invoke('host.setTitle', { dataset, model });
      document.title = title;
    } catch {
      /* cosmetic */
    }
  }

  /** Subscribe to host events and fetch the current status once. */
  async function connect(): Promise<void> {
    const api = getApi();
    api.on('core.status', (s) => {
      const wasCrashed = core.value.state === 'crashed';
      core.value = s;
      if (s.state === 'crashed' && !wasCrashed) {
        notify('error', `Compute core: ${s.detail}`, 0);
        for (const l of crashListeners) l(s.detail);
      }
    });
    try {
      core.value = await api.invoke('host.status', {});
    } catch (e) {
      core.value = { state: 'crashed', detail: e instanceof Error ? e.message : String(e), restarts: 0, info: null };
    }
  }

  return { view, core, notices, pathRequest, providers, availableProviders, notify, dismiss, askPath, setTitle, connect, onCrash };
});
