/** `ptycho infer`: reconstruct a scan with a trained bundle; stitched object + PNGs (+ metrics). */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command';
import { createProgressBar } from '../progress';
import { openDataset } from '../../ptycho/data/formats/index';
import { DATASET_FLAGS, openOptionsFromFlags } from '../datasetFlags';
import { loadModel, type TrainedModel } from '../../ptycho/lifecycle/model';
import { finetuneModel, type FinetuneResult } from '../../ptycho/lifecycle/finetune';
import type { RawDataset } from '../../ptycho/data/dataset';
import type { CliIO } from '../command';
import { reconstruct } from '../../ptycho/lifecycle/reconstruct';
import { historyCsv, writeReconstruction } from '../../ptycho/lifecycle/outputs';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { evaluateAndWrite, EVALUATION_FLAGS } from './evaluate';
import { CliError, type FlagValue } from '../args';
import {
  ConfigError,
  DEFAULT_INFERENCE_CONFIG,
  INFERENCE_FIELDS,
  makeInferenceConfig,
  type InferenceConfig,
  type TrainingConfig,
} from '../../ptycho/config/config';
import { readYamlConfig } from '../../ptycho/config/yamlConfig';
import { INFERENCE_SEED } from '../../ptycho/lifecycle/reconstruct';
import { resolveDevice } from '../device';
import { DEVICE_FLAGS, flagsOf } from '../configFlags';

/**
 * The inference config: the bundle's model and grouping settings ← YAML (--config, inference
 * grouping keys only, so a training YAML can be reused: its output_dir and batch_size are
 * training's) ← explicit flags; validated with field and expected value, like PtychoPINN's
 * InferenceConfig.
 */
export function inferenceConfigFromFlags(
  f: Record<string, FlagValue>,
  trained: TrainingConfig,
): InferenceConfig {
  const yaml = typeof f.config === 'string' ? readYamlConfig(f.config) : {};
  // Flags the user did not give are undefined; makeInferenceConfig fills those with its defaults.
  const flag = <T>(name: string): T | undefined => f[name] as T | undefined;
  try {
    return makeInferenceConfig({
      model: trained.model,
      model_path: String(f.model_path),
      test_data_file: String(f.test_data),
      output_dir: flag<string>('output_dir'),
      n_groups: flag<number>('n_images') ?? yaml.n_groups,
      n_subsample: flag<number>('n_subsample') ?? yaml.n_subsample,
      subsample_seed: flag<number>('subsample_seed') ?? yaml.subsample_seed ?? INFERENCE_SEED,
      neighbor_count: flag<number>('neighbor_count') ?? yaml.neighbor_count ?? trained.neighbor_count,
      batch_size: flag<number>('batch_size'),
      stitch_crop_size: flag<number>('stitch_crop_size'),
      device: flag<InferenceConfig['device']>('device'),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
}

export const inferCommand: Command = {
  name: 'infer',
  summary: 'reconstruct a scan with a trained model (→ reconstruction.npz, PNGs)',
  description:
    'Run diffraction_to_obj from a wts.h5.zip bundle on a scan, stitch the object patches, and write ' +
    'O/reconstruction.npz (object complex64, amplitude, phase, x0/y0 origin in object pixels), ' +
    'O/reconstructed_amplitude.png, O/reconstructed_phase.png and O/timings.json. With --ground_truth, ' +
    "also evaluate against that scan's objectGuess (O/metrics.json, O/frc.csv, O/comparison.png).",
  flags: [
    {
      name: 'model_path',
      type: 'string',
      help: 'training output folder or its wts.h5.zip',
      required: true,
      metavar: 'PATH',
    },
    {
      name: 'test_data',
      type: 'string',
      help: 'scan to reconstruct (NPZ, CXI, Ptychodus product or folder, HDF5)',
      required: true,
      aliases: ['test_data_file'],
      metavar: 'FILE',
    },
    {
      name: 'output_dir',
      type: 'string',
      help: 'output folder',
      defaultText: DEFAULT_INFERENCE_CONFIG.output_dir,
      metavar: 'DIR',
    },
    {
      name: 'config',
      type: 'string',
      help: 'YAML config (PtychoPINN keys; of a training YAML only n_groups, n_subsample, subsample_seed and neighbor_count apply); flags override it',
      metavar: 'FILE',
    },
    { name: 'n_images', type: 'int', help: 'groups to reconstruct (default: all)', aliases: ['n_groups'] },
    {
      name: 'n_subsample',
      type: 'int',
      help: 'patterns to subsample before grouping (default: all, or n_images for gridsize 1)',
    },
    {
      name: 'subsample_seed',
      type: 'int',
      help: 'seed of subsampling and grouping',
      defaultText: String(INFERENCE_SEED),
    },
    {
      name: 'neighbor_count',
      type: 'int',
      help: 'K nearest neighbours for grouping (default: the training value)',
    },
    ...flagsOf({
      batch_size: INFERENCE_FIELDS.batch_size,
      stitch_crop_size: INFERENCE_FIELDS.stitch_crop_size,
    }),
    ...DEVICE_FLAGS,
    {
      name: 'finetune_epochs',
      type: 'int',
      help: "first fine-tune the network on this scan's own diffraction for this many epochs (self-supervised: the physics loss, no ground truth), then reconstruct",
      defaultText: '0',
    },
    {
      name: 'finetune_lr',
      type: 'number',
      help: 'Adam learning rate of the fine-tuning (default: the training rate)',
    },
    {
      name: 'ground_truth',
      type: 'string',
      help: 'NPZ with objectGuess to evaluate against (often the test scan itself)',
      metavar: 'FILE',
    },
    ...EVALUATION_FLAGS,
    ...DATASET_FLAGS,
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    const t0 = performance.now();
    const model = await loadModel(resolve(String(f.model_path)));
    const asked = inferenceConfigFromFlags(f, model.config);
    const cfg = { ...asked, device: await resolveDevice(asked.device, io, Boolean(f.quiet)) };
    const out = resolve(cfg.output_dir);
    mkdirSync(out, { recursive: true });
    const t1 = performance.now();
    const raw = await openDataset(resolve(cfg.test_data_file), openOptionsFromFlags(f));
    const t2 = performance.now();
    const tuned = await finetuneIfAsked(f, model, raw, cfg.device, out, io);
    const bar = createProgressBar(io, 'infer', 1, { quiet: Boolean(f.quiet) });
    const rec = await reconstruct(tuned?.model ?? model, raw, {
      ...(cfg.n_groups !== null ? { nGroups: cfg.n_groups } : {}),
      ...(cfg.n_subsample !== null ? { nSubsample: cfg.n_subsample } : {}),
      ...(cfg.subsample_seed !== null ? { subsampleSeed: cfg.subsample_seed } : {}),
      neighborCount: cfg.neighbor_count,
      batchSize: cfg.batch_size,
      stitchCropSize: cfg.stitch_crop_size,
      device: cfg.device,
      ...(typeof f.threads === 'number' ? { threads: f.threads } : {}),
      onProgress: (d, t) => bar.update(d / t, `${d}/${t} groups`),
    });
    bar.finish(
      `${rec.groups} groups, ${(rec.groups / rec.inferSeconds).toFixed(0)} groups/s on ${rec.provider}`,
    );
    for (const w of rec.stitched.warnings ?? []) io.err(`warning: ${w}`);
    const files = writeReconstruction(
      out,
      rec.stitched,
      { model: model.path, test_data: resolve(cfg.test_data_file) },
      { raw, probe: model.probe, history: model.history },
    );
    const timings = {
      load_model_s: (t1 - t0) / 1000,
      load_data_s: (t2 - t1) / 1000,
      ...(tuned ? { finetune_s: tuned.seconds, finetune_epochs: tuned.history.length } : {}),
      inference_s: rec.inferSeconds,
      stitching_s: rec.stitchSeconds,
      groups: rec.groups,
      patterns_per_s: (rec.groups * model.config.model.gridsize ** 2) / rec.inferSeconds,
      provider: rec.provider,
      total_s: (performance.now() - t0) / 1000,
    };
    atomicWriteFileSync(join(out, 'timings.json'), JSON.stringify(timings, null, 2));
    if (typeof f.ground_truth === 'string') {
      const gt = await openDataset(resolve(f.ground_truth), {
        ...openOptionsFromFlags(f),
        requireProbe: false,
      });
      const summary = evaluateAndWrite(out, rec.stitched, gt, rec.prepared.grouped.centroids, f, raw);
      if (!f.quiet) io.out(summary);
    }
    if (!f.quiet)
      io.out(`wrote ${[...files, ...(tuned?.files ?? []), join(out, 'timings.json')].join(', ')}`);
    return 0;
  },
};

/** --finetune_epochs K: self-supervised fine-tuning on the scan itself, with a progress bar; finetune_history.csv. */
async function finetuneIfAsked(
  f: Record<string, FlagValue>,
  model: TrainedModel,
  raw: RawDataset,
  device: InferenceConfig['device'],
  out: string,
  io: CliIO,
): Promise<(FinetuneResult & { files: string[] }) | null> {
  const epochs = f.finetune_epochs;
  if (epochs === undefined || epochs === 0) return null;
  if (typeof epochs !== 'number' || !(Number.isInteger(epochs) && epochs > 0))
    throw new CliError(`--finetune_epochs: expected a positive integer, got ${String(epochs)}`);
  const lr = f.finetune_lr;
  if (lr !== undefined && !(typeof lr === 'number' && lr > 0 && lr < 1))
    throw new CliError(`--finetune_lr: expected a number in (0, 1), got ${String(lr)}`);
  const bar = createProgressBar(io, 'fine-tune', epochs, { quiet: Boolean(f.quiet), showCount: false });
  const r = await finetuneModel(model, raw, {
    epochs,
    ...(typeof lr === 'number' ? { learningRate: lr } : {}),
    device,
    ...(typeof f.threads === 'number' ? { threads: f.threads } : {}),
    onBatch: (p) =>
      bar.update(
        p.epoch - 1 + p.batch / p.batches,
        `epoch ${p.epoch}/${epochs}  loss ${p.loss.toPrecision(6)}`,
      ),
  });
  bar.finish(
    `${r.history.length} epoch${r.history.length === 1 ? '' : 's'} on the scan in ${r.seconds.toFixed(1)} s, loss ${r.history.at(-1)?.loss.toPrecision(6) ?? 'n/a'}`,
  );
  const csv = join(out, 'finetune_history.csv');
  const cols = ['epoch', 'loss', 'nll', 'lr', 'seconds', 'samples_per_sec', 'intensity_scale'] as const;
  atomicWriteFileSync(csv, historyCsv(r.history, cols));
  return { ...r, files: [csv] };
}
