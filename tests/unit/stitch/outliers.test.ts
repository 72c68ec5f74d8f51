/** Issue #15: one outlier position made an 8060² canvas (3.1 GB, 28 s) without a word. */
import { describe, expect, it } from 'vitest';
import { findCanvasOutliers, reassemblePosition } from '../../../compute/ptycho/stitch/reassemble';

function raster(n: number, step: number): number[] {
  const o: number[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) o.push(c * step, r * step);
  return o;
}

function stitch(offsets: number[]): ReturnType<typeof reassemblePosition> {
  const count = offsets.length / 2;
  const N = 32;
  return reassemblePosition(
    { re: new Float32Array(count * N * N).fill(1), im: new Float32Array(count * N * N), count, N, offsets },
    { M: 20 },
  );
}

describe('a canvas larger than the positions justify', () => {
  it('warns and names the outlier position', () => {
    const offsets = raster(12, 6);
    offsets[2 * 37] = 1500; // one stray x
    const s = stitch(offsets);
    expect(s.width).toBeGreaterThan(1500);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings![0]).toMatch(
      /canvas is \d+×\d+ pixels .* justify about \d+×\d+: one position lies far outside the scan — #37 at \(1500\.0, 18\.0\)/,
    );
    const o = findCanvasOutliers(offsets, offsets.length / 2, 20);
    expect(o.indices).toEqual([37]);
    expect(o.justifiedSide).toBeLessThan(120);
  });

  it('names several outliers, and says nothing about a clean or a small scan', () => {
    const offsets = raster(12, 6);
    for (const [i, x, y] of [
      [3, -900, 0],
      [50, 0, 2000],
      [99, 800, 800],
    ] as const) {
      offsets[2 * i] = x;
      offsets[2 * i + 1] = y;
    }
    expect(stitch(offsets).warnings![0]).toMatch(
      /3 positions lie far outside the scan — #3 at \(-900\.0, 0\.0\), #50 at \(0\.0, 2000\.0\), #99 at \(800\.0, 800\.0\)/,
    );
    expect(stitch(raster(12, 6)).warnings).toBeUndefined();
    expect(stitch([0, 0, 5, 0, 900, 0]).warnings).toBeUndefined();
    // A sparse but uniform scan is not an outlier scan.
    expect(stitch(raster(10, 40)).warnings).toBeUndefined();
  });
});
