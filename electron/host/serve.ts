/**
 * `npm run serve`: browser mode. Prints the tokenised URL to open in a browser on this
 * machine (or through an SSH tunnel from a laptop to a GPU server).
 *
 *   --port N   listen on 127.0.0.1:N (default: a free port)
 */
import { fileURLToPath } from 'node:url';
import { startBrowserHost } from './browserHost';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(argValue('--port') ?? process.env.PTYCHO_PORT ?? 0);
const staticDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));

try {
  const host = await startBrowserHost({ staticDir, port });
  console.log(`Ptycho Workstation (browser mode) is running.\nOpen: ${host.url}\nPress Ctrl+C to stop.`);
  const shutdown = async (): Promise<void> => {
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
} catch (e) {
  console.error(`ptycho serve: error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
