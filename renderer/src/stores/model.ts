import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ModelInfo } from '../../../compute/protocol';
import { getApi } from '../api/client';

/** The current model (trained here or opened from a bundle); `dirty` = trained but not saved. */
export const useModelStore = defineStore('model', () => {
  const info = shallowRef<ModelInfo | null>(null);
  const dirty = ref(false);
  const busy = ref(false);

  const name = computed(() => (info.value?.path ? info.value.path.split(/[\\/]/).pop() ?? null : info.value ? 'unsaved model' : null));

  function setTrained(m: ModelInfo): void {
    info.value = m;
    dirty.value = true;
  }

  async function open(path: string): Promise<ModelInfo> {
    busy.value = true;
    try {
      const m = await getApi().invoke('model.open', { path });
      info.value = m;
      dirty.value = false;
      return m;
    } finally {
      busy.value = false;
    }
  }

  async function save(path: string): Promise<ModelInfo> {
    busy.value = true;
    try {
      const m = await getApi().invoke('model.save', { path });
      info.value = m;
      dirty.value = false;
      return m;
    } finally {
      busy.value = false;
    }
  }

  return { info, dirty, busy, name, setTrained, open, save };
});
