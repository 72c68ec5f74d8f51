/// <reference lib="dom" />
/**
 * Layout at common screen sizes: at 1280×720 the Start button and the probe panel are fully on
 * screen without scrolling, and no page scrollbar shows. With PTYCHO_SCREENSHOTS=docs the run
 * also refreshes docs/screenshots/ (every view at 1280×720 and 1920×1080).
 */
import { test, expect, type Page, type Locator } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ARTIFACTS, ROOT, openFromFileMenu, startHost } from './shell';
import type { BrowserHost } from '../../electron/host/browserHost';

process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'ptycho-e2e-config-'));
const FIXTURE = join(ROOT, 'fixtures', 'lines-N64-train.npz');
const SHOTS = process.env.PTYCHO_SCREENSHOTS === 'docs' ? join(ROOT, 'docs', 'screenshots') : ARTIFACTS;
mkdirSync(SHOTS, { recursive: true });

/** True when the element's box lies inside the viewport (nothing clipped by the window). */
async function fullyInViewport(page: Page, loc: Locator): Promise<boolean> {
  const box = await loc.boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return false;
  return (
    box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5
  );
}

/** No scrollbar on the page or in the main content area. */
async function noPageScroll(page: Page): Promise<{ page: boolean; content: boolean }> {
  return page.evaluate(() => {
    const d = document.scrollingElement!;
    const c = document.querySelector('.content') as HTMLElement;
    return { page: d.scrollHeight > d.clientHeight + 1, content: c.scrollHeight > c.clientHeight + 1 };
  });
}

const openDataset = (page: Page, path: string): Promise<void> => openFromFileMenu(page, 'openDataset', path);

test.describe('layout, browser mode', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('1280×720: Start training and the probe panel fit, no page scrollbar', async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    expect(await noPageScroll(page)).toEqual({ page: false, content: false });
    await page.screenshot({ path: join(SHOTS, 'start-1280x720.png') });
    await openDataset(page, FIXTURE);
    await expect(page.getByTestId('dataset-facts')).toContainText('586 × 64×64', { timeout: 30_000 });
    await expect(page.getByTestId('probe-amplitude')).toBeVisible();
    expect(await fullyInViewport(page, page.locator('.dataset-grid .probe'))).toBe(true);
    expect(await noPageScroll(page)).toEqual({ page: false, content: false });
    await page.screenshot({ path: join(SHOTS, 'dataset-1280x720.png') });
    await page.getByTestId('nav-train').click();
    expect(await fullyInViewport(page, page.getByTestId('train-start'))).toBe(true);
    expect(await noPageScroll(page)).toEqual({ page: false, content: false });
    // field errors sit under their own field: an empty number, and gridsize² > K under gridsize
    await page.getByTestId('cfg-nepochs').fill('');
    await expect(page.getByTestId('err-nepochs')).toBeVisible();
    await expect(page.getByTestId('train-start')).toBeDisabled();
    await page.getByTestId('cfg-nepochs').fill('2');
    await page.getByTestId('cfg-gridsize').fill('2');
    await page.getByTestId('cfg-neighbor_count').fill('3');
    await expect(page.getByTestId('err-gridsize')).toContainText('neighbours K ≥ 4');
    await page.getByTestId('cfg-gridsize').fill('1');
    await page.getByTestId('cfg-neighbor_count').fill('4');
    await expect(page.getByTestId('train-start')).toBeEnabled();
    if (SHOTS === ARTIFACTS) return;
    // docs screenshots: a short run, then every view at both sizes
    await page.getByTestId('cfg-nepochs').fill('2');
    await page.getByTestId('cfg-n_groups').fill('64');
    await page.getByTestId('cfg-n_filters_scale').fill('1');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-outcome')).toContainText('Training completed', { timeout: 120_000 });
    await page.getByTestId('nav-reconstruct').click();
    await page.getByTestId('recon-run').click();
    await expect(page.getByTestId('recon-timing')).toBeVisible({ timeout: 120_000 });
    await page.waitForTimeout(500);
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const v of ['dataset', 'train', 'reconstruct'] as const) {
        await page.getByTestId(`nav-${v}`).click();
        await page.waitForTimeout(400);
        await page.screenshot({ path: join(SHOTS, `${v}-${w}x${h}.png`) });
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('nav-dataset').click();
    await page.getByTestId('dataset-show-object').click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'dataset-object-1280x720.png') });
    await page.getByTestId('menu-file').click();
    await page.getByTestId('menu-openDataset').click();
    await page.getByTestId('path-input').fill(`${join(ROOT, 'fixtures')}/lines`);
    await expect(page.getByTestId('path-entry').filter({ hasText: 'lines-N64-test.npz' })).toBeVisible();
    await page.screenshot({ path: join(SHOTS, 'path-dialog-1280x720.png') });
  });
});
