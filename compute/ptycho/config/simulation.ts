/**
 * The simulation configuration (`ptycho simulate`, PtychoPINN §11.1): the one place its types,
 * defaults, ranges and rules are declared. Absent optional fields (null) mean: object_size 3.5·N,
 * buffer N/2 + 1, random positions unless grid_step or spiral_step is given, no split.
 */
import { z } from 'zod';
import { field, ruleCheck, type CrossRule } from './schema';
import { PATCH_SIZES } from './model';

export const SIMULATED_OBJECTS = ['lines', 'grf', 'natural'] as const;
export const SIMULATED_PROBES = ['default', 'aberrated', 'zoneplate'] as const;

const px = (help: string) =>
  field(z.number().gt(0).nullable().default(null), {
    expected: 'null or a number of pixels > 0',
    help,
    flag: {},
  });

export const SIMULATION_FIELDS = {
  object: field(z.enum(SIMULATED_OBJECTS).default('lines'), {
    expected: 'lines, grf or natural',
    help: "synthetic object ('natural': the test bed's specimen-like object with amplitude and phase)",
    flag: {},
  }),
  probe: field(z.enum(SIMULATED_PROBES).default('default'), {
    expected: 'default, aberrated or zoneplate',
    help: "synthetic probe: PtychoPINN's real default probe, with aberration phase (no twin-image ambiguity), or a defocused zone-plate probe (ring, fringes, side lobes)",
    flag: {},
  }),
  N: field(z.literal(PATCH_SIZES).default(64), {
    expected: '64, 128 or 256',
    help: 'patch size (64, 128, 256)',
    flag: {},
  }),
  object_size: field(z.number().int().min(1).nullable().default(null), {
    expected: 'null (3.5·N) or an integer ≥ N + 4',
    help: 'synthetic object side in pixels (default: 3.5·N)',
    flag: {},
  }),
  n_images: field(z.number().int().min(1).default(500), {
    expected: 'a positive integer',
    help: 'random scan positions',
    flag: {},
  }),
  grid_step: px('raster scan step in pixels (instead of random positions)'),
  spiral_step: px(
    'jittered Fermat spiral of --n_images positions with this nearest-neighbour step in pixels (instead of random positions)',
  ),
  jitter: field(z.number().min(0).default(0.5), {
    expected: 'a number of pixels ≥ 0',
    help: 'position jitter (normal, pixels) of --spiral_step scans',
    flag: {},
  }),
  buffer: field(z.number().min(0).nullable().default(null), {
    expected: 'null (N/2 + 1) or a number of pixels ≥ 0',
    help: 'keep positions this far from the object edges (default: N/2 + 1)',
    flag: {},
  }),
  nphotons: field(z.number().gt(0).default(1e9), {
    expected: 'a number > 0',
    help: 'photons per pattern',
    flag: {},
  }),
  seed: field(z.number().int().min(0).default(42), {
    expected: 'an integer ≥ 0',
    help: 'random seed (object, positions, noise)',
    flag: {},
  }),
  set_phi: field(z.boolean().default(false), {
    expected: 'true or false',
    help: 'give the synthetic object a phase',
    flag: {},
  }),
  split: field(z.number().gt(0).lt(1).nullable().default(null), {
    expected: 'null or a fraction in (0, 1)',
    help: 'share of the patterns in the train part of a spatial split along y',
    flag: {},
  }),
};

type SimulationShape = z.output<z.ZodObject<typeof SIMULATION_FIELDS>>;

export const SIMULATION_RULES: readonly CrossRule<SimulationShape>[] = [
  {
    field: 'object_size',
    reads: ['object_size', 'N'],
    ok: (c) => c.object_size === null || c.object_size >= c.N + 4,
    expected: (c) => `null (3.5·N) or an integer ≥ N + 4 = ${c.N + 4}`,
  },
];

export const SimulationConfigSchema = z
  .strictObject(SIMULATION_FIELDS)
  .check(ruleCheck(SIMULATION_RULES, (c: SimulationShape) => c));

export type SimulationConfig = z.output<typeof SimulationConfigSchema>;
