import type { Command } from '../command';
import { trainCommand } from './train';
import { inferCommand } from './infer';
import { evaluateCommand } from './evaluate';
import { simulateCommand } from './simulate';
import { inspectCommand } from './inspect';
import { convertCommand } from './convert';
import { reconstructCommand } from './reconstruct';

/**
 * Every `ptycho` sub-command, in the order `ptycho --help` lists them.
 * Each lives in its own module under commands/.
 */
export const COMMANDS: readonly Command[] = [
  simulateCommand,
  inspectCommand,
  convertCommand,
  trainCommand,
  inferCommand,
  reconstructCommand,
  evaluateCommand,
];
