/// <reference lib="dom" />
/**
 * The workstation end to end, real UI and real compute (no mocks): open the fixture through
 * the File menu, see the pattern and the scan scatter, train one epoch on a small subset and
 * watch the loss chart and the progress, save the bundle, reload, open the bundle, reconstruct,
 * and see images and finite metrics. Browser mode here and in CI; an Electron variant where a
 * binary exists.
 */
import { test, expect, _electron, type Page } from '@playwright/test';
import { mkdtempSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ARTIFACTS, ROOT, electronBinary, startHost } from './shell';
import type { BrowserHost } from '../../electron/host/browserHost';

const FIXTURE = join(ROOT, 'fixtures', 'lines-N64-train.npz');
// Recent files go to a throw-away config folder, not the user's ~/.config/ptycho-workstation.
process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'ptycho-e2e-config-'));

/** Distinct colours among sampled pixels of a canvas (ECharts and image canvases alike). */
async function canvasColours(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel) as HTMLCanvasElement | null;
    if (!c || c.width === 0 || c.height === 0) return 0;
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    const step = Math.max(4, Math.floor(d.length / 4 / 20000) * 4);
    for (let i = 0; i < d.length; i += step) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    return seen.size;
  }, selector);
}

async function openViaMenu(
  page: Page,
  item: 'openDataset' | 'openModel' | 'saveModel',
  path: string,
  native: boolean,
): Promise<void> {
  if (native) return; // Electron: the stubbed native dialog answers
  await page.getByTestId('menu-file').click();
  await page.getByTestId(`menu-${item}`).click();
  await page.getByTestId('path-input').fill(path);
  if (item === 'openModel') await page.screenshot({ path: join(ARTIFACTS, 'browser-path-dialog.png') });
  await page.getByTestId('path-ok').click();
}

async function lifecycle(
  page: Page,
  opts: {
    native: boolean;
    bundle: string;
    reload: () => Promise<void>;
    shot: string;
    menu: (a: 'openDataset' | 'openModel' | 'saveModel') => Promise<void>;
  },
): Promise<void> {
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${opts.shot}-${name}.png`) });
  await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });

  // 1. open the dataset through the File menu
  await opts.menu('openDataset');
  await expect(page.getByTestId('dataset-facts')).toContainText('586 × 64×64', { timeout: 30_000 });
  await expect
    .poll(() => canvasColours(page, '[data-testid="diffraction-canvas"]'), { timeout: 20_000 })
    .toBeGreaterThan(20);
  await expect
    .poll(() => canvasColours(page, '[data-testid="scan-scatter-chart"] canvas'), { timeout: 20_000 })
    .toBeGreaterThan(3);
  await page.getByTestId('frame-input').fill('17');
  await page.getByTestId('frame-input').press('Enter');
  await shot('dataset');

  // 2. train one epoch on a small subset
  await page.getByTestId('nav-train').click();
  // The schema's ranges and rules, next to the field (the host and the core would refuse the same).
  await page.getByTestId('cfg-learning_rate').fill('1');
  await expect(page.getByTestId('err-learning_rate')).toHaveText(
    'learning_rate: expected a number in (0, 1), got 1',
  );
  await page.getByTestId('cfg-gridsize').fill('2');
  await page.getByTestId('cfg-object_big').uncheck();
  await expect(page.getByTestId('err-object_big')).toContainText(
    'object_big: expected true when gridsize > 1',
  );
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await page.getByTestId('cfg-learning_rate').fill('0.001');
  await page.getByTestId('cfg-object_big').check();
  await page.getByTestId('cfg-gridsize').fill('1');
  await expect(page.getByTestId('err-learning_rate')).toHaveCount(0);
  await page.getByTestId('cfg-nepochs').fill('1');
  await page.getByTestId('cfg-n_groups').fill('64');
  await page.getByTestId('cfg-n_filters_scale').fill('1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toHaveAttribute('data-progress', '100', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('train-outcome')).toContainText('Training completed after 1 epoch');
  await expect
    .poll(() => canvasColours(page, '[data-testid="loss-chart-canvas"] canvas'), { timeout: 10_000 })
    .toBeGreaterThan(3);
  await expect(page.getByTestId('loss-epochs')).toContainText('1');
  // the (negative) Poisson NLL on a log axis: plotted above a constant just below its best value
  await page.getByTestId('loss-log').click();
  await expect(page.getByTestId('loss-log-shift')).toBeVisible();
  await page.getByTestId('loss-linear').click();
  await expect(page.getByTestId('loss-log-shift')).toHaveCount(0);
  await expect
    .poll(() => canvasColours(page, '[data-testid="preview-amplitude"]'), { timeout: 10_000 })
    .toBeGreaterThan(5);
  await shot('train');
  await expect(page).toHaveTitle('unsaved model — lines-N64-train.npz — Ptycho Workstation');

  // 3. save the bundle, reload, open it again
  await opts.menu('saveModel');
  await expect.poll(() => existsSync(opts.bundle), { timeout: 30_000 }).toBe(true);
  await expect(page).toHaveTitle('wts.h5.zip — lines-N64-train.npz — Ptycho Workstation');
  await expect(page.getByTestId('train-save')).toHaveCount(0);
  await opts.reload();
  await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', /ready|busy/, {
    timeout: 90_000,
  });
  if (!opts.native) {
    // File ▸ Open Recent lists what was opened and saved before the reload.
    await page.getByTestId('menu-file').click();
    await page.getByTestId('menu-recent').hover();
    await expect(
      page.getByTestId('menu-recent-model').filter({ hasText: 'wts.h5.zip' }).first(),
    ).toBeVisible();
    await expect(
      page.getByTestId('menu-recent-dataset').filter({ hasText: 'lines-N64-train.npz' }).first(),
    ).toBeVisible();
    await shot('menu');
    await page.getByTestId('menu-file').click();
  }
  await opts.menu('openModel');
  await expect(page.getByTestId('model-facts')).toContainText('wts.h5.zip', { timeout: 30_000 });
  await opts.menu('openDataset');
  await expect(page.getByTestId('dataset-facts')).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveTitle('wts.h5.zip — lines-N64-train.npz — Ptycho Workstation');

  // 4. reconstruct: images and finite metrics
  await page.getByTestId('nav-reconstruct').click();
  await page.getByTestId('recon-run').click();
  await expect(page.getByTestId('recon-timing')).toBeVisible({ timeout: 120_000 });
  await expect
    .poll(() => canvasColours(page, '[data-testid="recon-amplitude"]'), { timeout: 20_000 })
    .toBeGreaterThan(20);
  await expect
    .poll(() => canvasColours(page, '[data-testid="recon-phase"]'), { timeout: 20_000 })
    .toBeGreaterThan(3);
  const ssim = await page.getByTestId('metric-ssim-amplitude').getAttribute('data-value');
  const psnr = await page.getByTestId('metric-psnrDb-phase').getAttribute('data-value');
  expect(Number.isFinite(Number(ssim))).toBe(true);
  expect(Number.isFinite(Number(psnr))).toBe(true);
  await shot('reconstruct');

  // 5. export (browser mode: the in-app path dialog starts in the last folder used)
  if (!opts.native) {
    const dir = opts.bundle.replace(/[\\/][^\\/]*$/, '');
    await page.getByTestId('recon-export-npz').click();
    await expect(page.getByTestId('path-input')).toHaveValue(join(dir, 'reconstruction.npz'));
    await page.getByTestId('path-ok').click();
    await expect.poll(() => existsSync(join(dir, 'reconstruction.npz')), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('recon-export-png').click();
    await page.getByTestId('path-input').fill(join(dir, 'recon.png'));
    await page.getByTestId('path-input').press('Enter');
    await expect.poll(() => existsSync(join(dir, 'recon_phase.png')), { timeout: 20_000 }).toBe(true);
  }
}

test.describe('workstation, browser mode', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('open → train → save → reload → open bundle → reconstruct', async ({ page }) => {
    test.setTimeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'ptycho-e2e-'));
    const bundle = join(dir, 'wts.h5.zip');
    const paths = { openDataset: FIXTURE, openModel: bundle, saveModel: bundle };
    await page.goto(host.url);
    await lifecycle(page, {
      native: false,
      bundle,
      shot: 'browser',
      reload: async () => {
        await page.reload();
      },
      menu: (a) => openViaMenu(page, a, paths[a], false),
    });
  });
});

test.describe('workstation, browser mode: iterative reconstruction and comparison', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('rPIE from the UI with a live error curve, then ePIE side by side with the FRC between them', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openViaMenu(page, 'openDataset', join(ROOT, 'fixtures', 'lines-N64-test.npz'), false);
    await expect(page.getByTestId('dataset-facts')).toContainText('314 × 64×64', { timeout: 30_000 });
    await page.getByTestId('nav-reconstruct').click();
    // no model needed for the iterative method
    await page.getByTestId('recon-method-iterative').check();
    // the request schema's bounds: the input's max, and the message host and core would give
    await expect(page.getByTestId('recon-iterations')).toHaveAttribute('max', '10000');
    await page.getByTestId('recon-iterations').fill('0');
    await expect(page.getByTestId('recon-request-error')).toHaveText(
      'iterations: expected an integer from 1 to 10000, got 0',
    );
    await expect(page.getByTestId('recon-run')).toBeDisabled();
    await page.getByTestId('recon-iterations').fill('8');
    await expect(page.getByTestId('recon-request-error')).toHaveCount(0);
    await page.getByTestId('recon-run').click();
    await expect(page.getByTestId('recon-timing')).toContainText('rPIE 8 it.', { timeout: 60_000 });
    await expect
      .poll(() => canvasColours(page, '[data-testid="recon-amplitude"]'), { timeout: 20_000 })
      .toBeGreaterThan(20);
    await expect(page.getByTestId('recon-error-chart').getByTestId('loss-epochs')).toContainText(
      '8 iterations',
    );
    await expect(page.getByTestId('metrics-table')).toBeVisible();
    // a second engine on the same scan: side by side with the difference and the FRC between them
    await page.getByTestId('recon-algorithm').selectOption('epie');
    await page.getByTestId('recon-iterations').fill('4');
    await page.getByTestId('recon-run').click();
    await expect(page.getByTestId('recon-timing')).toContainText('ePIE 4 it.', { timeout: 60_000 });
    await expect(page.getByTestId('recon-compare')).toContainText('ePIE 4 it. vs rPIE 8 it.');
    await expect
      .poll(() => canvasColours(page, '[data-testid="recon-previous-amplitude"]'), { timeout: 20_000 })
      .toBeGreaterThan(20);
    await expect
      .poll(() => canvasColours(page, '[data-testid="recon-difference-amplitude"]'), { timeout: 20_000 })
      .toBeGreaterThan(5);
    await expect(page.getByTestId('compare-metrics')).toContainText('SSIM');
    // the FRC table shows the crossings the core sent with the comparison
    await expect(page.getByTestId('recon-compare').getByTestId('frc-crossings')).toContainText(
      /amplitude[\s\S]*\d+\.\d+ px/,
    );
    await page.getByTestId('recon-compare').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'browser-recon-compare.png'), fullPage: true });
  });
});

test.describe('workstation, browser mode: cancelling, and a compute crash during training', () => {
  let host: BrowserHost;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test('cancel stops the run; a crash says the run was lost and the core comes back', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(host.url);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    await openViaMenu(page, 'openDataset', FIXTURE, false);
    await expect(page.getByTestId('dataset-facts')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('nav-train').click();
    await page.getByTestId('cfg-nepochs').fill('50');
    await page.getByTestId('cfg-n_filters_scale').fill('1');
    // Cancel answers promptly and the UI says what was kept.
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-epochs')).toContainText('epoch 1 /', { timeout: 90_000 });
    await expect(page.getByTestId('train-start')).toBeDisabled();
    await page.getByTestId('train-cancel').click();
    await expect(page.getByTestId('train-outcome')).toContainText('Cancelled', { timeout: 30_000 });
    expect(Number(await page.getByTestId('train-progress').getAttribute('data-progress'))).toBeLessThan(100);
    await expect(page.getByTestId('train-cancel')).toBeDisabled();
    // Train again and kill the core mid-run.
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-epochs')).toContainText('epoch 1 /', { timeout: 90_000 });
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'busy');
    const pid = host.supervisor.getStatus().info?.pid;
    host.supervisor.killCore();
    await expect(page.getByTestId('blocking-dialog')).toContainText('Training was lost', { timeout: 30_000 });
    await expect(page.getByTestId('blocking-dialog')).toContainText('SIGKILL');
    await expect(page.getByTestId('train-outcome')).toContainText('Training was lost');
    await expect(page.getByTestId('notice').filter({ hasText: 'Compute core' })).toBeVisible();
    await page.screenshot({ path: join(ARTIFACTS, 'browser-crash.png') });
    await page.getByTestId('blocking-ok').click();
    await expect(page.getByTestId('blocking-dialog')).toHaveCount(0);
    await expect(page.getByTestId('core-state')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
    expect(host.supervisor.getStatus().info?.pid).not.toBe(pid);
    await expect(page.getByTestId('train-start')).toBeEnabled();
  });
});

test.describe('workstation, electron', () => {
  const bin = electronBinary();
  test('open → train → save → reopen → reconstruct', async () => {
    if ('skip' in bin) {
      console.log(`SKIPPED electron e2e (workstation): ${bin.skip}`);
      test.skip(true, bin.skip);
      return;
    }
    test.setTimeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'ptycho-e2e-el-'));
    const bundle = join(dir, 'wts.h5.zip');
    const app = await _electron.launch({
      executablePath: bin.path,
      args: [join(ROOT, 'out', 'main', 'main.js'), '--no-sandbox'],
      cwd: ROOT,
    });
    try {
      const page = await app.firstWindow();
      // Stub the native dialogs: open → the fixture or the bundle, save → the bundle.
      await app.evaluate(
        ({ dialog }, p) => {
          dialog.showOpenDialog = (async (_w: unknown, o: { title?: string }) => ({
            canceled: false,
            filePaths: [/Model/.test(o?.title ?? '') ? p.bundle : p.fixture],
          })) as typeof dialog.showOpenDialog;
          dialog.showSaveDialog = (async () => ({
            canceled: false,
            filePath: p.bundle,
          })) as typeof dialog.showSaveDialog;
        },
        { fixture: FIXTURE, bundle },
      );
      const menu = async (a: 'openDataset' | 'openModel' | 'saveModel'): Promise<void> => {
        await app.evaluate(({ Menu }, id) => Menu.getApplicationMenu()?.getMenuItemById(id)?.click(), a);
      };
      await lifecycle(page, {
        native: true,
        bundle,
        shot: 'electron',
        reload: () => page.reload().then(() => undefined),
        menu,
      });
    } finally {
      await app.close();
    }
  });
});
