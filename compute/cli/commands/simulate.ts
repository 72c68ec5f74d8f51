/** `ptycho simulate`: a simulated PtychoPINN scan (NPZ), optionally split into train/test along y. */
import { resolve } from 'node:path';
import type { Command } from '../command';
import { CliError } from '../args';
import { createProgressBar } from '../progress';
import type { ObjectKind } from '../../ptycho/data/objects';
import { simulate, spatialSplit, type SimulationRequest } from '../../ptycho/data/simulate';
import { objectAndProbeFromNpz } from '../../ptycho/data/dataset';
import { readNpz, writeNpz } from '../../io/npz';
import { appVersion } from '../../version';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate a scan: object × probe → far field with Poisson noise (→ NPZ)',
  description:
    'Simulate diffraction amplitudes of a synthetic (lines, grf) or given object (--input_file with objectGuess ' +
    'and probeGuess) at random (--n_images) or raster (--grid_step) positions, with Poisson noise at --nphotons per ' +
    'pattern. Writes a PtychoPINN NPZ (diffraction, coordinates, probeGuess, objectGuess, ground_truth_patches, ' +
    '_metadata). --split 0.8 writes <stem>_train.npz (the 80 % of patterns with the smallest y) and <stem>_test.npz (the rest).',
  flags: [
    { name: 'output_file', type: 'string', help: 'output NPZ', required: true, metavar: 'FILE' },
    { name: 'object', type: 'string', help: "synthetic object ('natural': the test bed's specimen-like object with amplitude and phase)", choices: ['lines', 'grf', 'natural'], defaultText: 'lines' },
    { name: 'input_file', type: 'string', help: 'take objectGuess and probeGuess from this NPZ instead', metavar: 'FILE' },
    { name: 'probe', type: 'string', help: "synthetic probe: PtychoPINN's real default probe, with aberration phase (no twin-image ambiguity), or a defocused zone-plate probe (ring, fringes, side lobes)", choices: ['default', 'aberrated', 'zoneplate'], defaultText: 'default' },
    { name: 'N', type: 'int', help: 'patch size (64, 128, 256)', defaultText: '64' },
    { name: 'object_size', type: 'int', help: 'synthetic object side in pixels', defaultText: '3.5·N' },
    { name: 'n_images', type: 'int', help: 'random scan positions', defaultText: '500' },
    { name: 'grid_step', type: 'number', help: 'raster scan step in pixels (instead of random positions)' },
    { name: 'spiral_step', type: 'number', help: 'jittered Fermat spiral of --n_images positions with this nearest-neighbour step in pixels (instead of random positions)' },
    { name: 'jitter', type: 'number', help: 'position jitter (normal, pixels) of --spiral_step scans', defaultText: '0.5' },
    { name: 'buffer', type: 'number', help: 'keep positions this far from the object edges', defaultText: 'N/2 + 1' },
    { name: 'nphotons', type: 'number', help: 'photons per pattern', defaultText: '1e9' },
    { name: 'seed', type: 'int', help: 'random seed (object, positions, noise)', defaultText: '42' },
    { name: 'set_phi', type: 'boolean', help: 'give the synthetic object a phase', defaultText: 'false' },
    { name: 'split', type: 'number', help: 'share of the patterns in the train part of a spatial split along y' },
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    const N = typeof f.N === 'number' ? f.N : 64;
    if (![64, 128, 256].includes(N)) throw new CliError(`--N: expected 64, 128 or 256, got ${N}`);
    const seed = typeof f.seed === 'number' ? f.seed : 42;
    const nphotons = typeof f.nphotons === 'number' ? f.nphotons : 1e9;
    if (!(nphotons > 0)) throw new CliError(`--nphotons: expected a number > 0, got ${nphotons}`);
    if (typeof f.n_images === 'number' && !(f.n_images >= 1)) throw new CliError(`--n_images: expected a positive integer, got ${f.n_images}`);
    if (typeof f.grid_step === 'number' && !(f.grid_step > 0)) throw new CliError(`--grid_step: expected a step > 0 pixels, got ${f.grid_step}`);
    if (typeof f.buffer === 'number' && !(f.buffer >= 0)) throw new CliError(`--buffer: expected ≥ 0 pixels, got ${f.buffer}`);
    if (typeof f.split === 'number' && !(f.split > 0 && f.split < 1)) throw new CliError(`--split: expected a fraction between 0 and 1, got ${f.split}`);
    let object: SimulationRequest['object'];
    let probe: SimulationRequest['probe'];
    let source: string;
    let simN = N;
    if (typeof f.input_file === 'string') {
      // Only objectGuess and probeGuess are needed; a full scan NPZ works too (its patterns are ignored).
      const input = resolve(f.input_file);
      const given = objectAndProbeFromNpz(readNpz(input), input);
      const probeN = given.probe.width;
      if (f.N !== undefined && probeN !== N) throw new CliError(`--N ${N} does not match the ${probeN}×${probeN} probe of ${f.input_file}`);
      object = given.objectGuess;
      probe = { re: given.probe.re, im: given.probe.im };
      simN = probeN;
      source = resolve(f.input_file);
    } else {
      object = (f.object ?? 'lines') as ObjectKind | 'natural';
      probe = (f.probe ?? 'default') as 'default' | 'aberrated' | 'zoneplate';
      const size = typeof f.object_size === 'number' ? f.object_size : Math.round(3.5 * N);
      if (size < N + 4) throw new CliError(`--object_size must be at least N + 4 = ${N + 4}, got ${size}`);
      source = `${object} ${size}×${size}${f.set_phi ? ' with phase' : ''}, ${probe} probe`;
    }
    const bar = createProgressBar(io, 'simulate', 1, { quiet: Boolean(f.quiet) });
    let simulation;
    try {
      simulation = simulate({
        N: simN,
        object,
        probe,
        nphotons,
        seed,
        setPhi: Boolean(f.set_phi),
        ...(typeof f.object_size === 'number' ? { objectSize: f.object_size } : {}),
        ...(typeof f.n_images === 'number' ? { nImages: f.n_images } : {}),
        ...(typeof f.grid_step === 'number' ? { gridStep: f.grid_step } : {}),
        ...(typeof f.spiral_step === 'number' ? { spiral: { stepPx: f.spiral_step, jitterPx: typeof f.jitter === 'number' ? f.jitter : 0.5 } } : {}),
        ...(typeof f.buffer === 'number' ? { buffer: f.buffer } : {}),
        onProgress: (d, t) => bar.update(d / t, `${d}/${t} patterns`),
      });
    } catch (e) {
      throw new CliError(`simulate: ${(e as Error).message}`);
    }
    const sim = simulation.scan;
    bar.finish(`${sim.M} patterns`);
    const meta = {
      schema_version: '1.0.0',
      physics_parameters: { nphotons },
      N: sim.N,
      object: source,
      seed,
      positions: typeof f.grid_step === 'number' ? `raster, step ${f.grid_step} px` : `random, ${sim.M}`,
      simulation_scale: sim.scale,
      creation_info: { tool: 'ptycho simulate', app_version: appVersion(), created: new Date().toISOString() },
      data_transformations: [],
    };
    const out = resolve(String(f.output_file));
    if (typeof f.split === 'number') {
      const { train, test } = spatialSplit(sim.ycoords, f.split);
      const stem = out.replace(/\.npz$/, '');
      writeNpz(`${stem}_train.npz`, simulation.arrays(train), { compress: true, metadata: { ...meta, subset: 'train', split_fraction: f.split } });
      writeNpz(`${stem}_test.npz`, simulation.arrays(test), { compress: true, metadata: { ...meta, subset: 'test', split_fraction: f.split } });
      io.out(`wrote ${stem}_train.npz (${train.length} patterns) and ${stem}_test.npz (${test.length} patterns)`);
    } else {
      writeNpz(out, simulation.arrays(), { compress: true, metadata: meta });
      io.out(`wrote ${out} (${sim.M} patterns)`);
    }
    return 0;
  },
};
