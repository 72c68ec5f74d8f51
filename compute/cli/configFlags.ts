/**
 * The model/training flags of `ptycho train` in PtychoPINN's spelling, read from the config
 * schemas (a field with `flag` in its FieldInfo is a flag: type, choices, default and help come
 * from the schema), and how they become a TrainingConfig: defaults ← YAML (--config) ← explicit flags.
 */
import type { FlagSpec, FlagValue } from './args';
import { CliError } from './args';
import {
  ConfigError,
  makeTrainingConfig,
  MODEL_FIELDS,
  nestOverrides,
  SHARED_FIELDS,
  TRAINING_FIELDS,
  type TrainingConfig,
} from '../ptycho/config/config';
import { metaOf, type FieldMeta } from '../ptycho/config/schema';
import { mergeOverrides, readYamlConfig } from '../ptycho/config/yamlConfig';
import type { z } from 'zod';

/** `1e9`, `1e-3`, `0.5`, `none`: a default as a user would type it. */
function defaultText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' && v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-2))
    return v.toExponential().replace('e+', 'e');
  return String(v);
}

function flagOf(m: FieldMeta): FlagSpec {
  const numericChoice = m.kind === 'choice' && m.choices!.every((c) => typeof c === 'number');
  const type: FlagSpec['type'] =
    m.kind === 'integer' || numericChoice
      ? 'int'
      : m.kind === 'number'
        ? 'number'
        : m.kind === 'boolean'
          ? 'boolean'
          : 'string';
  const d = defaultText(m.default);
  return {
    name: m.name,
    type,
    help: m.help ?? m.expected,
    ...(m.flag?.aliases ? { aliases: m.flag.aliases } : {}),
    ...(m.kind === 'choice' && !numericChoice ? { choices: m.choices!.map(String) } : {}),
    ...(d !== undefined ? { defaultText: d } : {}),
  };
}

/** The flags of a schema's fields that have `flag` in their info. */
export function flagsOf(
  fields: Readonly<Record<string, z.ZodType>>,
  skip: readonly string[] = [],
): FlagSpec[] {
  return Object.entries(fields)
    .map(([name, s]) => metaOf(name, s))
    .filter((m) => m.flag && !skip.includes(m.name))
    .map(flagOf);
}

export const MODEL_FLAGS: FlagSpec[] = flagsOf(MODEL_FIELDS);
export const TRAINING_FLAGS: FlagSpec[] = flagsOf(TRAINING_FIELDS, ['device']);
export const DEVICE_FLAGS: FlagSpec[] = [
  ...flagsOf({ device: SHARED_FIELDS.device }),
  { name: 'threads', type: 'int', help: 'CPU threads for ONNX Runtime (default: all cores)' },
];

/** Build the config: defaults ← YAML file ← explicit flags (only those given on the command line). */
export function trainingConfigFromFlags(
  flags: Record<string, FlagValue>,
  paths: { train_data_file: string; test_data_file?: string; output_dir: string },
): TrainingConfig {
  const { overrides: explicit } = nestOverrides(flags);
  try {
    const yaml = typeof flags.config === 'string' ? readYamlConfig(flags.config) : {};
    return makeTrainingConfig(
      mergeOverrides(yaml, explicit, {
        train_data_file: paths.train_data_file,
        test_data_file: paths.test_data_file ?? null,
        output_dir: paths.output_dir,
      }),
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
}
