/** Flags every command that opens a dataset accepts (CXI, Ptychodus, HDF5, NPZ; see compute/ptycho/data/formats). */
import type { FlagSpec, FlagValue } from './args';
import { CliError } from './args';
import type { OpenOptions } from '../ptycho/data/formats/index';

export const DATASET_FLAGS: readonly FlagSpec[] = [
  {
    name: 'diffraction_file',
    type: 'string',
    help: 'Ptychodus diffraction file (patterns, indexes, bad_pixels) paired with a product given as the dataset',
    metavar: 'FILE',
  },
  {
    name: 'diffraction_path',
    type: 'string',
    help: 'patterns dataset of a generic HDF5 file, e.g. /entry/data/data',
    metavar: 'PATH',
  },
  {
    name: 'positions_file',
    type: 'string',
    help: 'scan positions (CSV/TXT, x y per line) for --diffraction_path',
    metavar: 'FILE',
  },
  {
    name: 'positions_path',
    type: 'string',
    help: 'scan positions in the HDF5 file: /x,/y or one (M, 2) dataset',
    metavar: 'PATH',
  },
  {
    name: 'positions_unit',
    type: 'string',
    help: 'units of --positions_file/--positions_path',
    choices: ['px', 'm'],
    defaultText: 'px',
  },
  { name: 'probe_path', type: 'string', help: 'probe dataset of a generic HDF5 file', metavar: 'PATH' },
  { name: 'crop', type: 'int', help: 'centre-crop detector frames to N×N' },
  { name: 'bin', type: 'int', help: 'bin detector frames B×B (sum) before cropping' },
  {
    name: 'bad_pixels',
    type: 'string',
    help: 'masked detector pixels: refuse, or set to zero',
    choices: ['refuse', 'zero'],
    defaultText: 'refuse',
  },
  { name: 'energy_ev', type: 'number', help: 'photon energy (eV), when the file lacks it' },
  {
    name: 'detector_distance_m',
    type: 'number',
    help: 'sample–detector distance (m), when the file lacks it',
  },
  { name: 'detector_pixel_size_m', type: 'number', help: 'detector pixel size (m), when the file lacks it' },
];

export function openOptionsFromFlags(f: Record<string, FlagValue>): OpenOptions {
  const s = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  const n = (k: string): number | undefined => (typeof f[k] === 'number' ? (f[k] as number) : undefined);
  for (const k of ['crop', 'bin', 'energy_ev', 'detector_distance_m', 'detector_pixel_size_m']) {
    const v = n(k);
    if (v !== undefined && !(v > 0)) throw new CliError(`--${k}: expected a value > 0, got ${v}`);
  }
  const o: OpenOptions = {};
  if (s('diffraction_file')) o.diffractionFile = s('diffraction_file')!;
  if (s('diffraction_path')) o.diffractionPath = s('diffraction_path')!;
  if (s('positions_file')) o.positionsFile = s('positions_file')!;
  if (s('positions_path')) o.positionsPath = s('positions_path')!;
  if (s('positions_unit')) o.positionsUnit = s('positions_unit') as 'px' | 'm';
  if (s('probe_path')) o.probePath = s('probe_path')!;
  if (s('bad_pixels')) o.badPixels = s('bad_pixels') as 'refuse' | 'zero';
  if (n('crop')) o.crop = n('crop')!;
  if (n('bin')) o.bin = n('bin')!;
  if (n('energy_ev')) o.energyEV = n('energy_ev')!;
  if (n('detector_distance_m')) o.detectorDistanceM = n('detector_distance_m')!;
  if (n('detector_pixel_size_m')) o.detectorPixelSizeM = n('detector_pixel_size_m')!;
  return o;
}
