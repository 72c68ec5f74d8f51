/** `ptycho simulate`: a simulated PtychoPINN scan (NPZ), optionally split into train/test along y. */
import { resolve } from 'node:path';
import type { Command } from '../command';
import { CliError } from '../args';
import { createProgressBar } from '../progress';
import { simulate, spatialSplit, type SimulationRequest } from '../../ptycho/data/simulate';
import { objectAndProbeFromNpz } from '../../ptycho/data/dataset';
import { readNpz, writeNpz } from '../../io/npz';
import { appVersion } from '../../version';
import {
  ConfigError,
  makeSimulationConfig,
  SIMULATION_FIELDS,
  type SimulationConfig,
} from '../../ptycho/config/config';
import { flagsOf } from '../configFlags';

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
    {
      name: 'input_file',
      type: 'string',
      help: 'take objectGuess and probeGuess from this NPZ instead',
      metavar: 'FILE',
    },
    ...flagsOf(SIMULATION_FIELDS),
    { name: 'quiet', type: 'boolean', help: 'no progress bar' },
  ],
  async run(args, io) {
    const f = args.flags;
    let c: SimulationConfig;
    try {
      c = makeSimulationConfig(Object.fromEntries(Object.keys(SIMULATION_FIELDS).map((k) => [k, f[k]])));
    } catch (e) {
      if (e instanceof ConfigError) throw new CliError(e.message);
      throw e;
    }
    const { N, seed, nphotons } = c;
    let object: SimulationRequest['object'];
    let probe: SimulationRequest['probe'];
    let source: string;
    let simN: number = N;
    if (typeof f.input_file === 'string') {
      // Only objectGuess and probeGuess are needed; a full scan NPZ works too (its patterns are ignored).
      const input = resolve(f.input_file);
      const given = objectAndProbeFromNpz(readNpz(input), input);
      const probeN = given.probe.width;
      if (f.N !== undefined && probeN !== N)
        throw new CliError(`--N ${N} does not match the ${probeN}×${probeN} probe of ${f.input_file}`);
      object = given.objectGuess;
      probe = { re: given.probe.re, im: given.probe.im };
      simN = probeN;
      source = resolve(f.input_file);
    } else {
      object = c.object;
      probe = c.probe;
      const size = c.object_size ?? Math.round(3.5 * N);
      source = `${object} ${size}×${size}${c.set_phi ? ' with phase' : ''}, ${probe} probe`;
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
        setPhi: c.set_phi,
        nImages: c.n_images,
        ...(c.object_size !== null ? { objectSize: c.object_size } : {}),
        ...(c.grid_step !== null ? { gridStep: c.grid_step } : {}),
        ...(c.spiral_step !== null ? { spiral: { stepPx: c.spiral_step, jitterPx: c.jitter } } : {}),
        ...(c.buffer !== null ? { buffer: c.buffer } : {}),
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
      positions: c.grid_step !== null ? `raster, step ${c.grid_step} px` : `random, ${sim.M}`,
      simulation_scale: sim.scale,
      creation_info: {
        tool: 'ptycho simulate',
        app_version: appVersion(),
        created: new Date().toISOString(),
      },
      data_transformations: [],
    };
    const out = resolve(String(f.output_file));
    if (c.split !== null) {
      const { train, test } = spatialSplit(sim.ycoords, c.split);
      const stem = out.replace(/\.npz$/, '');
      writeNpz(`${stem}_train.npz`, simulation.arrays(train), {
        compress: true,
        metadata: { ...meta, subset: 'train', split_fraction: c.split },
      });
      writeNpz(`${stem}_test.npz`, simulation.arrays(test), {
        compress: true,
        metadata: { ...meta, subset: 'test', split_fraction: c.split },
      });
      io.out(
        `wrote ${stem}_train.npz (${train.length} patterns) and ${stem}_test.npz (${test.length} patterns)`,
      );
    } else {
      writeNpz(out, simulation.arrays(), { compress: true, metadata: meta });
      io.out(`wrote ${out} (${sim.M} patterns)`);
    }
    return 0;
  },
};
