/** `ptycho infer`: reconstruct a scan with a trained bundle; stitched object + PNGs (+ metrics). */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command';
import { createProgressBar } from '../progress';
import { loadRawDataset } from '../../ptycho/data/dataset';
import { loadModel } from '../../ptycho/lifecycle/model';
import { reconstruct } from '../../ptycho/lifecycle/reconstruct';
import { writeReconstruction } from '../../ptycho/lifecycle/outputs';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { evaluateAndWrite, EVALUATION_FLAGS } from './evaluate';
import type { ProviderChoice } from '../../engine/runtime';

export const inferCommand: Command = {
  name: 'infer',
  summary: 'reconstruct a scan with a trained model (→ reconstruction.npz, PNGs)',
  description:
    'Run diffraction_to_obj from a wts.h5.zip bundle on a scan, stitch the object patches, and write ' +
    'O/reconstruction.npz (object complex64, amplitude, phase, x0/y0 origin in object pixels), ' +
    'O/reconstructed_amplitude.png, O/reconstructed_phase.png and O/timings.json. With --ground_truth, ' +
    'also evaluate against that scan\'s objectGuess (O/metrics.json, O/frc.csv, O/comparison.png).',
  flags: [
    { name: 'model_path', type: 'string', help: 'training output folder or its wts.h5.zip', required: true, metavar: 'PATH' },
    { name: 'test_data', type: 'string', help: 'scan to reconstruct (NPZ)', required: true, aliases: ['test_data_file'], metavar: 'FILE' },
    { name: 'output_dir', type: 'string', help: 'output folder', required: true, metavar: 'DIR' },
    { name: 'n_images', type: 'int', help: 'groups to reconstruct (default: all)', aliases: ['n_groups'] },
    { name: 'batch_size', type: 'int', help: 'inference batch size', defaultText: '64' },
    { name: 'stitch_crop_size', type: 'int', help: 'central M×M crop of each patch used for stitching', defaultText: '20' },
    { name: 'device', type: 'string', help: 'execution provider', choices: ['cpu', 'webgpu', 'cuda', 'auto'], aliases: ['accelerator'], defaultText: 'cpu' },
    { name: 'threads', type: 'int', help: 'CPU threads for ONNX Runtime' },
    { name: 'ground_truth', type: 'string', help: 'NPZ with objectGuess to evaluate against (often the test scan itself)', metavar: 'FILE' },
    ...EVALUATION_FLAGS,
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    const out = resolve(String(f.output_dir));
    mkdirSync(out, { recursive: true });
    const t0 = performance.now();
    const model = await loadModel(resolve(String(f.model_path)));
    const t1 = performance.now();
    const raw = loadRawDataset(resolve(String(f.test_data)));
    const t2 = performance.now();
    const bar = createProgressBar(io, 'infer', 1, { quiet: Boolean(f.quiet) });
    const rec = await reconstruct(model, raw, {
      ...(typeof f.n_images === 'number' ? { nGroups: f.n_images } : {}),
      ...(typeof f.batch_size === 'number' ? { batchSize: f.batch_size } : {}),
      ...(typeof f.stitch_crop_size === 'number' ? { stitchCropSize: f.stitch_crop_size } : {}),
      ...(typeof f.device === 'string' ? { device: f.device as ProviderChoice } : {}),
      ...(typeof f.threads === 'number' ? { threads: f.threads } : {}),
      onProgress: (d, t) => bar.update(d / t, `${d}/${t} groups`),
    });
    bar.finish(`${rec.groups} groups, ${(rec.groups / rec.inferSeconds).toFixed(0)} groups/s on ${rec.provider}`);
    const files = writeReconstruction(out, rec.stitched, { model: model.path, test_data: resolve(String(f.test_data)) });
    const timings = {
      load_model_s: (t1 - t0) / 1000,
      load_data_s: (t2 - t1) / 1000,
      inference_s: rec.inferSeconds,
      stitching_s: rec.stitchSeconds,
      groups: rec.groups,
      patterns_per_s: (rec.groups * model.config.model.gridsize ** 2) / rec.inferSeconds,
      provider: rec.provider,
      total_s: (performance.now() - t0) / 1000,
    };
    atomicWriteFileSync(join(out, 'timings.json'), JSON.stringify(timings, null, 2));
    if (typeof f.ground_truth === 'string') {
      const gt = loadRawDataset(resolve(f.ground_truth), { requireProbe: false });
      const summary = evaluateAndWrite(out, rec.stitched, gt, rec.prepared.grouped.centroids, f);
      if (!f.quiet) io.out(summary);
    }
    if (!f.quiet) io.out(`wrote ${[...files, join(out, 'timings.json')].join(', ')}`);
    return 0;
  },
};
