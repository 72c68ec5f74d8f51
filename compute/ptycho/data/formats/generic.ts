/**
 * Generic HDF5 (beamline files, e.g. `/entry/data/data` of APS 2-ID or cSAXS): patterns at
 * `--diffraction_path` (counts unless the values are already non-integer amplitudes… counts are
 * assumed: raw detector data), positions from `--positions_file` (CSV/TXT) or
 * `--positions_path` (`/x,/y` datasets or one (M, 2) dataset, columns x, y), in px or metres.
 */
import { H5Reader } from '../../../io/hdf5';
import { DatasetError, type DatasetGeometry, type RawDataset } from '../dataset';
import { buildRaw, registerFormat, withGeometryFlags, type OpenOptions } from './registry';
import { probeForN, readFrames, readPositionsText, readProbe } from './common';
import { completeGeometry, formatLengthM, framesToAmplitudes, metresToPixels } from './geometry';

function positionsFromFile(r: H5Reader, spec: string, M: number): { x: Float64Array; y: Float64Array } {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length === 2) {
    const [x, y] = parts.map((p) => r.readReal(p!, 'f64').data as Float64Array);
    for (const [p, v] of [
      [parts[0]!, x!],
      [parts[1]!, y!],
    ] as const)
      if (v.length !== M)
        throw new DatasetError(
          `${r.file}: dataset '${p}': expected shape (${M},) to match the ${M} patterns, found (${v.length})`,
        );
    return { x: x!, y: y! };
  }
  const a = r.readReal(spec, 'f64');
  if (a.shape.length !== 2 || a.shape[0] !== M || a.shape[1]! < 2)
    throw new DatasetError(
      `${r.file}: dataset '${spec}': expected shape (${M}, 2) (x, y per pattern), found (${a.shape.join(', ')})`,
    );
  const c = a.shape[1]!;
  return {
    x: Float64Array.from({ length: M }, (_, i) => a.data[i * c]!),
    y: Float64Array.from({ length: M }, (_, i) => a.data[i * c + 1]!),
  };
}

export function readGenericHdf5(file: string, o: OpenOptions): RawDataset {
  const path = o.diffractionPath!;
  const r = H5Reader.open(file);
  try {
    if (!r.isDataset(path))
      throw new DatasetError(
        `${file}: dataset '${path}' not found (--diffraction_path; root keys: ${r.keys('/').join(', ')})`,
      );
    const conversion = [`read HDF5 '${path}'`];
    const frames = readFrames(r, path);
    const g: DatasetGeometry = withGeometryFlags({}, o);
    const { data, N } = framesToAmplitudes(file, path, frames, true, o, g, conversion);
    if (!o.positionsFile && !o.positionsPath)
      throw new DatasetError(
        `${file}: no scan positions: give --positions_file FILE.csv (x y per line) or --positions_path /x,/y`,
      );
    const pos = o.positionsFile
      ? readPositionsText(o.positionsFile, frames.M)
      : positionsFromFile(r, o.positionsPath!, frames.M);
    const geo = completeGeometry(g, N);
    let x = pos.x;
    let y = pos.y;
    if (o.positionsUnit === 'm') {
      if (!geo.objectPixelSizeM)
        throw new DatasetError(
          `${file}: positions in metres need --energy_ev, --detector_distance_m and --detector_pixel_size_m to convert to object pixels`,
        );
      geo.originXM = 0;
      geo.originYM = 0;
      ({ x, y } = metresToPixels(pos.x, pos.y, geo));
      conversion.push(
        `positions m → object px: λ·z/(N·Δx) = ${formatLengthM(geo.objectPixelSizeM)} per pixel`,
      );
    } else if (geo.objectPixelSizeM) {
      geo.originXM = 0;
      geo.originYM = 0;
    }
    const probe = o.probePath
      ? probeForN(readProbe(r, o.probePath, conversion), N, o.probePath, conversion, {
          H: frames.H,
          W: frames.W,
          bin: o.bin ?? 1,
        })
      : null;
    return buildRaw(
      file,
      {
        diffraction: data,
        M: frames.M,
        N,
        diffractionKey: path,
        xPx: x,
        yPx: y,
        probe,
        geometry: Object.keys(geo).length ? geo : null,
        conversion,
      },
      o,
    );
  } finally {
    r.close();
  }
}

registerFormat({
  name: 'hdf5',
  label: 'HDF5 with --diffraction_path',
  extensions: ['.h5', '.hdf5', '.nxs'],
  detect: (s, o) => s.kind === 'hdf5' && typeof o.diffractionPath === 'string',
  open: readGenericHdf5,
});
