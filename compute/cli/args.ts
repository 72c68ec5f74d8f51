/**
 * Declarative command-line flags in PtychoPINN's spelling (`--n_groups`), with kebab-case
 * aliases (`--n-groups`) accepted automatically, typed values, choices, and one-line errors.
 */

export type FlagType = 'string' | 'number' | 'int' | 'boolean';

export interface FlagSpec {
  /** Canonical name with underscores, without dashes: `train_data_file`. */
  name: string;
  type: FlagType;
  help: string;
  /** Extra spellings (without dashes), e.g. `max_epochs` for `nepochs`. */
  aliases?: readonly string[];
  choices?: readonly string[];
  /** Shown in --help; NOT applied by the parser (config layering applies defaults). */
  defaultText?: string;
  required?: boolean;
  /** Placeholder in --help, e.g. FILE. */
  metavar?: string;
}

export interface PositionalSpec {
  name: string;
  help: string;
  required?: boolean;
}

export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  /** Values of the flags given on the command line, keyed by canonical name. */
  flags: Record<string, FlagValue>;
  positionals: string[];
}

/** A failure to report to the user as one line (no stack trace); exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

function parseValue(spec: FlagSpec, raw: string, shown: string): FlagValue {
  switch (spec.type) {
    case 'string': {
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new CliError(`${shown}: expected one of ${spec.choices.join(', ')}, got '${raw}'`);
      }
      return raw;
    }
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v))
        throw new CliError(`${shown}: expected a number, got '${raw}'`);
      return v;
    }
    case 'int': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(v))
        throw new CliError(`${shown}: expected an integer, got '${raw}'`);
      return v;
    }
    case 'boolean': {
      const w = raw.toLowerCase();
      if (TRUE_WORDS.has(w)) return true;
      if (FALSE_WORDS.has(w)) return false;
      throw new CliError(`${shown}: expected true or false, got '${raw}'`);
    }
  }
}

function normalise(name: string): string {
  return name.replace(/-/g, '_');
}

/** Parse argv against flag and positional specs. Unknown flags are errors. */
export function parseArgs(
  flags: readonly FlagSpec[],
  positionals: readonly PositionalSpec[],
  argv: readonly string[],
): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const f of flags) {
    byName.set(normalise(f.name), f);
    for (const a of f.aliases ?? []) byName.set(normalise(a), f);
  }
  const out: ParsedArgs = { flags: {}, positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      out.positionals.push(arg);
      continue;
    }
    let body = arg.slice(2);
    let inline: string | undefined;
    const eq = body.indexOf('=');
    if (eq >= 0) {
      inline = body.slice(eq + 1);
      body = body.slice(0, eq);
    }
    const key = normalise(body);
    let negated = false;
    let spec = byName.get(key);
    if (!spec && key.startsWith('no_')) {
      const s = byName.get(key.slice(3));
      if (s && s.type === 'boolean') {
        spec = s;
        negated = true;
      }
    }
    if (!spec) throw new CliError(`unknown option --${body} (see --help)`);
    const shown = `--${spec.name}`;
    let value: FlagValue;
    if (spec.type === 'boolean') {
      if (negated) {
        if (inline !== undefined) throw new CliError(`--no_${spec.name} takes no value`);
        value = false;
      } else if (inline !== undefined) {
        value = parseValue(spec, inline, shown);
      } else {
        const next = argv[i + 1];
        if (
          next !== undefined &&
          (TRUE_WORDS.has(next.toLowerCase()) || FALSE_WORDS.has(next.toLowerCase()))
        ) {
          value = parseValue(spec, next, shown);
          i++;
        } else {
          value = true;
        }
      }
    } else {
      let raw = inline;
      if (raw === undefined) {
        raw = argv[i + 1];
        if (raw === undefined || (raw.startsWith('--') && raw.length > 2))
          throw new CliError(`${shown} needs a value`);
        i++;
      }
      value = parseValue(spec, raw, shown);
    }
    out.flags[spec.name] = value;
  }
  for (const f of flags) {
    if (f.required && out.flags[f.name] === undefined)
      throw new CliError(`missing required option --${f.name}`);
  }
  const required = positionals.filter((p) => p.required).length;
  if (out.positionals.length < required) {
    throw new CliError(`missing argument ${positionals[out.positionals.length]!.name.toUpperCase()}`);
  }
  if (out.positionals.length > positionals.length) {
    throw new CliError(`unexpected argument '${out.positionals[positionals.length]}'`);
  }
  return out;
}

/** Render help text for a command. */
export function formatHelp(
  usage: string,
  summary: string,
  flags: readonly FlagSpec[],
  positionals: readonly PositionalSpec[],
): string {
  const lines = [`usage: ${usage}`, '', summary, ''];
  if (positionals.length) {
    lines.push('arguments:');
    for (const p of positionals) lines.push(`  ${p.name.toUpperCase().padEnd(28)} ${p.help}`);
    lines.push('');
  }
  if (flags.length) {
    lines.push('options:');
    for (const f of flags) {
      const meta =
        f.type === 'boolean'
          ? ''
          : ` ${f.metavar ?? (f.choices ? `{${f.choices.join(',')}}` : f.type.toUpperCase())}`;
      const left = `  --${f.name}${meta}`;
      const extras: string[] = [];
      if (f.aliases?.length) extras.push(`alias: ${f.aliases.map((a) => `--${a}`).join(', ')}`);
      if (f.defaultText !== undefined) extras.push(`default: ${f.defaultText}`);
      if (f.required) extras.push('required');
      const right = f.help + (extras.length ? ` (${extras.join('; ')})` : '');
      lines.push(left.length < 30 ? `${left.padEnd(30)} ${right}` : `${left}\n${' '.repeat(31)}${right}`);
    }
    lines.push('  --help                       show this help');
  }
  return lines.join('\n');
}
