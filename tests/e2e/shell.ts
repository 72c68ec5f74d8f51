/**
 * Shared helpers of the e2e specs: start the browser-mode host on a free port, open a path
 * through the File menu's in-app dialog, and find an Electron binary if this machine has one.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browserHost';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(ARTIFACTS, { recursive: true });

/** File ▸ item, type `path` into the browser-mode path dialog, OK. */
export async function openFromFileMenu(
  page: Page,
  item: 'openDataset' | 'openModel' | 'saveModel',
  path: string,
): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId(`menu-${item}`).click();
  await page.getByTestId('path-input').fill(path);
  await page.getByTestId('path-ok').click();
}

export async function startHost(): Promise<BrowserHost> {
  return startBrowserHost({ staticDir: join(ROOT, 'out', 'renderer'), port: 0, log: () => undefined });
}

/**
 * Path of the Electron binary, or a reason why there is none. Looks at the files
 * `install-electron` leaves (path.txt + dist/) instead of require('electron'), which would try
 * to download the binary on the spot.
 */
export function electronBinary(): { path: string } | { skip: string } {
  if (process.env.PTYCHO_SKIP_ELECTRON) return { skip: 'PTYCHO_SKIP_ELECTRON is set' };
  const pkgDir = join(ROOT, 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let bin: string | null = null;
  if (override) bin = join(override, process.platform === 'win32' ? 'electron.exe' : 'electron');
  else if (existsSync(join(pkgDir, 'path.txt')))
    bin = join(pkgDir, 'dist', readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim());
  if (!bin || !existsSync(bin)) {
    return {
      skip: 'no Electron binary on this machine (it is downloaded from outside the npm registry; run `npx install-electron` where that is reachable)',
    };
  }
  if (!existsSync(join(ROOT, 'out', 'main', 'main.js')))
    return { skip: 'Electron build missing (run `npm run build`)' };
  return { path: bin };
}
