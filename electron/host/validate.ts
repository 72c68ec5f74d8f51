/**
 * Validation of every request payload that arrives from the renderer, before it reaches the
 * host or the compute core. The renderer is treated as untrusted input: unknown methods and
 * malformed params are refused with a message naming the field and what was expected.
 */
import type { MethodName } from '../../compute/protocol';

export class ValidationError extends Error {
  readonly code = 'invalid-params';
}

type Validator = (params: unknown, method: string) => unknown;

function obj(params: unknown, method: string): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw new ValidationError(`${method}: params must be an object`);
  return params as Record<string, unknown>;
}

export function noParams(params: unknown, method: string): Record<string, never> {
  const o = obj(params, method);
  const extra = Object.keys(o);
  if (extra.length) throw new ValidationError(`${method}: unexpected field '${extra[0]}'`);
  return {};
}

export function str(o: Record<string, unknown>, key: string, method: string, opts: { maxLength?: number; optional?: boolean } = {}): string | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string') throw new ValidationError(`${method}: field '${key}' must be a string, got ${v === undefined ? 'nothing' : typeof v}`);
  if (v.length > (opts.maxLength ?? 4096)) throw new ValidationError(`${method}: field '${key}' is too long (${v.length} > ${opts.maxLength ?? 4096} characters)`);
  return v;
}

export function num(o: Record<string, unknown>, key: string, method: string, opts: { min?: number; max?: number; integer?: boolean; optional?: boolean } = {}): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${method}: field '${key}' must be a finite number`);
  if (opts.integer && !Number.isInteger(v)) throw new ValidationError(`${method}: field '${key}' must be an integer, got ${v}`);
  if (opts.min !== undefined && v < opts.min) throw new ValidationError(`${method}: field '${key}' must be ≥ ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new ValidationError(`${method}: field '${key}' must be ≤ ${opts.max}, got ${v}`);
  return v;
}

export function only(o: Record<string, unknown>, keys: readonly string[], method: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ValidationError(`${method}: unexpected field '${k}'`);
}

/** One validator per method the renderer may call. Methods absent here are refused. */
export const VALIDATORS: { [M in MethodName]: Validator } = {
  'core.info': noParams,
  'host.status': noParams,
  'core.ping': (params, method) => {
    const o = obj(params, method);
    only(o, ['echo'], method);
    return { echo: str(o, 'echo', method, { maxLength: 1024 }) };
  },
};

export function validateRequest(method: unknown, params: unknown): { method: MethodName; params: unknown } {
  if (typeof method !== 'string' || !Object.hasOwn(VALIDATORS, method)) {
    throw new ValidationError(`unknown method '${String(method)}'`);
  }
  const m = method as MethodName;
  return { method: m, params: VALIDATORS[m](params, m) };
}
