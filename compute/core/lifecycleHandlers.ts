/**
 * The workstation lifecycle behind the protocol: train (with progress events, a live preview
 * and cancellation), save/open model bundles. Reconstruction is in reconHandlers.ts.
 */
import { extname, join } from 'node:path';
import type { TrainingConfig } from '../ptycho/config/config';
import { trainingConfigFromRequest } from '../ptycho/config/trainRequest';
import { loadModel, saveModel, trainModel, modelSpecOf, type TrainedModel } from '../ptycho/lifecycle/model';
import { amplitudePhase } from '../ptycho/lifecycle/outputs';
import { exportInferenceModel } from '../ptycho/infer/exportModels';
import { ObjectPredictor } from '../ptycho/infer/predictor';
import { reassemblePosition, type Stitched } from '../ptycho/stitch/reassemble';
import type { PreparedData } from '../ptycho/lifecycle/prepare';
import type { ModelInfo, StitchedImage, TrainRequest } from '../protocol';
import type { CoreSession, Emit } from './session';
import { CoreError } from './errors';
import { assertFolderExists } from '../io/atomicWrite';
import { assertBundlePath } from './fileKinds';

export function modelInfo(m: TrainedModel): ModelInfo {
  const last = m.history.at(-1);
  return {
    path: m.path,
    N: m.config.model.N,
    gridsize: m.config.model.gridsize,
    n_filters_scale: m.config.model.n_filters_scale,
    intensityScale: m.intensityScale,
    epochsTrained: m.history.length,
    created: m.created,
    appVersion: m.appVersion,
    finalLoss: typeof last?.loss === 'number' ? last.loss : null,
    finalValLoss: typeof last?.val_loss === 'number' ? last.val_loss : null,
    config: JSON.parse(JSON.stringify(m.config)) as Record<string, unknown>,
    history: m.history.map((h, i) => ({
      epoch: typeof h.epoch === 'number' ? h.epoch : i + 1,
      loss: h.loss,
      val_loss: typeof h.val_loss === 'number' ? h.val_loss : null,
    })),
  };
}

export function stitchedImage(s: Stitched): StitchedImage {
  const { amplitude, phase } = amplitudePhase(s);
  return { width: s.width, height: s.height, amplitude, phase, x0: s.x0, y0: s.y0 };
}

/** Indices of the `k` groups closest to the scan centre: a compact region for the live preview. */
function previewGroups(p: PreparedData, k: number): Uint32Array {
  const B = p.grouped.B;
  const c = p.grouped.centroids;
  let mx = 0;
  let my = 0;
  for (let b = 0; b < B; b++) {
    mx += c[2 * b]!;
    my += c[2 * b + 1]!;
  }
  mx /= B;
  my /= B;
  const order = Array.from({ length: B }, (_, b) => b).sort(
    (a, b) => Math.hypot(c[2 * a]! - mx, c[2 * a + 1]! - my) - Math.hypot(c[2 * b]! - mx, c[2 * b + 1]! - my),
  );
  return Uint32Array.from(order.slice(0, Math.min(k, B)));
}

async function preview(
  cfg: TrainingConfig,
  params: Parameters<typeof exportInferenceModel>[1],
  p: PreparedData,
  idx: Uint32Array,
): Promise<StitchedImage> {
  const onnx = exportInferenceModel(modelSpecOf(cfg), params);
  const scale = Math.exp(params.get('log_scale')[0]!);
  const C = cfg.model.gridsize ** 2;
  const per = C * cfg.model.N * cfg.model.N;
  const X = new Float32Array(idx.length * per);
  const rel = new Float32Array(idx.length * C * 2);
  const cen = new Float64Array(idx.length * 2);
  idx.forEach((b, i) => {
    X.set(p.X.subarray(b * per, (b + 1) * per), i * per);
    rel.set(p.grouped.coordsRelative.subarray(b * C * 2, (b + 1) * C * 2), i * C * 2);
    cen[2 * i] = p.grouped.centroids[2 * b]!;
    cen[2 * i + 1] = p.grouped.centroids[2 * b + 1]!;
  });
  const pred = await ObjectPredictor.create(onnx, {
    N: cfg.model.N,
    gridsize: cfg.model.gridsize,
    intensityScale: scale,
  });
  try {
    const out = await pred.predict(
      { amplitudes: X, coordsRelative: rel, count: idx.length },
      { batchSize: 64 },
    );
    return stitchedImage(
      reassemblePosition({ re: out.re, im: out.im, count: out.count, N: out.N, offsets: cen }, 20),
    );
  } finally {
    await pred.release();
  }
}

export async function startTraining(
  session: CoreSession,
  emit: Emit,
  req: TrainRequest,
): Promise<{ started: true; groups: number; validationGroups: number }> {
  const ds = session.dataset;
  if (!ds) throw new CoreError('open a dataset first (File ▸ Open Dataset…)', 'no-dataset');
  if (session.training) throw new CoreError('training is already running; cancel it first', 'busy');
  if (!ds.raw.probe)
    throw new CoreError(`${ds.raw.file}: missing key 'probeGuess'; a probe is needed to train`, 'no-probe');
  const cfg = trainingConfigFromRequest(req, ds.path);
  const controller = new AbortController();
  session.training = controller;
  let resolveStart!: (v: { started: true; groups: number; validationGroups: number }) => void;
  let rejectStart!: (e: Error) => void;
  const started = new Promise<{ started: true; groups: number; validationGroups: number }>((res, rej) => {
    resolveStart = res;
    rejectStart = rej;
  });
  let prepared: PreparedData | null = null;
  let previewIdx: Uint32Array | null = null;
  let lastBatchEmit = 0;
  const t0 = performance.now();
  const nepochs = cfg.nepochs;
  void (async () => {
    try {
      const run = await trainModel(cfg, {
        raw: ds.raw,
        signal: controller.signal,
        onPrepared: (p) => {
          prepared = p;
          previewIdx = req.preview_groups > 0 ? previewGroups(p, req.preview_groups) : null;
          const nVal = p.grouped.B >= 20 ? Math.floor(p.grouped.B * 0.05) : 0;
          resolveStart({ started: true, groups: p.grouped.B, validationGroups: nVal });
        },
        onBatch: (b) => {
          const now = performance.now();
          if (now - lastBatchEmit < 200 && b.batch !== b.batches) return;
          lastBatchEmit = now;
          emit('train.batch', {
            epoch: b.epoch,
            batch: b.batch,
            batches: b.batches,
            loss: b.loss,
            samplesPerSec: b.samplesPerSec,
            etaSec: b.etaSec,
            lr: b.lr,
            progress: (b.epoch - 1 + b.batch / b.batches) / nepochs,
          });
        },
        onEpoch: async (r, params) => {
          let img: StitchedImage | null = null;
          if (prepared && previewIdx) {
            try {
              img = await preview(cfg, params, prepared, previewIdx);
            } catch {
              img = null;
            }
          }
          emit('train.epoch', {
            epoch: r.epoch,
            nepochs,
            loss: r.loss,
            nll: r.nll,
            mae: r.mae,
            val_loss: r.val_loss,
            lr: r.lr,
            seconds: r.seconds,
            samples_per_sec: r.samples_per_sec,
            intensity_scale: r.intensity_scale,
            preview: img,
          });
        },
      });
      const res = run.result;
      if (res.history.length > 0) {
        session.model = run.model;
        session.reconstruction = null;
      }
      emit('train.done', {
        stoppedBy: res.stoppedBy,
        error: res.error ?? null,
        epochs: res.history.length,
        bestEpoch: res.bestEpoch,
        seconds: res.seconds,
        provider: res.provider,
        model: res.history.length > 0 ? modelInfo(run.model) : null,
      });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      rejectStart(new CoreError(msg));
      emit('train.done', {
        stoppedBy: 'failed',
        error: msg,
        epochs: 0,
        bestEpoch: 0,
        seconds: (performance.now() - t0) / 1000,
        provider: cfg.device,
        model: null,
      });
    } finally {
      session.training = null;
    }
  })();
  return started;
}

export function cancelTraining(session: CoreSession): { cancelled: boolean } {
  if (!session.training) return { cancelled: false };
  session.training.abort();
  return { cancelled: true };
}

export function saveCurrentModel(session: CoreSession, path: string): ModelInfo {
  if (!session.model)
    throw new CoreError('there is no model to save: train one or open a bundle first', 'no-model');
  const target = extname(path) === '' ? join(path, 'wts.h5.zip') : path;
  try {
    assertFolderExists(target);
    saveModel(session.model, target);
  } catch (e) {
    const msg = (e as Error).message;
    throw new CoreError(
      msg.startsWith('cannot write ')
        ? msg.replace(/^cannot write /, 'could not save ')
        : `could not save ${target}: ${msg}`,
    );
  }
  return modelInfo(session.model);
}

export async function openModel(session: CoreSession, path: string): Promise<ModelInfo> {
  assertBundlePath(path);
  const m = await loadModel(path);
  session.model = m;
  session.reconstruction = null;
  return modelInfo(m);
}
