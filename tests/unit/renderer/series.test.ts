import { describe, expect, it } from 'vitest';
import {
  bounds,
  equalAspectRanges,
  finitePoints,
  logShift,
  nearestPoint,
} from '../../../renderer/src/render/series';
import { METRIC_ROWS, formatMetric, metricDetail } from '../../../renderer/src/render/metrics';

describe('chart data shaping', () => {
  const epochs = [
    { epoch: 1, train: 0.5, val: null },
    { epoch: 2, train: 0.25, val: 0.3 },
    { epoch: 3, train: NaN, val: 0 },
    { epoch: 4, train: 0.1, val: 0.2 },
  ];

  it('keeps finite points, drops y ≤ 0 on log axes', () => {
    expect(
      finitePoints(
        epochs,
        (e) => e.epoch,
        (e) => e.train,
        false,
      ),
    ).toEqual([
      [1, 0.5],
      [2, 0.25],
      [4, 0.1],
    ]);
    expect(
      finitePoints(
        epochs,
        (e) => e.epoch,
        (e) => e.val,
        false,
      ),
    ).toEqual([
      [2, 0.3],
      [3, 0],
      [4, 0.2],
    ]);
    expect(
      finitePoints(
        epochs,
        (e) => e.epoch,
        (e) => e.val,
        true,
      ),
    ).toEqual([
      [2, 0.3],
      [4, 0.2],
    ]);
  });

  it('equal-aspect ranges give the same units per pixel on both axes', () => {
    const r = equalAspectRanges(0, 100, 0, 50, 400, 400, 0);
    expect((r.x.max - r.x.min) / 400).toBeCloseTo((r.y.max - r.y.min) / 400, 12);
    expect(r.x).toEqual({ min: 0, max: 100 });
    expect(r.y.min).toBeCloseTo(-25, 12);
    expect(r.y.max).toBeCloseTo(75, 12);
    const p = equalAspectRanges(0, 10, 0, 10, 200, 100, 0.1);
    expect((p.x.max - p.x.min) / 200).toBeCloseTo((p.y.max - p.y.min) / 100, 12);
    expect(p.y.min).toBeLessThanOrEqual(-1);
  });

  it('finds the nearest point in screen distance, within a radius', () => {
    const xs = [0, 10, 20];
    const ys = [0, 0, 5];
    expect(nearestPoint(xs, ys, 9, 1, 1, 1)).toBe(1);
    // y is stretched 10× on screen: (20, 5) is far from (15, 0) in pixels, (10, 0) is closer
    expect(nearestPoint(xs, ys, 15.5, 0, 1, 10)).toBe(1);
    expect(nearestPoint(xs, ys, 100, 100, 1, 1, 12)).toBeNull();
    expect(nearestPoint([], [], 0, 0, 1, 1)).toBeNull();
  });

  it('bounds skip non-finite coordinates', () => {
    expect(bounds([1, NaN, 5, 3], [2, 0, -1, Infinity])).toEqual({ xmin: 1, xmax: 5, ymin: -1, ymax: 2 });
    expect(bounds([NaN], [1])).toBeNull();
  });
});

describe('metrics formatting', () => {
  it('has the six rows with units per component', () => {
    expect(METRIC_ROWS.map((r) => r.label)).toEqual(['MAE', 'MSE', 'PSNR', 'SSIM', 'MS-SSIM', 'FRC50']);
    expect(METRIC_ROWS.find((r) => r.key === 'mse')!.unit.phase).toBe('rad²');
  });

  it('formats values, missing values and FRC50 resolution', () => {
    expect(formatMetric('mae', 0.012345)).toBe('0.01235');
    expect(formatMetric('psnrDb', 31.4159)).toBe('31.42');
    expect(formatMetric('psnrDb', Infinity)).toBe('∞');
    expect(formatMetric('ssim', null)).toBe('–');
    expect(formatMetric('ssim', NaN)).toBe('–');
    expect(formatMetric('frc50PerPx', 0.25)).toBe('0.25');
    expect(metricDetail('frc50PerPx', 0.25)).toBe('1/f = 4.00 px');
    expect(metricDetail('frc50PerPx', 0.25, 5e-9)).toBe('1/f = 20.0 nm');
    expect(metricDetail('frc50PerPx', null)).toBe('');
    expect(metricDetail('ssim', 0.9)).toBe('');
  });
});

describe('logShift (negative losses on a log axis)', () => {
  it('is null for positive values and puts ≤ 0 values above a constant 1 % of the span below the best', () => {
    expect(logShift([0.5, 0.1, null])).toBeNull();
    const d = logShift([-2000, -2400, NaN, -2168])!;
    expect(d).toBeCloseTo(-2404, 6);
    expect(Math.min(...[-2000, -2400, -2168].map((v) => v - d))).toBeGreaterThan(0);
    expect(logShift([-5])!).toBeLessThan(-5);
    expect(logShift([])).toBeNull();
  });
});
