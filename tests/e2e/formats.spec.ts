/// <reference lib="dom" />
/** A CXI file opens through File ▸ Open Dataset… and the pattern viewer shows its frames (browser mode). */
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ROOT, openFromFileMenu, startHost } from './shell';
import type { BrowserHost } from '../../electron/host/browserHost';

process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'ptycho-e2e-config-'));
const CXI = join(ROOT, 'tests', 'unit', 'formats', 'golden', 'scan16.cxi');
const PRODUCT = join(ROOT, 'tests', 'unit', 'formats', 'golden', 'ptychodus', 'product-in.h5');
const DIFFRACTION = join(ROOT, 'tests', 'unit', 'formats', 'golden', 'ptychodus', 'diffraction.h5');

test.describe('formats, browser mode', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('opens a CXI file from the File menu and shows the pattern viewer', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openFromFileMenu(page, 'openDataset', CXI);
    await expect(page.getByTestId('dataset-facts')).toContainText('16 × 64×64', { timeout: 30_000 });
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const c = document.querySelector(
              '[data-testid="diffraction-canvas"]',
            ) as HTMLCanvasElement | null;
            const d = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
            if (!d) return 0;
            const seen = new Set<number>();
            for (let i = 0; i < d.length; i += 16) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
            return seen.size;
          }),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(20);
    // CXI carries the geometry: the object pixel in nm, a scale bar on the probe, positions in µm
    await expect(page.getByTestId('dataset-facts')).toContainText('Object pixel size64.6 nm');
    await expect(page.getByTestId('dataset-facts')).toContainText('8 keV (λ 0.155 nm)');
    await expect(page.getByTestId('image-scalebar').first()).toHaveText(/^\s*\d+ (nm|µm)\s*$/);
    await expect(page.getByTestId('scan-scatter')).toHaveAttribute('data-units', 'µm');
  });

  test('a Ptychodus product opened alone asks for its diffraction file, then opens the pair', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openFromFileMenu(page, 'openDataset', PRODUCT);
    await expect(page.getByTestId('path-dialog')).toContainText(
      'Diffraction file for the product product-in.h5',
      { timeout: 30_000 },
    );
    await page.getByTestId('path-input').fill(DIFFRACTION);
    await page.getByTestId('path-ok').click();
    await expect(page.getByTestId('dataset-facts')).toContainText('16 × 64×64', { timeout: 30_000 });
    await expect(page.getByTestId('dataset-facts')).toContainText('Object pixel size64.6 nm');
  });

  test('reconstructs a CXI scan iteratively with a nm scale bar and exports a Ptychodus product', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openFromFileMenu(page, 'openDataset', CXI);
    await expect(page.getByTestId('dataset-facts')).toContainText('64.6 nm', { timeout: 30_000 });
    await page.getByTestId('nav-reconstruct').click();
    await page.getByTestId('recon-method-iterative').check();
    await page.getByTestId('recon-iterations').fill('3');
    await page.getByTestId('recon-run').click();
    await expect(page.getByTestId('recon-timing')).toBeVisible({ timeout: 120_000 });
    await expect(
      page.locator('[data-testid="view-reconstruct"] [data-testid="image-scalebar"]').first(),
    ).toHaveText(/^\s*\d+ (nm|µm)\s*$/);
    const out = join(mkdtempSync(join(tmpdir(), 'ptycho-e2e-product-')), 'product-out.h5');
    await page.getByTestId('recon-export-product').click();
    await page.getByTestId('path-input').fill(out);
    await page.getByTestId('path-ok').click();
    await expect.poll(() => existsSync(out), { timeout: 20_000 }).toBe(true);
  });
});
