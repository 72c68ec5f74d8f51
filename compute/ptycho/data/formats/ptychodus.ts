/**
 * Ptychodus files (layout: docs of ptychodus `plugins/h5_product_file.py`, `npz_product_file.py`,
 * assembled `diffraction.h5`): a *product* (positions in metres with their pattern indexes,
 * probe, object with pixel size and centre, metadata, losses) and a *diffraction file*
 * (`patterns` counts (M, H, W), `indexes`, `bad_pixels`). Patterns pair with positions by index
 * (Ptychodus' matcher). A folder in Ptychodus' standard layout holds `diffraction.h5` +
 * `product-in.h5`.
 *
 * World ↔ object pixels (Ptychodus ObjectGeometry): x_px = (x_m − center_x_m) / pixel + W/2.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpz } from '../../../io/npz';
import { isComplex, toComplexSplit, toFloat64, type AnyNdArray } from '../../../io/ndarray';
import { H5Reader, writeHdf5, type H5Node } from '../../../io/hdf5';
import { DatasetError, type ComplexImage, type DatasetGeometry, type RawDataset } from '../dataset';
import { buildRaw, registerFormat, sniff, withGeometryFlags, type OpenOptions } from './registry';
import { probeForN, readFrames } from './common';
import { formatLengthM, framesToAmplitudes, wavelengthM, type Frames } from './geometry';

export interface PtychodusProduct {
  name: string;
  comments: string;
  detectorDistanceM: number;
  probeEnergyEV: number;
  probePhotonCount: number;
  exposureTimeS: number;
  massAttenuationM2Kg: number;
  positionIndexes: Float64Array;
  positionXM: Float64Array;
  positionYM: Float64Array;
  /** Probe as stored, e.g. (C, I, H, W) or (H, W); split complex. */
  probe: { shape: number[]; re: Float32Array; im: Float32Array };
  probePixelWidthM: number;
  probePixelHeightM: number;
  /** Object (L, H, W) split complex. */
  object: { shape: number[]; re: Float32Array; im: Float32Array };
  objectCenterXM: number;
  objectCenterYM: number;
  objectPixelWidthM: number;
  objectPixelHeightM: number;
  objectLayerSpacingM: Float64Array;
  lossEpochs: Float64Array;
  lossValues: Float64Array;
  /** Extra root attributes found (or to write), e.g. the units flag. */
  extraAttrs: Record<string, number | string>;
}

const META: [keyof PtychodusProduct, string][] = [
  ['detectorDistanceM', 'detector_object_distance_m'],
  ['probeEnergyEV', 'probe_energy_eV'],
  ['probePhotonCount', 'probe_photon_count'],
  ['exposureTimeS', 'exposure_time_s'],
  ['massAttenuationM2Kg', 'mass_attenuation_m2_kg'],
];

function need(file: string, cond: boolean, path: string, what: string): void {
  if (!cond) throw new DatasetError(`${file}: ${path}: ${what}`);
}

function checkProduct(file: string, p: PtychodusProduct): PtychodusProduct {
  const M = p.positionXM.length;
  need(
    file,
    p.positionYM.length === M && p.positionIndexes.length === M,
    'probe_position_y_m / probe_position_indexes',
    `expected ${M} values to match probe_position_x_m, found ${p.positionYM.length} and ${p.positionIndexes.length}`,
  );
  need(
    file,
    p.object.shape.length === 3 || p.object.shape.length === 2,
    'object',
    `expected complex (L, H, W), found shape (${p.object.shape.join(', ')})`,
  );
  if (p.object.shape.length === 2) p.object.shape = [1, ...p.object.shape];
  need(
    file,
    p.probe.shape.length >= 2 && p.probe.shape.length <= 4,
    'probe',
    `expected complex (C, I, H, W), (I, H, W) or (H, W), found shape (${p.probe.shape.join(', ')})`,
  );
  return p;
}

/** Read a Ptychodus product HDF5 file. */
export function readProductH5(file: string): PtychodusProduct {
  const r = H5Reader.open(file);
  try {
    for (const k of [
      'probe_position_x_m',
      'probe_position_y_m',
      'probe_position_indexes',
      'probe',
      'object',
    ]) {
      if (!r.isDataset(`/${k}`))
        throw new DatasetError(`${file}: dataset '/${k}' not found (Ptychodus product layout)`);
    }
    const num = (path: string, name: string): number => Number(r.attr(path, name) ?? 0);
    const vec = (p: string): Float64Array =>
      r.isDataset(p) ? (r.readReal(p, 'f64').data as Float64Array) : new Float64Array(0);
    const probe = r.readComplex('/probe');
    const object = r.readComplex('/object');
    const meta = Object.fromEntries(META.map(([k, a]) => [k, num('/', a)]));
    const known = new Set(['name', 'comments', ...META.map(([, a]) => a)]);
    const extraAttrs = Object.fromEntries(
      r
        .attrNames('/')
        .filter((a) => !known.has(a))
        .map((a) => [a, r.attr('/', a) ?? '']),
    );
    return checkProduct(file, {
      name: String(r.attr('/', 'name') ?? ''),
      comments: String(r.attr('/', 'comments') ?? ''),
      ...(meta as Pick<
        PtychodusProduct,
        'detectorDistanceM' | 'probeEnergyEV' | 'probePhotonCount' | 'exposureTimeS' | 'massAttenuationM2Kg'
      >),
      positionIndexes: vec('/probe_position_indexes'),
      positionXM: vec('/probe_position_x_m'),
      positionYM: vec('/probe_position_y_m'),
      probe,
      probePixelWidthM: num('/probe', 'pixel_width_m'),
      probePixelHeightM: num('/probe', 'pixel_height_m'),
      object,
      objectCenterXM: num('/object', 'center_x_m'),
      objectCenterYM: num('/object', 'center_y_m'),
      objectPixelWidthM: num('/object', 'pixel_width_m'),
      objectPixelHeightM: num('/object', 'pixel_height_m'),
      objectLayerSpacingM: vec('/object_layer_spacing_m'),
      lossEpochs: vec('/loss_epochs'),
      lossValues: r.isDataset('/loss_values') ? vec('/loss_values') : vec('/costs'),
      extraAttrs,
    });
  } finally {
    r.close();
  }
}

/** Read a Ptychodus product NPZ (the same names, flattened). */
export function readProductNpz(file: string): PtychodusProduct {
  const z = readNpz(file);
  const get = (k: string): AnyNdArray | undefined => z.arrays.get(k);
  for (const k of ['probe_position_x_m', 'probe_position_y_m', 'probe_position_indexes', 'probe', 'object']) {
    if (!get(k)) throw new DatasetError(`${file}: key '${k}' not found (Ptychodus product NPZ)`);
  }
  const vec = (k: string): Float64Array => {
    const a = get(k);
    if (!a) return new Float64Array(0);
    if (isComplex(a.dtype))
      throw new DatasetError(`${file}: key '${k}': expected real numbers, found ${a.dtype}`);
    return toFloat64(a);
  };
  const num = (k: string): number => vec(k)[0] ?? 0;
  const cplx = (k: string): PtychodusProduct['probe'] => ({
    shape: get(k)!.shape,
    ...toComplexSplit(get(k)!),
  });
  return checkProduct(file, {
    name: '',
    comments: '',
    detectorDistanceM: num('detector_object_distance_m'),
    probeEnergyEV: num('probe_energy_eV'),
    probePhotonCount: num('probe_photon_count'),
    exposureTimeS: num('exposure_time_s'),
    massAttenuationM2Kg: num('mass_attenuation_m2_kg'),
    positionIndexes: vec('probe_position_indexes'),
    positionXM: vec('probe_position_x_m'),
    positionYM: vec('probe_position_y_m'),
    probe: cplx('probe'),
    probePixelWidthM: num('probe_pixel_width_m'),
    probePixelHeightM: num('probe_pixel_height_m'),
    object: cplx('object'),
    objectCenterXM: num('object_center_x_m'),
    objectCenterYM: num('object_center_y_m'),
    objectPixelWidthM: num('object_pixel_width_m'),
    objectPixelHeightM: num('object_pixel_height_m'),
    objectLayerSpacingM: vec('object_layer_spacing_m'),
    lossEpochs: vec('loss_epochs'),
    lossValues: get('loss_values') ? vec('loss_values') : vec('costs'),
    extraAttrs: {},
  });
}

export function readProduct(file: string): PtychodusProduct {
  return sniff(file).kind === 'hdf5' ? readProductH5(file) : readProductNpz(file);
}

/** Write a product in Ptychodus' HDF5 layout (atomic). */
export function writeProductH5(file: string, p: PtychodusProduct): void {
  const f64 = (d: Float64Array): { kind: 'f64'; shape: number[]; data: Float64Array } => ({
    kind: 'f64',
    shape: [d.length],
    data: d,
  });
  const nodes: H5Node[] = [
    {
      path: '/probe_position_indexes',
      data: {
        kind: 'i64',
        shape: [p.positionIndexes.length],
        data: BigInt64Array.from(p.positionIndexes, (v) => BigInt(Math.round(v))),
      },
    },
    { path: '/probe_position_x_m', data: f64(p.positionXM) },
    { path: '/probe_position_y_m', data: f64(p.positionYM) },
    {
      path: '/probe',
      data: { kind: 'c64', shape: p.probe.shape, re: p.probe.re, im: p.probe.im },
      attrs: { pixel_width_m: p.probePixelWidthM, pixel_height_m: p.probePixelHeightM },
    },
    {
      path: '/object',
      data: { kind: 'c64', shape: p.object.shape, re: p.object.re, im: p.object.im },
      compress: true,
      attrs: {
        center_x_m: p.objectCenterXM,
        center_y_m: p.objectCenterYM,
        pixel_width_m: p.objectPixelWidthM,
        pixel_height_m: p.objectPixelHeightM,
      },
    },
    { path: '/object_layer_spacing_m', data: f64(p.objectLayerSpacingM) },
    {
      path: '/loss_epochs',
      data: {
        kind: 'i64',
        shape: [p.lossEpochs.length],
        data: BigInt64Array.from(p.lossEpochs, (v) => BigInt(Math.round(v))),
      },
    },
    { path: '/loss_values', data: f64(p.lossValues) },
  ];
  const attrs: Record<string, number | string> = { name: p.name, comments: p.comments, ...p.extraAttrs };
  for (const [k, a] of META) attrs[a] = p[k] as number;
  writeHdf5(file, nodes, attrs);
}

interface DiffractionData {
  frames: Frames;
  indexes: Float64Array;
  mask: Uint8Array | null;
  where: string;
}

/** Ptychodus diffraction file (HDF5 or NPZ): `patterns` (M, H, W), `indexes` (M,), optional `bad_pixels` (H, W). */
export function readDiffractionFile(file: string): DiffractionData {
  if (!existsSync(file)) throw new DatasetError(`${file}: diffraction file not found`);
  if (sniff(file).kind === 'hdf5') {
    const r = H5Reader.open(file);
    try {
      if (!r.isDataset('/patterns'))
        throw new DatasetError(
          `${file}: dataset '/patterns' not found (Ptychodus diffraction file: patterns (M, H, W), indexes (M,))`,
        );
      const frames = readFrames(r, '/patterns');
      const indexes = r.isDataset('/indexes')
        ? (r.readReal('/indexes', 'f64').data as Float64Array)
        : Float64Array.from({ length: frames.M }, (_, i) => i);
      if (indexes.length !== frames.M)
        throw new DatasetError(
          `${file}: dataset '/indexes': expected shape (${frames.M},) to match '/patterns', found (${indexes.length})`,
        );
      let mask: Uint8Array | null = null;
      if (r.isDataset('/bad_pixels')) {
        const b = r.readReal('/bad_pixels', 'f64');
        if (b.data.length !== frames.H * frames.W)
          throw new DatasetError(
            `${file}: dataset '/bad_pixels': expected shape (${frames.H}, ${frames.W}), found (${b.shape.join(', ')})`,
          );
        mask = Uint8Array.from(b.data, (v) => (v ? 1 : 0));
      }
      return { frames, indexes, mask, where: '/patterns' };
    } finally {
      r.close();
    }
  }
  const z = readNpz(file);
  const p = z.arrays.get('patterns');
  if (!p)
    throw new DatasetError(
      `${file}: key 'patterns' not found (Ptychodus diffraction NPZ: patterns, indexes, bad_pixels)`,
    );
  if (p.shape.length !== 3 || isComplex(p.dtype))
    throw new DatasetError(
      `${file}: key 'patterns': expected real (M, H, W), found ${p.dtype} (${p.shape.join(', ')})`,
    );
  const [M, H, W] = p.shape as [number, number, number];
  const frames: Frames = { data: Float32Array.from(toFloat64(p)), M, H, W };
  const ia = z.arrays.get('indexes');
  const indexes = ia ? toFloat64(ia) : Float64Array.from({ length: M }, (_, i) => i);
  if (indexes.length !== M)
    throw new DatasetError(
      `${file}: key 'indexes': expected shape (${M},) to match 'patterns', found (${indexes.length})`,
    );
  const ba = z.arrays.get('bad_pixels');
  const mask = ba ? Uint8Array.from(toFloat64(ba), (v) => (v ? 1 : 0)) : null;
  return { frames, indexes, mask, where: 'patterns' };
}

/** A product + its diffraction file → RawDataset (positions in object pixels of the product's object). */
export function productToRaw(productFile: string, diffractionFile: string, o: OpenOptions): RawDataset {
  const p = readProduct(productFile);
  const d = readDiffractionFile(diffractionFile);
  const conversion = [`Ptychodus product ${productFile} + diffraction ${diffractionFile}`];
  // Pair by index (Ptychodus' matcher): keep patterns whose index has a position.
  const posOf = new Map<number, number>();
  p.positionIndexes.forEach((ix, i) => posOf.set(ix, i));
  const keep: number[] = [];
  d.indexes.forEach((ix, m) => {
    if (posOf.has(ix)) keep.push(m);
  });
  if (keep.length === 0)
    throw new DatasetError(
      `${diffractionFile}: no pattern index matches a probe_position_indexes entry of ${productFile}`,
    );
  if (keep.length < d.frames.M)
    conversion.push(`${d.frames.M - keep.length} patterns without a position dropped (paired by index)`);
  const { H, W } = d.frames;
  const sel = new Float32Array(keep.length * H * W);
  keep.forEach((m, k) => sel.set(d.frames.data.subarray(m * H * W, (m + 1) * H * W), k * H * W));
  const M = keep.length;
  const g: DatasetGeometry = withGeometryFlags(
    {
      ...(p.probeEnergyEV > 0
        ? { energyEV: p.probeEnergyEV, wavelengthM: wavelengthM(p.probeEnergyEV) }
        : {}),
      ...(p.detectorDistanceM > 0 ? { detectorDistanceM: p.detectorDistanceM } : {}),
    },
    o,
  );
  const { data, N } = framesToAmplitudes(
    diffractionFile,
    d.where,
    { data: sel, M, H, W },
    true,
    o,
    g,
    conversion,
    d.mask,
  );
  const dx = p.objectPixelWidthM;
  if (!(dx > 0))
    throw new DatasetError(
      `${productFile}: object attribute 'pixel_width_m' is ${dx}: positions in metres cannot be converted to object pixels`,
    );
  const [, OH, OW] = p.object.shape as [number, number, number];
  const originXM = p.objectCenterXM - (OW / 2) * dx;
  const originYM = p.objectCenterYM - (OH / 2) * (p.objectPixelHeightM || dx);
  const xPx = Float64Array.from(keep, (m) => (p.positionXM[posOf.get(d.indexes[m]!)!]! - originXM) / dx);
  const yPx = Float64Array.from(
    keep,
    (m) => (p.positionYM[posOf.get(d.indexes[m]!)!]! - originYM) / (p.objectPixelHeightM || dx),
  );
  conversion.push(`positions m → object px with the product's object pixel ${formatLengthM(dx)} and centre`);
  if (p.object.shape[0]! > 1) conversion.push(`object: layer 0 of ${p.object.shape[0]} kept`);
  const probeHW = p.probe.shape.slice(-2) as [number, number];
  const probe: ComplexImage = {
    re: p.probe.re.slice(0, probeHW[0] * probeHW[1]),
    im: p.probe.im.slice(0, probeHW[0] * probeHW[1]),
    height: probeHW[0],
    width: probeHW[1],
  };
  if (p.probe.re.length > probe.re.length)
    conversion.push(`probe: first of ${p.probe.re.length / probe.re.length} modes kept`);
  const objectGuess: ComplexImage = {
    re: p.object.re.slice(0, OH * OW),
    im: p.object.im.slice(0, OH * OW),
    height: OH,
    width: OW,
  };
  const geometry: DatasetGeometry = { ...g, objectPixelSizeM: dx, originXM, originYM };
  if (g.wavelengthM && g.detectorDistanceM && !g.detectorPixelSizeM)
    geometry.detectorPixelSizeM = (g.wavelengthM * g.detectorDistanceM) / (N * dx);
  return buildRaw(
    diffractionFile,
    {
      diffraction: data,
      M,
      N,
      diffractionKey: d.where,
      xPx,
      yPx,
      probe: probeForN(probe, N, 'probe', conversion, { H, W, bin: o.bin ?? 1 }),
      objectGuess,
      geometry,
      conversion,
    },
    o,
  );
}

const isProductKeys = (keys: string[]): boolean =>
  keys.includes('probe_position_x_m') && keys.includes('object');

registerFormat({
  name: 'ptychodus-folder',
  label: 'Ptychodus folder (diffraction.h5 + product-in.h5)',
  extensions: [],
  detect: (s) => s.kind === 'dir' && s.keys.includes('diffraction.h5'),
  open: (dir, o) => {
    const product = ['product-in.h5', 'product-out.h5'].map((f) => join(dir, f)).find((f) => existsSync(f));
    if (!product)
      throw new DatasetError(`${dir}: has diffraction.h5 but no product-in.h5 (Ptychodus standard layout)`);
    return productToRaw(product, join(dir, 'diffraction.h5'), o);
  },
});

/** A Ptychodus product or diffraction file opened without its partner: which one is missing. */
export class PairingNeededError extends DatasetError {
  constructor(
    message: string,
    readonly needs: 'diffraction' | 'product',
  ) {
    super(message);
  }
}

registerFormat({
  name: 'ptychodus-product',
  label: 'Ptychodus product (HDF5 or NPZ) with its diffraction file',
  extensions: ['.h5', '.hdf5'],
  detect: (s) => (s.kind === 'hdf5' || s.kind === 'zip') && isProductKeys(s.keys),
  open: (file, o) => {
    if (!o.diffractionFile)
      throw new PairingNeededError(
        `${file}: a Ptychodus product holds positions, probe and object but no patterns: pair it with its diffraction file (--diffraction_file diffraction.h5)`,
        'diffraction',
      );
    return productToRaw(file, o.diffractionFile, o);
  },
});

registerFormat({
  name: 'ptychodus-diffraction',
  label: 'Ptychodus diffraction file with its product',
  extensions: [],
  detect: (s) =>
    (s.kind === 'hdf5' || s.kind === 'zip') && s.keys.includes('patterns') && !s.keys.includes('diffraction'),
  open: (file) => {
    throw new PairingNeededError(
      `${file}: a Ptychodus diffraction file has patterns but no positions: open its product instead, with --diffraction_file ${file}`,
      'product',
    );
  },
});
