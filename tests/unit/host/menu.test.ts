import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, type MenuItemSpec } from '../../../electron/menuTemplate';

const flat = (items: MenuItemSpec[]): MenuItemSpec[] =>
  items.flatMap((i) => [i, ...(i.submenu ? flat(i.submenu) : [])]);

describe('application menu', () => {
  it('has the File actions with shortcuts and a Quit item', () => {
    const items = flat(buildMenuTemplate({ isMac: false, appName: 'Ptycho', dev: false }));
    const byId = Object.fromEntries(items.filter((i) => i.id).map((i) => [i.id, i]));
    expect(byId.openDataset).toMatchObject({
      label: 'Open Dataset…',
      accelerator: 'CmdOrCtrl+O',
      action: 'openDataset',
    });
    expect(byId.openModel).toMatchObject({ label: 'Open Model Bundle…', accelerator: 'CmdOrCtrl+Shift+O' });
    expect(byId.saveModel).toMatchObject({ label: 'Save Model Bundle…', accelerator: 'CmdOrCtrl+S' });
    expect(byId.exportReconstruction).toMatchObject({
      label: 'Export Reconstruction…',
      accelerator: 'CmdOrCtrl+E',
    });
    expect(byId.quit).toMatchObject({ role: 'quit' });
    const accels = items.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
  it('puts the app menu first on macOS', () => {
    const t = buildMenuTemplate({ isMac: true, appName: 'Ptycho', dev: true });
    expect(t[0]!.label).toBe('Ptycho');
    expect(flat(t).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});
