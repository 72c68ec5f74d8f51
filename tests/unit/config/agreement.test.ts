/**
 * The Train form, the host validator and the core accept and refuse the same requests with the
 * same message. The cases are walked from the schema (every field of the request: its bounds
 * and just past them, non-integers, every choice and a wrong one, null, wrong types; every
 * cross-field rule: the product of its fields' cases), not listed by hand.
 *
 * Three code paths: the form checks field by field and then the rules (validateTrainRequest),
 * the host parses the flat request schema (validateRequest), the core builds the nested
 * TrainingConfig (trainingConfigFromRequest → makeTrainingConfig).
 *
 * The same for the Reconstruct request (`recon.run`, reconRequest.ts): the view
 * (validateReconRequest), the host, the core handler (runReconstruction, which also applies
 * stitch_crop_size ≤ N of the open scan) and the flags of `ptycho reconstruct`.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../electron/host/validate';
import { MODEL_RULES, TRAINING_RULES } from '../../../compute/ptycho/config/config';
import {
  DEFAULT_TRAIN_REQUEST,
  fieldMeta,
  isTrainRequestField,
  TRAIN_REQUEST_FIELDS,
  trainingConfigFromRequest,
  validateTrainRequest,
  type TrainRequestField,
} from '../../../compute/ptycho/config/trainRequest';
import type { EventName, Events, TrainRequest } from '../../../compute/protocol';
import type { FieldMeta } from '../../../compute/ptycho/config/schema';
import {
  DEFAULT_RECON_REQUEST,
  reconFieldMeta,
  RECON_REQUEST_FIELDS,
  validateReconRequest,
  type ReconRequestField,
} from '../../../compute/ptycho/config/reconRequest';
import { INFERENCE_RULES } from '../../../compute/ptycho/config/inference';
import { newSession, type CoreSession } from '../../../compute/core/session';
import { openDataset } from '../../../compute/core/datasetHandlers';
import { runReconstruction } from '../../../compute/core/reconHandlers';
import { CoreError } from '../../../compute/core/errors';
import { main } from '../../../compute/cli/main';

type Verdict = string | null;

/** The form shows every field's error; the host and the core stop at the first. */
function formErrors(r: Record<string, unknown>): string[] {
  return Object.values(validateTrainRequest(r as Record<TrainRequestField, unknown>));
}
function form(r: Record<string, unknown>): Verdict {
  return formErrors(r)[0] ?? null;
}
function host(r: Record<string, unknown>): Verdict {
  try {
    validateRequest('train.start', r);
    return null;
  } catch (e) {
    return (e as Error).message.replace(/^train\.start: /, '');
  }
}
function core(r: Record<string, unknown>): Verdict {
  try {
    trainingConfigFromRequest(r as TrainRequest, 'scan.npz');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Values worth trying for a field, read from its schema. */
function casesOf(name: TrainRequestField): unknown[] {
  return casesFor(fieldMeta(name));
}
function casesFor(m: FieldMeta): unknown[] {
  const out: unknown[] = [undefined, 'text', '', true, Number.NaN];
  if (m.nullable) out.push(null);
  if (m.kind === 'boolean') out.push(false, 0);
  if (m.kind === 'choice') out.push(...m.choices!, typeof m.choices![0] === 'number' ? 96 : 'bogus');
  if (m.kind === 'integer' || m.kind === 'number') {
    const step = m.kind === 'integer' ? 1 : Math.max(1e-9, Math.abs(m.min ?? m.max ?? 1) * 1e-6);
    for (const b of [m.min, m.max]) if (b !== undefined) out.push(b, b - step, b + step, -b);
    if (m.min !== undefined && m.max !== undefined) out.push((m.min + m.max) / 2);
    out.push(m.default === null ? 1 : (m.default as number) * 2 + 0.5, 1e12, -1);
    if (m.kind === 'integer') out.push(2.5, 12, 64, 3);
  }
  return out;
}

/**
 * All three accept, or all refuse; with one bad field the three messages are equal, with more
 * the host's and the core's message is one of those the form shows. Returns the host's verdict.
 */
function agree(r: Record<string, unknown>): Verdict {
  const f = formErrors(r);
  const h = host(r);
  const c = core(r);
  const what = JSON.stringify(r, (_k, v: unknown) => (v === undefined ? '<undefined>' : v));
  if (f.length <= 1) {
    expect(h, what).toBe(f[0] ?? null);
    expect(c, what).toBe(f[0] ?? null);
  } else {
    expect(f, what).toContain(h);
    expect(f, what).toContain(c);
  }
  return h;
}

describe('form, host and core agree (cases walked from the schema)', () => {
  const fields = Object.keys(TRAIN_REQUEST_FIELDS) as TrainRequestField[];

  it('every field alone: the same verdict and the same message from all three', () => {
    let refused = 0;
    for (const k of fields) {
      const verdicts = casesOf(k).map((v) => {
        const r = { ...DEFAULT_TRAIN_REQUEST, [k]: v };
        expect(formErrors(r).length).toBeLessThanOrEqual(1);
        return agree(r);
      });
      // Each field has values accepted and values refused, so the walk cannot pass vacuously.
      expect(
        verdicts.some((v) => v === null),
        k,
      ).toBe(true);
      expect(
        verdicts.some((v) => v !== null && v.startsWith(`${k}: expected `)),
        k,
      ).toBe(true);
      refused += verdicts.filter((v) => v !== null).length;
    }
    expect(refused).toBeGreaterThan(fields.length * 3);
  });

  it("every cross-field rule: the product of its fields' cases", () => {
    const rules = [...MODEL_RULES, ...TRAINING_RULES].filter((r) => r.reads.every(isTrainRequestField));
    expect(rules.map((r) => r.field).sort()).toEqual(['neighbor_count', 'nll_weight', 'object_big']);
    for (const rule of rules) {
      const [a, b] = rule.reads as [TrainRequestField, TrainRequestField];
      let broken = 0;
      for (const va of casesOf(a)) {
        for (const vb of casesOf(b)) {
          const v = agree({ ...DEFAULT_TRAIN_REQUEST, [a]: va, [b]: vb });
          if (
            v?.startsWith(
              `${rule.field}: expected ${rule.expected({ ...DEFAULT_TRAIN_REQUEST, [a]: va, [b]: vb } as never)}`,
            )
          )
            broken++;
        }
      }
      expect(broken, rule.field).toBeGreaterThan(0);
    }
  });

  it('learning_rate 1 and gridsize 2 with object_big false: refused by all three, same rule, same message', () => {
    const lr = { ...DEFAULT_TRAIN_REQUEST, learning_rate: 1 };
    const gs = { ...DEFAULT_TRAIN_REQUEST, gridsize: 2, object_big: false };
    for (const check of [form, host, core]) {
      expect(check(lr)).toBe('learning_rate: expected a number in (0, 1), got 1');
      expect(check(gs)).toBe(
        'object_big: expected true when gridsize > 1 (patches must be merged), got false',
      );
    }
    expect(agree({ ...DEFAULT_TRAIN_REQUEST, learning_rate: 0.5, gridsize: 2, object_big: true })).toBeNull();
  });

  it('an unknown field is refused by the host and the core', () => {
    expect(host({ ...DEFAULT_TRAIN_REQUEST, nepoch: 3 })).toBe("unknown train request key 'nepoch'");
    expect(core({ ...DEFAULT_TRAIN_REQUEST, nepoch: 3 })).toBe("unknown train request key 'nepoch'");
  });
});

describe('recon.run: view, host, core and CLI agree (cases walked from the schema)', () => {
  const fields = Object.keys(RECON_REQUEST_FIELDS) as ReconRequestField[];
  const fixture = fileURLToPath(new URL('../../../fixtures/lines-N64-test.npz', import.meta.url));
  const emit = <E extends EventName>(_e: E, _p: Events[E]): void => undefined;

  const view = (r: Record<string, unknown>): Verdict => Object.values(validateReconRequest(r))[0] ?? null;
  function reconHost(r: Record<string, unknown>): Verdict {
    try {
      validateRequest('recon.run', r);
      return null;
    } catch (e) {
      return (e as Error).message.replace(/^recon\.run: /, '');
    }
  }
  /**
   * The core handler on a session that cannot run (no model; with a scan, already busy): a
   * request it accepts stops at those checks, one it refuses fails first with invalid-params.
   */
  async function reconCore(session: CoreSession, r: Record<string, unknown>): Promise<Verdict> {
    try {
      await runReconstruction(session, emit, r);
      throw new Error('the reconstruction ran');
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      if (e.code === 'invalid-params') return e.message;
      expect(['no-model', 'no-dataset', 'busy']).toContain(e.code);
      return null;
    }
  }

  it('every field alone: the same verdict and the same message from view, host and core', async () => {
    const session = newSession();
    let refused = 0;
    for (const k of fields) {
      const verdicts: Verdict[] = [];
      for (const v of casesFor(reconFieldMeta(k))) {
        const r = { ...DEFAULT_RECON_REQUEST, [k]: v };
        const what = `${k} = ${String(v)}`;
        const h = reconHost(r);
        expect(view(r), what).toBe(h);
        expect(await reconCore(session, r), what).toBe(h);
        verdicts.push(h);
      }
      expect(
        verdicts.some((v) => v === null),
        k,
      ).toBe(true);
      expect(
        verdicts.some((v) => v !== null && v.startsWith(`${k}: expected `)),
        k,
      ).toBe(true);
      refused += verdicts.filter((v) => v !== null).length;
    }
    expect(refused).toBeGreaterThan(fields.length * 3);
  });

  it('a field left out takes the schema default, and an unknown one is refused', async () => {
    expect(validateRequest('recon.run', {}).params).toEqual(DEFAULT_RECON_REQUEST);
    expect(validateRequest('recon.run', { method: 'iterative' }).params).toEqual({
      ...DEFAULT_RECON_REQUEST,
      method: 'iterative',
    });
    expect(reconHost({ iteration: 3 })).toBe("unknown recon request key 'iteration'");
    expect(await reconCore(newSession(), { iteration: 3 })).toBe("unknown recon request key 'iteration'");
    // the old host limit (stitch_crop_size ≤ 256) is gone: the bound is the scan's N
    expect(reconHost({ stitch_crop_size: 300 })).toBeNull();
  });

  it("stitch_crop_size ≤ N: the core applies the inference rule with the open scan's N", async () => {
    const session = newSession();
    await openDataset(session, fixture);
    expect(session.dataset!.raw.N).toBe(64);
    session.reconstructing = new AbortController(); // an accepted request stops at "busy"
    const rule = INFERENCE_RULES.find((r) => r.field === 'stitch_crop_size')!;
    let broken = 0;
    for (const v of [...casesFor(reconFieldMeta('stitch_crop_size')), 63, 64, 65, 256]) {
      const r = { ...DEFAULT_RECON_REQUEST, stitch_crop_size: v };
      const h = reconHost(r);
      const c = await reconCore(session, r);
      if (h !== null) expect(c, String(v)).toBe(h);
      else if (typeof v === 'number' && v > 64) {
        expect(c, String(v)).toBe(
          `stitch_crop_size: expected ${rule.expected({ N: 64 } as never)}, got ${v}`,
        );
        broken++;
      } else expect(c, String(v)).toBeNull();
    }
    expect(broken).toBeGreaterThan(1);
  });

  it('ptycho reconstruct refuses what the schema refuses, with the same message, and shows its defaults', async () => {
    const lines: string[] = [];
    const io = {
      out: (t: string) => void lines.push(t),
      err: (t: string) => void lines.push(t),
      isTTY: false,
    };
    const flagged = (['iterations', 'batch_size', 'stitch_crop_size'] as const).flatMap((k) =>
      casesFor(reconFieldMeta(k))
        .filter((v): v is number => Number.isInteger(v))
        .map((v) => [k, v] as const),
    );
    let refused = 0;
    for (const [k, v] of [...flagged, ['stitch_crop_size', 65] as const]) {
      const h = reconHost({ [k]: v });
      const expected =
        h ??
        (k === 'stitch_crop_size' && v > 64
          ? `stitch_crop_size: expected an integer with 0 < M ≤ N = 64, got ${v}`
          : null);
      if (expected === null) continue; // an accepted value would run the reconstruction
      lines.length = 0;
      const rc = await main(
        [
          'reconstruct',
          '--test_data',
          fixture,
          '--output_dir',
          '/nonexistent/never-written',
          `--${k}`,
          String(v),
          '--quiet',
        ],
        io,
      );
      expect(rc, `${k} ${v}`).toBe(1);
      expect(lines, `${k} ${v}`).toEqual([`ptycho reconstruct: error: ${expected}`]);
      refused++;
    }
    expect(refused).toBeGreaterThan(6);
    lines.length = 0;
    await main(['reconstruct', '--help'], io);
    const help = lines.join('\n');
    for (const k of ['iterations', 'algorithm', 'batch_size', 'stitch_crop_size'] as const)
      expect(help).toMatch(new RegExp(`--${k}[^\\n]*${String(reconFieldMeta(k).default)}`));
  });
});
