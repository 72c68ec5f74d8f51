/** Launch the compute core in an Electron utility process (no Node integration in renderers). */
import { utilityProcess } from 'electron';
import type { WireMessage } from '../compute/protocol';
import type { CoreChannel, CoreLauncher } from './host/supervisor';

export function utilityCoreLauncher(workerPath: string): CoreLauncher {
  return (): CoreChannel => {
    const child = utilityProcess.fork(workerPath, [], {
      serviceName: 'Ptycho compute core',
      stdio: 'inherit',
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (m) => {
        try {
          child.postMessage(m);
        } catch (e) {
          // The process is gone or the message cannot be cloned: the exit handler restarts the core.
          console.error(
            `compute core: could not send a message: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      },
      onMessage: (l) => child.on('message', (m: unknown) => l(m as WireMessage)),
      onExit: (l) => child.on('exit', (code: number) => l(code, null)),
      kill: () => {
        child.kill();
      },
    };
  };
}
