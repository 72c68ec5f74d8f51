/** `ptycho inspect FILE`: a readable summary of any NPZ (or a wts.h5.zip model bundle). */
import { resolve } from 'node:path';
import type { Command } from '../command';
import { CliError } from '../args';
import { readNpz } from '../../io/npz';
import { isComplex, sizeOf, toComplexSplit, toFloat64, type AnyNdArray } from '../../io/ndarray';
import { amplitude, phase } from '../../numerics/complex';
import { inspectBundle } from '../../ptycho/bundle/bundle';
import { datasetSummary, rawDatasetFromNpz, type RawDataset } from '../../ptycho/data/dataset';
import { openDataset, readProduct } from '../../ptycho/data/formats/index';
import { formatLengthM } from '../../ptycho/data/formats/geometry';
import { PIXEL_SIZE_UNKNOWN } from '../../ptycho/data/units';
import { DATASET_FLAGS, openOptionsFromFlags } from '../datasetFlags';
import { checkRegularFile, readRegularFileHead } from '../../io/safeFile';

function physical(raw: RawDataset, out: (s: string) => void): void {
  const g = raw.geometry;
  out(`  format        ${raw.format ?? 'ptychopinn-npz'}`);
  if (g?.objectPixelSizeM) {
    out(
      `  geometry      object pixel ${formatLengthM(g.objectPixelSizeM)}${g.energyEV ? `, ${(g.energyEV / 1000).toPrecision(4)} keV` : ''}${g.detectorDistanceM ? `, detector ${formatLengthM(g.detectorDistanceM)} away` : ''}${g.detectorPixelSizeM ? `, ${formatLengthM(g.detectorPixelSizeM)} pixels` : ''}`,
    );
  } else out(`  geometry      ${PIXEL_SIZE_UNKNOWN}`);
  for (const c of raw.conversion ?? []) out(`  conversion    ${c}`);
}

function stats(a: AnyNdArray): string {
  const n = sizeOf(a.shape);
  if (n === 0) return 'empty';
  if (isComplex(a.dtype)) {
    const { re, im } = toComplexSplit(a);
    const amp = amplitude(re, im, new Float64Array(n));
    const ph = phase(re, im, new Float64Array(n));
    let amin = Infinity;
    let amax = 0;
    let pmin = Infinity;
    let pmax = -Infinity;
    for (let i = 0; i < n; i++) {
      amin = Math.min(amin, amp[i]!);
      amax = Math.max(amax, amp[i]!);
      pmin = Math.min(pmin, ph[i]!);
      pmax = Math.max(pmax, ph[i]!);
    }
    return `|z| ${fmt(amin)} … ${fmt(amax)}, phase ${fmt(pmin)} … ${fmt(pmax)} rad`;
  }
  const v = toFloat64(a);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let bad = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) {
      bad++;
      continue;
    }
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
  }
  return `${fmt(min)} … ${fmt(max)}, mean ${fmt(sum / (n - bad))}${bad ? `, ${bad} non-finite` : ''}`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(3);
  return Number(x.toPrecision(5)).toString();
}

async function inspectModel(path: string, out: (s: string) => void): Promise<void> {
  const s = await inspectBundle(path);
  const c = s.config as {
    model?: Record<string, unknown>;
    nepochs?: number;
    batch_size?: number;
    nphotons?: number;
    n_groups?: number;
  };
  out(`${path}: Ptycho Workstation model bundle (${(s.bytes / 2 ** 20).toFixed(1)} MiB)`);
  out(
    `  format        ${s.manifest.format} ${s.manifest.version}, backend ${s.manifest.backend}, app ${s.manifest.app_version}, created ${s.manifest.created}`,
  );
  out(
    `  models        ${s.models.map((m) => `${m.name} (${(m.onnxBytes / 2 ** 20).toFixed(1)} MiB ONNX)`).join(', ')}`,
  );
  out(
    `  network       N ${s.N}, gridsize ${s.gridsize}, n_filters_scale ${String(c.model?.n_filters_scale)}, amp ${String(c.model?.amp_activation)}, object_big ${String(c.model?.object_big)}, probe_big ${String(c.model?.probe_big)}`,
  );
  out(
    `  training      ${s.epochs} epochs (nepochs ${String(c.nepochs)}, batch ${String(c.batch_size)}, n_groups ${String(c.n_groups)}, nphotons ${String(c.nphotons)})`,
  );
  out(`  final loss    ${s.finalLoss ?? 'n/a'}  val_loss ${s.finalValLoss ?? 'n/a'}`);
  out(`  intensity     scale ${fmt(s.intensityScale)}`);
  out(
    `  resumable     ${s.hasTrainingState ? 'yes (weights in training_state/params.safetensors)' : s.trainingStateError ? `no: training_state/params.safetensors is unusable (${s.trainingStateError})` : 'no'}`,
  );
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'summarise an NPZ scan or a wts.h5.zip model bundle',
  flags: [...DATASET_FLAGS],
  positionals: [
    { name: 'file', help: 'NPZ, CXI, Ptychodus product/folder, HDF5 or wts.h5.zip', required: true },
  ],
  async run(args, io) {
    const path = resolve(args.positionals[0]!);
    const st = checkRegularFile(path, {
      what: 'a scan or model bundle',
      allowDirectory: true,
      error: CliError,
    });
    const isDir = st.isDirectory();
    const head = isDir ? new Uint8Array(0) : readRegularFileHead(path, 4, { error: CliError });
    if (isDir || (head.length === 4 && !(head[0] === 0x50 && head[1] === 0x4b))) {
      let raw: RawDataset;
      try {
        raw = await openDataset(path, { ...openOptionsFromFlags(args.flags), requireProbe: false });
      } catch (e) {
        // A Ptychodus product alone (e.g. product-out.h5) is summarised as a product.
        const p = (() => {
          try {
            return readProduct(path);
          } catch {
            return null;
          }
        })();
        if (!p) throw e;
        const [L, H, W] = p.object.shape;
        io.out(`${path}: Ptychodus product '${p.name}'`);
        io.out(`  positions     ${p.positionXM.length} (m)`);
        io.out(
          `  object        ${L} layer(s) ${H}×${W}, pixel ${formatLengthM(p.objectPixelWidthM)}, centre (${formatLengthM(p.objectCenterXM)}, ${formatLengthM(p.objectCenterYM)})`,
        );
        io.out(`  probe         (${p.probe.shape.join(', ')}), pixel ${formatLengthM(p.probePixelWidthM)}`);
        io.out(`  losses        ${p.lossValues.length} epochs`);
        for (const [k, v] of Object.entries(p.extraAttrs)) io.out(`  ${k.padEnd(13)} ${v}`);
        return 0;
      }
      const s = datasetSummary(raw);
      io.out(`${path}`);
      io.out('scan:');
      io.out(`  patterns      ${s.patterns} of ${s.N}×${s.N} ('${s.diffractionKey}')`);
      io.out(
        `  extent        x ${fmt(s.scanExtent.xmin)} … ${fmt(s.scanExtent.xmax)}, y ${fmt(s.scanExtent.ymin)} … ${fmt(s.scanExtent.ymax)} px; median step ${fmt(s.medianStepPx)} px`,
      );
      io.out(
        `  amplitudes    max ${fmt(s.amplitudeMax)}; mean Σ amplitude² per pattern ${fmt(s.meanIntensitySum)}`,
      );
      io.out(
        `  probe         ${s.hasProbe ? 'yes' : 'MISSING (needed to train)'}; object ${s.objectShape ? `${s.objectShape[0]}×${s.objectShape[1]}` : 'none'}`,
      );
      physical(raw, io.out);
      return 0;
    }
    const z = path.endsWith('.zip') || head.length < 4 ? null : readNpz(path);
    if (!z) {
      await inspectModel(path, io.out);
      return 0;
    }
    const rows = [...z.arrays].map(([k, a]) => [k, a.dtype, `(${a.shape.join(', ')})`, stats(a)]);
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
    io.out(`${path}`);
    io.out(`  ${'key'.padEnd(w[0]!)}  ${'dtype'.padEnd(w[1]!)}  ${'shape'.padEnd(w[2]!)}  values`);
    for (const r of rows)
      io.out(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`);
    for (const [k, why] of z.skipped) io.out(`  ${k}: not read (${why})`);
    try {
      const s = datasetSummary(rawDatasetFromNpz(z, path, { requireProbe: false }));
      io.out('scan:');
      io.out(
        `  patterns      ${s.patterns} of ${s.N}×${s.N} (key '${s.diffractionKey}'${s.transposedFromLegacy ? ', transposed from legacy (N,N,M)' : ''})`,
      );
      io.out(
        `  extent        x ${fmt(s.scanExtent.xmin)} … ${fmt(s.scanExtent.xmax)}, y ${fmt(s.scanExtent.ymin)} … ${fmt(s.scanExtent.ymax)} px; median step ${fmt(s.medianStepPx)} px`,
      );
      io.out(
        `  amplitudes    max ${fmt(s.amplitudeMax)}; mean Σ amplitude² per pattern ${fmt(s.meanIntensitySum)}`,
      );
      const est =
        s.photonsEstimated !== null
          ? `${fmt(s.photonsEstimated)} per pattern counted in the quantised amplitudes`
          : null;
      io.out(
        `  photons       ${s.nphotons !== null ? `${fmt(s.nphotons)} per pattern (metadata)${est ? `; ${est}` : ''}` : (est ?? 'unknown (no _metadata nphotons, amplitudes not quantised)')}`,
      );
      io.out(
        `  probe         ${s.hasProbe ? 'yes' : 'MISSING (needed to train)'}; object ${s.objectShape ? `${s.objectShape[0]}×${s.objectShape[1]}` : 'none'}`,
      );
    } catch (e) {
      io.out(`not a usable PtychoPINN scan: ${(e as Error).message}`);
    }
    if (z.metadata) io.out(`metadata: ${JSON.stringify(z.metadata)}`);
    return 0;
  },
};
