/**
 * Entry point of the compute process. Electron's main process starts it with
 * `utilityProcess.fork` (messages via process.parentPort); the browser-mode host and tests
 * start it with `child_process.fork` (messages via process.send, advanced serialization so
 * typed arrays survive). Never imports electron.
 */
import type { WireMessage } from './protocol';
import { runCore, type CoreTransport } from './core/server';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function makeTransport(): CoreTransport {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      runtime: 'electron-utility',
      send: (m) => parentPort.postMessage(m),
      onMessage: (l) => parentPort.on('message', (e) => l(e.data as WireMessage)),
    };
  }
  if (typeof process.send === 'function') {
    return {
      runtime: 'node-child',
      send: (m) => process.send!(m),
      onMessage: (l) => process.on('message', (m) => l(m as WireMessage)),
    };
  }
  throw new Error(
    'compute worker: started without an IPC channel (use utilityProcess.fork or child_process.fork)',
  );
}

process.on('disconnect', () => process.exit(0));
await runCore(makeTransport());
