/**
 * The train → save → load → infer lifecycle as plain functions, used identically by the CLI,
 * the compute core (desktop and browser modes) and the tests.
 */
import { ParamStore, writeSafetensors, type ProviderChoice } from '../../engine';
import { appVersion } from '../../version';
import { loadRawDataset, type RawDataset } from '../data/dataset';
import { makeTrainingConfig, type TrainingConfig } from '../config/config';
import { toLegacyParams } from '../config/legacy';
import {
  BundleError,
  encodeBundle,
  makeManifest,
  readBundle,
  writeBundle,
  type BundleContents,
  type BundleParams,
} from '../bundle/bundle';
import { exportModels } from '../infer/exportModels';
import type { PinnLossSpec, PinnModelSpec } from '../model/spec';
import { trainPinn, type BatchProgress, type EpochRecord, type TrainResult } from '../train/trainer';
import { prepareData, type PreparedData } from './prepare';
import { historyFiles } from './outputs';
import { commitFilesSync } from '../../io/atomicWrite';
import { join } from 'node:path';

export function modelSpecOf(cfg: TrainingConfig): PinnModelSpec {
  const m = cfg.model;
  return {
    N: m.N,
    gridsize: m.gridsize,
    n_filters_scale: m.n_filters_scale,
    amp_activation: m.amp_activation,
    object_big: m.object_big,
    probe_big: m.probe_big,
    probe_mask: m.probe_mask,
    pad_object: m.pad_object,
    probe_trainable: cfg.probe_trainable,
    intensity_scale_trainable: cfg.intensity_scale_trainable,
    canvas_normalisation: m.canvas_normalisation,
    architecture: m.architecture,
    fno_modes: m.fno_modes,
    fno_width: m.fno_width,
    fno_blocks: m.fno_blocks,
  };
}

export function lossSpecOf(cfg: TrainingConfig): PinnLossSpec {
  return {
    nll_weight: cfg.nll_weight,
    mae_weight: cfg.mae_weight,
    realspace_weight: cfg.realspace_weight,
    realspace_mae_weight: cfg.realspace_mae_weight,
    tv_weight: cfg.tv_weight,
  };
}

/** A model in memory: trained here, or loaded from a bundle. */
export interface TrainedModel {
  config: TrainingConfig;
  /** Parameters of the model (network weights, log_scale, probe if trainable). */
  params: ParamStore;
  probe: { re: Float32Array; im: Float32Array };
  intensityScale: number;
  initialIntensityScale: number;
  history: EpochRecord[];
  /** ONNX bytes of diffraction_to_obj (built on demand for trained models). */
  inferenceOnnx: Uint8Array;
  autoencoderOnnx: Uint8Array;
  /** Path the model was loaded from / saved to. */
  path: string | null;
  created: string;
  appVersion: string;
}

export interface TrainRunOptions {
  /** Already-loaded training data (otherwise cfg.train_data_file is read). */
  raw?: RawDataset;
  threads?: number;
  signal?: AbortSignal;
  onPrepared?: (p: PreparedData) => void;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (r: EpochRecord, params: ParamStore) => void | Promise<void>;
  /** Start from these weights (fine-tuning a trained model) instead of a fresh initialisation. */
  initialParams?: ParamStore;
  /** Share of groups held out for validation (default the trainer's 5 %). */
  validationFraction?: number;
}

export interface TrainRun {
  model: TrainedModel;
  result: TrainResult;
  prepared: PreparedData;
}

export async function trainModel(cfg: TrainingConfig, o: TrainRunOptions = {}): Promise<TrainRun> {
  const raw = o.raw ?? loadRawDataset(cfg.train_data_file ?? missing('train_data_file'));
  const prepared = prepareData(raw, {
    N: cfg.model.N,
    gridsize: cfg.model.gridsize,
    ...(cfg.n_groups !== null ? { nGroups: cfg.n_groups } : {}),
    ...(cfg.n_subsample !== null ? { nSubsample: cfg.n_subsample } : {}),
    ...(cfg.subsample_seed !== null ? { subsampleSeed: cfg.subsample_seed } : {}),
    neighborCount: cfg.neighbor_count,
    sequentialSampling: cfg.sequential_sampling,
    enableOversampling: cfg.enable_oversampling,
    probeScale: cfg.model.probe_scale,
    nphotons: cfg.nphotons,
    preferMetadataNphotons: true,
  });
  o.onPrepared?.(prepared);
  const result = await trainPinn(
    { amplitudes: prepared.X, coordsRelative: prepared.grouped.coordsRelative, count: prepared.grouped.B },
    {
      spec: modelSpecOf(cfg),
      loss: lossSpecOf(cfg),
      probe: prepared.probe,
      intensityScale: prepared.intensityScale,
      batchSize: cfg.batch_size,
      nepochs: cfg.nepochs,
      learningRate: cfg.learning_rate,
      seed: cfg.seed,
      device: cfg.device as ProviderChoice,
      ...(o.threads ? { threads: o.threads } : {}),
      earlyStoppingPatience: cfg.early_stop_patience,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onBatch ? { onBatch: o.onBatch } : {}),
      ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
      ...(o.initialParams ? { initialParams: o.initialParams } : {}),
      ...(o.validationFraction !== undefined ? { validationFraction: o.validationFraction } : {}),
    },
  );
  const finalCfg = makeTrainingConfig({ ...cfg, nphotons: prepared.nphotons, model: cfg.model });
  const probe = result.params.has('probe.re')
    ? { re: result.params.get('probe.re'), im: result.params.get('probe.im') }
    : prepared.probe;
  const models = exportModels(modelSpecOf(finalCfg), result.params, probe, {
    producer: 'ptycho-workstation',
    app_version: appVersion(),
  });
  return {
    model: {
      config: finalCfg,
      params: result.params,
      probe,
      intensityScale: result.intensityScale,
      initialIntensityScale: prepared.intensityScale,
      history: result.history,
      inferenceOnnx: models.diffraction_to_obj,
      autoencoderOnnx: models.autoencoder,
      path: null,
      created: new Date().toISOString(),
      appVersion: appVersion(),
    },
    result,
    prepared,
  };
}

function missing(field: string): never {
  throw new Error(`${field} is required`);
}

function bundleParams(m: TrainedModel): BundleParams {
  return {
    version: '1.0',
    N: m.config.model.N,
    gridsize: m.config.model.gridsize,
    config: JSON.parse(JSON.stringify(m.config)) as Record<string, unknown>,
    legacy: { ...toLegacyParams(m.config), intensity_scale: m.intensityScale },
    intensity_scale: m.intensityScale,
    initial_intensity_scale: m.initialIntensityScale,
    probe: {
      shape: [m.config.model.N, m.config.model.N],
      re: Array.from(m.probe.re),
      im: Array.from(m.probe.im),
    },
  };
}

export function bundleOf(m: TrainedModel): BundleContents {
  const params = bundleParams(m);
  const tensors = Object.fromEntries(
    m.params.names().map((n) => [n, { shape: m.params.shape(n), data: m.params.get(n) }]),
  );
  return {
    manifest: makeManifest(m.appVersion, m.created),
    models: {
      autoencoder: { onnx: m.autoencoderOnnx, params },
      diffraction_to_obj: { onnx: m.inferenceOnnx, params },
    },
    history: m.history.map((h) => ({ ...h })),
    trainingState: writeSafetensors(tensors, {
      format: 'ptycho-workstation weights',
      epochs: String(m.history.length),
    }),
  };
}

/** Save atomically as a wts.h5.zip bundle; returns its size in bytes. */
export function saveModel(m: TrainedModel, path: string): number {
  const n = writeBundle(path, bundleOf(m));
  m.path = path;
  return n;
}

/**
 * Save a training run's bundle D/wts.h5.zip with D/history.json and D/history.csv as one set:
 * a kill at any point leaves all three from the same run (compute/io/atomicWrite
 * commitFilesSync). Returns the bundle's size in bytes.
 */
export function saveTrainingOutputs(m: TrainedModel, dir: string): number {
  const bundle = encodeModel(m);
  commitFilesSync(dir, {
    'wts.h5.zip': bundle,
    ...historyFiles(m.history as unknown as Record<string, unknown>[]),
  });
  m.path = join(dir, 'wts.h5.zip');
  return bundle.length;
}

export function encodeModel(m: TrainedModel): Uint8Array {
  return encodeBundle(bundleOf(m));
}

/** Load a bundle (path to wts.h5.zip or its folder). */
export async function loadModel(path: string): Promise<TrainedModel> {
  const b = await readBundle(path);
  const d = b.models.diffraction_to_obj!;
  const p = d.params;
  const config = makeTrainingConfig(p.config as Parameters<typeof makeTrainingConfig>[0]);
  const params = new ParamStore(config.seed);
  if (b.trainingState) {
    const { readSafetensors } = await import('../../engine/params');
    let tensors;
    try {
      tensors = readSafetensors(b.trainingState).tensors;
    } catch (e) {
      throw new BundleError(
        `${path}: training_state/params.safetensors: ${(e as Error).message.replace(/^safetensors: /, '')}`,
      );
    }
    for (const [n, t] of Object.entries(tensors)) params.set(n, t.data, t.shape);
  }
  return {
    config,
    params,
    probe: { re: Float32Array.from(p.probe.re), im: Float32Array.from(p.probe.im) },
    intensityScale: p.intensity_scale,
    initialIntensityScale: p.initial_intensity_scale,
    history: b.history as unknown as EpochRecord[],
    inferenceOnnx: d.onnx,
    autoencoderOnnx: b.models.autoencoder!.onnx,
    path: path.endsWith('.zip') ? path : `${path.replace(/\/$/, '')}/wts.h5.zip`,
    created: b.manifest.created,
    appVersion: b.manifest.app_version,
  };
}
