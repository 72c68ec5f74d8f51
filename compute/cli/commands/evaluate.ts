/** `ptycho evaluate`: metrics of a stitched reconstruction against a ground truth (PtychoPINN §6). */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command';
import { CliError, type FlagSpec, type FlagValue } from '../args';
import { readNpz } from '../../io/npz';
import { toComplexSplit, toFloat64 } from '../../io/ndarray';
import type { RawDataset } from '../../ptycho/data/dataset';
import { openDataset } from '../../ptycho/data/formats/index';
import type { Stitched } from '../../ptycho/stitch/reassemble';
import { evaluateStitched, formatMetricsTable, writeEvaluation } from '../../ptycho/lifecycle/evaluation';
import { DEFAULT_INFERENCE_CONFIG } from '../../ptycho/config/config';
import { objectPixelSize } from '../../ptycho/data/units';

export const EVALUATION_FLAGS: FlagSpec[] = [
  {
    name: 'phase_align',
    type: 'string',
    help: 'phase offset removal',
    choices: ['plane', 'mean'],
    defaultText: 'plane',
  },
  {
    name: 'registration',
    type: 'boolean',
    help: 'sub-pixel registration before the metrics (--no_registration to skip)',
    defaultText: 'true',
  },
  {
    name: 'pixel_size_nm',
    type: 'number',
    help: "object pixel size, to report FRC resolution in nm (default: the data's geometry, when the files carry it)",
  },
  {
    name: 'registration_estimator',
    type: 'string',
    help: "sub-pixel shift estimator ('phase-correlation' = PtychoPINN's)",
    choices: ['windowed-cross-correlation', 'phase-correlation'],
    defaultText: 'windowed-cross-correlation',
  },
];

/**
 * Evaluate, write metrics.json / frc.csv / comparison.png into `dir`, return a printable table.
 * The object pixel size (FRC resolution in nm) is --pixel_size_nm, else the ground truth's
 * geometry, else that of the scan reconstructed (`scan`), when the files carry it.
 */
export function evaluateAndWrite(
  dir: string,
  s: Stitched,
  gt: RawDataset,
  centroids: ArrayLike<number>,
  f: Record<string, FlagValue>,
  scan?: RawDataset,
): string {
  if (!gt.objectGuess) throw new CliError(`${gt.file}: no 'objectGuess' to evaluate against`);
  const pixelSizeM =
    typeof f.pixel_size_nm === 'number'
      ? f.pixel_size_nm * 1e-9
      : (objectPixelSize(gt.geometry) ?? objectPixelSize(scan?.geometry));
  const report = evaluateStitched(s, gt.objectGuess, centroids, {
    ...(typeof f.stitch_crop_size === 'number' ? { stitchCropSize: f.stitch_crop_size } : {}),
    ...(f.phase_align === 'mean' || f.phase_align === 'plane' ? { phaseAlign: f.phase_align } : {}),
    ...(f.registration === false ? { registration: false } : {}),
    ...(pixelSizeM !== null ? { pixelSizeM } : {}),
    ...(f.registration_estimator === 'phase-correlation' ||
    f.registration_estimator === 'windowed-cross-correlation'
      ? { registrationEstimator: f.registration_estimator }
      : {}),
  });
  const files = writeEvaluation(dir, report);
  return `${formatMetricsTable(report)}\nwrote ${files.join(', ')}`;
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'metrics of a reconstruction against a ground truth (→ metrics.json, frc.csv, comparison.png)',
  description:
    'Align a stitched reconstruction (reconstruction.npz from `ptycho infer`) with the objectGuess of a scan, ' +
    "then report MAE, MSE, PSNR (data range and PtychoPINN's 255 convention), SSIM, MS-SSIM and FRC " +
    '(FRC50, 1/7, half-bit) on amplitude and phase, with units and conventions in E/metrics.json.',
  flags: [
    {
      name: 'reconstruction',
      type: 'string',
      help: 'reconstruction.npz from ptycho infer',
      required: true,
      metavar: 'FILE',
    },
    {
      name: 'ground_truth',
      type: 'string',
      help: 'scan NPZ with objectGuess and the scan positions',
      required: true,
      metavar: 'FILE',
    },
    { name: 'output_dir', type: 'string', help: 'output folder', required: true, metavar: 'DIR' },
    {
      name: 'stitch_crop_size',
      type: 'int',
      help: 'M used when stitching (scan-area crop margin)',
      defaultText: String(DEFAULT_INFERENCE_CONFIG.stitch_crop_size),
    },
    ...EVALUATION_FLAGS,
  ],
  async run(args, io) {
    const f = args.flags;
    const recPath = resolve(String(f.reconstruction));
    const z = readNpz(recPath);
    const obj = z.arrays.get('object');
    if (!obj || obj.shape.length !== 2)
      throw new CliError(
        `${recPath}: key 'object' must be a 2-D complex array (a reconstruction.npz from ptycho infer)`,
      );
    const { re, im } = toComplexSplit(obj);
    const x0 = z.arrays.get('x0');
    const y0 = z.arrays.get('y0');
    if (!x0 || !y0) throw new CliError(`${recPath}: keys 'x0' and 'y0' (canvas origin) are missing`);
    const w = z.arrays.get('weights');
    const weights =
      w && w.data.length === re.length
        ? Float32Array.from(toFloat64(w))
        : new Float32Array(re.length).fill(1);
    const s: Stitched = {
      width: obj.shape[1]!,
      height: obj.shape[0]!,
      re,
      im,
      weights,
      x0: toFloat64(x0)[0]!,
      y0: toFloat64(y0)[0]!,
    };
    const gt = await openDataset(resolve(String(f.ground_truth)), { requireProbe: false });
    const out = resolve(String(f.output_dir));
    mkdirSync(out, { recursive: true });
    // Scan area: the ground-truth scan positions.
    const centroids = new Float64Array(gt.M * 2);
    for (let i = 0; i < gt.M; i++) {
      centroids[2 * i] = gt.xcoords[i]!;
      centroids[2 * i + 1] = gt.ycoords[i]!;
    }
    io.out(evaluateAndWrite(out, s, gt, centroids, f));
    return 0;
  },
};
