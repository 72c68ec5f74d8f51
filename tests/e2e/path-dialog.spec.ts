/// <reference lib="dom" />
/**
 * Browser mode's path dialog without any training: relative paths refused inline, `~` expanded
 * by the host, the typed folder listed and Tab-completed, a failed path neither closing the
 * dialog nor becoming the next default, and wrong file kinds named plainly. Also: the
 * diffraction viewer takes the keyboard when clicked.
 */
import { test, expect, type Page } from '@playwright/test';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, startHost } from './shell';
import type { BrowserHost } from '../../electron/host/browserHost';

process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'ptycho-e2e-config-'));
const FIXTURES = join(ROOT, 'fixtures');

async function openDialog(page: Page, item: 'openDataset' | 'openModel'): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId(`menu-${item}`).click();
  await expect(page.getByTestId('path-dialog')).toBeVisible();
}

test.describe('path dialog, browser mode', () => {
  let host: BrowserHost;
  const home = mkdtempSync(join(tmpdir(), 'ptycho-e2e-home-'));
  const savedHome = process.env.HOME;
  test.beforeAll(async () => {
    copyFileSync(join(FIXTURES, 'lines-N64-test.npz'), join(home, 'scan.npz'));
    process.env.HOME = home;
    host = await startHost();
  });
  test.afterAll(async () => {
    process.env.HOME = savedHome;
    await host?.close();
  });

  test('relative refused, ~ expanded, folder listed and completed, errors inline', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openDialog(page, 'openDataset');
    const input = page.getByTestId('path-input');

    await input.fill('fixtures/lines-N64-train.npz');
    await input.press('Enter');
    await expect(page.getByTestId('path-error')).toContainText('relative path');
    await expect(page.getByTestId('path-dialog')).toBeVisible();

    await input.fill(join(FIXTURES, 'nope', 'scan.npz'));
    await input.press('Enter');
    await expect(page.getByTestId('path-error')).toContainText(
      `the folder ${join(FIXTURES, 'nope')} does not exist`,
    );

    await input.fill(`${FIXTURES}/`);
    await expect(page.getByTestId('path-entry').filter({ hasText: 'lines-N64-test.npz' })).toBeVisible();
    await input.fill(`${FIXTURES}/lines-N64-te`);
    await input.press('Tab');
    await expect(input).toHaveValue(join(FIXTURES, 'lines-N64-test.npz'));
    // ↓ highlights the first entry matching the typed name, Enter picks it
    await input.fill(`${FIXTURES}/lines-N64-tr`);
    await expect(page.getByTestId('path-entry').filter({ hasText: 'lines-N64-train.npz' })).toBeVisible();
    await input.press('ArrowDown');
    await expect(page.locator('.entry.sel')).toHaveText('lines-N64-train.npz');

    // a folder that is not a scan: a plain sentence, the dialog stays open
    await input.fill(FIXTURES);
    await input.press('Enter');
    await expect(page.getByTestId('path-error')).toContainText('is a folder');
    await expect(page.getByTestId('path-error')).not.toContainText('EISDIR');
    await page.getByTestId('path-cancel').click();

    // the failed folder is not the next default; ~ is the host user's home
    await openDialog(page, 'openDataset');
    await expect(input).not.toHaveValue(/nope|fixtures/);
    await input.fill('~/scan.npz');
    await input.press('Enter');
    await expect(page.getByTestId('dataset-facts')).toContainText('scan.npz', { timeout: 30_000 });
    await expect(page.getByTestId('path-dialog')).toHaveCount(0);

    // a click on the pattern gives the viewer the keyboard: arrows step one frame, PageDown ten
    await page.getByTestId('diffraction-canvas').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('PageDown');
    await expect(page.getByTestId('frame-input')).toHaveValue('12');
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('frame-input')).toHaveValue('11');

    // a dataset opened as a model, a bundle-less folder: what it is and which menu item to use
    await openDialog(page, 'openModel');
    await input.fill(join(FIXTURES, 'lines-N64-train.npz'));
    await input.press('Enter');
    await expect(page.getByTestId('path-error')).toContainText('is a dataset');
    await expect(page.getByTestId('path-error')).toContainText('Open Dataset');
    await page.getByTestId('path-cancel').click();
  });
});
