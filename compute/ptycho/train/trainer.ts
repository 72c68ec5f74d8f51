/**
 * Training loop for the PtychoPINN autoencoder on the engine (PtychoPINN §4.1 semantics):
 * mini-batches of `batch_size`, shuffled each epoch with a seeded RNG, the last 5 % of samples
 * held out for validation, Adam(lr), ReduceLROnPlateau on val_loss, EarlyStopping on val_loss
 * (training loss without validation) that waits for the trend to stop falling. Progress events
 * per batch and per epoch; cancellation between steps; a non-finite loss stops training with a
 * clear error and keeps the last good weights; the best epoch's weights are what the result holds.
 */
import {
  adam,
  ParamStore,
  glorotFor,
  seededRandom,
  type Init,
  compileTrainStep,
  type TrainStep,
  CompiledGraph,
  type ProviderChoice,
} from '../../engine';
import { buildAutoencoder, FEEDS, LOG_SCALE, PROBE_IM, PROBE_RE, type ProbeArrays } from '../model/pinn';
import type { ParamDecl } from '../model/network';
import { channels, type PinnLossSpec, type PinnModelSpec } from '../model/spec';
import { EarlyStopping, PTYCHOPINN_PLATEAU, ReduceLROnPlateau } from './schedule';
import { DivergenceGuard } from './divergence';

/** Grouped training data in the engine's layout. */
export interface TrainingSet {
  /** `(B, C, N, N)` normalised amplitudes X (α applied; NOT yet multiplied by intensity_scale). */
  amplitudes: Float32Array;
  /** `(B, C, 2)` coords_relative (x, y); required when gridsize > 1. */
  coordsRelative?: Float32Array;
  count: number;
}

export interface TrainerOptions {
  spec: PinnModelSpec;
  loss: PinnLossSpec;
  probe: ProbeArrays;
  /** s = sqrt(nphotons)/(N/2): multiplies X at the network input and in the targets. */
  intensityScale: number;
  batchSize: number;
  nepochs: number;
  learningRate: number;
  /** Seed of weight initialisation and of the epoch shuffles. */
  seed: number;
  validationFraction?: number;
  earlyStoppingPatience?: number;
  device?: ProviderChoice;
  threads?: number;
  /** Start from these weights (e.g. a loaded bundle) instead of a fresh initialisation. */
  initialParams?: ParamStore;
  signal?: AbortSignal;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (record: EpochRecord, params: ParamStore) => void | Promise<void>;
}

export interface LossTerms {
  loss: number;
  nll: number;
  mae: number;
  realspace: number;
}

export interface BatchProgress extends LossTerms {
  epoch: number;
  batch: number;
  batches: number;
  samplesPerSec: number;
  /** Seconds left for the whole run at the current rate. */
  etaSec: number;
  lr: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  nll: number;
  mae: number;
  realspace: number;
  val_loss: number | null;
  lr: number;
  seconds: number;
  samples_per_sec: number;
  intensity_scale: number;
}

export type StopReason = 'completed' | 'early_stopping' | 'cancelled' | 'non_finite';

export interface TrainResult {
  /** Weights of the best epoch (lowest val_loss, or train loss without validation). */
  params: ParamStore;
  history: EpochRecord[];
  bestEpoch: number;
  stoppedBy: StopReason;
  /** Set when stoppedBy is 'non_finite'. */
  error?: string;
  provider: string;
  trainSamples: number;
  validationSamples: number;
  seconds: number;
  /** Trained exp(log_scale): the intensity scale saved with the model. */
  intensityScale: number;
}

export class TrainingError extends Error {
  override name = 'TrainingError';
}

function toInit(d: ParamDecl): Init | Float32Array {
  if (d.init === 'glorot_uniform') return glorotFor(d.shape);
  if (d.init === 'zeros') return { kind: 'zeros' };
  if ('kind' in d.init) return d.init;
  return d.init.value;
}

/** A ParamStore with every declared parameter (fresh init, or copied from `from` where present). */
export function createParamStore(decls: readonly ParamDecl[], seed: number, from?: ParamStore): ParamStore {
  const store = new ParamStore(seed);
  for (const d of decls) {
    if (from?.has(d.name)) {
      store.set(d.name, from.get(d.name).slice(), d.shape);
      continue;
    }
    const init = toInit(d);
    if (init instanceof Float32Array) store.set(d.name, init.slice(), d.shape);
    else store.create(d.name, d.shape, init);
  }
  return store;
}

function copyStore(src: ParamStore): ParamStore {
  const out = new ParamStore(src.seed);
  for (const n of src.names()) out.set(n, src.get(n).slice(), src.shape(n));
  return out;
}

function shuffled(n: number, rand: () => number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}

export async function trainPinn(data: TrainingSet, o: TrainerOptions): Promise<TrainResult> {
  const { spec } = o;
  const N = spec.N;
  const C = channels(spec);
  const per = C * N * N;
  if (data.amplitudes.length !== data.count * per) {
    throw new TrainingError(
      `training data: ${data.amplitudes.length} amplitude values for ${data.count} groups of shape (${C}, ${N}, ${N})`,
    );
  }
  const needShifts = spec.object_big && spec.gridsize > 1;
  if (needShifts && data.coordsRelative?.length !== data.count * C * 2) {
    throw new TrainingError(
      `training data: coords_relative must have shape (${data.count}, ${C}, 2) for gridsize ${spec.gridsize}`,
    );
  }
  if (!(o.batchSize >= 1)) throw new TrainingError(`batch_size must be ≥ 1, got ${o.batchSize}`);

  const nVal = data.count >= 20 ? Math.floor(data.count * (o.validationFraction ?? 0.05)) : 0;
  const nTrain = data.count - nVal;
  if (nTrain < 1) throw new TrainingError(`not enough groups to train on (${data.count})`);

  // s·X once: the network input and the target amplitude.
  const sX = new Float32Array(data.amplitudes.length);
  for (let i = 0; i < sX.length; i++) sX[i] = data.amplitudes[i]! * o.intensityScale;

  const ae = buildAutoencoder({ spec, loss: o.loss, intensityScale: o.intensityScale, probe: o.probe });
  const params = createParamStore(ae.params, o.seed, o.initialParams);
  const frozen = ae.params.map((d) => d.name).filter((n) => !ae.trainable.includes(n));
  const session = { provider: o.device ?? 'cpu', ...(o.threads ? { threads: o.threads } : {}) };
  const step: TrainStep = await compileTrainStep({
    loss: ae.losses.loss,
    extraOutputs: { nll: ae.losses.nll, mae: ae.losses.mae, realspace: ae.losses.realspace },
    params,
    optimizer: adam(),
    groups: frozen.length ? [{ match: frozen, frozen: true }] : [],
    session,
    name: 'ptychopinn_train_step',
  });
  const evalGraph =
    nVal > 0
      ? await CompiledGraph.create({ loss: ae.losses.loss }, { ...session, name: 'ptychopinn_val' })
      : null;

  const batchX = new Float32Array(o.batchSize * per);
  const batchOff = needShifts ? new Float32Array(o.batchSize * C * 2) : null;
  const rand = seededRandom((o.seed ^ 0x5eed) >>> 0);
  const plateau = new ReduceLROnPlateau(o.learningRate, PTYCHOPINN_PLATEAU);
  const early = new EarlyStopping(o.earlyStoppingPatience ?? 3);
  const history: EpochRecord[] = [];
  const batches = Math.ceil(nTrain / o.batchSize);
  const t0 = performance.now();
  let best = { value: Infinity, epoch: 0, params: copyStore(params) };
  let lastGood = copyStore(params);
  let stoppedBy: StopReason = 'completed';
  let error: string | undefined;
  const divergence = new DivergenceGuard();
  let samplesDone = 0;

  const feedsFor = (
    idx: ArrayLike<number>,
    start: number,
    n: number,
    src: Float32Array,
  ): Record<string, Float32Array> => {
    for (let k = 0; k < n; k++) {
      const s = idx[start + k]!;
      batchX.set(src.subarray(s * per, (s + 1) * per), k * per);
      if (batchOff) batchOff.set(data.coordsRelative!.subarray(s * C * 2, (s + 1) * C * 2), k * C * 2);
    }
    const feeds: Record<string, Float32Array> = { [FEEDS.amplitudes]: batchX.subarray(0, n * per) };
    if (batchOff) feeds[FEEDS.offsets] = batchOff.subarray(0, n * C * 2);
    return feeds;
  };

  const validate = async (): Promise<number | null> => {
    if (!evalGraph) return null;
    let sum = 0;
    const idx = Array.from({ length: nVal }, (_, i) => nTrain + i);
    for (let start = 0; start < nVal; start += o.batchSize) {
      const n = Math.min(o.batchSize, nVal - start);
      const feeds: Record<string, Float32Array> = feedsFor(idx, start, n, sX);
      for (const name of params.names()) feeds[name] = params.get(name);
      const r = await evalGraph.run(feeds);
      sum += r.loss!.data[0]! * n;
    }
    return sum / nVal;
  };

  try {
    epochs: for (let epoch = 1; epoch <= o.nepochs; epoch++) {
      const te = performance.now();
      const order = shuffled(nTrain, rand);
      const acc = { loss: 0, nll: 0, mae: 0, realspace: 0 };
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) {
          stoppedBy = 'cancelled';
          break epochs;
        }
        const start = b * o.batchSize;
        const n = Math.min(o.batchSize, nTrain - start);
        const r = await step.step(feedsFor(order, start, n, sX), plateau.lr);
        const terms = {
          loss: r.loss,
          nll: r.outputs.nll as number,
          mae: r.outputs.mae as number,
          realspace: r.outputs.realspace as number,
        };
        const diverged = divergence.check(terms.loss);
        if (diverged) {
          stoppedBy = 'non_finite';
          error = `training diverged at epoch ${epoch}, batch ${b + 1}: ${diverged}; kept the weights of epoch ${best.epoch > 0 ? best.epoch : 'initialisation'}`;
          break epochs;
        }
        for (const k of Object.keys(acc) as (keyof LossTerms)[]) acc[k] += terms[k] * n;
        seen += n;
        samplesDone += n;
        const elapsed = (performance.now() - t0) / 1000;
        const rate = samplesDone / elapsed;
        const remaining = (o.nepochs - epoch) * nTrain + (nTrain - seen);
        o.onBatch?.({
          epoch,
          batch: b + 1,
          batches,
          ...terms,
          samplesPerSec: rate,
          etaSec: remaining / rate,
          lr: plateau.lr,
        });
      }
      const valLoss = await validate();
      const seconds = (performance.now() - te) / 1000;
      const rec: EpochRecord = {
        epoch,
        loss: acc.loss / seen,
        nll: acc.nll / seen,
        mae: acc.mae / seen,
        realspace: acc.realspace / seen,
        val_loss: valLoss,
        lr: plateau.lr,
        seconds,
        samples_per_sec: seen / seconds,
        intensity_scale: Math.exp(params.get(LOG_SCALE)[0]!),
      };
      history.push(rec);
      lastGood = copyStore(params);
      const monitored = valLoss ?? rec.loss;
      if (monitored < best.value) best = { value: monitored, epoch, params: lastGood };
      await o.onEpoch?.(rec, params);
      plateau.update(monitored);
      if (early.update(monitored)) {
        stoppedBy = 'early_stopping';
        break;
      }
    }
  } finally {
    await step.release();
    await evalGraph?.release();
  }

  let result = best.epoch > 0 ? best.params : lastGood;
  if (stoppedBy === 'non_finite' && best.epoch === 0) result = lastGood;
  return {
    params: result,
    history,
    bestEpoch: best.epoch,
    stoppedBy,
    ...(error ? { error } : {}),
    provider: step.provider,
    trainSamples: nTrain,
    validationSamples: nVal,
    seconds: (performance.now() - t0) / 1000,
    intensityScale: Math.exp(result.get(LOG_SCALE)[0]!),
  };
}

export { PROBE_RE, PROBE_IM };
