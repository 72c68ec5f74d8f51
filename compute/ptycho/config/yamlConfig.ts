/**
 * YAML configuration files: flat keys and/or a nested `model:` block. Precedence is explicit
 * CLI flags > YAML > defaults (PtychoPINN lets argparse defaults override flat YAML keys; we do
 * not). Unknown keys and bad values are errors naming the file, the key and the expected value
 * (the schema's message); rules between fields are checked once the layers are merged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { checkRegularFile } from '../../io/safeFile';
import { parse } from 'yaml';
import { ConfigError, checkField } from './schema';
import { MODEL_FIELDS, isModelKey, nestOverrides, TRAINING_FIELDS, type TrainingOverrides } from './config';

function checkValue(path: string, key: string, value: unknown): void {
  const schema = isModelKey(key) ? MODEL_FIELDS[key] : TRAINING_FIELDS[key as keyof typeof TRAINING_FIELDS];
  const msg = checkField(key, schema, value);
  if (msg !== null) throw new ConfigError(`${path}: ${msg}`);
}

export function readYamlConfig(path: string): TrainingOverrides {
  let doc: unknown;
  if (existsSync(path))
    checkRegularFile(path, { what: 'a config file', maxBytes: 16 * 2 ** 20, error: ConfigError });
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `${path}: config file not found`
        : `${path}: not valid YAML (${(e as Error).message.split('\n')[0]})`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`${path}: expected a mapping of config keys at the top level`);
  const { model: block, ...flatKeys } = doc as Record<string, unknown>;
  const { overrides, unknown } = nestOverrides(flatKeys);
  if (unknown.length) throw new ConfigError(`${path}: unknown key '${unknown[0]}'`);
  const model: Record<string, unknown> = { ...overrides.model };
  if (block !== undefined) {
    if (!block || typeof block !== 'object' || Array.isArray(block))
      throw new ConfigError(`${path}: 'model' must be a mapping`);
    for (const [mk, mv] of Object.entries(block as Record<string, unknown>)) {
      if (!isModelKey(mk)) throw new ConfigError(`${path}: unknown key 'model.${mk}'`);
      model[mk] = mv;
    }
  }
  const { model: _, ...rest } = overrides;
  for (const [k, v] of [...Object.entries(rest), ...Object.entries(model)]) checkValue(path, k, v);
  return Object.keys(model).length ? { ...rest, model } : rest;
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
