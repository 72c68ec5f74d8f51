/// <reference lib="dom" />
/**
 * Provenance in the UI, one short browser-mode session (1-epoch runs on 64 groups): results of
 * an earlier model are marked stale, a new run asks before it discards an unsaved model, and a
 * reopened bundle shows its loss history and settings in the Train view.
 */
import { test, expect, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, startHost } from './shell';
import type { BrowserHost } from '../../electron/host/browserHost';

process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'ptycho-e2e-config-'));
const FIXTURE = join(ROOT, 'fixtures', 'lines-N64-train.npz');

async function menuPath(
  page: Page,
  item: 'openDataset' | 'openModel' | 'saveModel',
  path: string,
): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId(`menu-${item}`).click();
  await page.getByTestId('path-input').fill(path);
  await page.getByTestId('path-ok').click();
}

async function trainOneEpoch(page: Page, confirm?: 'discard' | 'cancel'): Promise<void> {
  await page.getByTestId('nav-train').click();
  await page.getByTestId('cfg-nepochs').fill('1');
  await page.getByTestId('cfg-n_groups').fill('64');
  await page.getByTestId('cfg-n_filters_scale').fill('1');
  await page.getByTestId('train-start').click();
  if (confirm) {
    await expect(page.getByTestId('confirm-dialog')).toContainText('not saved');
    await page.getByTestId(`confirm-${confirm}`).click();
    if (confirm === 'cancel') return;
  }
  await expect(page.getByTestId('train-outcome')).toContainText('Training completed after 1 epoch', {
    timeout: 120_000,
  });
}

test.describe('provenance, browser mode', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('stale results, unsaved-model warning, overwrite confirm, reopened bundle shows its history', async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'ptycho-e2e-prov-'));
    const bundle = join(dir, 'wts.h5.zip');
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await menuPath(page, 'openDataset', FIXTURE);
    await expect(page.getByTestId('dataset-facts')).toContainText('586 × 64×64', { timeout: 30_000 });
    await trainOneEpoch(page);
    await page.getByTestId('nav-reconstruct').click();
    await page.getByTestId('recon-run').click();
    await expect(page.getByTestId('recon-timing')).toContainText('PINN with unsaved model', {
      timeout: 120_000,
    });
    await expect(page.getByTestId('recon-stale')).toHaveCount(0);
    // the ground truth is shown with the reconstruction, and in the Dataset view
    await expect(page.getByTestId('recon-truth-amplitude')).toBeVisible();
    await page.getByTestId('nav-dataset').click();
    await page.getByTestId('dataset-show-object').click();
    await expect(page.getByTestId('object-phase')).toBeVisible();

    await test.step('unsaved-model warning: a new run asks first; Cancel keeps the model', async () => {
      await trainOneEpoch(page, 'cancel');
      await expect(page.getByTestId('confirm-dialog')).toHaveCount(0);
      await expect(page.getByTestId('train-outcome')).toContainText('Training completed after 1 epoch');
      await expect(page.getByTestId('train-start')).toBeEnabled();
      await trainOneEpoch(page, 'discard');
    });

    await test.step('stale result: the old model’s images are marked, export is off', async () => {
      await page.getByTestId('nav-reconstruct').click();
      await expect(page.getByTestId('recon-stale')).toContainText('the earlier unsaved model');
      await expect(page.getByTestId('recon-export-npz')).toBeDisabled();
      await page.getByTestId('recon-run').click();
      await expect(page.getByTestId('recon-export-npz')).toBeEnabled({ timeout: 120_000 });
      await expect(page.getByTestId('recon-stale')).toHaveCount(0);
    });

    await test.step('overwrite confirm: saving over a bundle asks in the dialog', async () => {
      // a missing folder is refused at once, in the dialog, which stays open for a corrected path
      await menuPath(page, 'saveModel', join(dir, 'no-such-folder', 'wts.h5.zip'));
      await expect(page.getByTestId('path-error')).toContainText(
        `the folder ${join(dir, 'no-such-folder')} does not exist`,
      );
      await page.getByTestId('path-input').fill(bundle);
      await page.getByTestId('path-ok').click();
      await expect.poll(() => existsSync(bundle), { timeout: 30_000 }).toBe(true);
      const before = statSync(bundle).mtimeMs;
      await menuPath(page, 'saveModel', bundle);
      await expect(page.getByTestId('path-error')).toContainText('already exists');
      await expect(page.getByTestId('path-ok')).toHaveText('Replace');
      await page.getByTestId('path-cancel').click();
      expect(statSync(bundle).mtimeMs).toBe(before);
    });

    await test.step('reopened bundle: loss history, epochs and settings in the Train view', async () => {
      await page.reload();
      await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', /ready|busy/, {
        timeout: 90_000,
      });
      await menuPath(page, 'openModel', bundle);
      await expect(page.getByTestId('model-facts')).toContainText('wts.h5.zip', { timeout: 30_000 });
      await page.getByTestId('nav-train').click();
      await expect(page.getByTestId('train-epochs')).toHaveText('epoch 1 / 1');
      await expect(page.getByTestId('train-history')).toContainText('wts.h5.zip (1 epoch trained');
      await expect(page.getByTestId('loss-epochs')).toContainText('1');
      await expect(page.getByTestId('cfg-n_filters_scale')).toHaveValue('1');
      await expect(page.getByTestId('cfg-n_groups')).toHaveValue('64');
    });
  });
});
