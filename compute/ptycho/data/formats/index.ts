/**
 * All dataset readers, registered in the order they are tried: an explicit --diffraction_path
 * first, then Ptychodus folders and files, CXI, and PtychoPINN NPZ.
 */
import { readNpz } from '../../../io/npz';
import { rawDatasetFromNpz, setDatasetOpener } from '../dataset';
import { openDatasetSync, registerFormat } from './registry';
import { hdf5Ready } from '../../../io/hdf5';
import './generic';
import './ptychodus';
import './cxi';

registerFormat({
  name: 'ptychopinn-npz',
  label: 'PtychoPINN NPZ',
  extensions: ['.npz'],
  detect: (s) => s.kind === 'zip',
  open: (file, o) => {
    const raw = rawDatasetFromNpz(readNpz(file), file, o);
    raw.conversion = [];
    raw.geometry = null;
    return raw;
  },
});

// loadRawDataset(path) of existing callers reaches every reader (HDF5 ones once initHdf5 ran).
setDatasetOpener((path, o) => {
  if (!hdf5Ready())
    throw new Error(`${path}: not an NPZ; HDF5 datasets are opened with await openDataset(path)`);
  return openDatasetSync(path, o);
});

export {
  openDataset,
  openDatasetSync,
  datasetFormats,
  datasetExtensions,
  type OpenOptions,
} from './registry';
export { writeCxi } from './cxi';
export { readProduct, writeProductH5, type PtychodusProduct } from './ptychodus';
