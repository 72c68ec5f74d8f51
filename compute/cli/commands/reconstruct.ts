/** `ptycho reconstruct`: iterative reconstruction (rPIE/ePIE) of a scan, optionally from a PINN's output. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command';
import { createProgressBar } from '../progress';
import { CliError, type FlagValue } from '../args';
import { openDataset } from '../../ptycho/data/formats/index';
import { DATASET_FLAGS, openOptionsFromFlags } from '../datasetFlags';
import { loadModel } from '../../ptycho/lifecycle/model';
import { reconstruct } from '../../ptycho/lifecycle/reconstruct';
import { writeReconstruction, writeIterativeHistory } from '../../ptycho/lifecycle/outputs';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { evaluateAndWrite, EVALUATION_FLAGS } from './evaluate';
import { IterativeError, reconstructIterative } from '../../ptycho/iterative/reconstruct';
import { ConfigError } from '../../ptycho/config/schema';
import { ITERATIVE_FIELDS, makeIterativeConfig } from '../../ptycho/config/iterative';
import { parseReconRequest, RECON_REQUEST_FIELDS } from '../../ptycho/config/reconRequest';
import { flagsOf } from '../configFlags';
import type { Stitched } from '../../ptycho/stitch/reassemble';
import type { ProviderChoice } from '../../engine';

/** The given flags among `keys` (absent ones stay unset, so the schema's defaults apply). */
function pick(f: Readonly<Record<string, FlagValue>>, keys: readonly string[]): Record<string, FlagValue> {
  return Object.fromEntries(keys.filter((k) => f[k] !== undefined).map((k) => [k, f[k]!]));
}

/** A config made from the flags; its one-line ConfigError (`iterations: expected …, got 0`) as a CliError. */
function fromSchema<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
}

export const reconstructCommand: Command = {
  name: 'reconstruct',
  summary:
    'iterative reconstruction (rPIE/ePIE) of a scan, from a flat object or a PINN (→ reconstruction.npz, PNGs)',
  description:
    'Reconstruct a scan with the ptychographical iterative engine using its probeGuess (rPIE by default; ePIE), ' +
    'in the same conventions as ptycho infer, and write the same files: O/reconstruction.npz (object, amplitude, ' +
    'phase, weights = illumination, x0/y0, probe), the PNGs, O/iterations.csv (data error per iteration) and ' +
    'O/timings.json; with --ground_truth also O/metrics.json, O/frc.csv, O/comparison.png. --init_model_path ' +
    'starts from the PINN reconstruction of the same scan (diffraction_to_obj + stitching, as infer). Ctrl+C ' +
    'stops after the current iteration and writes the last iterate.',
  flags: [
    {
      name: 'test_data',
      type: 'string',
      help: 'scan to reconstruct (PtychoPINN NPZ, CXI, Ptychodus product or HDF5, with a probe)',
      required: true,
      aliases: ['test_data_file'],
      metavar: 'FILE',
    },
    { name: 'output_dir', type: 'string', help: 'output folder', required: true, metavar: 'DIR' },
    ...flagsOf(ITERATIVE_FIELDS),
    {
      name: 'init_model_path',
      type: 'string',
      help: "start from this trained model's reconstruction of the scan (folder or wts.h5.zip)",
      metavar: 'PATH',
    },
    ...flagsOf({
      batch_size: RECON_REQUEST_FIELDS.batch_size,
      stitch_crop_size: RECON_REQUEST_FIELDS.stitch_crop_size,
    }),
    {
      name: 'device',
      type: 'string',
      help: 'execution provider for the PINN start',
      choices: ['cpu', 'webgpu', 'cuda', 'auto'],
      aliases: ['accelerator'],
      defaultText: 'cpu',
    },
    {
      name: 'ground_truth',
      type: 'string',
      help: 'NPZ with objectGuess to evaluate against (often the scan itself)',
      metavar: 'FILE',
    },
    ...DATASET_FLAGS,
    ...EVALUATION_FLAGS,
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    const t0 = performance.now();
    const settings = fromSchema(() => makeIterativeConfig(pick(f, Object.keys(ITERATIVE_FIELDS))));
    const dataPath = resolve(String(f.test_data));
    const raw = await openDataset(dataPath, { ...openOptionsFromFlags(f), requireProbe: false });
    if (!raw.probe)
      throw new CliError(
        `${dataPath}: missing key 'probeGuess': iterative reconstruction needs the probe (a complex ${raw.N}×${raw.N} array)`,
      );
    const pinn = fromSchema(() =>
      parseReconRequest({ ...pick(f, ['batch_size', 'stitch_crop_size']), method: 'pinn+iterative' }, raw.N),
    );
    const out = resolve(String(f.output_dir));
    mkdirSync(out, { recursive: true });
    let initialObject: Stitched | undefined;
    let pinnSeconds = 0;
    if (typeof f.init_model_path === 'string') {
      const tp = performance.now();
      const model = await loadModel(resolve(f.init_model_path));
      if (model.config.model.N !== raw.N)
        throw new CliError(
          `--init_model_path: the model is for N = ${model.config.model.N}, the scan has ${raw.N}×${raw.N} patterns`,
        );
      const bar = createProgressBar(io, 'pinn', 1, { quiet: Boolean(f.quiet) });
      const rec = await reconstruct(model, raw, {
        device: (f.device ?? 'cpu') as ProviderChoice,
        batchSize: pinn.batch_size,
        stitchCropSize: pinn.stitch_crop_size,
        onProgress: (d, t) => bar.update(d / t, `${d}/${t} groups`),
      });
      bar.finish(`${rec.groups} groups on ${rec.provider}`);
      for (const w of rec.stitched.warnings ?? []) io.err(`warning: ${w}`);
      initialObject = rec.stitched;
      pinnSeconds = (performance.now() - tp) / 1000;
    }
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const bar = createProgressBar(io, settings.algorithm, settings.iterations, { quiet: Boolean(f.quiet) });
    let result;
    try {
      result = await reconstructIterative(raw, {
        algorithm: settings.algorithm,
        iterations: settings.iterations,
        ...(settings.alpha !== null ? { alpha: settings.alpha } : {}),
        probeRefine: settings.probe_refine,
        probeStart: settings.probe_start,
        beta: settings.beta,
        seed: settings.seed,
        ...(initialObject ? { initialObject } : {}),
        signal: controller.signal,
        onIteration: (r) => bar.update(r.iteration, `error ${r.error.toExponential(3)}`),
      });
    } catch (e) {
      if (e instanceof IterativeError) throw new CliError(e.message);
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    const last = result.history.at(-1);
    bar.finish(
      `${result.history.length} iterations, error ${last ? last.error.toExponential(3) : 'n/a'}, ${result.patternIterationsPerSecond.toFixed(0)} patterns·iterations/s`,
    );
    if (result.message) io.err(result.message);
    const meta = {
      test_data: dataPath,
      method: result.settings.algorithm,
      settings: result.settings,
      init_model_path: typeof f.init_model_path === 'string' ? resolve(f.init_model_path) : null,
      probe_scale: result.probeScale,
      object_scale: result.objectScale,
      stop_reason: result.stopReason,
    };
    const files = writeReconstruction(
      out,
      result.stitched,
      meta,
      { raw, probe: result.probe },
      { probe: result.probe },
    );
    files.push(...writeIterativeHistory(out, result.history));
    const timings = {
      pinn_start_s: pinnSeconds,
      iterative_s: result.seconds,
      iterations: result.history.length,
      patterns: raw.M,
      pattern_iterations_per_s: result.patternIterationsPerSecond,
      total_s: (performance.now() - t0) / 1000,
    };
    atomicWriteFileSync(join(out, 'timings.json'), JSON.stringify(timings, null, 2));
    if (typeof f.ground_truth === 'string') {
      const gt = await openDataset(resolve(f.ground_truth), {
        ...openOptionsFromFlags(f),
        requireProbe: false,
      });
      const summary = evaluateAndWrite(out, result.stitched, gt, [], f, raw);
      if (!f.quiet) io.out(summary);
    }
    if (!f.quiet) io.out(`wrote ${[...files, join(out, 'timings.json')].join(', ')}`);
    return result.stopReason === 'diverged' ? 1 : 0;
  },
};
