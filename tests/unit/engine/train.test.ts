/** Optimizers against hand-computed updates; a small conv net trains; inference bakes weights. */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../compute/engine/ir';
import { Layers } from '../../../compute/engine/nn';
import { adam, sgd } from '../../../compute/engine/optim';
import { ParamStore } from '../../../compute/engine/params';
import { NonFiniteLossError, compileInference, compileTrainStep } from '../../../compute/engine/train';
import { rng } from './helpers';

describe('in-graph optimizers match hand-computed updates', () => {
  // loss = Σ c·p + ½Σ p²  →  grad = c + p (depends on p, so steps interact)
  const c = [0.5, -1.5, 2];
  const p0 = [0.1, 0.2, -0.3];
  async function run(opt: ReturnType<typeof adam>, lrs: number[]) {
    const ps = new ParamStore();
    ps.set('p', Float32Array.from(p0), [3]);
    const g = new Graph();
    const p = g.param('p', [3]);
    const loss = p
      .mul(g.constant(c, [3]))
      .sum()
      .add(p.square().sum().mul(0.5));
    const ts = await compileTrainStep({
      loss,
      params: ps,
      optimizer: opt,
      extraOutputs: { half: loss.mul(0.5) },
    });
    const losses: number[] = [];
    for (const lr of lrs) {
      const r = await ts.step({}, lr);
      losses.push(r.loss);
      expect(r.outputs.half).toBeCloseTo(r.loss / 2, 5);
    }
    return { p: [...ps.get('p')], ts, losses };
  }

  it('Adam (Keras: β1 .9, β2 .999, ε 1e-7, bias-corrected step size)', async () => {
    const lrs = [0.1, 0.05, 0.02, 0.1];
    const { p, ts } = await run(adam(), lrs);
    const q = [...p0],
      m = [0, 0, 0],
      v = [0, 0, 0];
    lrs.forEach((lr, k) => {
      const t = k + 1;
      const alpha = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let i = 0; i < 3; i++) {
        const gr = c[i]! + q[i]!;
        m[i] = 0.9 * m[i]! + 0.1 * gr;
        v[i] = 0.999 * v[i]! + 0.001 * gr * gr;
        q[i] = q[i]! - (alpha * m[i]!) / (Math.sqrt(v[i]!) + 1e-7);
      }
    });
    p.forEach((x, i) => expect(x).toBeCloseTo(q[i]!, 5));
    const st = ts.state();
    expect(st.step).toBe(4);
    [...st.tensors['opt.m.p']!.data].forEach((x, i) => expect(x).toBeCloseTo(m[i]!, 5));
    [...st.tensors['opt.v.p']!.data].forEach((x, i) => expect(x).toBeCloseTo(v[i]!, 6));
  });

  it('SGD and SGD with momentum', async () => {
    const lrs = [0.1, 0.2, 0.05];
    const plain = await run(sgd(), lrs);
    const mom = await run(sgd({ momentum: 0.9 }), lrs);
    const q = [...p0],
      r = [...p0],
      u = [0, 0, 0];
    for (const lr of lrs)
      for (let i = 0; i < 3; i++) {
        q[i] = q[i]! - lr * (c[i]! + q[i]!);
        u[i] = 0.9 * u[i]! - lr * (c[i]! + r[i]!);
        r[i] = r[i]! + u[i]!;
      }
    plain.p.forEach((x, i) => expect(x).toBeCloseTo(q[i]!, 5));
    mom.p.forEach((x, i) => expect(x).toBeCloseTo(r[i]!, 5));
    // the reported loss is the loss *before* the update
    expect(plain.losses[0]).toBeCloseTo(
      c.reduce((s, ci, i) => s + ci * p0[i]! + 0.5 * p0[i]! ** 2, 0),
      5,
    );
  });

  it('parameter groups: lrScale and frozen', async () => {
    const ps = new ParamStore();
    ps.set('a.w', Float32Array.of(1, 1), [2]);
    ps.set('b.w', Float32Array.of(1, 1), [2]);
    ps.set('c.w', Float32Array.of(1, 1), [2]);
    const g = new Graph();
    const loss = g
      .param('a.w', [2])
      .add(g.param('b.w', [2]))
      .add(g.param('c.w', [2]))
      .sum();
    const ts = await compileTrainStep({
      loss,
      params: ps,
      optimizer: sgd(),
      groups: [
        { match: 'a.', lrScale: 0.5 },
        { match: /^c\./, frozen: true },
      ],
    });
    await ts.step({}, 0.1);
    expect([...ps.get('a.w')].map((x) => +x.toFixed(6))).toEqual([0.95, 0.95]);
    expect([...ps.get('b.w')].map((x) => +x.toFixed(6))).toEqual([0.9, 0.9]);
    expect([...ps.get('c.w')]).toEqual([1, 1]);
    expect(ts.trainable).toEqual(['a.w', 'b.w']);
  });
});

describe('non-finite loss', () => {
  it('throws NonFiniteLossError and keeps the last good parameters and state', async () => {
    const ps = new ParamStore();
    ps.set('p', Float32Array.of(1, 2), [2]);
    const g = new Graph();
    const x = g.input('x', [2]);
    const ts = await compileTrainStep({
      loss: g.param('p', [2]).mul(x).sum(),
      params: ps,
      optimizer: adam(),
    });
    await ts.step({ x: Float32Array.of(1, 1) }, 0.1);
    const good = [...ps.get('p')];
    const m = [...ts.state().tensors['opt.m.p']!.data];
    await expect(ts.step({ x: Float32Array.of(NaN, 1) }, 0.1)).rejects.toThrow(NonFiniteLossError);
    await expect(ts.step({ x: Float32Array.of(Infinity, 1) }, 0.1)).rejects.toThrow(
      /training step 2: loss is (NaN|Infinity); the update was discarded/,
    );
    expect([...ps.get('p')]).toEqual(good);
    expect([...ts.state().tensors['opt.m.p']!.data]).toEqual(m);
    expect(ts.stepCount).toBe(1);
    const r = await ts.step({ x: Float32Array.of(1, 1) }, 0.1);
    expect(r.step).toBe(2);
  });
});

/** A 3-layer conv net learns a fixed mapping (box blur + shift) of random 8×8 images. */
async function trainSmallNet(seed: number, steps: number) {
  const N = 8,
    B = 8;
  const ps = new ParamStore(seed);
  const g = new Graph();
  const nn = new Layers(g, ps);
  const x = g.input('x', ['B', 1, N, N]);
  const target = g.input('target', ['B', 1, N, N]);
  const h = nn.conv2d('c1', x, 8).relu();
  const h2 = nn.conv2d('c2', h.maxpool2(), 8).relu().upsample2();
  const y = nn.conv2d('c3', g.concat([h, h2], 1), 1);
  const mse = y.sub(target).square().mean();
  const ts = await compileTrainStep({
    loss: mse,
    extraOutputs: { mae: y.sub(target).abs().mean() },
    params: ps,
    optimizer: adam(),
    session: { threads: 1 },
  });
  const r = rng(seed + 100);
  const xs = Float32Array.from({ length: B * N * N }, () => r());
  const ys = new Float32Array(B * N * N);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let di = -1; di <= 1; di++)
          for (let dj = -1; dj <= 1; dj++) {
            const ii = i + di,
              jj = j + dj - 1; // blur of the image shifted right by one pixel
            if (ii >= 0 && ii < N && jj >= 0 && jj < N) s += xs[b * N * N + ii * N + jj]!;
          }
        ys[b * N * N + i * N + j] = s / 9;
      }
  const losses: number[] = [];
  for (let k = 0; k < steps; k++) losses.push((await ts.step({ x: xs, target: ys }, 3e-3)).loss);
  return { losses, ps, y, xs, ys };
}

describe('training', () => {
  it('a small conv net fits a fixed mapping (loss falls ≥ 10×), deterministically', async () => {
    const a = await trainSmallNet(3, 300);
    const first = a.losses[0]!,
      last = a.losses.at(-1)!;
    expect(first / last).toBeGreaterThanOrEqual(10);
    const b = await trainSmallNet(3, 20);
    expect(b.losses).toEqual(a.losses.slice(0, 20));
    const c = await trainSmallNet(4, 2);
    expect(c.losses[0]).not.toEqual(a.losses[0]);

    // inference with baked weights = the trained function; survives a safetensors round trip
    const saved = a.ps.toSafetensors({ epoch: '300' });
    const loaded = ParamStore.fromSafetensors(saved);
    const inf = await compileInference({ y: a.y }, loaded);
    expect(inf.feeds.map((f) => f.name)).toEqual(['x']);
    const out = await inf.run({ x: a.xs });
    expect(out.y!.dims).toEqual([8, 1, 8, 8]);
    const fwdOnly = await compileInference({ y: a.y }, a.ps);
    const out2 = await fwdOnly.run({ x: a.xs });
    expect([...out.y!.data]).toEqual([...out2.y!.data]);
    const mse = out.y!.data.reduce((s, v, i) => s + (v - a.ys[i]!) ** 2, 0) / a.ys.length;
    expect(mse).toBeLessThan(first / 10);
    console.log(
      `small conv net: loss ${first.toExponential(3)} → ${last.toExponential(3)} (×${(first / last).toFixed(1)}) in 300 steps`,
    );
  });
});
