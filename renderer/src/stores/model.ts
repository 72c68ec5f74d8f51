import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ModelInfo } from '../../../compute/protocol';
import { getApi } from '../api/client';

/**
 * The current model (trained here or opened from a bundle); `dirty` = trained but not saved.
 * `revision` changes whenever a different model becomes current (trained or opened, not saved),
 * so results made with an earlier model can be told apart from the current one's.
 */
export const useModelStore = defineStore('model', () => {
  const info = shallowRef<ModelInfo | null>(null);
  const dirty = ref(false);
  const busy = ref(false);
  const revision = ref(0);
  /** Where the current model came from: trained in this session, or opened from a bundle. */
  const origin = ref<'trained' | 'opened' | null>(null);

  const name = computed(() =>
    info.value?.path ? (info.value.path.split(/[\\/]/).pop() ?? null) : info.value ? 'unsaved model' : null,
  );

  function setTrained(m: ModelInfo): void {
    info.value = m;
    dirty.value = true;
    origin.value = 'trained';
    revision.value++;
  }

  async function open(path: string): Promise<ModelInfo> {
    busy.value = true;
    try {
      const m = await getApi().invoke('model.open', { path });
      info.value = m;
      dirty.value = false;
      origin.value = 'opened';
      revision.value++;
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

  return { info, dirty, busy, revision, origin, name, setTrained, open, save };
});
