/**
 * `--device`: say which execution provider a command runs on. `auto` is resolved here, once and
 * quietly (compute/core/providers.ts probes without native log lines), and the concrete provider
 * is what the command then uses, so the line printed is the provider that ran.
 */
import type { CliIO } from './command';
import { chooseAutoDevice } from '../core/providers';
import type { DeviceChoice } from '../ptycho/config/config';

export async function resolveDevice(
  choice: DeviceChoice,
  io: CliIO,
  quiet: boolean,
): Promise<'cpu' | 'webgpu' | 'cuda'> {
  if (choice !== 'auto') {
    if (!quiet) io.err(`device: ${choice}`);
    return choice;
  }
  const { provider, line } = await chooseAutoDevice();
  if (!quiet) io.err(`device: ${line}`);
  return provider;
}

/** "1 epoch", "2 epochs". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
