/**
 * Subsampling and grouping (PtychoPINN §2.1–2.3), "sample then group":
 * - C = gridsize²; C = 1: every seed is its own group.
 * - C > 1: for each seed, its K nearest neighbours (excluding the seed itself) from a spatial
 *   index (flatbush), then C of them chosen at random, in random order; the seed is only added
 *   when fewer than C neighbours exist. Requires K ≥ C and M ≥ C.
 * - Oversampling ("K choose C", only with `enableOversampling`): when more groups than patterns
 *   are requested, groups are drawn from all C-combinations of the seeds' neighbourhoods.
 * Grouped arrays use the engine's layout: amplitudes (B, C, N, N), coords (B, C, 2) as (x, y),
 * centroids (B, 2), coords_relative = centroid − position.
 */
import Flatbush from 'flatbush';
import { Rng } from '../../numerics/rng';
import { selectPatterns, type RawDataset } from './dataset';

export class GroupingError extends Error {
  override name = 'GroupingError';
}

export interface GroupingOptions {
  gridsize: number;
  /** K, PtychoPINN's neighbor_count (default 4). */
  neighborCount?: number;
  /** Alias of `neighborCount` (the K of §2.2); give one or the other. */
  K?: number;
  /** Groups to form; all seeds (M) when undefined. */
  nGroups?: number;
  seed?: number;
  sequentialSampling?: boolean;
  enableOversampling?: boolean;
}

export interface Groups {
  /** `(B, C)` pattern indices, row-major. */
  indices: Uint32Array;
  /** `(B)` the seed each group was formed around (for C = 1, the group itself). */
  seeds: Uint32Array;
  B: number;
  C: number;
}

/** Sorted random subset of n of M patterns (PtychoPINN's subsample: choice without replacement, sorted). */
export function subsampleIndices(M: number, n: number | undefined, seed: number | undefined): Uint32Array {
  const k = Math.min(n ?? M, M);
  if (k >= M) return Uint32Array.from({ length: M }, (_, i) => i);
  return new Rng(seed ?? 0).choice(M, k).sort();
}

/**
 * PtychoPINN's `n_subsample` (§2.1): keep min(n, M) patterns chosen at random without
 * replacement (seeded), in ascending file order; every per-pattern array (diffraction,
 * coordinates, scan_index, Y) is sliced alike. n ≥ M (or undefined) returns `raw` itself.
 */
export function subsample(raw: RawDataset, n: number | undefined, seed: number | undefined): RawDataset {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1))
    throw new GroupingError(`n_subsample must be a positive integer, got ${n}`);
  if (n === undefined || n >= raw.M) return raw;
  return selectPatterns(raw, subsampleIndices(raw.M, n, seed));
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function combinations(items: readonly number[], k: number, limit: number, out: number[][]): void {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (out.length < limit) {
    out.push(idx.map((i) => items[i]!));
    let p = k - 1;
    while (p >= 0 && idx[p] === items.length - k + p) p--;
    if (p < 0) return;
    idx[p]!++;
    for (let q = p + 1; q < k; q++) idx[q] = idx[q - 1]! + 1;
  }
}

/** Spatial index over scan positions with a K-nearest query that excludes the query point. */
export class PositionIndex {
  private readonly index: Flatbush;

  constructor(
    readonly x: ArrayLike<number>,
    readonly y: ArrayLike<number>,
  ) {
    this.index = new Flatbush(Math.max(1, x.length));
    for (let i = 0; i < x.length; i++) this.index.add(x[i]!, y[i]!, x[i]!, y[i]!);
    if (x.length === 0) this.index.add(0, 0, 0, 0);
    this.index.finish();
  }

  /** Indices of the k nearest positions to position `i`, nearest first, excluding `i`. */
  neighbours(i: number, k: number): number[] {
    const ids = this.index.neighbors(this.x[i]!, this.y[i]!, k + 1);
    return ids.filter((j) => j !== i).slice(0, k);
  }
}

/**
 * Form groups of C = gridsize² scan positions (PtychoPINN §2.2, "sample then group").
 *
 *   groupPositions(raw, opts)      groups a dataset on its nominal positions (xcoords_start,
 *                                  ycoords_start, which fall back to xcoords/ycoords) — what
 *                                  training and inference use;
 *   groupPositions(x, y, opts)     groups bare positions (object pixels, x = column, y = row).
 *
 * Returns `(B, C)` pattern indices; `gatherGroups` turns them into the engine's arrays.
 * Throws GroupingError when K < C, M < C or gridsize is not a positive integer.
 */
export function groupPositions(
  raw: Pick<RawDataset, 'xcoordsStart' | 'ycoordsStart'>,
  o: GroupingOptions,
): Groups;
export function groupPositions(x: ArrayLike<number>, y: ArrayLike<number>, o: GroupingOptions): Groups;
export function groupPositions(
  a: ArrayLike<number> | Pick<RawDataset, 'xcoordsStart' | 'ycoordsStart'>,
  b: ArrayLike<number> | GroupingOptions,
  c?: GroupingOptions,
): Groups {
  if (c === undefined) {
    const raw = a as Pick<RawDataset, 'xcoordsStart' | 'ycoordsStart'>;
    return groupXY(raw.xcoordsStart, raw.ycoordsStart, b as GroupingOptions);
  }
  return groupXY(a as ArrayLike<number>, b as ArrayLike<number>, c);
}

function groupXY(x: ArrayLike<number>, y: ArrayLike<number>, o: GroupingOptions): Groups {
  const M = x.length;
  if (y.length !== M) throw new GroupingError(`x has ${M} positions but y has ${y.length}`);
  const C = o.gridsize * o.gridsize;
  if (o.K !== undefined && o.neighborCount !== undefined && o.K !== o.neighborCount)
    throw new GroupingError(`K = ${o.K} and neighborCount = ${o.neighborCount} disagree; give one`);
  const K = o.K ?? o.neighborCount ?? 4;
  if (!(o.gridsize >= 1 && Number.isInteger(o.gridsize)))
    throw new GroupingError(`gridsize must be a positive integer, got ${o.gridsize}`);
  if (M < C)
    throw new GroupingError(
      `gridsize ${o.gridsize} needs at least ${C} scan positions per group, but the dataset has ${M}`,
    );
  if (C > 1 && K < C) throw new GroupingError(`neighbor_count K = ${K} must be ≥ C = gridsize² = ${C}`);
  const want = o.nGroups ?? M;
  if (!(want >= 1)) throw new GroupingError(`n_groups must be ≥ 1, got ${want}`);
  const rng = new Rng(o.seed ?? 0);

  if (C === 1) {
    let seeds: Uint32Array;
    if (want > M && o.enableOversampling) seeds = Uint32Array.from({ length: want }, () => rng.int(M));
    else if (o.sequentialSampling) seeds = Uint32Array.from({ length: Math.min(want, M) }, (_, i) => i);
    else seeds = want < M ? rng.choice(M, want) : Uint32Array.from({ length: M }, (_, i) => i);
    return { indices: seeds, seeds, B: seeds.length, C: 1 };
  }

  const index = new PositionIndex(x, y);
  if (want > M && o.enableOversampling) {
    const nSeeds = Math.min(2 * Math.ceil(want / binomial(K, C)), M);
    const seeds = rng.choice(M, nSeeds);
    const pool: number[][] = [];
    const poolSeed: number[] = [];
    const seen = new Set<string>();
    for (const s of seeds) {
      if (pool.length >= 2 * want) break;
      const nb = index.neighbours(s, K);
      if (nb.length < C) continue;
      const combos: number[][] = [];
      combinations(nb, C, 2 * want, combos);
      for (const cmb of combos) {
        const key = cmb
          .slice()
          .sort((a, b) => a - b)
          .join(',');
        if (seen.has(key)) continue; // neighbourhoods overlap: keep each group of patterns once
        seen.add(key);
        pool.push(cmb);
        poolSeed.push(s);
      }
    }
    if (pool.length === 0)
      throw new GroupingError(`oversampling found no neighbourhood with ${C} neighbours`);
    const pick =
      pool.length >= want
        ? rng.choice(pool.length, want)
        : Uint32Array.from({ length: want }, () => rng.int(pool.length));
    const indices = new Uint32Array(want * C);
    const groupSeeds = new Uint32Array(want);
    pick.forEach((p, b) => {
      groupSeeds[b] = poolSeed[p]!;
      const combo = pool[p]!.slice();
      rng.shuffle(combo as unknown as Float64Array);
      indices.set(combo, b * C);
    });
    return { indices, seeds: groupSeeds, B: want, C };
  }

  const n = Math.min(want, M);
  const seeds = o.sequentialSampling
    ? Uint32Array.from({ length: n }, (_, i) => i)
    : n < M
      ? rng.choice(M, n)
      : Uint32Array.from({ length: M }, (_, i) => i);
  const indices = new Uint32Array(n * C);
  for (let b = 0; b < n; b++) {
    const s = seeds[b]!;
    let cand = index.neighbours(s, K);
    if (cand.length < C) cand = [s, ...cand];
    let chosen: number[];
    if (cand.length >= C) chosen = Array.from(rng.choice(cand.length, C), (i) => cand[i]!);
    else chosen = Array.from({ length: C }, () => cand[rng.int(cand.length)]!);
    indices.set(chosen, b * C);
  }
  return { indices, seeds, B: n, C };
}

export interface GroupedData {
  B: number;
  C: number;
  N: number;
  /** `(B, C, N, N)` raw amplitudes (not normalised). */
  amplitudes: Float32Array;
  /** `(B, C, 2)` positions (x, y) of each member. */
  coordsNN: Float64Array;
  /** `(B, 2)` group centroids (x, y): PtychoPINN's global offsets. */
  centroids: Float64Array;
  /** `(B, C, 2)` centroid − position: PtychoPINN's coords_relative (local offsets). */
  coordsRelative: Float32Array;
  /** `(B, C)` pattern indices. */
  indices: Uint32Array;
}

/** Gather the grouped arrays from a dataset (uses the nominal positions, like PtychoPINN's loader). */
export function gatherGroups(
  raw: RawDataset,
  groups: Groups,
  positions: 'nominal' | 'true' = 'nominal',
): GroupedData {
  const { B, C } = groups;
  const N = raw.N;
  const NN = N * N;
  const xs = positions === 'nominal' ? raw.xcoordsStart : raw.xcoords;
  const ys = positions === 'nominal' ? raw.ycoordsStart : raw.ycoords;
  const amplitudes = new Float32Array(B * C * NN);
  const coordsNN = new Float64Array(B * C * 2);
  const centroids = new Float64Array(B * 2);
  const coordsRelative = new Float32Array(B * C * 2);
  for (let b = 0; b < B; b++) {
    let cx = 0;
    let cy = 0;
    for (let c = 0; c < C; c++) {
      const i = groups.indices[b * C + c]!;
      amplitudes.set(raw.diffraction.subarray(i * NN, (i + 1) * NN), (b * C + c) * NN);
      coordsNN[(b * C + c) * 2] = xs[i]!;
      coordsNN[(b * C + c) * 2 + 1] = ys[i]!;
      cx += xs[i]!;
      cy += ys[i]!;
    }
    cx /= C;
    cy /= C;
    centroids[b * 2] = cx;
    centroids[b * 2 + 1] = cy;
    for (let c = 0; c < C; c++) {
      coordsRelative[(b * C + c) * 2] = cx - coordsNN[(b * C + c) * 2]!;
      coordsRelative[(b * C + c) * 2 + 1] = cy - coordsNN[(b * C + c) * 2 + 1]!;
    }
  }
  return { B, C, N, amplitudes, coordsNN, centroids, coordsRelative, indices: groups.indices };
}
