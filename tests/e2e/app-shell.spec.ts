import { test, expect, _electron, type Page } from '@playwright/test';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ARTIFACTS, ROOT, electronBinary, startHost } from './shell';
import type { BrowserHost } from '../../electron/host/browserHost';

async function assertShell(page: Page, shotPrefix: string): Promise<void> {
  const state = page.getByTestId('core-state');
  await expect(state).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(state).toContainText('Ready');
  await expect(page.getByTestId('provider-cpu')).toHaveAttribute('data-available', 'true');
  await page.screenshot({ path: join(ARTIFACTS, `${shotPrefix}-dataset.png`) });
  for (const v of ['train', 'reconstruct', 'dataset'] as const) {
    await page.getByTestId(`nav-${v}`).click();
    await expect(page.getByTestId(`view-${v}`)).toBeVisible();
  }
}

test.describe('browser mode', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('status bar shows the compute core ready with the cpu provider', async ({ page }) => {
    await page.goto(host.url);
    await assertShell(page, 'browser');
    // The in-page File menu exists in browser mode and answers honestly.
    // Nothing to save or export: greyed out with the reason; the shortcut says it in a notice.
    await page.getByTestId('menu-file').click();
    await expect(page.getByTestId('menu-exportReconstruction')).toHaveAttribute('aria-disabled', 'true');
    await expect(page.getByTestId('menu-saveModel')).toHaveAttribute('title', /no model yet/);
    await expect(page.getByTestId('menu-openDataset')).toHaveAttribute('aria-disabled', 'false');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('menu-openDataset')).toHaveCount(0);
    await page.keyboard.press('Control+e');
    await expect(page.getByTestId('notice').first()).toContainText('Nothing to export yet');
    // Tabs show their shortcut; the toast stays in the top bar's free end, clear of the views.
    await expect(page.getByTestId('nav-train')).toContainText('Ctrl+2');
    const toast = await page.getByTestId('notice').first().boundingBox();
    const tabs = await page.getByTestId('nav-reconstruct').boundingBox();
    expect(toast!.y).toBeLessThan(40);
    expect(toast!.x).toBeGreaterThan(tabs!.x + tabs!.width);
  });

  test('the WebSocket refuses a missing token and a foreign origin', async () => {
    const attempt = (url: string, origin: string): Promise<number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url, { origin });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    const base = `ws://127.0.0.1:${host.port}/ws`;
    const own = `http://127.0.0.1:${host.port}`;
    expect(await attempt(base, own)).toBe(401);
    expect(await attempt(`${base}?token=wrong`, own)).toBe(401);
    expect(await attempt(`${base}?token=${host.token}`, 'http://evil.example')).toBe(403);
    expect(await attempt(`${base}?token=${host.token}`, own)).toBe(101);
  });
});

test.describe('electron', () => {
  const bin = electronBinary();
  test('the desktop shell starts with the core ready', async () => {
    if ('skip' in bin) {
      console.log(`SKIPPED electron e2e: ${bin.skip}`);
      test.skip(true, bin.skip);
      return;
    }
    const app = await _electron.launch({
      executablePath: bin.path,
      args: [join(ROOT, 'out', 'main', 'main.js'), '--no-sandbox'],
      cwd: ROOT,
    });
    try {
      const page = await app.firstWindow();
      // Behavioural check of the isolation flags: no Node globals in the page, only the bridge.
      const globals = await page.evaluate(() => {
        const w = globalThis as unknown as {
          require?: unknown;
          process?: unknown;
          ptychoBridge?: { invoke?: unknown };
        };
        return {
          require: typeof w.require,
          process: typeof w.process,
          bridge: typeof w.ptychoBridge?.invoke,
        };
      });
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: 'function' });
      const menuLabels = await app.evaluate(
        ({ Menu }) => Menu.getApplicationMenu()?.items.map((i) => i.submenu?.items.map((s) => s.label)) ?? [],
      );
      expect(menuLabels.flat()).toEqual(
        expect.arrayContaining([
          'Open Dataset…',
          'Open Model Bundle…',
          'Save Model Bundle…',
          'Export Reconstruction…',
        ]),
      );
      await assertShell(page, 'electron');
    } finally {
      await app.close();
    }
  });
});

test.describe('browser mode, a stale link', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('a page with an old token says the link expired, not that the core crashed', async ({ page }) => {
    await page.goto(host.url.replace(/token=[^&]+/, 'token=stale-token-of-an-earlier-run'));
    await expect(page.getByTestId('blocking-dialog')).toContainText('This link has expired', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('blocking-dialog')).toContainText('npm run serve');
    await expect(page.getByTestId('core-state')).toContainText('Not connected');
    await expect(page.getByTestId('core-state')).not.toContainText('Crashed');
  });
});
