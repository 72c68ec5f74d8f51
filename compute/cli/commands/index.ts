import type { Command } from '../command';
import { trainCommand } from './train';
import { inferCommand } from './infer';
import { evaluateCommand } from './evaluate';

/**
 * Every `ptycho` sub-command, in the order `ptycho --help` lists them.
 * Each lives in its own module under commands/.
 */
export const COMMANDS: readonly Command[] = [trainCommand, inferCommand, evaluateCommand];
