/** `ptycho simulate`: a simulated PtychoPINN scan (NPZ), optionally split into train/test along y. */
import { resolve } from 'node:path';
import type { Command } from '../command';
import { CliError } from '../args';
import { createProgressBar } from '../progress';
import { makeObject, type ObjectKind } from '../../ptycho/data/objects';
import { defaultProbe } from '../../ptycho/data/probe';
import { scanArrays, simulateScan, spatialSplit } from '../../ptycho/data/simulate';
import { loadRawDataset } from '../../ptycho/data/dataset';
import { writeNpz } from '../../io/npz';
import { appVersion } from '../../version';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate a scan: object × probe → far field with Poisson noise (→ NPZ)',
  description:
    'Simulate diffraction amplitudes of a synthetic (lines, grf) or given object (--input_file with objectGuess ' +
    'and probeGuess) at random (--n_images) or raster (--grid_step) positions, with Poisson noise at --nphotons per ' +
    'pattern. Writes a PtychoPINN NPZ (diffraction, coordinates, probeGuess, objectGuess, ground_truth_patches, ' +
    '_metadata). --split 0.8 writes <stem>_train.npz and <stem>_test.npz split spatially along y.',
  flags: [
    { name: 'output_file', type: 'string', help: 'output NPZ', required: true, metavar: 'FILE' },
    { name: 'object', type: 'string', help: 'synthetic object', choices: ['lines', 'grf'], defaultText: 'lines' },
    { name: 'input_file', type: 'string', help: 'take objectGuess and probeGuess from this NPZ instead', metavar: 'FILE' },
    { name: 'N', type: 'int', help: 'patch size (64, 128, 256)', defaultText: '64' },
    { name: 'object_size', type: 'int', help: 'synthetic object side in pixels', defaultText: '3.5·N' },
    { name: 'n_images', type: 'int', help: 'random scan positions', defaultText: '500' },
    { name: 'grid_step', type: 'number', help: 'raster scan step in pixels (instead of random positions)' },
    { name: 'buffer', type: 'number', help: 'keep positions this far from the object edges', defaultText: 'N/2 + 1' },
    { name: 'nphotons', type: 'number', help: 'photons per pattern', defaultText: '1e9' },
    { name: 'seed', type: 'int', help: 'random seed (object, positions, noise)', defaultText: '42' },
    { name: 'set_phi', type: 'boolean', help: 'give the synthetic object a phase', defaultText: 'false' },
    { name: 'split', type: 'number', help: 'fraction for the train part of a spatial split along y' },
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    const N = typeof f.N === 'number' ? f.N : 64;
    if (![64, 128, 256].includes(N)) throw new CliError(`--N: expected 64, 128 or 256, got ${N}`);
    const seed = typeof f.seed === 'number' ? f.seed : 42;
    const nphotons = typeof f.nphotons === 'number' ? f.nphotons : 1e9;
    if (!(nphotons > 0)) throw new CliError(`--nphotons: expected a number > 0, got ${nphotons}`);
    let object;
    let probe;
    let source: string;
    if (typeof f.input_file === 'string') {
      const raw = loadRawDataset(resolve(f.input_file), { requireProbe: true });
      if (!raw.objectGuess) throw new CliError(`${f.input_file}: missing key 'objectGuess' (needed with --input_file)`);
      object = raw.objectGuess;
      probe = { re: raw.probe!.re, im: raw.probe!.im };
      if (raw.N !== N && f.N !== undefined) throw new CliError(`--N ${N} does not match the ${raw.N}×${raw.N} probe of ${f.input_file}`);
      source = resolve(f.input_file);
    } else {
      const kind = (f.object ?? 'lines') as ObjectKind;
      const size = typeof f.object_size === 'number' ? f.object_size : Math.round(3.5 * N);
      if (size < N + 4) throw new CliError(`--object_size must be at least N + 4 = ${N + 4}, got ${size}`);
      object = makeObject(kind, size, seed, Boolean(f.set_phi));
      probe = defaultProbe(N);
      source = `${kind} ${size}×${size}${f.set_phi ? ' with phase' : ''}`;
    }
    const bar = createProgressBar(io, 'simulate', 1, { quiet: Boolean(f.quiet) });
    const sim = simulateScan({
      N: object ? (probe.re.length === N * N ? N : Math.sqrt(probe.re.length)) : N,
      object,
      probe,
      nphotons,
      seed,
      ...(typeof f.n_images === 'number' ? { nImages: f.n_images } : {}),
      ...(typeof f.grid_step === 'number' ? { gridStep: f.grid_step } : {}),
      ...(typeof f.buffer === 'number' ? { buffer: f.buffer } : {}),
      onProgress: (d, t) => bar.update(d / t, `${d}/${t} patterns`),
    });
    bar.finish(`${sim.M} patterns`);
    const meta = {
      schema_version: '1.0.0',
      physics_parameters: { nphotons },
      N: sim.N,
      object: source,
      seed,
      creation_info: { tool: 'ptycho simulate', app_version: appVersion(), created: new Date().toISOString() },
      data_transformations: [],
    };
    const out = resolve(String(f.output_file));
    if (typeof f.split === 'number') {
      if (!(f.split > 0 && f.split < 1)) throw new CliError(`--split: expected a fraction between 0 and 1, got ${f.split}`);
      const { train, test } = spatialSplit(sim.ycoords, f.split);
      const stem = out.replace(/\.npz$/, '');
      writeNpz(`${stem}_train.npz`, scanArrays(sim, object, probe, train), { compress: true, metadata: { ...meta, subset: 'train', split_fraction: f.split } });
      writeNpz(`${stem}_test.npz`, scanArrays(sim, object, probe, test), { compress: true, metadata: { ...meta, subset: 'test', split_fraction: f.split } });
      io.out(`wrote ${stem}_train.npz (${train.length} patterns) and ${stem}_test.npz (${test.length} patterns)`);
    } else {
      writeNpz(out, scanArrays(sim, object, probe), { compress: true, metadata: meta });
      io.out(`wrote ${out} (${sim.M} patterns)`);
    }
    return 0;
  },
};
