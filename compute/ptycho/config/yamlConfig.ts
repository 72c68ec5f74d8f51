/**
 * YAML configuration files: flat keys and/or a nested `model:` block. Precedence is explicit
 * CLI flags > YAML > defaults (PtychoPINN lets argparse defaults override flat YAML keys; we do
 * not). Unknown keys are errors naming the key and the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { checkRegularFile } from '../../io/safeFile';
import { parse } from 'yaml';
import { ConfigError, isModelKey, isTrainingKey, type TrainingOverrides } from './config';

export function readYamlConfig(path: string): TrainingOverrides {
  let doc: unknown;
  if (existsSync(path)) checkRegularFile(path, { what: 'a config file', maxBytes: 16 * 2 ** 20, error: ConfigError });
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${path}: config file not found` : `${path}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${path}: expected a mapping of config keys at the top level`);
  const out: TrainingOverrides = {};
  const model: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (k === 'model') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${path}: 'model' must be a mapping`);
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) {
        if (!isModelKey(mk)) throw new ConfigError(`${path}: unknown key 'model.${mk}'`);
        model[mk] = mv;
      }
    } else if (isModelKey(k)) model[k] = v;
    else if (isTrainingKey(k)) (out as Record<string, unknown>)[k] = v;
    else throw new ConfigError(`${path}: unknown key '${k}'`);
  }
  if (Object.keys(model).length) out.model = model;
  return out;
}

/** Merge layers, later wins; `model` blocks are merged field by field. */
export function mergeOverrides(...layers: TrainingOverrides[]): TrainingOverrides {
  const out: TrainingOverrides = {};
  for (const l of layers) {
    const { model, ...rest } = l;
    Object.assign(out, rest);
    if (model) out.model = { ...(out.model ?? {}), ...model };
  }
  return out;
}
