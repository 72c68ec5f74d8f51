import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ReconExportFormat, ReconstructionComparison, ReconstructionMethod, ReconstructionResult, StitchedImage } from '../../../compute/protocol';
import { getApi } from '../api/client';
import { useModelStore } from './model';

/**
 * The last stitched reconstruction (typed arrays in shallowRefs), its evaluation, the live
 * error curve and image of a running iterative reconstruction, and the comparison of the last
 * two reconstructions of a dataset (computed in the core).
 */
export const useReconstructionStore = defineStore('reconstruction', () => {
  const result = shallowRef<ReconstructionResult | null>(null);
  /** The model current when `result` was made (its revision and name): a later model makes it stale. */
  const madeWith = shallowRef<{ revision: number; name: string | null } | null>(null);
  /** The result before `result` (same dataset), shown side by side with it. */
  const previous = shallowRef<ReconstructionResult | null>(null);
  const comparison = shallowRef<ReconstructionComparison | null>(null);
  const running = ref(false);
  const progress = ref(0);
  const error = ref<string | null>(null);
  const method = ref<ReconstructionMethod>('pinn');
  const algorithm = ref<'rpie' | 'epie'>('rpie');
  const iterations = ref(30);
  const probeRefine = ref(false);
  /** Data error per iteration of the running (or last) iterative run. */
  const liveErrors = shallowRef<{ iteration: number; error: number }[]>([]);
  const liveImage = shallowRef<StitchedImage | null>(null);
  let subscribed = false;

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    const api = getApi();
    api.on('recon.progress', (p) => (progress.value = p.total ? p.done / p.total : 0));
    api.on('recon.iteration', (p) => {
      liveErrors.value = [...liveErrors.value, { iteration: p.iteration, error: p.error }];
      if (p.image) liveImage.value = p.image;
    });
  }

  async function run(): Promise<ReconstructionResult> {
    subscribe();
    running.value = true;
    progress.value = 0;
    error.value = null;
    liveErrors.value = [];
    liveImage.value = null;
    comparison.value = null;
    const model = useModelStore();
    const at = { revision: model.revision, name: model.name };
    try {
      const params = method.value === 'pinn' ? { method: method.value } : { method: method.value, algorithm: algorithm.value, iterations: iterations.value, probe_refine: probeRefine.value };
      const r = await getApi().invoke('recon.run', params);
      previous.value = r.comparable ? result.value : null;
      result.value = r;
      madeWith.value = at;
      progress.value = 1;
      if (r.comparable) comparison.value = await getApi().invoke('recon.compare', {});
      return r;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      running.value = false;
      liveImage.value = null;
    }
  }

  async function cancel(): Promise<boolean> {
    return (await getApi().invoke('recon.cancel', {})).cancelled;
  }

  async function exportTo(path: string, format: ReconExportFormat): Promise<string[]> {
    return (await getApi().invoke('recon.export', { path, format })).paths;
  }

  function clear(): void {
    result.value = null;
    madeWith.value = null;
    previous.value = null;
    comparison.value = null;
  }

  return { result, madeWith, previous, comparison, running, progress, error, method, algorithm, iterations, probeRefine, liveErrors, liveImage, run, cancel, exportTo, clear };
});
