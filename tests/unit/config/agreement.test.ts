/**
 * The Train form, the host validator and the core accept and refuse the same requests with the
 * same message. The cases are walked from the schema (every field of the request: its bounds
 * and just past them, non-integers, every choice and a wrong one, null, wrong types; every
 * cross-field rule: the product of its fields' cases), not listed by hand.
 *
 * Three code paths: the form checks field by field and then the rules (validateTrainRequest),
 * the host parses the flat request schema (validateRequest), the core builds the nested
 * TrainingConfig (trainingConfigFromRequest → makeTrainingConfig).
 */
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../electron/host/validate';
import { MODEL_RULES, TRAINING_RULES } from '../../../compute/ptycho/config/config';
import { DEFAULT_TRAIN_REQUEST, fieldMeta, isTrainRequestField, TRAIN_REQUEST_FIELDS, trainingConfigFromRequest, validateTrainRequest, type TrainRequestField } from '../../../compute/ptycho/config/trainRequest';
import type { TrainRequest } from '../../../compute/protocol';

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
  const m = fieldMeta(name);
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
      expect(verdicts.some((v) => v === null), k).toBe(true);
      expect(verdicts.some((v) => v !== null && v.startsWith(`${k}: expected `)), k).toBe(true);
      refused += verdicts.filter((v) => v !== null).length;
    }
    expect(refused).toBeGreaterThan(fields.length * 3);
  });

  it('every cross-field rule: the product of its fields\' cases', () => {
    const rules = [...MODEL_RULES, ...TRAINING_RULES].filter((r) => r.reads.every(isTrainRequestField));
    expect(rules.map((r) => r.field).sort()).toEqual(['neighbor_count', 'nll_weight', 'object_big']);
    for (const rule of rules) {
      const [a, b] = rule.reads as [TrainRequestField, TrainRequestField];
      let broken = 0;
      for (const va of casesOf(a)) {
        for (const vb of casesOf(b)) {
          const v = agree({ ...DEFAULT_TRAIN_REQUEST, [a]: va, [b]: vb });
          if (v?.startsWith(`${rule.field}: expected ${rule.expected({ ...DEFAULT_TRAIN_REQUEST, [a]: va, [b]: vb } as never)}`)) broken++;
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
      expect(check(gs)).toBe('object_big: expected true when gridsize > 1 (patches must be merged), got false');
    }
    expect(agree({ ...DEFAULT_TRAIN_REQUEST, learning_rate: 0.5, gridsize: 2, object_big: true })).toBeNull();
  });

  it('an unknown field is refused by the host and the core', () => {
    expect(host({ ...DEFAULT_TRAIN_REQUEST, nepoch: 3 })).toBe("unknown train request key 'nepoch'");
    expect(core({ ...DEFAULT_TRAIN_REQUEST, nepoch: 3 })).toBe("unknown train request key 'nepoch'");
  });
});
