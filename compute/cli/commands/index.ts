import type { Command } from '../command';

/**
 * Every `ptycho` sub-command, in the order `ptycho --help` lists them.
 * Each lives in its own module under commands/.
 */
export const COMMANDS: readonly Command[] = [];
