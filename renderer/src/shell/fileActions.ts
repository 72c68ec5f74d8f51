/**
 * File ▸ actions shared by the native menu (menu.action events), the in-page menu, keyboard
 * shortcuts, drag-and-drop and the views' buttons.
 */
import type { DatasetInfo, MenuAction, PathPurpose, ReconExportFormat } from '../../../compute/protocol';
import { RemoteError } from '../../../compute/protocol';
import { useAppStore } from '../stores/app';
import { useDatasetStore } from '../stores/dataset';
import { useModelStore } from '../stores/model';
import { useReconstructionStore } from '../stores/reconstruction';
import { useTrainingStore } from '../stores/training';
import { getApi } from '../api/client';
import { formFromConfig, historyPoints, plural } from '../stores/bundleSettings';
import type { ModelInfo } from '../../../compute/protocol';

function hostKind(): 'electron' | 'browser' {
  try {
    return getApi().hostKind;
  } catch {
    return 'browser';
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function useFileActions() {
  const app = useAppStore();
  const dataset = useDatasetStore();
  const model = useModelStore();
  const recon = useReconstructionStore();
  const training = useTrainingStore();

  /**
   * Use `given` (a recent file, a dropped file) or ask for a path, then `act` on it. A failure
   * stays in the browser-mode dialog, inline, for the user to correct the path; elsewhere it
   * becomes a notice.
   */
  async function withPath(
    purpose: PathPurpose,
    title: string,
    suggested: string,
    failure: string,
    act: (p: string) => Promise<void>,
    given?: string,
  ): Promise<void> {
    try {
      if (given) await act(given);
      else await app.askPath(purpose, title, suggested, act);
    } catch (e) {
      app.notify('error', `${failure}: ${message(e)}`, 0);
    }
  }

  async function openDataset(path?: string): Promise<void> {
    await withPath(
      'openDataset',
      'Open Dataset (NPZ, CXI, HDF5)',
      '',
      'Could not open the dataset',
      async (p) => {
        const d = await openPaired(p);
        if (!d) return;
        training.fromDataset(d);
        recon.clear();
        app.notify('info', `Opened ${d.fileName}: ${d.patterns} patterns of ${d.N}×${d.N}`);
        app.view = 'dataset';
      },
      path,
    );
  }

  /**
   * Open a scan; a Ptychodus product (or diffraction file) opened alone asks for its partner in
   * a second dialog and opens the pair. Null when the user cancels that dialog.
   */
  async function openPaired(p: string): Promise<DatasetInfo | null> {
    try {
      return await dataset.open(p);
    } catch (e) {
      const code = e instanceof RemoteError ? e.code : '';
      if (code !== 'needs-diffraction-file' && code !== 'needs-product-file') throw e;
      const needsDiffraction = code === 'needs-diffraction-file';
      const name = p.split('/').pop() ?? p;
      let opened: DatasetInfo | null = null;
      await app.askPath(
        'openDataset',
        needsDiffraction
          ? `Diffraction file for the product ${name}`
          : `Ptychodus product for the diffraction file ${name}`,
        '',
        async (partner) => {
          opened = needsDiffraction ? await dataset.open(p, partner) : await dataset.open(partner, p);
        },
      );
      return opened;
    }
  }

  /**
   * A trained model not saved yet is replaced by a new run or an opened bundle: ask first.
   * True when the caller may go on (saved, discarded, or nothing to lose).
   */
  async function confirmReplaceUnsaved(doing: string): Promise<boolean> {
    if (!model.dirty) return true;
    const c = await app.confirm({
      title: 'Discard the unsaved model?',
      text: `The model trained in this session (${plural(model.info?.epochsTrained ?? 0, 'epoch')}) is not saved. ${doing} replaces it.`,
      choices: [
        { id: 'discard', label: 'Discard it', danger: true },
        { id: 'save', label: 'Save it first…' },
      ],
    });
    if (c === 'discard') return true;
    if (c === 'save') {
      await saveModel();
      return !model.dirty;
    }
    return false;
  }

  /** An opened bundle's settings and loss history go to the Train view (N stays the dataset's). */
  function showBundleHistory(m: ModelInfo): void {
    const form = formFromConfig(m.config, { ...training.form });
    if (dataset.info) form.N = training.form.N;
    Object.assign(training.form, form);
    training.reset();
    training.epochs = historyPoints(m);
    training.epoch = m.epochsTrained;
    const planned = typeof m.config.nepochs === 'number' ? m.config.nepochs : m.epochsTrained;
    training.nepochs = Math.max(planned, m.epochsTrained);
    training.progress = training.nepochs ? m.epochsTrained / training.nepochs : 0;
  }

  async function openModel(path?: string): Promise<void> {
    if (training.running) {
      app.notify('error', 'Training is running: cancel it before opening another model.');
      return;
    }
    if (!(await confirmReplaceUnsaved('Opening a bundle'))) return;
    await withPath(
      'openModel',
      'Open Model Bundle (wts.h5.zip)',
      '',
      'Could not open the model bundle',
      async (p) => {
        const m = await model.open(p);
        showBundleHistory(m);
        app.notify(
          'info',
          `Opened model ${m.path ?? p}: N ${m.N}, gridsize ${m.gridsize}, ${plural(m.epochsTrained, 'epoch')}`,
        );
        app.view = 'reconstruct';
      },
      path,
    );
  }

  async function saveModel(): Promise<void> {
    if (!model.info) {
      app.notify('error', 'There is no model to save yet: train one or open a bundle.');
      return;
    }
    await withPath('saveModel', 'Save Model Bundle', 'wts.h5.zip', 'Could not save the model', async (p) => {
      const m = await model.save(p);
      app.notify('info', `Saved ${m.path}`);
    });
  }

  /**
   * Export as NPZ (amplitude, phase, complex object, canvas origin), PNG (amplitude and phase
   * figures) or a Ptychodus product (`.h5`, product-out.h5's layout); the extension decides.
   */
  async function exportReconstruction(format?: ReconExportFormat): Promise<void> {
    if (!recon.result) {
      app.notify('error', 'Nothing to export yet: reconstruct first.');
      return;
    }
    const what =
      format === 'product' ? 'Ptychodus product .h5' : format ? format.toUpperCase() : '.npz, .png or .h5';
    const name = format === 'product' ? 'product-out.h5' : `reconstruction.${format ?? 'npz'}`;
    await withPath(
      'exportReconstruction',
      `Export Reconstruction (${what})`,
      name,
      'Could not export',
      async (p) => {
        const chosen: ReconExportFormat = /\.png$/i.test(p)
          ? 'png'
          : /\.npz$/i.test(p)
            ? 'npz'
            : /\.(h5|hdf5)$/i.test(p)
              ? 'product'
              : (format ?? 'npz');
        const files = await recon.exportTo(p, chosen);
        app.notify('info', `Exported ${files.join(', ')}`);
      },
    );
  }

  async function run(action: MenuAction, path?: string): Promise<void> {
    switch (action) {
      case 'openDataset':
        return openDataset();
      case 'openRecentDataset':
        return openDataset(path);
      case 'openModel':
        return openModel();
      case 'openRecentModel':
        return openModel(path);
      case 'saveModel':
        return saveModel();
      case 'exportReconstruction':
        return exportReconstruction();
    }
  }

  /** Dropped files: `.npz`, `.cxi`, `.h5`/`.hdf5` open as a dataset (the core reads by content), `.zip` as a model bundle. */
  async function dropped(files: FileList): Promise<void> {
    for (const f of Array.from(files)) {
      const path = window.ptychoBridge?.pathForFile?.(f) || (f as File & { path?: string }).path;
      if (!path) {
        // Browser mode: the page never learns where a dropped file lives on the host. Electron ≥ 32
        // removed File.path; it needs webUtils.getPathForFile in the preload, which ours lacks.
        app.notify(
          'info',
          hostKind() === 'browser'
            ? `Drag-and-drop needs the desktop app: in the browser use File ▸ Open… and type the path of ${f.name} on the host.`
            : `Cannot read where ${f.name} lives: use File ▸ Open… for it.`,
        );
        continue;
      }
      if (/\.zip$/i.test(path)) await openModel(path);
      else if (/\.(npz|cxi|h5|hdf5|nxs)$/i.test(path)) await openDataset(path);
      else app.notify('error', `${f.name}: not a dataset (.npz, .cxi, .h5) or model bundle (.zip)`);
    }
  }

  return { openDataset, openModel, saveModel, exportReconstruction, run, dropped, confirmReplaceUnsaved };
}
