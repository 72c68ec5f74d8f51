/**
 * The Reconstruct view's request (`recon.run`): batch_size and stitch_crop_size taken from the
 * inference schema, algorithm, iterations and probe_refine from the iterative engine's, plus the
 * app's `method`. The Reconstruct view (input bounds, choices, defaults), the host validator and
 * the core all validate with it, so they accept and refuse the same values with the same message.
 * stitch_crop_size ≤ N (inference's rule) needs the scan's N, so only the core applies it.
 *
 * No Node imports: the renderer imports this module.
 */
import { z } from 'zod';
import { ConfigError, brokenRule, deepFreeze, field, fieldHelpers, parseConfig } from './schema';
import { INFERENCE_FIELDS, INFERENCE_RULES } from './inference';
import { ITERATIVE_FIELDS } from './iterative';
import type { ModelConfig } from './model';

export const RECON_METHODS = ['pinn', 'iterative', 'pinn+iterative'] as const;
export type ReconstructionMethod = (typeof RECON_METHODS)[number];

export const RECON_REQUEST_FIELDS = {
  batch_size: INFERENCE_FIELDS.batch_size,
  stitch_crop_size: INFERENCE_FIELDS.stitch_crop_size,
  /** PINN, iterative (rPIE/ePIE from a flat object) or the PINN refined iteratively. */
  method: field(z.enum(RECON_METHODS).default('pinn'), {
    expected: "'pinn', 'iterative' or 'pinn+iterative'",
  }),
  algorithm: ITERATIVE_FIELDS.algorithm,
  iterations: ITERATIVE_FIELDS.iterations,
  probe_refine: ITERATIVE_FIELDS.probe_refine,
};

export type ReconRequestField = keyof typeof RECON_REQUEST_FIELDS;

export const ReconRequestSchema = z.strictObject(RECON_REQUEST_FIELDS);

/** A validated request: every field set (absent ones took their default). */
export type ReconRequest = z.output<typeof ReconRequestSchema>;
/** What the renderer sends (protocol's `recon.run` params): a field left out takes its default. */
export type ReconRunParams = z.input<typeof ReconRequestSchema>;

export const DEFAULT_RECON_REQUEST: Readonly<ReconRequest> = deepFreeze(ReconRequestSchema.parse({}));

/** The rule between the request and the scan it reconstructs (inference's stitch_crop_size ≤ N). */
const SCAN_RULES = INFERENCE_RULES.filter((r) => r.field === 'stitch_crop_size');

const HELPERS = fieldHelpers(RECON_REQUEST_FIELDS);
export const isReconRequestField: (k: string) => k is ReconRequestField = HELPERS.isField;
/** Null when `value` is a valid `name`, else the one-line message (`name: expected …, got …`). */
export const validateReconField = HELPERS.check;
/** Kind, bounds, choices, default and help of a field, for the view's inputs and the CLI's flags. */
export const reconFieldMeta = HELPERS.meta;

/** The view's check: every field the request sets, on its own; one message per field. */
export function validateReconRequest(
  r: Readonly<Partial<Record<ReconRequestField, unknown>>>,
): Partial<Record<ReconRequestField, string>> {
  return HELPERS.each(r).errors;
}

/**
 * Validate an untrusted request (host; the core with the scan's patch size `N`, which also applies
 * stitch_crop_size ≤ N): defaults for absent fields; the first problem as a one-line ConfigError.
 */
export function parseReconRequest(input: unknown, N?: number): ReconRequest {
  const req = parseConfig(ReconRequestSchema, input ?? {}, 'recon request');
  if (N !== undefined) {
    const bad = brokenRule(SCAN_RULES, { stitch_crop_size: req.stitch_crop_size, N: N as ModelConfig['N'] });
    if (bad !== null) throw new ConfigError(bad);
  }
  return req;
}
