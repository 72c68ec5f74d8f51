import { defineStore } from 'pinia';
import { ref, computed } from 'vue';
import type { CoreStatus, PathPurpose, RecentFiles } from '../../../compute/protocol';
import { EXPIRED_LINK, getApi, onConnectionProblem } from '../api/client';

export type ViewName = 'dataset' | 'train' | 'reconstruct';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** Blocking notices (e.g. a crash during training) stay until dismissed. */
  sticky?: boolean;
}

/** A blocking message (e.g. training lost to a core crash): stays until acknowledged. */
export interface BlockingMessage {
  title: string;
  text: string;
}

export type { PathPurpose };

export interface PathRequest {
  purpose: PathPurpose;
  title: string;
  initial: string;
  recent: string[];
  /**
   * What to do with the chosen path while the dialog stays open: a failure is shown inline and
   * the user can correct the path; the dialog closes when it succeeds.
   */
  act?: (path: string) => Promise<void>;
  resolve: (path: string | null) => void;
}

/** A question with a few answers (e.g. discard an unsaved model?); resolves to the chosen id, null = cancel. */
export interface ConfirmRequest {
  title: string;
  text: string;
  /** The buttons besides Cancel; the last is the default (Enter). */
  choices: { id: string; label: string; danger?: boolean }[];
  resolve: (choice: string | null) => void;
}

/** App-wide state: view, compute-core status, notices, and the in-app path dialog (browser mode). */
export const useAppStore = defineStore('app', () => {
  const view = ref<ViewName>('dataset');
  const core = ref<CoreStatus>({ state: 'starting', detail: 'connecting…', restarts: 0, info: null });
  const notices = ref<Notice[]>([]);
  const pathRequest = ref<PathRequest | null>(null);
  const blocking = ref<BlockingMessage | null>(null);
  const confirmRequest = ref<ConfirmRequest | null>(null);
  /** Browser mode: why the page is not connected to its host (expired link, host down), or null. */
  const connection = ref<string | null>(null);
  /** Last folders used, one for datasets and one for models and exports (they rarely share one). */
  const lastFolder = ref<Record<FolderKind, string>>({
    data: readLastFolder('data'),
    output: readLastFolder('output'),
  });
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
  function block(m: BlockingMessage): void {
    blocking.value = m;
  }
  function acknowledge(): void {
    blocking.value = null;
  }
  /** Ask a question in a modal dialog; resolves to the id of the chosen answer, or null for Cancel. */
  function confirm(q: Omit<ConfirmRequest, 'resolve'>): Promise<string | null> {
    confirmRequest.value?.resolve(null);
    return new Promise((resolve) => {
      confirmRequest.value = {
        ...q,
        resolve: (c) => {
          confirmRequest.value = null;
          resolve(c);
        },
      };
    });
  }
  function onCrash(l: (detail: string) => void): void {
    crashListeners.push(l);
  }

  /**
   * Ask for a path: the native dialog in Electron, the in-app dialog in browser mode. With `act`,
   * the path is used before the in-app dialog closes (its errors shown there; in Electron they
   * propagate to the caller). Resolves to the path used, or null when cancelled.
   */
  async function askPath(
    purpose: PathPurpose,
    title: string,
    suggestedName = '',
    act?: (path: string) => Promise<void>,
  ): Promise<string | null> {
    const api = getApi();
    const r = await api.invoke(
      'host.pickPath',
      suggestedName ? { purpose, defaultPath: suggestedName } : { purpose },
    );
    if (r.native) {
      if (r.path && act) await act(r.path);
      return r.path;
    }
    let recent: RecentFiles = { datasets: [], models: [] };
    try {
      recent = await api.invoke('host.recent', {});
    } catch {
      /* no recent list */
    }
    const list = purpose === 'openDataset' ? recent.datasets : purpose === 'openModel' ? recent.models : [];
    const kind: FolderKind = purpose === 'openDataset' ? 'data' : 'output';
    const folder = lastFolder.value[kind] || lastFolder.value[kind === 'data' ? 'output' : 'data'];
    const initial = folder ? `${folder}/${suggestedName}` : suggestedName;
    return new Promise((resolve) => {
      pathRequest.value = {
        purpose,
        title,
        initial,
        recent: list,
        ...(act ? { act } : {}),
        resolve: (p) => {
          pathRequest.value = null;
          if (p) {
            const dir = /[\\/]/.test(p) ? p.replace(/[\\/][^\\/]*$/, '') : '';
            lastFolder.value = { ...lastFolder.value, [kind]: dir };
            writeLastFolder(kind, dir);
          }
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
    onConnectionProblem((why) => {
      if (why === connection.value) return;
      connection.value = why;
      if (why === EXPIRED_LINK) block({ title: 'This link has expired', text: why });
    });
    api.on('core.status', (s) => {
      const wasCrashed = core.value.state === 'crashed';
      core.value = s;
      if (s.state === 'crashed' && !wasCrashed && !connection.value) {
        notify('error', `Compute core: ${s.detail}`, 0);
        for (const l of crashListeners) l(s.detail);
      }
    });
    try {
      core.value = await api.invoke('host.status', {});
    } catch (e) {
      core.value = {
        state: 'crashed',
        detail: e instanceof Error ? e.message : String(e),
        restarts: 0,
        info: null,
      };
    }
  }

  return {
    view,
    core,
    connection,
    notices,
    pathRequest,
    blocking,
    confirmRequest,
    confirm,
    lastFolder,
    providers,
    availableProviders,
    notify,
    dismiss,
    block,
    acknowledge,
    askPath,
    setTitle,
    connect,
    onCrash,
  };
});

// The in-app path dialog starts in the last folder used, across reloads (browser mode).
type FolderKind = 'data' | 'output';
const LAST_FOLDER_KEY = 'ptycho.lastFolder.';
function readLastFolder(kind: FolderKind): string {
  try {
    return globalThis.localStorage?.getItem(LAST_FOLDER_KEY + kind) ?? '';
  } catch {
    return '';
  }
}
function writeLastFolder(kind: FolderKind, folder: string): void {
  try {
    globalThis.localStorage?.setItem(LAST_FOLDER_KEY + kind, folder);
  } catch {
    /* storage disabled */
  }
}
