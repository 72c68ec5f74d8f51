/**
 * From a raw scan to the model's inputs (PtychoPINN §15 steps 1–4), shared by training and
 * inference so both see the data the same way: subsample, group, normalise (α), intensity
 * scale, prepared probe.
 */
import { selectPatterns, metadataNphotons, type RawDataset } from '../data/dataset';
import { gatherGroups, groupPositions, subsampleIndices, type GroupedData } from '../data/grouping';
import { intensityScale, normalisationFactor, normalise } from '../data/normalise';
import { prepareProbe, type ProbeField } from '../data/probe';

export interface PrepareOptions {
  N: number;
  gridsize: number;
  /** Groups to form (PtychoPINN n_groups); all when undefined. */
  nGroups?: number;
  /** Patterns to subsample before grouping; defaults to nGroups (PtychoPINN's legacy mode). */
  nSubsample?: number;
  subsampleSeed?: number;
  neighborCount: number;
  sequentialSampling?: boolean;
  enableOversampling?: boolean;
  probeScale: number;
  nphotons: number;
  /** Use `_metadata.physics_parameters.nphotons` when the file has it (PtychoPINN's train.py does). */
  preferMetadataNphotons?: boolean;
}

export interface PreparedData {
  grouped: GroupedData;
  /** `(B, C, N, N)` α-normalised amplitudes. */
  X: Float32Array;
  alpha: number;
  /** s = sqrt(nphotons)/(N/2). */
  intensityScale: number;
  nphotons: number;
  nphotonsSource: 'config' | 'metadata';
  probe: ProbeField;
  /** Patterns used (after subsampling). */
  patternsUsed: number;
}

export class PrepareError extends Error {
  override name = 'PrepareError';
}

export function prepareData(raw: RawDataset, o: PrepareOptions): PreparedData {
  if (raw.N !== o.N)
    throw new PrepareError(`${raw.file}: patterns are ${raw.N}×${raw.N} but the model expects N = ${o.N}`);
  if (!raw.probe)
    throw new PrepareError(`${raw.file}: missing key 'probeGuess' (needed to train and reconstruct)`);
  const C = o.gridsize * o.gridsize;
  // Subsample before grouping. For gridsize > 1 keep enough patterns to form the requested groups.
  const nSub = o.nSubsample ?? (o.nGroups !== undefined && C === 1 ? o.nGroups : undefined);
  const subset =
    nSub !== undefined && nSub < raw.M
      ? selectPatterns(raw, subsampleIndices(raw.M, nSub, o.subsampleSeed))
      : raw;
  const groups = groupPositions(subset.xcoordsStart, subset.ycoordsStart, {
    gridsize: o.gridsize,
    neighborCount: o.neighborCount,
    ...(o.nGroups !== undefined ? { nGroups: o.nGroups } : {}),
    seed: o.subsampleSeed ?? 0,
    sequentialSampling: o.sequentialSampling ?? false,
    enableOversampling: o.enableOversampling ?? false,
  });
  const grouped = gatherGroups(subset, groups);
  const alpha = normalisationFactor(grouped.amplitudes, o.N);
  const metaN = o.preferMetadataNphotons ? metadataNphotons(raw.metadata) : null;
  const nphotons = metaN ?? o.nphotons;
  return {
    grouped,
    X: normalise(grouped.amplitudes, alpha),
    alpha,
    intensityScale: intensityScale(nphotons, o.N),
    nphotons,
    nphotonsSource: metaN !== null ? 'metadata' : 'config',
    probe: prepareProbe(raw.probe, o.N, o.probeScale),
    patternsUsed: subset.M,
  };
}
