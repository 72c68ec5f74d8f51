/** `ptycho convert`: intensity → amplitude, legacy transpose, key renames (everything else kept). */
import { resolve } from 'node:path';
import type { Command } from '../command';
import { CliError } from '../args';
import { readNpz, writeNpz } from '../../io/npz';
import { isComplex, sizeOf, toFloat32, type AnyNdArray } from '../../io/ndarray';
import { rawDatasetToNpzArrays } from '../../ptycho/data/dataset';
import { openDataset, writeCxi } from '../../ptycho/data/formats/index';
import { completeGeometry } from '../../ptycho/data/formats/geometry';
import { DATASET_FLAGS, openOptionsFromFlags } from '../datasetFlags';
import { readRegularFileHead } from '../../io/safeFile';

function isZip(path: string): boolean {
  const b = readRegularFileHead(path, 2, { what: 'a dataset', error: CliError });
  return b[0] === 0x50 && b[1] === 0x4b;
}

export const convertCommand: Command = {
  name: 'convert',
  summary:
    'convert any dataset (CXI, Ptychodus, HDF5, NPZ) to a PtychoPINN NPZ or CXI; NPZ fixes: --sqrt, --transpose, --rename',
  description:
    'With an OUT.npz and an NPZ input: --sqrt (counts → amplitudes), --transpose (N,N,M → M,N,N), --rename old=new. ' +
    'Any other input (CXI, Ptychodus product with --diffraction_file, Ptychodus folder, HDF5 with --diffraction_path) ' +
    'is read by content and written as a PtychoPINN NPZ (geometry and conversion steps in _metadata); OUT.cxi writes CXI ' +
    '(intensities = amplitude², translations in metres; needs the geometry).',
  flags: [
    { name: 'output_file', type: 'string', help: 'output NPZ', required: true, metavar: 'FILE' },
    {
      name: 'sqrt',
      type: 'boolean',
      help: 'diffraction holds intensities/counts: store sqrt as float32 amplitudes',
    },
    { name: 'transpose', type: 'boolean', help: 'move the pattern axis first: (N, N, M) → (M, N, N)' },
    {
      name: 'rename',
      type: 'string',
      help: 'comma-separated old=new key renames, e.g. diff3d=diffraction',
      metavar: 'OLD=NEW,…',
    },
    {
      name: 'key',
      type: 'string',
      help: 'which array holds the patterns',
      defaultText: 'diffraction or diff3d',
    },
    ...DATASET_FLAGS,
  ],
  positionals: [{ name: 'input', help: 'input NPZ', required: true }],
  async run(args, io) {
    const f = args.flags;
    const input = resolve(args.positionals[0]!);
    const out = resolve(String(f.output_file));
    const npzFixes = Boolean(f.sqrt || f.transpose || f.rename || f.key);
    if (
      out.toLowerCase().endsWith('.cxi') ||
      (!npzFixes && !isZip(input)) ||
      DATASET_FLAGS.some((d) => f[d.name] !== undefined)
    ) {
      if (npzFixes)
        throw new CliError(
          '--sqrt, --transpose, --rename and --key fix NPZ files; other formats are converted by content',
        );
      const o = openOptionsFromFlags(f);
      const raw = await openDataset(input, { ...o, requireProbe: false });
      if (!raw.geometry && (o.energyEV || o.detectorDistanceM || o.detectorPixelSizeM)) {
        raw.geometry = {
          ...completeGeometry(
            {
              energyEV: o.energyEV,
              detectorDistanceM: o.detectorDistanceM,
              detectorPixelSizeM: o.detectorPixelSizeM,
            },
            raw.N,
          ),
          originXM: 0,
          originYM: 0,
        };
      }
      const steps = raw.conversion ?? [];
      if (out.toLowerCase().endsWith('.cxi')) writeCxi(out, raw);
      else
        writeNpz(out, rawDatasetToNpzArrays(raw), {
          compress: true,
          metadata: {
            ...(raw.metadata ?? {}),
            source_format: raw.format,
            geometry: raw.geometry ?? null,
            data_transformations: steps.map((step) => ({ tool: 'ptycho convert', step })),
          },
        });
      io.out(
        `wrote ${out} (${raw.M} patterns of ${raw.N}×${raw.N} from ${raw.format}${steps.length ? `; ${steps.join('; ')}` : ''})`,
      );
      return 0;
    }
    const z = readNpz(input);
    const arrays = new Map(z.arrays);
    if (typeof f.rename === 'string') {
      for (const pair of f.rename
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [from, to] = pair.split('=');
        if (!from || !to) throw new CliError(`--rename: expected old=new, got '${pair}'`);
        const a = arrays.get(from);
        if (!a)
          throw new CliError(`${input}: no key '${from}' to rename (keys: ${[...arrays.keys()].join(', ')})`);
        arrays.delete(from);
        arrays.set(to, a);
      }
    }
    const key = typeof f.key === 'string' ? f.key : arrays.has('diffraction') ? 'diffraction' : 'diff3d';
    let d = arrays.get(key);
    if ((f.sqrt || f.transpose) && !d) throw new CliError(`${input}: no key '${key}' with patterns`);
    if (d && f.transpose) {
      if (d.shape.length !== 3)
        throw new CliError(`${input}: key '${key}': expected 3-D, found (${d.shape.join(', ')})`);
      const [a, b, m] = d.shape as [number, number, number];
      const src = d;
      const n = sizeOf(d.shape);
      const comps = isComplex(d.dtype) ? 2 : 1;
      const out = new (src.data.constructor as new (n: number) => typeof src.data)(n * comps);
      for (let i = 0; i < a; i++)
        for (let j = 0; j < b; j++)
          for (let k = 0; k < m; k++)
            for (let c = 0; c < comps; c++)
              (out as unknown as number[])[((k * a + i) * b + j) * comps + c] = (
                src.data as unknown as number[]
              )[((i * b + j) * m + k) * comps + c]!;
      d = { dtype: src.dtype, shape: [m, a, b], data: out } as AnyNdArray;
      arrays.set(key, d);
    }
    if (d && f.sqrt) {
      if (isComplex(d.dtype))
        throw new CliError(`${input}: key '${key}' is complex; --sqrt expects real intensities`);
      const v = toFloat32(d);
      const out = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) {
        if (!(v[i]! >= 0))
          throw new CliError(
            `${input}: key '${key}': value ${v[i]} at index ${i} is negative or not finite; intensities must be ≥ 0`,
          );
        out[i] = Math.sqrt(v[i]!);
      }
      arrays.set(key, { dtype: 'float32', shape: d.shape, data: out });
    }
    const meta = { ...(z.metadata ?? {}) } as Record<string, unknown>;
    const steps = [
      f.sqrt ? 'sqrt (intensity → amplitude)' : null,
      f.transpose ? 'transpose (N,N,M) → (M,N,N)' : null,
      f.rename ? `rename ${String(f.rename)}` : null,
    ].filter(Boolean);
    meta.data_transformations = [
      ...((meta.data_transformations as unknown[]) ?? []),
      ...steps.map((s) => ({ tool: 'ptycho convert', step: s })),
    ];
    writeNpz(out, Object.fromEntries(arrays), { compress: true, metadata: meta });
    io.out(`wrote ${out}${steps.length ? ` (${steps.join('; ')})` : ''}`);
    return 0;
  },
};
