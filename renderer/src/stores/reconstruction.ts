import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ReconstructionResult } from '../../../compute/protocol';
import { getApi } from '../api/client';

/** The last stitched reconstruction (typed arrays in a shallowRef) and its evaluation. */
export const useReconstructionStore = defineStore('reconstruction', () => {
  const result = shallowRef<ReconstructionResult | null>(null);
  const running = ref(false);
  const progress = ref(0);
  const error = ref<string | null>(null);
  let subscribed = false;

  async function run(): Promise<ReconstructionResult> {
    const api = getApi();
    if (!subscribed) {
      subscribed = true;
      api.on('recon.progress', (p) => (progress.value = p.total ? p.done / p.total : 0));
    }
    running.value = true;
    progress.value = 0;
    error.value = null;
    try {
      const r = await api.invoke('recon.run', {});
      result.value = r;
      progress.value = 1;
      return r;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      running.value = false;
    }
  }

  async function exportTo(path: string, format: 'npz' | 'png'): Promise<string[]> {
    return (await getApi().invoke('recon.export', { path, format })).paths;
  }

  function clear(): void {
    result.value = null;
  }

  return { result, running, progress, error, run, exportTo, clear };
});
