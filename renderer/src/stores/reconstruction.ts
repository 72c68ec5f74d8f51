import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  ReconExportFormat,
  ReconRunParams,
  ReconstructionComparison,
  ReconstructionMethod,
  ReconstructionResult,
  StitchedImage,
} from '../../../compute/protocol';
import { DEFAULT_RECON_REQUEST } from '../../../compute/ptycho/config/reconRequest';
import type { PieAlgorithm } from '../../../compute/ptycho/config/iterative';
import { getApi } from '../api/client';
import { useModelStore } from './model';

/**
 * The Reconstruct view's defaults, input bounds, choices and checks come from the request schema
 * (compute/ptycho/config/reconRequest.ts), the one the host and the core validate with too.
 */
export {
  DEFAULT_RECON_REQUEST,
  reconFieldMeta,
  validateReconRequest,
} from '../../../compute/ptycho/config/reconRequest';

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
  const method = ref<ReconstructionMethod>(DEFAULT_RECON_REQUEST.method);
  const algorithm = ref<PieAlgorithm>(DEFAULT_RECON_REQUEST.algorithm);
  const iterations = ref<number>(DEFAULT_RECON_REQUEST.iterations);
  const probeRefine = ref<boolean>(DEFAULT_RECON_REQUEST.probe_refine);
  /** The `recon.run` request the view's settings make (the iterative ones only for iterative methods). */
  const params = computed<ReconRunParams>(() =>
    method.value === 'pinn'
      ? { method: method.value }
      : {
          method: method.value,
          algorithm: algorithm.value,
          iterations: iterations.value,
          probe_refine: probeRefine.value,
        },
  );
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
      const r = await getApi().invoke('recon.run', params.value);
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

  return {
    result,
    madeWith,
    previous,
    comparison,
    running,
    progress,
    error,
    method,
    algorithm,
    iterations,
    probeRefine,
    params,
    liveErrors,
    liveImage,
    run,
    cancel,
    exportTo,
    clear,
  };
});
