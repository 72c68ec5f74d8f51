/**
 * The whole pipeline on the committed 96×80 complex ground truth / 84×76 reconstruction pair,
 * against an independent numpy/skimage implementation (make_expected.py → expected.json).
 */
import { describe, expect, it } from 'vitest';
import {
  comparisonColourLimits,
  evaluateReconstruction,
  formatFrcCsv,
  metricsJson,
  type ComponentMetrics,
} from '../../../compute/ptycho/eval/evaluate';
import { loadExpected, readComplex, relClose } from './helpers';

const E = loadExpected();
const gt = readComplex(E.pairB.gt_re, E.pairB.gt_im);
const recon = readComplex(E.pairB.recon_re, E.pairB.recon_im);
const scan = { y: E.pairB.scan_y as number[], x: E.pairB.scan_x as number[] };

function expectComponent(m: ComponentMetrics, x: any): void {
  expect(relClose(m.mae, x.mae, 1e-10)).toBe(true);
  expect(relClose(m.mse, x.mse, 1e-10)).toBe(true);
  expect(m.psnrDataRange).toBeCloseTo(x.psnr_data_range, 12);
  expect(m.psnrDb).toBeCloseTo(x.psnr_db, 9);
  expect(m.psnr255Db).toBeCloseTo(x.psnr_255_db, 9);
  expect(relClose(m.ssim, x.ssim_gaussian, 1e-8)).toBe(true);
  expect(relClose(m.ssimSkimageDefaults, x.ssim_default, 1e-8)).toBe(true);
  expect(relClose(m.msSsim.value, x.ms_ssim, 1e-8)).toBe(true);
  expect(m.msSsim.levelSsim.length).toBe(x.ms_ssim_levels.length);
  expect(m.frc.n).toBe(x.frc.n);
  // the reference bins rings up to the corners; ours stop at Nyquist (k = n/2): compare that part,
  // and a reference crossing past Nyquist is "not reached" (legacy index: our curve length)
  const nr = Math.floor(x.frc.n / 2) + 1;
  expect(m.frc.frc.length).toBe(nr);
  expect(Array.from(m.frc.pixelsPerRing)).toEqual(x.frc.pixels_per_ring.slice(0, nr));
  m.frc.frc.forEach((v, k) => expect(Math.abs(v - x.frc.frc[k])).toBeLessThan(1e-10));
  for (const [cr, key] of [
    [m.frc.frc50, 'frc50'],
    [m.frc.frc1over7, 'frc1over7'],
    [m.frc.halfBitCrossing, 'half_bit_crossing'],
  ] as const) {
    const want = x.frc[key];
    if (want.ring === null || want.ring > x.frc.n / 2) {
      expect(cr.ring).toBeNull();
      expect(cr.legacyRingIndex).toBe(Math.min(want.legacy, nr));
    } else {
      expect(cr.ring!).toBeCloseTo(want.ring, 8);
      expect(cr.legacyRingIndex).toBe(want.legacy);
    }
  }
}

describe('evaluateReconstruction on the 96×80 fixture', () => {
  const X = E.pairB.expected_plane;
  const report = evaluateReconstruction(recon, gt, { scanCoordsYX: scan, pixelSizeM: 8e-9 });

  it('alignment: scan box, common shape, registration shift (skimage), evaluated shape, scale, planes', () => {
    const a = report.alignment;
    const b = a.groundTruthScanBox!;
    expect([b.row0, b.row1, b.col0, b.col1]).toEqual(X.scan_box);
    expect(a.commonShape).toEqual(X.common_shape);
    expect(a.registrationShiftPx!.dy).toBeCloseTo(X.shift[0], 9);
    expect(a.registrationShiftPx!.dx).toBeCloseTo(X.shift[1], 9);
    expect(a.evaluatedShape).toEqual(X.evaluated_shape);
    expect(relClose(a.amplitudeScale, X.amplitude_scale, 1e-11)).toBe(true);
    const [ra, rb, rc] = X.plane_recon;
    expect(a.phasePlane!.recon.a).toBeCloseTo(ra, 11);
    expect(a.phasePlane!.recon.b).toBeCloseTo(rb, 11);
    expect(a.phasePlane!.recon.c).toBeCloseTo(rc, 11);
    expect(a.phasePlane!.groundTruth.a).toBeCloseTo(X.plane_gt[0], 11);
    // PtychoPINN-parity phase correlation is pulled towards zero lag here; the cross-check says so
    expect(a.registrationCrossCheckShiftPx!.dy).toBeCloseTo(E.pairB.windowed_shift_passes[0][0], 9);
    expect(a.registrationCrossCheckShiftPx!.dx).toBeCloseTo(E.pairB.windowed_shift_passes[0][1], 9);
    expect(report.warnings.join(' ')).toMatch(/registration estimators disagree/);
  });

  it('amplitude metrics', () => expectComponent(report.amplitude, X.amplitude));
  it('phase metrics', () => expectComponent(report.phase, X.phase));

  it('mean phase alignment without registration', () => {
    const Y = E.pairB.expected_mean_noreg;
    const r = evaluateReconstruction(recon, gt, {
      scanCoordsYX: scan,
      phaseAlign: 'mean',
      registration: false,
    });
    expect(r.alignment.registrationShiftPx).toBeNull();
    expect(r.alignment.evaluatedShape).toEqual(Y.evaluated_shape);
    expectComponent(r.amplitude, Y.amplitude);
    expectComponent(r.phase, Y.phase);
  });

  it('metrics.json object: JSON-safe, every metric with unit and convention, nm when the pixel size is known', () => {
    const j = metricsJson(report) as any;
    const walk = (v: unknown): void => {
      if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(j);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j.amplitude.psnr_db.unit).toBe('dB');
    expect(j.amplitude.psnr_db.convention).toMatch(/max−min of ground truth/);
    expect(j.amplitude.psnr_255_db.convention).toMatch(/255/);
    expect(j.phase.ssim.convention).toMatch(/\(φ\+π\)\/\(2π\)/);
    expect(j.amplitude.mae.value).toBe(report.amplitude.mae);
    expect(j.phase.mae.unit).toBe('rad');
    const f50 = j.amplitude.frc.frc50;
    expect(f50.reached).toBe(true);
    expect(f50.frequency_per_px.unit).toBe('cycles/pixel');
    expect(f50.frequency_per_nm.value).toBeCloseTo(report.amplitude.frc.frc50.frequencyPerPx! / 8, 12);
    expect(f50.resolution_nm.value).toBeCloseTo(8 / report.amplitude.frc.frc50.frequencyPerPx!, 9);
    expect(j.alignment.registration_shift_px.convention).toMatch(/content moved/);
    expect(j.warnings.length).toBe(1);
    // the phase FRC50 of this fixture would lie in the corner rings past Nyquist (ring 33.3 of a
    // 66 px square); the curve stops at ring 33, so it is not reached
    expect(j.phase.frc.frc50.reached).toBe(false);
    expect(j.phase.frc.rings).toBe(34);
    expect(f50.reached).toBe(true);
    // identical images: infinite PSNR becomes null with a note
    const same = metricsJson(evaluateReconstruction(gt, gt, { registration: false })) as any;
    expect(same.amplitude.psnr_db.value).toBeNull();
    expect(same.amplitude.psnr_db.note).toMatch(/infinity/);
    expect(same.amplitude.frc.frc50.reached).toBe(false);
  });

  it('frc.csv: one row per ring, amplitude and phase FRC, half-bit threshold, nm column with a pixel size', () => {
    const csv = formatFrcCsv(report).trimEnd().split('\n');
    expect(csv[0]).toBe(
      'ring,frequency_per_px,frequency_per_nm,pixels_in_ring,frc_amplitude,frc_phase,half_bit_threshold',
    );
    expect(csv.length).toBe(1 + report.amplitude.frc.frc.length);
    expect(Number(csv[csv.length - 1]!.split(',')[1])).toBe(0.5); // the last row is Nyquist
    const row1 = csv[2]!.split(',').map(Number);
    expect(row1[0]).toBe(1);
    expect(row1[1]).toBeCloseTo(1 / report.amplitude.frc.n, 15);
    expect(row1[2]).toBeCloseTo(1 / report.amplitude.frc.n / 8, 15);
    expect(row1[4]).toBe(report.amplitude.frc.frc[1]);
    expect(row1[5]).toBe(report.phase.frc.frc[1]);
    const noPx = formatFrcCsv(evaluateReconstruction(recon, gt, { scanCoordsYX: scan })).split('\n')[0];
    expect(noPx).toBe('ring,frequency_per_px,pixels_in_ring,frc_amplitude,frc_phase,half_bit_threshold');
  });

  it('comparison colour limits span both aligned images', () => {
    const lim = comparisonColourLimits(report);
    const all = [...report.aligned.groundTruthPhase.data, ...report.aligned.reconPhase.data];
    expect(lim.phase.min).toBe(Math.min(...all));
    expect(lim.phase.max).toBe(Math.max(...all));
    expect(lim.amplitude.max).toBeGreaterThan(lim.amplitude.min);
  });

  it('rejects non-finite input and bad options with clear messages', () => {
    const bad = { ...recon, re: Float64Array.from(recon.re) };
    bad.re[3 * recon.width + 5] = NaN;
    expect(() => evaluateReconstruction(bad, gt)).toThrow(
      /reconstruction \(84×76\) has 1 non-finite pixel\(s\), first at row 3, column 5/,
    );
    expect(() => evaluateReconstruction(recon, gt, { phaseAlign: 'median' as any })).toThrow(
      /'plane' or 'mean'/,
    );
    expect(() => evaluateReconstruction(recon, gt, { pixelSizeM: -1 })).toThrow(/pixel size/);
  });
});
