/**
 * Electron main process: one window, a native menu, and request routing between the sandboxed
 * renderer and the compute core running in a utility process. Everything that is not
 * Electron-specific (validation, routing, supervision) lives in ./host and is shared with the
 * browser-mode host.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, shell, type MenuItemConstructorOptions } from 'electron';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { EventMessage, MenuAction } from '../compute/protocol';
import { CoreSupervisor } from './host/supervisor';
import { RequestRouter } from './host/router';
import { RecentStore } from './host/recent';
import { utilityCoreLauncher } from './utilityLauncher';
import { buildMenuTemplate, type MenuItemSpec } from './menuTemplate';
import { IPC_EVENT, IPC_INVOKE } from './bridge';

const here = dirname(fileURLToPath(import.meta.url));
const isDev = !app.isPackaged && Boolean(process.env.ELECTRON_RENDERER_URL);

let mainWindow: BrowserWindow | null = null;
const supervisor = new CoreSupervisor(utilityCoreLauncher(join(here, 'worker.js')));
let recent: RecentStore;
let router: RequestRouter;

const DIALOGS: Record<
  'openDataset' | 'openModel' | 'saveModel' | 'exportReconstruction',
  { title: string; filters: { name: string; extensions: string[] }[] }
> = {
  openDataset: {
    title: 'Open Dataset',
    filters: [
      { name: 'Scans (NPZ, CXI, HDF5)', extensions: ['npz', 'cxi', 'h5', 'hdf5', 'nxs'] },
      { name: 'PtychoPINN scan (NPZ)', extensions: ['npz'] },
      { name: 'CXI', extensions: ['cxi'] },
      { name: 'Ptychodus product / HDF5', extensions: ['h5', 'hdf5'] },
    ],
  },
  openModel: {
    title: 'Open Model Bundle',
    filters: [{ name: 'Model bundle (wts.h5.zip)', extensions: ['zip'] }],
  },
  saveModel: {
    title: 'Save Model Bundle',
    filters: [{ name: 'Model bundle (wts.h5.zip)', extensions: ['zip'] }],
  },
  exportReconstruction: {
    title: 'Export Reconstruction',
    filters: [
      { name: 'NumPy archive', extensions: ['npz'] },
      { name: 'PNG images', extensions: ['png'] },
    ],
  },
};

async function pickPath(params: unknown): Promise<{ path: string | null; native: boolean }> {
  const { purpose, defaultPath } = params as { purpose: keyof typeof DIALOGS; defaultPath?: string };
  const spec = DIALOGS[purpose];
  if (!mainWindow) return { path: null, native: true };
  if (purpose === 'saveModel' || purpose === 'exportReconstruction') {
    const r = await dialog.showSaveDialog(mainWindow, {
      title: spec.title,
      filters: spec.filters,
      defaultPath: defaultPath ?? (purpose === 'saveModel' ? 'wts.h5.zip' : 'reconstruction.npz'),
    });
    return { path: r.canceled ? null : (r.filePath ?? null), native: true };
  }
  const r = await dialog.showOpenDialog(mainWindow, {
    title: spec.title,
    filters: spec.filters,
    properties: ['openFile'],
    ...(defaultPath ? { defaultPath } : {}),
  });
  return { path: r.canceled ? null : (r.filePaths[0] ?? null), native: true };
}

function sendEvent(msg: EventMessage): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, msg);
}

function toElectronMenu(items: MenuItemSpec[]): MenuItemConstructorOptions[] {
  return items.map((it) => {
    const o: MenuItemConstructorOptions = {};
    if (it.label) o.label = it.label;
    if (it.id) o.id = it.id;
    if (it.accelerator) o.accelerator = it.accelerator;
    if (it.role) o.role = it.role;
    if (it.type === 'separator') o.type = 'separator';
    if (it.submenu) o.submenu = toElectronMenu(it.submenu);
    const action: MenuAction | undefined = it.action;
    if (action) o.click = () => sendEvent({ type: 'event', event: 'menu.action', payload: { action } });
    return o;
  });
}

function installMenu(): void {
  const template = toElectronMenu(
    buildMenuTemplate({ isMac: process.platform === 'darwin', appName: app.name, dev: isDev }),
  );
  // File ▸ Open Recent, built from the recent-files store.
  const file = template.find((t) => t.label === '&File');
  if (file && Array.isArray(file.submenu)) {
    const list = recent.list();
    const items: MenuItemConstructorOptions[] = [
      ...list.datasets.map((p) => ({
        label: p,
        click: () =>
          sendEvent({
            type: 'event',
            event: 'menu.action',
            payload: { action: 'openRecentDataset', path: p },
          }),
      })),
      ...(list.datasets.length && list.models.length ? [{ type: 'separator' as const }] : []),
      ...list.models.map((p) => ({
        label: p,
        click: () =>
          sendEvent({ type: 'event', event: 'menu.action', payload: { action: 'openRecentModel', path: p } }),
      })),
    ];
    file.submenu.splice(2, 0, {
      label: 'Open Recent',
      submenu: items.length ? items : [{ label: 'No recent files', enabled: false }],
    });
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  applyMenuState();
}

/** Save and Export are greyed out while there is nothing to save or export (host.menuState). */
let menuState = { canSave: false, canExport: false };
function applyMenuState(): void {
  const menu = Menu.getApplicationMenu();
  const save = menu?.getMenuItemById('saveModel');
  const exp = menu?.getMenuItemById('exportReconstruction');
  if (save) save.enabled = menuState.canSave;
  if (exp) exp.enabled = menuState.canExport;
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    title: 'Ptycho Workstation',
    backgroundColor: '#15181d',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  if (isDev && process.env.ELECTRON_RENDERER_URL) void mainWindow.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void mainWindow.loadFile(join(here, '../renderer/index.html'));
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

// Renderer hardening: no new windows, no navigation away from the app.
app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (e, url) => {
    const current = contents.getURL();
    if (url !== current) e.preventDefault();
  });
});

ipcMain.handle(IPC_INVOKE, async (event, method: unknown, params: unknown) => {
  if (!mainWindow || event.sender !== mainWindow.webContents) {
    return { ok: false, error: { code: 'forbidden', message: 'request from an unknown window' } };
  }
  return router.route(method, params);
});

supervisor.on('status', (s) => {
  sendEvent({ type: 'event', event: 'core.status', payload: s });
  if (s.state === 'crashed' && mainWindow && /gave up/.test(s.detail)) {
    void dialog.showMessageBox(mainWindow, {
      type: 'error',
      title: 'Compute core stopped',
      message: 'The compute core keeps crashing.',
      detail: s.detail,
    });
  }
});
supervisor.on('event', sendEvent);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  void app.whenReady().then(() => {
    recent = new RecentStore(app.getPath('userData'));
    router = new RequestRouter(supervisor, { recent, onTitle: (t) => mainWindow?.setTitle(t) });
    router.handleHost('host.pickPath', pickPath);
    router.handleHost('host.menuState', (p) => {
      menuState = p as typeof menuState;
      applyMenuState();
      return {};
    });
    const add = recent.add.bind(recent);
    recent.add = (kind, path) => {
      add(kind, path);
      installMenu();
    };
    installMenu();
    supervisor.start();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    supervisor.stop();
    if (process.platform !== 'darwin') app.quit();
  });
}
