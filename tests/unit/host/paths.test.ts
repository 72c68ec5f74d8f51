import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkPath, expandHome, listDir } from '../../../electron/host/paths';
import { completion, parentFolder, splitPath } from '../../../renderer/src/shell/pathCompletion';
import { validateRequest } from '../../../electron/host/validate';

const dir = mkdtempSync(join(tmpdir(), 'ptycho-paths-'));
writeFileSync(join(dir, 'wts.h5.zip'), 'x');
writeFileSync(join(dir, 'recon_phase.png'), 'x');
mkdirSync(join(dir, 'sub'));

describe('host path checks (browser-mode path dialog)', () => {
  it('expands ~ and refuses relative paths, naming the folder they would resolve against', () => {
    expect(expandHome('~/a/b', '/home/u')).toBe(join('/home/u', 'a/b'));
    expect(expandHome('~', '/home/u')).toBe('/home/u');
    expect(expandHome('/x/~', '/home/u')).toBe('/x/~');
    const r = checkPath('data/scan.npz', 'openDataset', '/srv/app');
    expect(r.error).toMatch(/relative path.*\/srv\/app/);
  });

  it('says which folder is missing, for opening and for saving', () => {
    expect(checkPath(join(dir, 'missing.npz'), 'openDataset').error).toBe(
      `${join(dir, 'missing.npz')} does not exist`,
    );
    expect(checkPath(join(dir, 'nope', 'wts.h5.zip'), 'saveModel').error).toMatch(
      new RegExp(`^the folder ${join(dir, 'nope')} does not exist`),
    );
    expect(checkPath(join(dir, 'nope', 'r.npz'), 'exportReconstruction').error).toMatch(/does not exist/);
  });

  it('lists what a save or an export would replace', () => {
    expect(checkPath(join(dir, 'wts.h5.zip'), 'saveModel')).toEqual({
      path: join(dir, 'wts.h5.zip'),
      error: null,
      overwrites: [join(dir, 'wts.h5.zip')],
    });
    expect(checkPath(dir, 'saveModel').path).toBe(join(dir, 'wts.h5.zip'));
    expect(checkPath(join(dir, 'other.zip'), 'saveModel').overwrites).toEqual([]);
    expect(checkPath(join(dir, 'recon.png'), 'exportReconstruction').overwrites).toEqual([
      join(dir, 'recon_phase.png'),
    ]);
    expect(checkPath(join(dir, 'sub'), 'exportReconstruction').error).toMatch(/is a folder/);
  });

  it('opens the bundle inside a folder given as a model', () => {
    expect(checkPath(dir, 'openModel')).toMatchObject({ path: join(dir, 'wts.h5.zip'), error: null });
    expect(checkPath(join(dir, 'sub'), 'openModel').error).toMatch(/folder without a wts\.h5\.zip/);
  });

  it('lists a folder, folders first; a missing one is named', () => {
    const l = listDir(`${dir}/`);
    expect(l.dir).toBe(dir);
    expect(l.entries.map((e) => e.name)).toEqual(['sub', 'recon_phase.png', 'wts.h5.zip']);
    expect(l.entries[0]!.dir).toBe(true);
    expect(() => listDir(join(dir, 'nope'))).toThrow(`the folder ${join(dir, 'nope')} does not exist`);
    expect(() => listDir('rel')).toThrow(/relative path/);
  });

  it('the host validates the new requests', () => {
    expect(validateRequest('host.checkPath', { path: '/a', purpose: 'saveModel' }).params).toEqual({
      path: '/a',
      purpose: 'saveModel',
    });
    expect(() => validateRequest('host.checkPath', { path: '/a', purpose: 'delete' })).toThrow(/purpose/);
    expect(() => validateRequest('host.listDir', { path: '' })).toThrow(/must not be empty/);
    expect(validateRequest('host.menuState', { canSave: true, canExport: false }).params).toEqual({
      canSave: true,
      canExport: false,
    });
    expect(() => validateRequest('host.menuState', { canSave: 'yes', canExport: false })).toThrow(/canSave/);
  });
});

describe('path completion helpers', () => {
  it('splits, completes to the common prefix, adds / to a single folder, goes up', () => {
    expect(splitPath('/data/sc')).toEqual({ dir: '/data/', name: 'sc' });
    expect(splitPath('~')).toEqual({ dir: '~/', name: '' });
    expect(splitPath('scan')).toEqual({ dir: '', name: 'scan' });
    const m = [
      { name: 'scan_a.npz', dir: false },
      { name: 'scan_b.npz', dir: false },
    ];
    expect(completion('s', m)).toBe('scan_');
    expect(completion('scan_', m)).toBeNull();
    expect(completion('ra', [{ name: 'raw', dir: true }])).toBe('raw/');
    expect(completion('x', [])).toBeNull();
    expect(parentFolder('/data/raw/')).toBe('/data/');
    expect(parentFolder('/data')).toBe('/');
  });
});
