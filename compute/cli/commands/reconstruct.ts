/** `ptycho reconstruct`: iterative reconstruction (rPIE/ePIE) of a scan, optionally from a PINN's output. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command';
import { createProgressBar } from '../progress';
import { CliError } from '../args';
import { openDataset } from '../../ptycho/data/formats/index';
import { DATASET_FLAGS, openOptionsFromFlags } from '../datasetFlags';
import { loadModel } from '../../ptycho/lifecycle/model';
import { reconstruct } from '../../ptycho/lifecycle/reconstruct';
import { writeReconstruction, writeIterativeHistory } from '../../ptycho/lifecycle/outputs';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { evaluateAndWrite, EVALUATION_FLAGS } from './evaluate';
import { ITERATIVE_DEFAULTS, IterativeError, reconstructIterative } from '../../ptycho/iterative/reconstruct';
import type { Stitched } from '../../ptycho/stitch/reassemble';
import type { ProviderChoice } from '../../engine/runtime';

export const reconstructCommand: Command = {
  name: 'reconstruct',
  summary: 'iterative reconstruction (rPIE/ePIE) of a scan, from a flat object or a PINN (→ reconstruction.npz, PNGs)',
  description:
    'Reconstruct a scan with the ptychographical iterative engine using its probeGuess (rPIE by default; ePIE), ' +
    'in the same conventions as ptycho infer, and write the same files: O/reconstruction.npz (object, amplitude, ' +
    'phase, weights = illumination, x0/y0, probe), the PNGs, O/iterations.csv (data error per iteration) and ' +
    'O/timings.json; with --ground_truth also O/metrics.json, O/frc.csv, O/comparison.png. --init_model_path ' +
    'starts from the PINN reconstruction of the same scan (diffraction_to_obj + stitching, as infer). Ctrl+C ' +
    'stops after the current iteration and writes the last iterate.',
  flags: [
    { name: 'test_data', type: 'string', help: 'scan to reconstruct (PtychoPINN NPZ, CXI, Ptychodus product or HDF5, with a probe)', required: true, aliases: ['test_data_file'], metavar: 'FILE' },
    { name: 'output_dir', type: 'string', help: 'output folder', required: true, metavar: 'DIR' },
    { name: 'algorithm', type: 'string', help: 'iterative engine', choices: ['rpie', 'epie'], defaultText: ITERATIVE_DEFAULTS.algorithm },
    { name: 'iterations', type: 'int', help: 'sweeps over all patterns', defaultText: String(ITERATIVE_DEFAULTS.iterations) },
    { name: 'alpha', type: 'number', help: "rPIE's α (object regularisation) or ePIE's object step", defaultText: `${ITERATIVE_DEFAULTS.alphaRpie} (rpie), ${ITERATIVE_DEFAULTS.alphaEpie} (epie)` },
    { name: 'probe_refine', type: 'boolean', help: 'refine the probe too (positions stay fixed)' },
    { name: 'probe_start', type: 'int', help: 'first iteration (0-based) that updates the probe', defaultText: String(ITERATIVE_DEFAULTS.probeStart) },
    { name: 'beta', type: 'number', help: 'probe step size', defaultText: String(ITERATIVE_DEFAULTS.beta) },
    { name: 'seed', type: 'int', help: 'seed of the pattern order', defaultText: String(ITERATIVE_DEFAULTS.seed) },
    { name: 'init_model_path', type: 'string', help: 'start from this trained model\'s reconstruction of the scan (folder or wts.h5.zip)', metavar: 'PATH' },
    { name: 'device', type: 'string', help: 'execution provider for the PINN start', choices: ['cpu', 'webgpu', 'cuda', 'auto'], aliases: ['accelerator'], defaultText: 'cpu' },
    { name: 'ground_truth', type: 'string', help: 'NPZ with objectGuess to evaluate against (often the scan itself)', metavar: 'FILE' },
    ...DATASET_FLAGS,
    ...EVALUATION_FLAGS,
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    const t0 = performance.now();
    const dataPath = resolve(String(f.test_data));
    const raw = await openDataset(dataPath, { ...openOptionsFromFlags(f), requireProbe: false });
    if (!raw.probe) throw new CliError(`${dataPath}: missing key 'probeGuess': iterative reconstruction needs the probe (a complex ${raw.N}×${raw.N} array)`);
    const out = resolve(String(f.output_dir));
    mkdirSync(out, { recursive: true });
    let initialObject: Stitched | undefined;
    let pinnSeconds = 0;
    if (typeof f.init_model_path === 'string') {
      const tp = performance.now();
      const model = await loadModel(resolve(f.init_model_path));
      if (model.config.model.N !== raw.N) throw new CliError(`--init_model_path: the model is for N = ${model.config.model.N}, the scan has ${raw.N}×${raw.N} patterns`);
      const bar = createProgressBar(io, 'pinn', 1, { quiet: Boolean(f.quiet) });
      const rec = await reconstruct(model, raw, { device: (f.device ?? 'cpu') as ProviderChoice, onProgress: (d, t) => bar.update(d / t, `${d}/${t} groups`) });
      bar.finish(`${rec.groups} groups on ${rec.provider}`);
      for (const w of rec.stitched.warnings ?? []) io.err(`warning: ${w}`);
      initialObject = rec.stitched;
      pinnSeconds = (performance.now() - tp) / 1000;
    }
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const iterations = typeof f.iterations === 'number' ? f.iterations : ITERATIVE_DEFAULTS.iterations;
    const bar = createProgressBar(io, String(f.algorithm ?? ITERATIVE_DEFAULTS.algorithm), iterations, { quiet: Boolean(f.quiet) });
    let result;
    try {
      result = await reconstructIterative(raw, {
        ...(typeof f.algorithm === 'string' ? { algorithm: f.algorithm as 'rpie' | 'epie' } : {}),
        iterations,
        ...(typeof f.alpha === 'number' ? { alpha: f.alpha } : {}),
        probeRefine: Boolean(f.probe_refine),
        ...(typeof f.probe_start === 'number' ? { probeStart: f.probe_start } : {}),
        ...(typeof f.beta === 'number' ? { beta: f.beta } : {}),
        ...(typeof f.seed === 'number' ? { seed: f.seed } : {}),
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
    bar.finish(`${result.history.length} iterations, error ${last ? last.error.toExponential(3) : 'n/a'}, ${result.patternIterationsPerSecond.toFixed(0)} patterns·iterations/s`);
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
    const files = writeReconstruction(out, result.stitched, meta, { raw, probe: result.probe }, { probe: result.probe });
    files.push(...writeIterativeHistory(out, result.history));
    const timings = { pinn_start_s: pinnSeconds, iterative_s: result.seconds, iterations: result.history.length, patterns: raw.M, pattern_iterations_per_s: result.patternIterationsPerSecond, total_s: (performance.now() - t0) / 1000 };
    atomicWriteFileSync(join(out, 'timings.json'), JSON.stringify(timings, null, 2));
    if (typeof f.ground_truth === 'string') {
      const gt = await openDataset(resolve(f.ground_truth), { ...openOptionsFromFlags(f), requireProbe: false });
      const summary = evaluateAndWrite(out, result.stitched, gt, [], f);
      if (!f.quiet) io.out(summary);
    }
    if (!f.quiet) io.out(`wrote ${[...files, join(out, 'timings.json')].join(', ')}`);
    return result.stopReason === 'diverged' ? 1 : 0;
  },
};
