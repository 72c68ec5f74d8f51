/**
 * The machinery every configuration schema (model.ts, training.ts, inference.ts, trainRequest.ts)
 * is built with: a field = a zod schema + its default (`.default`) + what a valid value is in
 * words (`expected`), registered in FIELDS; cross-field rules as data; and one error format,
 * `field: expected …, got …`, for every way a config is made (core, CLI, YAML, host, Train form).
 *
 * No Node imports: the renderer imports this module (its Train form validates with it).
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the schemas say about a field besides its type, range and default. */
export interface FieldInfo {
  /** A valid value in words: the "expected …" of every error about this field. */
  expected: string;
  /** One line for `--help` and tooltips. */
  help?: string;
  /** A `ptycho train` flag of the same name (with these extra spellings); absent = no flag. */
  flag?: { aliases?: readonly string[] };
}

export const FIELDS = z.registry<FieldInfo>();

/** A config field: `schema` carries type, range and `.default(…)`; `info` the words. */
export function field<T extends z.ZodType>(schema: T, info: FieldInfo): T {
  FIELDS.add(schema, info);
  return schema;
}

/**
 * A rule between fields (the range of one depends on another). It applies where every field it
 * reads is present, so the same rule checks a nested config and the flat Train form request.
 */
export interface CrossRule<T> {
  /** The field the error names. */
  field: keyof T & string;
  reads: readonly (keyof T & string)[];
  ok(c: T): boolean;
  expected(c: T): string;
}

export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
}

export function fieldMessage(name: string, expected: string, got: unknown): string {
  return `${name}: expected ${expected}, got ${shown(got)}`;
}

/** The first rule that `c` breaks, as the error message; null when all that apply hold. */
export function brokenRule<T>(rules: readonly CrossRule<T>[], c: Partial<T>): string | null {
  for (const r of rules) {
    if (!r.reads.every((k) => c[k] !== undefined)) continue;
    if (!r.ok(c as T)) return fieldMessage(r.field, r.expected(c as T), c[r.field]);
  }
  return null;
}

/** A `.check()` that applies `rules` to the (flattened) value once every field is valid. */
export function ruleCheck<V, T>(
  rules: readonly CrossRule<T>[],
  flat: (v: V) => Partial<T>,
): z.core.CheckFn<V> {
  return (ctx) => {
    if (ctx.issues.length) return;
    const c = flat(ctx.value);
    for (const r of rules) {
      const msg = brokenRule([r], c);
      if (msg !== null) {
        ctx.issues.push({
          code: 'custom',
          path: [r.field],
          input: c[r.field],
          message: msg,
          params: { rule: true },
        });
        return;
      }
    }
  };
}

function unwrap(s: z.ZodType): z.ZodType {
  let t = s;
  while (
    t instanceof z.ZodDefault ||
    t instanceof z.ZodPrefault ||
    t instanceof z.ZodOptional ||
    t instanceof z.ZodNullable
  )
    t = t.unwrap() as z.ZodType;
  return t;
}

/** The field schema at `path` inside `root` (object shapes walked through defaults). */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const k of path) {
    const u: z.ZodType | undefined = s && unwrap(s);
    s = u instanceof z.ZodObject ? (u.shape as Record<PropertyKey, z.ZodType>)[k] : undefined;
  }
  return s;
}

/** One line for a zod issue: `field: expected …, got …`, `unknown <where> key 'k'`. */
export function describeIssue(root: z.ZodType, iss: z.core.$ZodIssue, where: string): string {
  if (iss.code === 'unrecognized_keys')
    return `unknown ${iss.path.at(-1) === 'model' ? 'model config' : where} key '${iss.keys[0]}'`;
  if (iss.code === 'custom' && (iss.params as { rule?: boolean } | undefined)?.rule) return iss.message;
  const name = iss.path.length ? String(iss.path.at(-1)) : where;
  const info = FIELDS.get(schemaAt(root, iss.path) ?? root);
  return fieldMessage(name, info?.expected ?? iss.message, iss.input);
}

/** Parse with `schema`; the first problem is thrown as a one-line ConfigError. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  throw new ConfigError(describeIssue(schema, r.error.issues[0]!, where));
}

/** One field on its own: its value (the default when undefined), or the message the whole config gives. */
export function parseField(
  name: string,
  schema: z.ZodType,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    message: fieldMessage(name, FIELDS.get(schema)?.expected ?? r.error.issues[0]!.message, value),
  };
}

/** Null when `value` is a valid `name`, else the message (the same one the whole config gives). */
export function checkField(name: string, schema: z.ZodType, value: unknown): string | null {
  const r = parseField(name, schema, value);
  return r.ok ? null : r.message;
}

/** A field as a form or a flag parser sees it, read from its schema. */
export interface FieldMeta {
  name: string;
  kind: 'integer' | 'number' | 'boolean' | 'choice' | 'text';
  /** Allowed values of a choice (including a single allowed value). */
  choices?: readonly (string | number)[];
  /** Bounds; `exclusive*` when the bound itself is refused. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  nullable: boolean;
  default: unknown;
  expected: string;
  help?: string;
  flag?: { aliases?: readonly string[] };
}

interface JsonSchemaPart {
  type?: string;
  enum?: (string | number)[];
  const?: string | number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchemaPart[];
  default?: unknown;
}

export function metaOf(name: string, schema: z.ZodType): FieldMeta {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaPart;
  const parts = js.anyOf ?? [js];
  const nullable = parts.some((p) => p.type === 'null');
  const p = parts.find((q) => q.type !== 'null') ?? {};
  const info = FIELDS.get(schema);
  const choices = p.enum ?? (p.const !== undefined ? [p.const] : undefined);
  const kind: FieldMeta['kind'] = choices
    ? 'choice'
    : p.type === 'integer'
      ? 'integer'
      : p.type === 'number'
        ? 'number'
        : p.type === 'boolean'
          ? 'boolean'
          : 'text';
  const big = (v: number | undefined): number | undefined =>
    v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v;
  const min = big(p.exclusiveMinimum ?? p.minimum);
  const max = big(p.exclusiveMaximum ?? p.maximum);
  return {
    name,
    kind,
    ...(choices ? { choices } : {}),
    ...(min !== undefined ? { min, exclusiveMin: p.exclusiveMinimum !== undefined } : {}),
    ...(max !== undefined ? { max, exclusiveMax: p.exclusiveMaximum !== undefined } : {}),
    nullable,
    default: js.default,
    expected: info?.expected ?? '',
    ...(info?.help !== undefined ? { help: info.help } : {}),
    ...(info?.flag ? { flag: info.flag } : {}),
  };
}

/** The per-field helpers every flat request schema needs (the Train form, the Reconstruct view). */
export interface FieldHelpers<K extends string> {
  /** Whether `k` is one of the request's fields. */
  isField(k: string): k is K;
  /** Null when `value` is a valid `name`, else the one-line message (`name: expected …, got …`). */
  check(name: K, value: unknown): string | null;
  /** Kind, bounds, choices, default and help of a field (computed once, frozen). */
  meta(name: K): FieldMeta;
  /** Every field of `r` checked on its own: the valid values and one message per invalid field. */
  each(r: Readonly<Partial<Record<K, unknown>>>): {
    valid: Partial<Record<K, unknown>>;
    errors: Partial<Record<K, string>>;
  };
}

export function fieldHelpers<F extends Record<string, z.ZodType>>(fields: F): FieldHelpers<keyof F & string> {
  type K = keyof F & string;
  const metas = new Map<K, FieldMeta>();
  const names = Object.keys(fields) as K[];
  return {
    isField: (k: string): k is K => Object.hasOwn(fields, k),
    check: (name, value) => checkField(name, fields[name]!, value),
    meta(name) {
      let m = metas.get(name);
      if (!m) metas.set(name, (m = deepFreeze(metaOf(name, fields[name]!))));
      return m;
    },
    each(r) {
      const valid: Partial<Record<K, unknown>> = {};
      const errors: Partial<Record<K, string>> = {};
      for (const k of names) {
        const f = parseField(k, fields[k]!, r[k]);
        if (f.ok) valid[k] = f.value;
        else errors[k] = f.message;
      }
      return { valid, errors };
    },
  };
}

/** Deep-frozen copy target: configs are values, never shared mutable state. */
export function deepFreeze<T>(v: T): Readonly<T> {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
