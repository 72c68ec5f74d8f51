import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { newSession } from '../../../compute/core/session';
import { openDataset } from '../../../compute/core/datasetHandlers';
import { exportReconstruction, runReconstruction } from '../../../compute/core/reconHandlers';
import { readProduct } from '../../../compute/ptycho/data/formats/index';
import { PRODUCT_UNITS_ATTR } from '../../../compute/ptycho/lifecycle/outputs';
import { decodePng } from '../../../compute/io/png';
import type { EventName, Events } from '../../../compute/protocol';
import { validateRequest } from '../../../electron/host/validate';

const golden = (f: string): string => fileURLToPath(new URL(`../formats/golden/${f}`, import.meta.url));
const fixture = fileURLToPath(new URL('../../../fixtures/lines-N64-test.npz', import.meta.url));
const facts = JSON.parse(readFileSync(golden('scan16.json'), 'utf8')) as { object_pixel_m: number };
const emit = <E extends EventName>(_e: E, _p: Events[E]): void => {};

describe('physical units through the core (dataset.open, recon.run, recon.export product)', () => {
  it('sends the pixel size, the geometry facts and µm positions, and exports a Ptychodus product with them', async () => {
    const session = newSession();
    const info = await openDataset(session, golden('ptychodus'));
    expect(info.pixelSizeM).toBeCloseTo(facts.object_pixel_m, 15);
    expect(info.physicalFacts![0]).toEqual(['Object pixel size', '64.6 nm']);
    const g = session.dataset!.raw.geometry!;
    for (const i of [0, 7, 15])
      expect(info.positionsUm!.x[i]!).toBeCloseTo(
        ((g.originXM ?? 0) + info.x[i]! * g.objectPixelSizeM!) * 1e6,
        3,
      );

    const r = await runReconstruction(session, emit, { method: 'iterative', iterations: 3 });
    expect(r.pixelSizeM).toBeCloseTo(facts.object_pixel_m, 15);
    const dir = mkdtempSync(join(tmpdir(), 'units-export-'));
    const [h5] = exportReconstruction(session, join(dir, 'product-out.h5'), 'product').paths;
    expect(h5).toBe(join(dir, 'product-out.h5'));
    const p = readProduct(h5!);
    expect(p.objectPixelWidthM).toBeCloseTo(facts.object_pixel_m, 15);
    expect(p.extraAttrs[PRODUCT_UNITS_ATTR]).toBe('m');
    const s = session.reconstruction!.stitched;
    expect(p.object.shape).toEqual([1, s.height, s.width]);
    expect(p.positionXM[5]!).toBeCloseTo(
      (g.originXM ?? 0) + session.dataset!.raw.xcoords[5]! * g.objectPixelSizeM!,
      12,
    );
    expect(p.probe.shape.slice(-2)).toEqual([64, 64]);

    // PNG figures of the same reconstruction carry the scale bar: taller than without a pixel size
    const [amp] = exportReconstruction(session, join(dir, 'r.png'), 'png').paths;
    const withBar = decodePng(readFileSync(amp!));
    const saved = session.dataset!.raw.geometry;
    session.dataset!.raw.geometry = null;
    const [plain] = exportReconstruction(session, join(dir, 'p.png'), 'png').paths;
    session.dataset!.raw.geometry = saved;
    expect(withBar.height).toBeGreaterThan(decodePng(readFileSync(plain!)).height);
  });

  it('a scan without geometry: pixel size unknown, product flagged as pixels; no open scan: a clear refusal', async () => {
    const session = newSession();
    const info = await openDataset(session, fixture);
    expect(info.pixelSizeM).toBeNull();
    expect(info.positionsUm).toBeNull();
    expect(info.physicalFacts).toEqual([
      ['Object pixel size', 'pixel size unknown (positions in object pixels)'],
    ]);
    const r = await runReconstruction(session, emit, { method: 'iterative', iterations: 2 });
    expect(r.pixelSizeM).toBeNull();
    expect(r.evaluation?.resolutionNm).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'units-export-'));
    const p = readProduct(exportReconstruction(session, join(dir, 'x.h5'), 'product').paths[0]!);
    expect(p.objectPixelWidthM).toBe(1);
    expect(p.extraAttrs[PRODUCT_UNITS_ATTR]).toMatch(/^pixels/);
    session.dataset = null;
    expect(() => exportReconstruction(session, join(dir, 'y.h5'), 'product')).toThrow(
      /lines-N64-test\.npz\) is no longer open; open it again/,
    );
  });

  it('the host validator lets the product format through and still refuses others by name', () => {
    expect(validateRequest('recon.export', { path: '/tmp/p.h5', format: 'product' }).params).toEqual({
      path: '/tmp/p.h5',
      format: 'product',
    });
    expect(() => validateRequest('recon.export', { path: '/tmp/p.tif', format: 'tiff' })).toThrow(/format/);
  });
});
