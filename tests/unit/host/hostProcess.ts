/**
 * A browser-mode host in its own process (fake compute core), for tests that must see whether
 * the host process survives: prints {"port", "token"} as one JSON line on stdout.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserHost } from '../../../electron/host/browserHost';
import { fakeLauncher } from './fakeCore';

const staticDir = mkdtempSync(join(tmpdir(), 'ptycho-host-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>ok</title>');
const host = await startBrowserHost({
  staticDir,
  port: 0,
  launcher: fakeLauncher().launcher,
  configDir: null,
  log: (l) => process.stderr.write(`${l}\n`),
});
process.stdout.write(`${JSON.stringify({ port: host.port, token: host.token })}\n`);
process.on('SIGTERM', () => void host.close().then(() => process.exit(0)));
