import { CliError, formatHelp, parseArgs } from './args';
import type { CliIO } from './command';
import { COMMANDS } from './commands/index';
import { appVersion } from '../version';

function topHelp(): string {
  const lines = [
    'usage: ptycho <command> [options]',
    '',
    'Ptycho Workstation: physics-informed neural-network (PtychoPINN) ptychographic reconstruction.',
    '',
    'commands:',
  ];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  if (COMMANDS.length === 0) lines.push('  (none yet)');
  lines.push(
    '',
    'options:',
    '  --help       show this help (also: ptycho <command> --help)',
    '  --version    print the version',
  );
  return lines.join('\n');
}

export const stdio: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Run the CLI; returns the process exit code. */
export async function main(argv: readonly string[], io: CliIO = stdio): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(topHelp());
    return first === undefined ? 1 : 0;
  }
  if (first === '--version' || first === '-V') {
    io.out(appVersion());
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  if (!cmd) {
    io.err(`ptycho: unknown command '${first}' (see ptycho --help)`);
    return 1;
  }
  const usage =
    `ptycho ${cmd.name} ${(cmd.positionals ?? []).map((p) => (p.required ? p.name.toUpperCase() : `[${p.name.toUpperCase()}]`)).join(' ')} [options]`.replace(
      /\s+/g,
      ' ',
    );
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(formatHelp(usage, cmd.description ?? cmd.summary, cmd.flags, cmd.positionals ?? []));
    return 0;
  }
  try {
    const args = parseArgs(cmd.flags, cmd.positionals ?? [], rest);
    return await cmd.run(args, io);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`ptycho ${cmd.name}: error: ${msg.split('\n')[0]}`);
    if (process.env.PTYCHO_DEBUG && e instanceof Error && !(e instanceof CliError)) io.err(e.stack ?? '');
    return 1;
  }
}
