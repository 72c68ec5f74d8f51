/**
 * The iterative engine's settings (rPIE / ePIE, compute/ptycho/iterative): the one place their
 * types, defaults, ranges and rules are declared. `ptycho reconstruct`'s flags are generated
 * from these fields, the engine validates its options with this schema, and the app's
 * `recon.run` request (reconRequest.ts) takes algorithm, iterations and probe_refine from here.
 *
 * No Node imports: the renderer imports this module (through reconRequest.ts).
 */
import { z } from 'zod';
import { deepFreeze, field, parseConfig, ruleCheck, type CrossRule } from './schema';

export const PIE_ALGORITHMS = ['rpie', 'epie'] as const;
export type PieAlgorithm = (typeof PIE_ALGORITHMS)[number];

/** α by engine when none is given (rPIE's object regularisation, ePIE's object step), and its largest value. */
export const PIE_ALPHA: Readonly<Record<PieAlgorithm, { default: number; max: number }>> = deepFreeze({
  rpie: { default: 0.1, max: 1 },
  epie: { default: 1, max: 2 },
});

export const ITERATIVE_FIELDS = {
  algorithm: field(z.enum(PIE_ALGORITHMS).default('rpie'), {
    expected: "'rpie' or 'epie'",
    help: 'iterative engine',
    flag: {},
  }),
  iterations: field(z.number().int().min(1).max(10_000).default(30), {
    expected: 'an integer from 1 to 10000',
    help: 'sweeps over all patterns',
    flag: {},
  }),
  alpha: field(z.number().gt(0).max(2).nullable().default(null), {
    expected: 'null (by engine) or a number in (0, 2]',
    help: `rPIE's α (object regularisation) or ePIE's object step (default ${PIE_ALPHA.rpie.default} for rpie, ${PIE_ALPHA.epie.default} for epie)`,
    flag: {},
  }),
  probe_refine: field(z.boolean().default(false), {
    expected: 'true or false',
    help: 'refine the probe too (positions stay fixed)',
    flag: {},
  }),
  probe_start: field(z.number().int().min(0).default(2), {
    expected: 'an integer ≥ 0',
    help: 'first iteration (0-based) that updates the probe',
    flag: {},
  }),
  beta: field(z.number().gt(0).max(2).default(1), {
    expected: 'a number in (0, 2]',
    help: 'probe step size',
    flag: {},
  }),
  seed: field(z.number().int().min(0).default(0), {
    expected: 'an integer ≥ 0',
    help: 'seed of the pattern order',
    flag: {},
  }),
};

export type IterativeField = keyof typeof ITERATIVE_FIELDS;
type IterativeShape = z.output<z.ZodObject<typeof ITERATIVE_FIELDS>>;

export const ITERATIVE_RULES: readonly CrossRule<IterativeShape>[] = [
  {
    field: 'alpha',
    reads: ['alpha', 'algorithm'],
    ok: (c) => c.alpha === null || c.alpha <= PIE_ALPHA[c.algorithm].max,
    expected: (c) =>
      `null (${PIE_ALPHA[c.algorithm].default}) or a number in (0, ${PIE_ALPHA[c.algorithm].max}] for ${c.algorithm}`,
  },
];

export const IterativeConfigSchema = z
  .strictObject(ITERATIVE_FIELDS)
  .check(ruleCheck(ITERATIVE_RULES, (c: IterativeShape) => c));

export type IterativeConfig = z.output<typeof IterativeConfigSchema>;

export const DEFAULT_ITERATIVE_CONFIG: Readonly<IterativeConfig> = deepFreeze(
  IterativeConfigSchema.parse({}),
);

/** Defaults ← overrides (undefined = unset), validated; a one-line ConfigError naming the field. */
export function makeIterativeConfig(over: Partial<Record<IterativeField, unknown>> = {}): IterativeConfig {
  return deepFreeze(parseConfig(IterativeConfigSchema, over, 'iterative config'));
}
