/**
 * CXI (Coherent X-ray Imaging Data Bank, spec 1.6): `/entry_1/data_1/data` intensities (M, H, W),
 * translations in metres (`/entry_1/data_1/translation` or `/entry_1/sample_1/geometry_1/translation`,
 * (M, 3) x, y, z), detector distance and pixel size in metres, source energy in joules, probe
 * at `/entry_1/instrument_1/source_1/illumination` (or `detector_1/probe`, `image_1/data`),
 * optional `detector_1/mask` (non-zero = bad pixel).
 */
import { H5Reader, writeHdf5, type H5Node } from '../../../io/hdf5';
import { DatasetError, type DatasetGeometry, type RawDataset } from '../dataset';
import { buildRaw, registerFormat, withGeometryFlags, type OpenOptions } from './registry';
import { probeForN, readFrames, readProbe } from './common';
import {
  completeGeometry,
  EV_J,
  formatLengthM,
  framesToAmplitudes,
  metresToPixels,
  originForScan,
} from './geometry';

const E = '/entry_1';
const DET = `${E}/instrument_1/detector_1`;
const SRC = `${E}/instrument_1/source_1`;
const DATA = [`${E}/data_1/data`, `${DET}/data`];
const TRANSLATION = [`${E}/data_1/translation`, `${E}/sample_1/geometry_1/translation`];
const PROBE = [`${SRC}/illumination`, `${DET}/probe`, `${E}/image_1/data`];

function first(r: H5Reader, paths: readonly string[]): string | null {
  return paths.find((p) => r.isDataset(p)) ?? null;
}

export function readCxi(file: string, o: OpenOptions): RawDataset {
  const r = H5Reader.open(file);
  try {
    const dataPath = first(r, DATA);
    if (!dataPath)
      throw new DatasetError(
        `${file}: dataset '${DATA[0]}' not found (CXI diffraction intensities, shape (M, H, W))`,
      );
    const conversion: string[] = [`read CXI '${dataPath}'`];
    const frames = readFrames(r, dataPath);
    const energyJ = r.scalar(`${SRC}/energy`);
    const px = r.scalar(`${DET}/x_pixel_size`);
    const py = r.scalar(`${DET}/y_pixel_size`);
    if (px && py && Math.abs(px - py) > 1e-6 * px)
      throw new DatasetError(
        `${file}: '${DET}/x_pixel_size' ${px} ≠ y_pixel_size ${py}: non-square detector pixels are not supported`,
      );
    const g: DatasetGeometry = withGeometryFlags(
      {
        ...(energyJ ? { energyEV: energyJ / EV_J } : {}),
        ...(r.scalar(`${DET}/distance`) ? { detectorDistanceM: r.scalar(`${DET}/distance`)! } : {}),
        ...(px ? { detectorPixelSizeM: px } : {}),
      },
      o,
    );
    let mask: Uint8Array | null = null;
    if (r.isDataset(`${DET}/mask`)) {
      const m = r.readReal(`${DET}/mask`, 'f64');
      if (m.data.length !== frames.H * frames.W)
        throw new DatasetError(
          `${file}: dataset '${DET}/mask': expected shape (${frames.H}, ${frames.W}) to match the frames, found (${m.shape.join(', ')})`,
        );
      mask = Uint8Array.from(m.data, (v) => (v !== 0 ? 1 : 0));
    }
    const { data, N } = framesToAmplitudes(file, dataPath, frames, true, o, g, conversion, mask);
    const tPath = first(r, TRANSLATION);
    if (!tPath)
      throw new DatasetError(
        `${file}: dataset '${TRANSLATION[0]}' not found (scan translations in metres, shape (${frames.M}, 3))`,
      );
    const t = r.readReal(tPath, 'f64');
    const cols = t.shape.length === 2 ? t.shape[1]! : 0;
    if (t.shape.length !== 2 || t.shape[0] !== frames.M || cols < 2)
      throw new DatasetError(
        `${file}: dataset '${tPath}': expected shape (${frames.M}, 3) (x, y, z in metres, one row per pattern), found (${t.shape.join(', ')})`,
      );
    const xM = Float64Array.from({ length: frames.M }, (_, i) => t.data[i * cols]!);
    const yM = Float64Array.from({ length: frames.M }, (_, i) => t.data[i * cols + 1]!);
    const geo = completeGeometry(g, N);
    if (!geo.objectPixelSizeM) {
      const missing = [
        !geo.energyEV && `${SRC}/energy`,
        !geo.detectorDistanceM && `${DET}/distance`,
        !geo.detectorPixelSizeM && `${DET}/x_pixel_size`,
      ]
        .filter(Boolean)
        .join(', ');
      throw new DatasetError(
        `${file}: cannot convert translations (m) to object pixels: missing ${missing} (or pass --energy_ev, --detector_distance_m, --detector_pixel_size_m)`,
      );
    }
    // Non-negative translations keep their origin (x_px = x_m / pixel); others are shifted so the scan starts N/2 + 1 px in.
    const shifted = xM.some((v) => v < 0) || yM.some((v) => v < 0);
    Object.assign(
      geo,
      shifted ? originForScan(xM, yM, geo.objectPixelSizeM, N) : { originXM: 0, originYM: 0 },
    );
    const pos = metresToPixels(xM, yM, geo);
    conversion.push(
      `translations m → object px: λ·z/(N·Δx) = ${formatLengthM(geo.objectPixelSizeM)} per pixel${shifted ? `, origin at (${formatLengthM(geo.originXM!)}, ${formatLengthM(geo.originYM!)})` : ''}`,
    );
    const probePath = first(r, PROBE);
    const probe = probePath
      ? probeForN(readProbe(r, probePath, conversion), N, probePath, conversion, {
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
        diffractionKey: dataPath,
        xPx: pos.x,
        yPx: pos.y,
        probe,
        geometry: geo,
        conversion,
      },
      o,
    );
  } finally {
    r.close();
  }
}

/**
 * Write a scan as CXI: intensities = amplitude², translations in metres. Needs the object
 * pixel size (geometry) to express positions in metres.
 */
export function writeCxi(file: string, raw: RawDataset): void {
  const g = raw.geometry;
  if (!g?.objectPixelSizeM)
    throw new DatasetError(
      `${raw.file}: writing CXI needs the physical geometry (object pixel size) to put translations in metres; pass --energy_ev, --detector_distance_m and --detector_pixel_size_m`,
    );
  const px = g.objectPixelSizeM;
  const ox = g.originXM ?? 0;
  const oy = g.originYM ?? 0;
  const intensity = Float32Array.from(raw.diffraction, (a) => a * a);
  const t = new Float64Array(raw.M * 3);
  for (let i = 0; i < raw.M; i++) {
    t[3 * i] = ox + raw.xcoords[i]! * px;
    t[3 * i + 1] = oy + raw.ycoords[i]! * px;
  }
  const nodes: H5Node[] = [
    { path: '/cxi_version', data: { kind: 'i64', shape: [], data: BigInt64Array.of(160n) } },
    { path: E },
    { path: `${E}/instrument_1` },
    { path: SRC },
    { path: DET },
    { path: `${E}/sample_1` },
    { path: `${E}/sample_1/geometry_1` },
    { path: `${E}/data_1` },
    {
      path: `${E}/data_1/data`,
      data: { kind: 'f32', shape: [raw.M, raw.N, raw.N], data: intensity },
      compress: true,
      attrs: { units: 'intensity (amplitude² of the PtychoPINN scan)' },
    },
    {
      path: `${E}/data_1/translation`,
      data: { kind: 'f64', shape: [raw.M, 3], data: t },
      attrs: { units: 'm' },
    },
    {
      path: `${E}/sample_1/geometry_1/translation`,
      data: { kind: 'f64', shape: [raw.M, 3], data: t },
      attrs: { units: 'm' },
    },
  ];
  if (g.energyEV)
    nodes.push({
      path: `${SRC}/energy`,
      data: { kind: 'f64', shape: [], data: Float64Array.of(g.energyEV * EV_J) },
      attrs: { units: 'J' },
    });
  if (g.detectorDistanceM)
    nodes.push({
      path: `${DET}/distance`,
      data: { kind: 'f64', shape: [], data: Float64Array.of(g.detectorDistanceM) },
      attrs: { units: 'm' },
    });
  if (g.detectorPixelSizeM) {
    nodes.push({
      path: `${DET}/x_pixel_size`,
      data: { kind: 'f64', shape: [], data: Float64Array.of(g.detectorPixelSizeM) },
      attrs: { units: 'm' },
    });
    nodes.push({
      path: `${DET}/y_pixel_size`,
      data: { kind: 'f64', shape: [], data: Float64Array.of(g.detectorPixelSizeM) },
      attrs: { units: 'm' },
    });
  }
  if (raw.probe)
    nodes.push({
      path: `${SRC}/illumination`,
      data: { kind: 'c64', shape: [raw.N, raw.N], re: raw.probe.re, im: raw.probe.im },
    });
  writeHdf5(file, nodes);
}

registerFormat({
  name: 'cxi',
  label: 'CXI (Coherent X-ray Imaging)',
  extensions: ['.cxi'],
  detect: (s) => s.kind === 'hdf5' && s.keys.includes('entry_1'),
  open: readCxi,
});
