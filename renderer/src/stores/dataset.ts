import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DatasetInfo } from '../../../compute/protocol';
import { getApi } from '../api/client';

/**
 * The open scan. `info` holds typed arrays (positions, probe): kept in a shallowRef so Vue never
 * walks them; frames are fetched on demand and never stored here.
 */
export const useDatasetStore = defineStore('dataset', () => {
  const info = shallowRef<DatasetInfo | null>(null);
  const frame = ref(0);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Bumped on every open so frame caches keyed by it reset. */
  const revision = ref(0);

  const fileName = computed(() => info.value?.fileName ?? null);

  /** Open a scan; `diffractionFile` pairs a Ptychodus product with its diffraction file. */
  async function open(path: string, diffractionFile?: string): Promise<DatasetInfo> {
    loading.value = true;
    error.value = null;
    try {
      const d = await getApi().invoke(
        'dataset.open',
        diffractionFile ? { path, diffraction_file: diffractionFile } : { path },
      );
      info.value = d;
      frame.value = 0;
      revision.value++;
      return d;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      loading.value = false;
    }
  }

  async function getFrame(index: number): Promise<Float32Array> {
    return (await getApi().invoke('dataset.frame', { index })).data;
  }

  return { info, frame, loading, error, revision, fileName, open, getFrame };
});
