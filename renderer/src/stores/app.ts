import { defineStore } from 'pinia';
import { ref, computed } from 'vue';
import type { CoreStatus, MenuAction } from '../../../compute/protocol';
import { getApi } from '../api/client';

export type ViewName = 'dataset' | 'train' | 'reconstruct';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** App-wide state: which view is shown, the compute core's status, user-facing notices. */
export const useAppStore = defineStore('app', () => {
  const view = ref<ViewName>('dataset');
  const core = ref<CoreStatus>({ state: 'starting', detail: 'connecting…', restarts: 0, info: null });
  const notices = ref<Notice[]>([]);
  let nextNotice = 1;

  const providers = computed(() => core.value.info?.providers ?? []);
  const availableProviders = computed(() => providers.value.filter((p) => p.available).map((p) => p.name));

  function notify(kind: Notice['kind'], text: string, timeoutMs = 6000): void {
    const id = nextNotice++;
    notices.value = [...notices.value, { id, kind, text }];
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs);
  }
  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  const MENU_LABELS: Record<MenuAction, string> = {
    openDataset: 'Open Dataset',
    openModel: 'Open Model Bundle',
    saveModel: 'Save Model Bundle',
    exportReconstruction: 'Export Reconstruction',
    openRecentDataset: 'Open Recent Dataset',
    openRecentModel: 'Open Recent Model',
  };

  function onMenuAction(action: MenuAction): void {
    notify('info', `${MENU_LABELS[action]}: not yet available in this version.`);
  }

  /** Subscribe to host events and fetch the current status once. */
  async function connect(): Promise<void> {
    const api = getApi();
    api.on('core.status', (s) => {
      const wasCrashed = core.value.state === 'crashed';
      core.value = s;
      if (s.state === 'crashed' && !wasCrashed) notify('error', `Compute core: ${s.detail}`, 0);
    });
    api.on('menu.action', ({ action }) => onMenuAction(action));
    try {
      core.value = await api.invoke('host.status', {});
    } catch (e) {
      core.value = { state: 'crashed', detail: e instanceof Error ? e.message : String(e), restarts: 0, info: null };
    }
  }

  return { view, core, notices, providers, availableProviders, notify, dismiss, connect, onMenuAction };
});
