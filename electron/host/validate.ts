/**
 * Validation of every request payload that arrives from the renderer, before it reaches the
 * host or the compute core. The renderer is treated as untrusted input: unknown methods and
 * malformed params are refused with a message naming the field and what was expected.
 */
import type { MethodName } from '../../compute/protocol';
import { ConfigError } from '../../compute/ptycho/config/schema';
import { parseTrainRequest } from '../../compute/ptycho/config/trainRequest';
import { parseReconRequest } from '../../compute/ptycho/config/reconRequest';

export class ValidationError extends Error {
  readonly code = 'invalid-params';
}

type Validator = (params: unknown, method: string) => unknown;

function obj(params: unknown, method: string): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params))
    throw new ValidationError(`${method}: params must be an object`);
  return params as Record<string, unknown>;
}

export function noParams(params: unknown, method: string): Record<string, never> {
  const o = obj(params, method);
  const extra = Object.keys(o);
  if (extra.length) throw new ValidationError(`${method}: unexpected field '${extra[0]}'`);
  return {};
}

export function str(
  o: Record<string, unknown>,
  key: string,
  method: string,
  opts: { maxLength?: number; optional?: boolean } = {},
): string | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string')
    throw new ValidationError(
      `${method}: field '${key}' must be a string, got ${v === undefined ? 'nothing' : typeof v}`,
    );
  if (v.length > (opts.maxLength ?? 4096))
    throw new ValidationError(
      `${method}: field '${key}' is too long (${v.length} > ${opts.maxLength ?? 4096} characters)`,
    );
  return v;
}

export function num(
  o: Record<string, unknown>,
  key: string,
  method: string,
  opts: { min?: number; max?: number; integer?: boolean; optional?: boolean } = {},
): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ValidationError(`${method}: field '${key}' must be a finite number`);
  if (opts.integer && !Number.isInteger(v))
    throw new ValidationError(`${method}: field '${key}' must be an integer, got ${v}`);
  if (opts.min !== undefined && v < opts.min)
    throw new ValidationError(`${method}: field '${key}' must be ≥ ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max)
    throw new ValidationError(`${method}: field '${key}' must be ≤ ${opts.max}, got ${v}`);
  return v;
}

export function only(o: Record<string, unknown>, keys: readonly string[], method: string): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) throw new ValidationError(`${method}: unexpected field '${k}'`);
}

function bool(o: Record<string, unknown>, key: string, method: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ValidationError(`${method}: field '${key}' must be true or false`);
  return v;
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  key: string,
  method: string,
  choices: readonly T[],
): T {
  const v = o[key];
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new ValidationError(
      `${method}: field '${key}' must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`,
    );
  }
  return v as T;
}

/** A filesystem path from the UI: non-empty, no NUL bytes, bounded length. */
function path(o: Record<string, unknown>, key: string, method: string): string {
  const p = str(o, key, method, { maxLength: 4096 })!;
  if (p.trim() === '') throw new ValidationError(`${method}: field '${key}' must not be empty`);
  if (p.includes('\0')) throw new ValidationError(`${method}: field '${key}' contains a NUL byte`);
  return p;
}

/** The Train form's request: the config schema decides (compute/ptycho/config/trainRequest.ts). */
function trainRequest(params: unknown, m: string): unknown {
  try {
    return parseTrainRequest(obj(params, m));
  } catch (e) {
    if (e instanceof ConfigError) throw new ValidationError(`${m}: ${e.message}`);
    throw e;
  }
}

/** The Reconstruct view's request: the config schema decides (compute/ptycho/config/reconRequest.ts). */
function reconRequest(params: unknown, m: string): unknown {
  try {
    return parseReconRequest(obj(params, m));
  } catch (e) {
    if (e instanceof ConfigError) throw new ValidationError(`${m}: ${e.message}`);
    throw e;
  }
}

/** One validator per method the renderer may call. Methods absent here are refused. */
export const VALIDATORS: { [M in MethodName]: Validator } = {
  'core.info': noParams,
  'host.status': noParams,
  'host.recent': noParams,
  'train.cancel': noParams,
  'core.ping': (params, method) => {
    const o = obj(params, method);
    only(o, ['echo'], method);
    return { echo: str(o, 'echo', method, { maxLength: 1024 }) };
  },
  'host.pickPath': (params, m) => {
    const o = obj(params, m);
    only(o, ['purpose', 'defaultPath'], m);
    const purpose = oneOf(o, 'purpose', m, [
      'openDataset',
      'openModel',
      'saveModel',
      'exportReconstruction',
    ] as const);
    return o.defaultPath === undefined ? { purpose } : { purpose, defaultPath: path(o, 'defaultPath', m) };
  },
  'host.checkPath': (params, m) => {
    const o = obj(params, m);
    only(o, ['path', 'purpose'], m);
    return {
      path: path(o, 'path', m),
      purpose: oneOf(o, 'purpose', m, [
        'openDataset',
        'openModel',
        'saveModel',
        'exportReconstruction',
      ] as const),
    };
  },
  'host.listDir': (params, m) => {
    const o = obj(params, m);
    only(o, ['path'], m);
    return { path: path(o, 'path', m) };
  },
  'host.menuState': (params, m) => {
    const o = obj(params, m);
    only(o, ['canSave', 'canExport'], m);
    return { canSave: bool(o, 'canSave', m), canExport: bool(o, 'canExport', m) };
  },
  'host.setTitle': (params, m) => {
    const o = obj(params, m);
    only(o, ['dataset', 'model'], m);
    const opt = (k: string): string | null =>
      o[k] === null || o[k] === undefined ? null : str(o, k, m, { maxLength: 512 })!;
    return { dataset: opt('dataset'), model: opt('model') };
  },
  'dataset.open': (params, m) => {
    const o = obj(params, m);
    only(o, ['path', 'diffraction_file'], m);
    return {
      path: path(o, 'path', m),
      ...(o.diffraction_file !== undefined ? { diffraction_file: path(o, 'diffraction_file', m) } : {}),
    };
  },
  'dataset.frame': (params, m) => {
    const o = obj(params, m);
    only(o, ['index'], m);
    return { index: num(o, 'index', m, { integer: true, min: 0 }) };
  },
  'train.start': trainRequest,
  'model.save': (params, m) => {
    const o = obj(params, m);
    only(o, ['path'], m);
    return { path: path(o, 'path', m) };
  },
  'model.open': (params, m) => {
    const o = obj(params, m);
    only(o, ['path'], m);
    return { path: path(o, 'path', m) };
  },
  'recon.run': reconRequest,
  'recon.cancel': (params, m) => {
    only(obj(params, m), [], m);
    return {};
  },
  'recon.compare': (params, m) => {
    only(obj(params, m), [], m);
    return {};
  },
  'recon.export': (params, m) => {
    const o = obj(params, m);
    only(o, ['path', 'format'], m);
    return { path: path(o, 'path', m), format: oneOf(o, 'format', m, ['npz', 'png', 'product'] as const) };
  },
};

export function validateRequest(method: unknown, params: unknown): { method: MethodName; params: unknown } {
  if (typeof method !== 'string' || !Object.hasOwn(VALIDATORS, method)) {
    throw new ValidationError(`unknown method '${String(method)}'`);
  }
  const m = method as MethodName;
  return { method: m, params: VALIDATORS[m](params, m) };
}
