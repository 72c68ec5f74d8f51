import type { FlagSpec, ParsedArgs, PositionalSpec } from './args';

/** Where a command writes: injectable so tests capture output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars draw in place). */
  isTTY: boolean;
}

export interface Command {
  name: string;
  /** One line for `ptycho --help`. */
  summary: string;
  /** Longer description for `ptycho NAME --help`. */
  description?: string;
  flags: readonly FlagSpec[];
  positionals?: readonly PositionalSpec[];
  /** Returns the exit code. Throw CliError for a one-line user-facing failure. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
