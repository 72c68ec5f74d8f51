/**
 * Stores with a fake PtychoApi: training progress/curves/outcome from events, model dirty flag,
 * dataset open, validation of the training form.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { EventName, Events, MethodName, ParamsOf, PtychoApi, ResultOf } from '../../../compute/protocol';

type Listener = (p: unknown) => void;
const listeners = new Map<string, Listener[]>();
const calls: { method: string; params: unknown }[] = [];
let answers: Partial<Record<MethodName, unknown>> = {};

const fakeApi: PtychoApi = {
  hostKind: 'browser',
  async invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    calls.push({ method, params });
    if (!(method in answers)) throw new Error(`unexpected ${method}`);
    return answers[method] as ResultOf<M>;
  },
  on<E extends EventName>(event: E, l: (p: Events[E]) => void) {
    listeners.set(event, [...(listeners.get(event) ?? []), l as Listener]);
    return () => undefined;
  },
};
const emit = <E extends EventName>(event: E, payload: Events[E]): void => {
  for (const l of listeners.get(event) ?? []) l(payload);
};

vi.mock('../../../renderer/src/api/client', async (original) => ({
  ...(await original<typeof import('../../../renderer/src/api/client')>()),
  getApi: () => fakeApi,
}));

const { useTrainingStore, validateTrainRequest, validateField, DEFAULT_TRAIN_REQUEST, fieldMeta } =
  await import('../../../renderer/src/stores/training');
const { useModelStore } = await import('../../../renderer/src/stores/model');
const { useDatasetStore } = await import('../../../renderer/src/stores/dataset');
const { useAppStore } = await import('../../../renderer/src/stores/app');

const MODEL = {
  path: null,
  N: 64,
  gridsize: 1,
  n_filters_scale: 2,
  intensityScale: 31.2,
  epochsTrained: 2,
  created: 'now',
  appVersion: '0.1.0',
  finalLoss: -1,
  finalValLoss: -1,
  config: {},
  history: [],
};

describe('renderer stores', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    listeners.clear();
    calls.length = 0;
    answers = {};
  });

  it('training: progress, curves, preview and outcome follow the core events; the model becomes dirty', async () => {
    answers['train.start'] = { started: true, groups: 100, validationGroups: 5 };
    const t = useTrainingStore();
    t.form.nepochs = 2;
    await t.start();
    expect(calls[0]).toMatchObject({
      method: 'train.start',
      params: { nepochs: 2, batch_size: 16, n_filters_scale: 2 },
    });
    expect(t.running).toBe(true);
    emit('train.batch', {
      epoch: 1,
      batch: 3,
      batches: 6,
      loss: -5,
      samplesPerSec: 30,
      etaSec: 12,
      lr: 1e-3,
      progress: 0.25,
    });
    expect(t.progress).toBe(0.25);
    expect(t.batches).toEqual([{ epoch: 0.5, loss: -5 }]);
    const preview = {
      width: 2,
      height: 2,
      amplitude: new Float32Array(4),
      phase: new Float32Array(4),
      x0: 0,
      y0: 0,
    };
    emit('train.epoch', {
      epoch: 1,
      nepochs: 2,
      loss: -5,
      nll: -5,
      mae: 0,
      val_loss: -4,
      lr: 1e-3,
      seconds: 1,
      samples_per_sec: 30,
      intensity_scale: 31,
      preview,
    });
    expect(t.epochs).toEqual([{ epoch: 1, train: -5, val: -4 }]);
    expect(t.preview).toBe(preview);
    emit('train.done', {
      stoppedBy: 'completed',
      error: null,
      epochs: 2,
      bestEpoch: 2,
      seconds: 3,
      provider: 'cpu',
      model: MODEL,
    });
    expect(t.running).toBe(false);
    expect(t.progress).toBe(1);
    expect(useModelStore().dirty).toBe(true);
    expect(useModelStore().name).toBe('unsaved model');
  });

  it('training: a crash of the core marks the run as lost with a readable message', async () => {
    answers['train.start'] = { started: true, groups: 10, validationGroups: 0 };
    const t = useTrainingStore();
    await t.start();
    expect(t.lost('compute core stopped unexpectedly (exit code 1); restarting')).toBe(true);
    expect(t.running).toBe(false);
    expect(t.error).toMatch(
      /^Training was lost: compute core stopped unexpectedly \(exit code 1\)\. The compute core restarts by itself/,
    );
    expect(t.lost('again')).toBe(false);
  });

  it('model: saving clears the dirty flag and names the file', async () => {
    const m = useModelStore();
    m.setTrained(MODEL);
    answers['model.save'] = { ...MODEL, path: '/data/run/wts.h5.zip' };
    await m.save('/data/run/wts.h5.zip');
    expect(m.dirty).toBe(false);
    expect(m.name).toBe('wts.h5.zip');
  });

  it('dataset: open resets the frame and keeps arrays out of deep reactivity', async () => {
    const ds = useDatasetStore();
    ds.frame = 7;
    const info = {
      path: '/d/a.npz',
      fileName: 'a.npz',
      patterns: 3,
      N: 64,
      diffractionKey: 'diffraction',
      transposedFromLegacy: false,
      scanExtent: { xmin: 0, xmax: 1, ymin: 0, ymax: 1 },
      medianStepPx: 1,
      amplitudeMax: 1,
      meanIntensitySum: 1,
      nphotons: null,
      photonsEstimated: null,
      objectShape: null,
      hasGroundTruth: false,
      x: new Float32Array(3),
      y: new Float32Array(3),
      probe: null,
      object: null,
    };
    answers['dataset.open'] = info;
    await ds.open('/d/a.npz');
    expect(ds.frame).toBe(0);
    expect(ds.info).toBe(info);
    expect(ds.info!.x).toBeInstanceOf(Float32Array);
    const t = useTrainingStore();
    t.fromDataset({ ...info, N: 128, nphotons: 1e6 });
    expect([t.form.N, t.form.nphotons]).toEqual([128, 1e6]);
    t.fromDataset({ ...info, nphotons: 1e6, photonsEstimated: 9.9e5 });
    expect(t.form.nphotons).toBe(1e6);
    t.fromDataset({ ...info, photonsEstimated: 9.9e5 });
    expect(t.form.nphotons).toBe(9.9e5);
    t.fromDataset(info);
    expect([t.form.N, t.form.nphotons]).toEqual([64, 1e9]);
  });

  it("form validation: the schema's messages next to the field, the core's ranges and rules", () => {
    const D = DEFAULT_TRAIN_REQUEST;
    expect(validateTrainRequest(D)).toEqual({});
    expect(validateTrainRequest({ ...D, batch_size: 12 }).batch_size).toBe(
      'batch_size: expected a power of two from 1 to 4096, got 12',
    );
    expect(validateTrainRequest({ ...D, gridsize: 2, neighbor_count: 3 }).neighbor_count).toBe(
      'neighbor_count: expected ≥ gridsize² = 4, got 3',
    );
    expect(validateTrainRequest({ ...D, nll_weight: 0, mae_weight: 0 }).nll_weight).toMatch(
      /nll_weight or mae_weight > 0/,
    );
    expect(validateTrainRequest({ ...D, n_groups: 0 }).n_groups).toBe(
      'n_groups: expected null (all) or a positive integer, got 0',
    );
    expect(validateTrainRequest({ ...D, n_groups: null })).toEqual({});
    expect(validateTrainRequest({ ...D, nepochs: 10_001 }).nepochs).toBeDefined();
    // The core trains with Adam at lr in (0, 1): 1 is refused here as it is there.
    expect(validateTrainRequest({ ...D, learning_rate: 1 })).toEqual({
      learning_rate: 'learning_rate: expected a number in (0, 1), got 1',
    });
    expect(validateTrainRequest({ ...D, learning_rate: 0.5 })).toEqual({});
    expect(validateTrainRequest({ ...D, gridsize: 2, object_big: false }).object_big).toBe(
      'object_big: expected true when gridsize > 1 (patches must be merged), got false',
    );
    expect(validateTrainRequest({ ...D, neighbor_count: 65 }).neighbor_count).toBe(
      'neighbor_count: expected an integer from 1 to 64, got 65',
    );
    expect(validateTrainRequest({ ...D, preview_groups: 100_001 }).preview_groups).toBeDefined();
    expect(validateTrainRequest({ ...D, gridsize: 1.5 }).gridsize).toBe(
      'gridsize: expected an integer from 1 to 4, got 1.5',
    );
    // An emptied number input gives '' through v-model.number; a rule waits until its fields are valid.
    expect(validateTrainRequest({ ...D, learning_rate: '' as unknown as number }).learning_rate).toBe(
      'learning_rate: expected a number in (0, 1), got ""',
    );
    expect(validateTrainRequest({ ...D, nphotons: Number.NaN }).nphotons).toBe(
      'nphotons: expected a number > 0, got NaN',
    );
    expect(validateTrainRequest({ ...D, gridsize: 9, object_big: false })).toEqual({
      gridsize: 'gridsize: expected an integer from 1 to 4, got 9',
    });
  });
  it('form defaults and input ranges come from the schema', () => {
    expect(DEFAULT_TRAIN_REQUEST).toMatchObject({
      N: 64,
      gridsize: 1,
      batch_size: 16,
      nepochs: 50,
      learning_rate: 1e-3,
      n_groups: 512,
      subsample_seed: null,
      preview_groups: 256,
      architecture: 'cnn',
    });
    expect(fieldMeta('gridsize')).toMatchObject({
      kind: 'integer',
      min: 1,
      max: 4,
      exclusiveMin: false,
      default: 1,
    });
    expect(fieldMeta('learning_rate')).toMatchObject({
      kind: 'number',
      min: 0,
      max: 1,
      exclusiveMin: true,
      exclusiveMax: true,
    });
    expect(fieldMeta('architecture').choices).toEqual(['cnn', 'fno', 'ffno', 'bpunet']);
    expect(fieldMeta('n_groups')).toMatchObject({ nullable: true, min: 1 });
    expect(fieldMeta('n_groups').max).toBeUndefined();
    expect(validateField('learning_rate', 1)).toBe('learning_rate: expected a number in (0, 1), got 1');
    expect(validateField('learning_rate', 1e-4)).toBeNull();
    expect(validateField('architecture', undefined)).toBeNull();
  });
  it('app: browser mode asks for paths in the in-app dialog, starting in the last folder of its kind', async () => {
    answers['host.pickPath'] = { path: null, native: false };
    answers['host.recent'] = { datasets: ['/data/scan/a.npz'], models: ['/runs/1/wts.h5.zip'] };
    const app = useAppStore();
    const ask = async (
      purpose: 'openDataset' | 'openModel' | 'saveModel' | 'exportReconstruction',
      name: string,
      answer: string | null,
    ) => {
      const p = app.askPath(purpose, 'title', name);
      await vi.waitFor(() => expect(app.pathRequest).not.toBeNull());
      const req = app.pathRequest!;
      req.resolve(answer);
      expect(await p).toBe(answer);
      expect(app.pathRequest).toBeNull();
      return req;
    };
    let req = await ask('openDataset', '', '/data/scan/a.npz');
    expect(req.recent).toEqual(['/data/scan/a.npz']);
    expect(calls[0]).toEqual({ method: 'host.pickPath', params: { purpose: 'openDataset' } });
    // No output folder yet: fall back to the dataset's.
    req = await ask('saveModel', 'wts.h5.zip', '/runs/1/wts.h5.zip');
    expect(req.initial).toBe('/data/scan/wts.h5.zip');
    expect(req.recent).toEqual([]);
    req = await ask('exportReconstruction', 'reconstruction.npz', null);
    expect(req.initial).toBe('/runs/1/reconstruction.npz');
    req = await ask('openModel', '', null);
    expect(req.recent).toEqual(['/runs/1/wts.h5.zip']);
    req = await ask('openDataset', '', null);
    expect(req.initial).toBe('/data/scan/');
  });

  it('app: a native dialog answers directly', async () => {
    answers['host.pickPath'] = { path: '/x/wts.h5.zip', native: true };
    const app = useAppStore();
    expect(await app.askPath('saveModel', 'Save', 'wts.h5.zip')).toBe('/x/wts.h5.zip');
    expect(calls).toEqual([
      { method: 'host.pickPath', params: { purpose: 'saveModel', defaultPath: 'wts.h5.zip' } },
    ]);
    expect(app.pathRequest).toBeNull();
  });

  it('app: a core crash raises one sticky error notice and tells the crash listeners once', async () => {
    const info = null;
    answers['host.status'] = { state: 'ready', detail: '', restarts: 0, info };
    const app = useAppStore();
    await app.connect();
    expect(app.core.state).toBe('ready');
    const heard: string[] = [];
    app.onCrash((d) => heard.push(d));
    emit('core.status', { state: 'crashed', detail: 'exit code 3; restarting', restarts: 0, info });
    emit('core.status', { state: 'crashed', detail: 'exit code 3; restarting', restarts: 0, info });
    expect(heard).toEqual(['exit code 3; restarting']);
    expect(app.notices).toHaveLength(1);
    expect(app.notices[0]).toMatchObject({
      kind: 'error',
      sticky: true,
      text: 'Compute core: exit code 3; restarting',
    });
    emit('core.status', { state: 'ready', detail: '', restarts: 1, info });
    expect(app.core.restarts).toBe(1);
    app.block({ title: 'Training was lost', text: '…' });
    expect(app.blocking?.title).toBe('Training was lost');
    app.acknowledge();
    expect(app.blocking).toBeNull();
  });

  it('app: a failed host.status shows the core as crashed with the message instead of throwing', async () => {
    const app = useAppStore();
    await app.connect();
    expect(app.core).toMatchObject({ state: 'crashed', detail: 'unexpected host.status' });
  });

  it('dataset: a failed open keeps the previous dataset and records the remote message', async () => {
    const ds = useDatasetStore();
    await expect(ds.open('/nope.npz')).rejects.toThrow('unexpected dataset.open');
    expect(ds.error).toBe('unexpected dataset.open');
    expect(ds.loading).toBe(false);
    expect(ds.info).toBeNull();
  });
});
