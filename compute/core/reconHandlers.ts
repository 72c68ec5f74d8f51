/**
 * Reconstruction behind the protocol: the PINN (diffraction_to_obj + stitching), iterative
 * rPIE/ePIE from a flat object, or the PINN refined iteratively; with progress, a live error
 * curve and image, cancellation, evaluation against objectGuess, comparison of the last two
 * reconstructions of a dataset (no ground truth needed), and export.
 */
import { basename } from 'node:path';
import { reconstruct } from '../ptycho/lifecycle/reconstruct';
import {
  writeReconstructionNpz,
  writeReconstructionPngs,
  writeReconstructionProduct,
} from '../ptycho/lifecycle/outputs';
import { objectPixelSize } from '../ptycho/data/units';
import { evaluateStitched, evaluationSummary } from '../ptycho/lifecycle/evaluation';
import { IterativeError, reconstructIterative } from '../ptycho/iterative/reconstruct';
import { parseReconRequest, type ReconRequest } from '../ptycho/config/reconRequest';
import { ConfigError } from '../ptycho/config/schema';
import type { Stitched } from '../ptycho/stitch/reassemble';
import type { ComplexImage } from '../ptycho/data/dataset';
import type {
  ReconExportFormat,
  ReconRunParams,
  ReconstructionComparison,
  ReconstructionResult,
} from '../protocol';
import type { CoreSession, Emit } from './session';
import { CoreError } from './errors';
import { assertFolderExists } from '../io/atomicWrite';
import { stitchedImage } from './lifecycleHandlers';

/** A live image every this many iterations (and at the last). */
const PREVIEW_EVERY = 5;

/** The request with its defaults, checked against the open scan (stitch_crop_size ≤ N); a bad one is `invalid-params`. */
function reconRequest(session: CoreSession, params: ReconRunParams): ReconRequest {
  try {
    return parseReconRequest(params, session.dataset?.raw.N);
  } catch (e) {
    if (e instanceof ConfigError) throw new CoreError(e.message, 'invalid-params');
    throw e;
  }
}

export async function runReconstruction(
  session: CoreSession,
  emit: Emit,
  params: ReconRunParams,
): Promise<ReconstructionResult> {
  const p = reconRequest(session, params);
  const method = p.method;
  const usesModel = method !== 'iterative';
  if (usesModel && !session.model)
    throw new CoreError(
      'open or train a model first (File ▸ Open Model Bundle…), or choose the iterative method',
      'no-model',
    );
  const ds = session.dataset;
  if (!ds) throw new CoreError('open a dataset to reconstruct (File ▸ Open Dataset…)', 'no-dataset');
  if (session.reconstructing) throw new CoreError('a reconstruction is already running', 'busy');
  if (usesModel && ds.raw.N !== session.model!.config.model.N)
    throw new CoreError(
      `the model expects ${session.model!.config.model.N}×${session.model!.config.model.N} patterns but ${basename(ds.path)} has ${ds.raw.N}×${ds.raw.N}`,
      'mismatch',
    );
  if (!ds.raw.probe) throw new CoreError(`${basename(ds.path)} has no probeGuess`, 'no-probe');
  const controller = new AbortController();
  session.reconstructing = controller;
  const t0 = performance.now();
  try {
    let stitched: Stitched | null = null;
    let patternsPerSec = 0;
    let provider = 'cpu';
    let groups = ds.raw.M;
    let centroids: ArrayLike<number> = [];
    if (usesModel) {
      let last = 0;
      const rec = await reconstruct(session.model!, ds.raw, {
        batchSize: p.batch_size,
        stitchCropSize: p.stitch_crop_size,
        signal: controller.signal,
        onProgress: (done, total) => {
          const now = performance.now();
          if (now - last > 100 || done === total) {
            last = now;
            emit('recon.progress', { done, total: method === 'pinn' ? total : 2 * total });
          }
        },
      });
      stitched = rec.stitched;
      groups = rec.groups;
      centroids = rec.prepared.grouped.centroids;
      provider = rec.provider;
      patternsPerSec = (rec.groups * session.model!.config.model.gridsize ** 2) / rec.inferSeconds;
    }
    const iterations: { iteration: number; error: number }[] = [];
    let message: string | null = null;
    let label = 'PINN';
    let probe: ComplexImage | undefined;
    if (method !== 'pinn') {
      const n = p.iterations;
      const algorithm = p.algorithm;
      let res;
      try {
        res = await reconstructIterative(ds.raw, {
          algorithm,
          iterations: n,
          probeRefine: p.probe_refine,
          ...(stitched ? { initialObject: stitched } : {}),
          signal: controller.signal,
          onIteration: (r, current) => {
            iterations.push({ iteration: r.iteration, error: r.error });
            const showImage = r.iteration % PREVIEW_EVERY === 0 || r.iteration === n;
            emit('recon.iteration', {
              iteration: r.iteration,
              iterations: n,
              error: r.error,
              image: showImage ? stitchedImage(current()) : null,
            });
            emit(
              'recon.progress',
              usesModel ? { done: n + r.iteration, total: 2 * n } : { done: r.iteration, total: n },
            );
          },
        });
      } catch (e) {
        if (e instanceof IterativeError) throw new CoreError(e.message);
        throw e;
      }
      stitched = res.stitched;
      probe = res.probe;
      message = res.message;
      patternsPerSec = res.patternIterationsPerSecond;
      centroids = [];
      const name = algorithm === 'rpie' ? 'rPIE' : 'ePIE';
      label = `${usesModel ? 'PINN → ' : ''}${name} ${res.history.length} it.${p.probe_refine ? ' + probe' : ''}`;
    }
    if (!stitched) throw new CoreError('reconstruction produced no image');
    const sameDataset = session.reconstruction?.datasetPath === ds.path;
    session.previousReconstruction = sameDataset ? session.reconstruction : null;
    session.reconstruction = { stitched, datasetPath: ds.path, label, ...(probe ? { probe } : {}) };
    let evaluation = null;
    const pixelSizeM = objectPixelSize(ds.raw.geometry);
    if (ds.raw.objectGuess) {
      try {
        evaluation = evaluationSummary(
          evaluateStitched(stitched, ds.raw.objectGuess, centroids, {
            stitchCropSize: p.stitch_crop_size,
            ...(pixelSizeM !== null ? { pixelSizeM } : {}),
          }),
        );
      } catch {
        evaluation = null;
      }
    }
    return {
      label,
      method,
      iterations,
      // Stitching's warnings (outlier positions inflating the canvas) reach the user with it.
      message: [message, ...(stitched.warnings ?? [])].filter((m): m is string => !!m).join(' ') || null,
      comparable: session.previousReconstruction !== null,
      image: stitchedImage(stitched),
      groups,
      seconds: (performance.now() - t0) / 1000,
      patternsPerSec,
      provider,
      evaluation,
      pixelSizeM,
    };
  } finally {
    session.reconstructing = null;
  }
}

export function cancelReconstruction(session: CoreSession): { cancelled: boolean } {
  if (!session.reconstructing) return { cancelled: false };
  session.reconstructing.abort();
  return { cancelled: true };
}

/**
 * The last reconstruction (A) against the one before it (B) of the same dataset: B is the
 * reference image, A is registered onto it, and the evaluation library reports SSIM, FRC
 * between them and the aligned difference — what scientists use when there is no ground truth.
 */
export function compareReconstructions(session: CoreSession): ReconstructionComparison {
  const a = session.reconstruction;
  const b = session.previousReconstruction;
  if (!a || !b)
    throw new CoreError(
      'reconstruct the same dataset twice (e.g. PINN, then iterative) to compare them',
      'no-reconstruction',
    );
  const bx = Math.round(b.stitched.x0);
  const by = Math.round(b.stitched.y0);
  // B as an image on object pixels offset by (bx, by), uncovered pixels zero; A placed in the same frame.
  const covered = b.stitched.re.map((_, k) => (b.stitched.weights[k]! >= 0.5 ? 1 : 0));
  const reference: ComplexImage = {
    width: b.stitched.width,
    height: b.stitched.height,
    re: b.stitched.re.map((v, k) => v * covered[k]!),
    im: b.stitched.im.map((v, k) => v * covered[k]!),
  };
  const shifted: Stitched = { ...a.stitched, x0: a.stitched.x0 - bx, y0: a.stitched.y0 - by };
  const report = evaluateStitched(shifted, reference, []);
  const al = report.aligned;
  const diff = (x: { data: Float64Array }, y: { data: Float64Array }) =>
    Float32Array.from(x.data, (v, k) => v - y.data[k]!);
  return {
    labelA: a.label,
    labelB: b.label,
    difference: {
      width: al.reconAmplitude.width,
      height: al.reconAmplitude.height,
      amplitude: diff(al.reconAmplitude, al.groundTruthAmplitude),
      phase: diff(al.reconPhase, al.groundTruthPhase),
    },
    metrics: evaluationSummary(report),
  };
}

/**
 * Export the last reconstruction: NPZ arrays, PNG figures (with a scale bar when the pixel size
 * is known), or a Ptychodus product — the same writer as product-out.h5 of `ptycho infer`.
 */
export function exportReconstruction(
  session: CoreSession,
  path: string,
  format: ReconExportFormat,
): { paths: string[] } {
  const rec = session.reconstruction;
  if (!rec) throw new CoreError('reconstruct first, then export', 'no-reconstruction');
  try {
    assertFolderExists(path);
  } catch (e) {
    throw new CoreError((e as Error).message, 'no-folder');
  }
  if (format === 'npz')
    return {
      paths: [
        writeReconstructionNpz(
          path,
          rec.stitched,
          { dataset: rec.datasetPath, model: session.model?.path ?? null, method: rec.label },
          rec.probe ? { probe: rec.probe } : {},
        ),
      ],
    };
  const ds = session.dataset?.path === rec.datasetPath ? session.dataset : null;
  if (format === 'product') {
    if (!ds)
      throw new CoreError(
        `the scan this reconstruction was made from (${basename(rec.datasetPath)}) is no longer open; open it again to export a Ptychodus product`,
        'no-dataset',
      );
    const probe = rec.probe ?? session.model?.probe ?? ds.raw.probe;
    if (!probe)
      throw new CoreError(`${basename(rec.datasetPath)} has no probe to write into the product`, 'no-probe');
    const history = rec.probe ? [] : (session.model?.history ?? []);
    return { paths: [writeReconstructionProduct(path, rec.stitched, { raw: ds.raw, probe, history })] };
  }
  const stem = path.replace(/\.png$/i, '');
  const pixelSizeM = objectPixelSize(ds?.raw.geometry);
  return {
    paths: writeReconstructionPngs(
      `${stem}_amplitude.png`,
      `${stem}_phase.png`,
      rec.stitched,
      rec.label,
      pixelSizeM,
    ),
  };
}
