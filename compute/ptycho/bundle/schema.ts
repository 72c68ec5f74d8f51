/**
 * Schemas of the JSON members of a model bundle (manifest.json, each model’s params.json, history.json):
 * every value is type-checked before it is used, and a failure is one line naming the
 * archive, the member, the field and what was expected. The training config inside params.json
 * is only required to be an object here; compute/ptycho/config validates its fields.
 */
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const positive = finite.refine((v) => v > 0, 'expected a positive number');

export const manifestSchema = z.object({
  format: z.string().max(200).default(''),
  models: z.array(z.string().max(200)).max(16),
  version: z.string().max(40),
  backend: z.string().max(40),
  created: z.string().max(100).default(''),
  app_version: z.string().max(100).default(''),
});

export const paramsSchema = z
  .object({
    version: z.string().max(40).optional(),
    N: z.union([z.literal(64), z.literal(128), z.literal(256)], { error: 'N must be 64, 128 or 256' }),
    gridsize: z.int().min(1).max(16),
    config: z.record(z.string(), z.unknown()),
    legacy: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    intensity_scale: positive,
    initial_intensity_scale: positive.optional(),
    probe: z.object({
      shape: z.tuple([z.int(), z.int()]).optional(),
      re: z.array(finite),
      im: z.array(finite),
    }),
  })
  .superRefine((p, ctx) => {
    const n = p.N * p.N;
    if (p.probe.re.length !== n || p.probe.im.length !== n)
      ctx.addIssue({
        code: 'custom',
        path: ['probe'],
        message: `'probe' must hold re and im arrays of ${p.N}×${p.N} values`,
      });
    if (p.probe.shape && (p.probe.shape[0] !== p.N || p.probe.shape[1] !== p.N))
      ctx.addIssue({ code: 'custom', path: ['probe', 'shape'], message: `expected [${p.N}, ${p.N}]` });
  });

const historyValue = z.union([z.number(), z.string().max(200), z.boolean(), z.null()]);
export const historySchema = z.array(z.record(z.string().max(100), historyValue)).max(1_000_000);

export { firstIssue } from '../../io/zodIssue';
