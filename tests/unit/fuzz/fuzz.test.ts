/**
 * Issue #15: the short fuzz run in CI (the full run is `npx tsx bench/fuzz/run.ts`, results in
 * bench/results/fuzz.md). A couple of thousand mutated real files per target; every input must
 * be accepted or refused with the target's own error — no TypeError, RangeError or hang.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzTarget } from '../../../bench/fuzz/harness';
import { TARGETS, cleanScratch } from '../../../bench/fuzz/targets';

const INPUTS: Record<string, number> = {
  npy: 3000,
  npz: 1500,
  dataset: 1200,
  bundle: 1000,
  safetensors: 3000,
  frame: 3000,
};

afterAll(() => cleanScratch());

describe('fuzz (short run)', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: no unexpected exception, no hang',
    async (_n, t) => {
      const s = await fuzzTarget(t, {
        inputs: INPUTS[t.name] ?? 1000,
        seed: 1,
        hangMs: 2000,
        keepFindings: 3,
      });
      expect(s.findings.map((f) => `${f.error}\n${f.stack}`)).toEqual([]);
      expect(s.unexpected).toBe(0);
      expect(s.hangs).toBe(0);
      // The mutator reaches past the outer checks: some inputs are accepted, many refused for many reasons.
      expect(s.accepted).toBeGreaterThan(0);
      expect(s.distinctRefusals).toBeGreaterThan(20);
    },
    60_000,
  );
});
