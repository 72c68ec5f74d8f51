/**
 * Launch the compute core as a Node child process (browser mode, CLI-adjacent tools, tests).
 * Runs compute/worker.ts through tsx so no build step is needed; `advanced` serialization
 * keeps typed arrays intact across IPC.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { WireMessage } from '../../compute/protocol';
import type { CoreChannel, CoreLauncher } from './supervisor';

export function workerEntry(): { script: string; execArgv: string[] } {
  const ts = fileURLToPath(new URL('../../compute/worker.ts', import.meta.url));
  if (existsSync(ts)) return { script: ts, execArgv: ['--import', 'tsx'] };
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  return { script: js, execArgv: [] };
}

export function nodeCoreLauncher(
  opts: { env?: NodeJS.ProcessEnv; onStderr?: (line: string) => void } = {},
): CoreLauncher {
  return (): CoreChannel => {
    const { script, execArgv } = workerEntry();
    const child = fork(script, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, ...opts.env },
    });
    const report = opts.onStderr ?? ((l: string) => process.stderr.write(`[core] ${l}\n`));
    // A failed spawn or a broken IPC pipe is an 'error' event: reported, never thrown in the host.
    child.on('error', (e) => report(`compute core process error: ${e.message}`));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) report(line);
    });
    return {
      pid: child.pid,
      send: (m) => {
        if (!child.connected) return;
        try {
          child.send(m, (err) => err && report(`could not send to the core: ${err.message}`));
        } catch (e) {
          report(`could not send to the core: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
      onMessage: (l) => child.on('message', (m) => l(m as WireMessage)),
      onExit: (l) => child.on('exit', (code, signal) => l(code, signal)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
