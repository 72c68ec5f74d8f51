/**
 * Typed configuration with PtychoPINN's field names and the published method's defaults
 * (PtychoPINN §7.1), and no global mutable state: configs are frozen values passed around.
 *
 * Types, defaults, ranges, rules and error messages are declared once, in the zod schemas
 * (model.ts, training.ts, inference.ts, simulation.ts); this module makes configs from them.
 */
import { deepFreeze, parseConfig } from './schema';
import { MODEL_FIELDS, ModelConfigSchema, type ModelConfig } from './model';
import {
  TRAINING_FIELDS,
  TrainingConfigSchema,
  type TrainingConfig,
  type TrainingOverrides,
} from './training';
import { InferenceConfigSchema, type InferenceConfig, type InferenceOverrides } from './inference';
import { SimulationConfigSchema, type SimulationConfig } from './simulation';

export { ConfigError } from './schema';
export * from './model';
export * from './training';
export * from './inference';
export * from './simulation';

export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = deepFreeze(ModelConfigSchema.parse({}));

export const DEFAULT_TRAINING_CONFIG: Readonly<Omit<TrainingConfig, 'model'>> = (() => {
  const { model: _, ...rest } = TrainingConfigSchema.parse({});
  return deepFreeze(rest);
})();

export const DEFAULT_INFERENCE_CONFIG: Readonly<
  Omit<InferenceConfig, 'model' | 'model_path' | 'test_data_file'>
> = (() => {
  const {
    model: _m,
    model_path: _p,
    test_data_file: _t,
    ...rest
  } = InferenceConfigSchema.parse({ model_path: '-', test_data_file: '-' });
  return deepFreeze(rest);
})();

export const DEFAULT_SIMULATION_CONFIG: Readonly<SimulationConfig> = deepFreeze(
  SimulationConfigSchema.parse({}),
);

export function isModelKey(k: string): k is keyof ModelConfig {
  return Object.hasOwn(MODEL_FIELDS, k);
}
export function isTrainingKey(k: string): k is keyof Omit<TrainingConfig, 'model'> {
  return Object.hasOwn(TRAINING_FIELDS, k);
}

/** Throw a ConfigError naming the field, the expected and the found value. */
export function validateModelConfig(m: unknown): void {
  parseConfig(ModelConfigSchema, m, 'model config');
}
export function validateTrainingConfig(t: unknown): void {
  parseConfig(TrainingConfigSchema, t, 'training config');
}
export function validateInferenceConfig(c: unknown): void {
  parseConfig(InferenceConfigSchema, c, 'inference config');
}

/** Defaults ← overrides (undefined = unset), validated and frozen; unknown keys are refused. */
export function makeTrainingConfig(over: TrainingOverrides = {}): TrainingConfig {
  return deepFreeze(parseConfig(TrainingConfigSchema, over, 'training config'));
}

/**
 * Defaults ← overrides, validated and frozen. `model_path` and `test_data_file` are required;
 * `model` normally comes from the bundle's params (the network the weights belong to).
 */
export function makeInferenceConfig(over: InferenceOverrides): InferenceConfig {
  return deepFreeze(parseConfig(InferenceConfigSchema, over, 'inference config'));
}

/** Defaults ← overrides (undefined = unset), validated and frozen; unknown keys are refused. */
export function makeSimulationConfig(over: Partial<SimulationConfig> = {}): SimulationConfig {
  return deepFreeze(parseConfig(SimulationConfigSchema, over, 'simulation config'));
}

/**
 * Flat keys (CLI flags, YAML, params.cfg, the Train form request) → overrides with the model
 * fields in `model`; keys neither config has are returned in `unknown`.
 */
export function nestOverrides(flat: Readonly<Record<string, unknown>>): {
  overrides: TrainingOverrides;
  unknown: string[];
} {
  const model: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(flat)) {
    if (isModelKey(k)) model[k] = v;
    else if (isTrainingKey(k)) rest[k] = v;
    else unknown.push(k);
  }
  return {
    overrides: {
      ...(rest as TrainingOverrides),
      ...(Object.keys(model).length ? { model: model as Partial<ModelConfig> } : {}),
    },
    unknown,
  };
}
