import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { zipSync, strToU8 } from 'fflate';
import { newSession } from '../../../compute/core/session';
import { openDataset } from '../../../compute/core/datasetHandlers';
import { openModel } from '../../../compute/core/lifecycleHandlers';
import { fileKind } from '../../../compute/core/fileKinds';

const dir = mkdtempSync(join(tmpdir(), 'ptycho-kinds-'));
const bundle = join(dir, 'wts.h5.zip');
writeFileSync(
  bundle,
  zipSync({
    'manifest.json': strToU8('{"models":["diffraction_to_obj"]}'),
    'diffraction_to_obj/params.json': strToU8('{}'),
  }),
);
const otherZip = join(dir, 'photos.zip');
writeFileSync(otherZip, zipSync({ 'a.txt': strToU8('hi') }));
const NPZ = join(__dirname, '..', '..', '..', 'fixtures', 'lines-N64-test.npz');

describe('a wrong kind of file gets one plain sentence', () => {
  it('tells the kinds apart by content', () => {
    expect([
      fileKind(bundle),
      fileKind(NPZ),
      fileKind(dir),
      fileKind(otherZip),
      fileKind(join(dir, 'none')),
    ]).toEqual(['bundle', 'npz', 'folder', 'zip', 'missing']);
  });

  it('a bundle opened as a dataset: open it with Open Model Bundle', async () => {
    await expect(openDataset(newSession(), bundle)).rejects.toThrow(
      'wts.h5.zip is a model bundle, not a dataset: open it with File ▸ Open Model Bundle…',
    );
  });

  it('a folder opened as a dataset: no EISDIR', async () => {
    await expect(openDataset(newSession(), dir)).rejects.toThrow(`${dir} is a folder, not a scan`);
  });

  it('an NPZ scan opened as a model: it is a dataset', async () => {
    await expect(openModel(newSession(), NPZ)).rejects.toThrow(
      'lines-N64-test.npz is a dataset (NPZ scan), not a model bundle: open it with File ▸ Open Dataset…',
    );
    await expect(openModel(newSession(), dir)).rejects.toThrow('is a folder: choose the model bundle file');
    await expect(openModel(newSession(), otherZip)).rejects.toThrow('without manifest.json');
  });
});
