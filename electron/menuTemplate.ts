/**
 * The application menu as plain data (no Electron import), so its structure and shortcuts are
 * unit-tested in Node; main.ts hands it to Menu.buildFromTemplate.
 */
import type { MenuAction } from '../compute/protocol';

export interface MenuItemSpec {
  label?: string;
  accelerator?: string;
  role?:
    | 'quit'
    | 'undo'
    | 'redo'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'reload'
    | 'toggleDevTools'
    | 'togglefullscreen'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'minimize'
    | 'close'
    | 'about';
  type?: 'separator' | 'submenu';
  submenu?: MenuItemSpec[];
  action?: MenuAction;
  id?: string;
}

export function buildMenuTemplate(opts: { isMac: boolean; appName: string; dev: boolean }): MenuItemSpec[] {
  const file: MenuItemSpec = {
    label: '&File',
    submenu: [
      { id: 'openDataset', label: 'Open Dataset…', accelerator: 'CmdOrCtrl+O', action: 'openDataset' },
      { id: 'openModel', label: 'Open Model Bundle…', accelerator: 'CmdOrCtrl+Shift+O', action: 'openModel' },
      { type: 'separator' },
      { id: 'saveModel', label: 'Save Model Bundle…', accelerator: 'CmdOrCtrl+S', action: 'saveModel' },
      {
        id: 'exportReconstruction',
        label: 'Export Reconstruction…',
        accelerator: 'CmdOrCtrl+E',
        action: 'exportReconstruction',
      },
      { type: 'separator' },
      opts.isMac
        ? { role: 'close' }
        : { id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', role: 'quit' },
    ],
  };
  const edit: MenuItemSpec = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemSpec = {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(opts.dev
        ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]
        : []),
    ],
  };
  const template: MenuItemSpec[] = [file, edit, view];
  if (opts.isMac)
    template.unshift({
      label: opts.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'quit' }],
    });
  return template;
}
