/** `ptycho train`: train a PtychoPINN model on a scan and write the wts.h5.zip bundle. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command';
import { CliError } from '../args';
import { createProgressBar } from '../progress';
import { DEVICE_FLAGS, MODEL_FLAGS, TRAINING_FLAGS, trainingConfigFromFlags } from '../configFlags';
import { openDataset } from '../../ptycho/data/formats/index';
import { DATASET_FLAGS, openOptionsFromFlags } from '../datasetFlags';
import { saveTrainingOutputs, trainModel } from '../../ptycho/lifecycle/model';
import { reconstruct } from '../../ptycho/lifecycle/reconstruct';
import { writeReconstruction } from '../../ptycho/lifecycle/outputs';
import { toLegacyParams } from '../../ptycho/config/legacy';
import { RunLog } from '../runLog';
import { plural, resolveDevice } from '../device';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a PtychoPINN model on a scan (→ wts.h5.zip)',
  description:
    'Train the physics-informed network on a PtychoPINN NPZ scan and save the model bundle D/wts.h5.zip, ' +
    'the history (D/history.json, D/history.csv) and a log (D/logs/train.log). With --test_data_file the test ' +
    'scan is reconstructed and stitched too (D/reconstruction.npz and PNGs). Ctrl+C stops after the current ' +
    'batch and keeps the best epoch so far.',
  flags: [
    {
      name: 'train_data_file',
      type: 'string',
      help: 'training scan (NPZ, CXI, Ptychodus product or folder, HDF5)',
      required: true,
      metavar: 'FILE',
    },
    {
      name: 'test_data_file',
      type: 'string',
      help: 'test scan to reconstruct after training',
      metavar: 'FILE',
    },
    { name: 'output_dir', type: 'string', help: 'output folder', required: true, metavar: 'DIR' },
    {
      name: 'config',
      type: 'string',
      help: 'YAML config (flat keys and/or a model: block); flags override it',
      metavar: 'FILE',
    },
    ...MODEL_FLAGS,
    ...TRAINING_FLAGS,
    ...DEVICE_FLAGS,
    ...DATASET_FLAGS,
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
    {
      name: 'disable_mlflow',
      type: 'boolean',
      help: 'accepted for PtychoPINN compatibility (metrics always go to local files)',
    },
  ],
  async run(args, io) {
    const f = args.flags;
    const outDir = resolve(String(f.output_dir));
    const requested = trainingConfigFromFlags(f, {
      train_data_file: resolve(String(f.train_data_file)),
      ...(f.test_data_file ? { test_data_file: resolve(String(f.test_data_file)) } : {}),
      output_dir: outDir,
    });
    const quiet = Boolean(f.quiet);
    const cfg = { ...requested, device: await resolveDevice(requested.device, io, quiet) };
    mkdirSync(join(outDir, 'logs'), { recursive: true });
    const log = new RunLog(join(outDir, 'logs', 'train.log'));
    log.line(`ptycho train — ${new Date().toISOString()}`);
    if (requested.device === 'auto') log.line(`device: auto → ${cfg.device}`);
    const openOpts = openOptionsFromFlags(f);
    const raw = await openDataset(cfg.train_data_file!, openOpts);
    for (const c of raw.conversion ?? []) log.line(`data: ${c}`);
    const controller = new AbortController();
    const onSigint = (): void => {
      io.err('\ninterrupt: stopping after this batch (the best epoch so far is kept)');
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    let bar: ReturnType<typeof createProgressBar> | null = null;
    try {
      const run = await trainModel(cfg, {
        raw,
        ...(typeof f.threads === 'number' ? { threads: f.threads } : {}),
        signal: controller.signal,
        onPrepared: (p) => {
          // the config as trained: nphotons is the file's when its metadata has one (as the bundle records)
          const used = { ...cfg, nphotons: p.nphotons };
          log.line(`resolved config: ${JSON.stringify(used)}`);
          log.line(`legacy params.cfg: ${JSON.stringify(toLegacyParams(used))}`);
          log.line(
            `data: ${raw.M} patterns in ${cfg.train_data_file}; ${p.patternsUsed} used; ${p.grouped.B} groups of ${p.grouped.C}; α = ${p.alpha.toPrecision(6)}; nphotons = ${p.nphotons} (${p.nphotonsSource}); intensity scale s = ${p.intensityScale.toPrecision(6)}`,
          );
          // the bar counts progress; the epoch under way is in its text ("epoch 2/2"), so no "1/2" counter
          bar = createProgressBar(io, 'train', cfg.nepochs, { quiet, showCount: false });
        },
        onBatch: (b) =>
          bar?.update(
            b.epoch - 1 + b.batch / b.batches,
            `epoch ${b.epoch}/${cfg.nepochs} loss ${b.loss.toPrecision(5)} ${b.samplesPerSec.toFixed(1)} samples/s`,
          ),
        onEpoch: (r) => {
          log.line(
            `epoch ${r.epoch}: loss ${r.loss} val_loss ${r.val_loss ?? 'n/a'} lr ${r.lr} ${r.samples_per_sec.toFixed(1)} samples/s (${r.seconds.toFixed(1)} s) intensity_scale ${r.intensity_scale.toPrecision(6)}`,
          );
        },
      });
      const res = run.result;
      const stopped = {
        completed: 'completed',
        early_stopping: 'stopped early',
        cancelled: 'interrupted',
        non_finite: 'stopped (loss diverged)',
      }[res.stoppedBy];
      (bar as ReturnType<typeof createProgressBar> | null)?.finish(
        `${stopped} after ${plural(res.history.length, 'epoch')}`,
      );
      log.line(
        `provider: ${res.provider}; ${res.trainSamples} training / ${res.validationSamples} validation groups; stopped by ${res.stoppedBy}; best epoch ${res.bestEpoch}; ${res.seconds.toFixed(1)} s`,
      );
      if (res.stoppedBy === 'non_finite') {
        log.line(`error: ${res.error}`);
        if (res.history.length === 0) throw new CliError(res.error ?? 'training diverged');
        io.err(`warning: ${res.error}`);
      }
      const bundle = join(outDir, 'wts.h5.zip');
      const bytes = saveTrainingOutputs(run.model, outDir); // bundle + history.json/csv as one set
      log.line(`saved ${bundle} (${bytes} bytes)`);
      if (!quiet) {
        const best = res.history.find((h) => h.epoch === res.bestEpoch);
        const last = res.history[res.history.length - 1];
        const num = (v: number | null | undefined): string =>
          v === null || v === undefined ? 'n/a' : v.toPrecision(6);
        io.out(
          `trained ${plural(res.history.length, 'epoch')} on ${res.provider} in ${res.seconds.toFixed(1)} s (${stopped}); ` +
            `final loss ${num(last?.loss)}, val_loss ${num(last?.val_loss)}; best epoch ${res.bestEpoch} (${res.validationSamples > 0 ? 'val_loss' : 'loss'} ${num(res.validationSamples > 0 ? best?.val_loss : best?.loss)}), kept in the bundle`,
        );
        io.out(`saved ${bundle}`);
      }
      if (cfg.test_data_file) {
        const test = await openDataset(cfg.test_data_file, openOpts);
        const ibar = createProgressBar(io, 'infer', 1, { quiet });
        const rec = await reconstruct(run.model, test, {
          onProgress: (d, t) => ibar.update(d / t),
          ...(typeof f.threads === 'number' ? { threads: f.threads } : {}),
        });
        ibar.finish(`${rec.groups} groups`);
        for (const w of rec.stitched.warnings ?? []) {
          io.err(`warning: ${w}`);
          log.line(`warning: ${w}`);
        }
        const files = writeReconstruction(
          outDir,
          rec.stitched,
          { model: bundle, test_data_file: cfg.test_data_file },
          { raw: test, probe: run.model.probe, history: res.history },
        );
        log.line(
          `reconstructed ${rec.groups} groups of ${cfg.test_data_file} in ${rec.inferSeconds.toFixed(2)} s (+${rec.stitchSeconds.toFixed(2)} s stitching): ${files.join(', ')}`,
        );
      }
      if (res.stoppedBy === 'cancelled') {
        io.err('training was interrupted; the bundle holds the best epoch so far');
        return 130;
      }
      return 0;
    } finally {
      process.removeListener('SIGINT', onSigint);
      log.close();
    }
  },
};
