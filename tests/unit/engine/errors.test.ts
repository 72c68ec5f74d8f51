/** Bad graphs fail at build time naming the op and the shapes; provider failures name the provider. */
import { describe, expect, it } from 'vitest';
import { CompiledGraph } from '../../../compute/engine/compile';
import { EngineError, Graph } from '../../../compute/engine/ir';
import { ProviderError, createSession } from '../../../compute/engine/runtime';

describe('build-time errors', () => {
  it('mismatched shapes name the op and the shapes', () => {
    const g = new Graph();
    const a = g.input('a', ['B', 3, 4]),
      b = g.input('b', [5]);
    expect(() => a.add(b)).toThrow(/^add: cannot broadcast \[B,3,4\] with \[5\]/);
    expect(() => g.matmul(a, g.input('m', [5, 2]))).toThrow(/matmul: inner dims differ: \[B,3,4\] @ \[5,2\]/);
    const x = g.input('x', ['B', 3, 8, 8]);
    expect(() => g.conv2d(x, g.param('w', [4, 2, 3, 3]))).toThrow(
      /conv2d: input has 3 channels, weight expects 2 .*\[B,3,8,8\], \[4,2,3,3\]/,
    );
    expect(() => g.input('odd', ['B', 1, 5, 4]).maxpool2()).toThrow(/maxpool2: spatial dims must be even/);
    expect(() => a.reshape(['B', 5])).toThrow(/reshape: cannot reshape \[B,3,4\] to \[B,5\]/);
    expect(() => a.slice([2], [1], [9])).toThrow(/slice: slice \[1, 9\) out of range for axis 2 of size 4/);
    expect(() => a.transpose([0, 0, 1])).toThrow(/transpose: invalid permutation/);
    expect(() => g.concat([a, b], 0)).toThrow(/concat:/);
    expect(() => a.add(g.input('a', [3]))).toThrow(/input 'a': already declared/);
  });

  it('unknown ops and non-finite constants', () => {
    const g = new Graph();
    expect(() => g.apply('fft' as never, [])).toThrow(EngineError);
    expect(() => g.apply('fft' as never, [])).toThrow(/unknown op 'fft'/);
    expect(() => g.constant([1, NaN], [2])).toThrow(/const: non-finite constant value NaN at index 1/);
    expect(() => g.scalar(Infinity)).toThrow(/non-finite constant value Infinity/);
    expect(() => g.constant([1, 2, 3], [2])).toThrow(/const: data length 3 does not match shape \[2\]/);
    expect(() => g.input('x', [2]).mul(new Graph().input('y', [2]))).toThrow(/belongs to another graph/);
  });

  it('feeds are validated at run time', async () => {
    const g = new Graph();
    const x = g.input('x', ['B', 3]);
    const cg = await CompiledGraph.create({ y: x.mul(2) });
    await expect(cg.run({})).rejects.toThrow(/missing feed 'x' \(input \[B,3\]\)/);
    await expect(cg.run({ x: new Float32Array(4) })).rejects.toThrow(
      /feed 'x': 4 values is not a whole batch of shape \[B,3\]/,
    );
    const r = await cg.run({ x: Float32Array.of(1, 2, 3, 4, 5, 6) });
    expect(r.y!.dims).toEqual([2, 3]);
  });
});

describe('execution providers', () => {
  const g = new Graph();
  const model = (() => {
    const x = g.input('x', ['B', 2]);
    return { y: x.exp() };
  })();

  for (const p of ['webgpu', 'cuda'] as const) {
    it(`${p}: starts, or fails with a message naming the provider and the cause`, async () => {
      const { lower } = await import('../../../compute/engine/lower');
      try {
        const s = await createSession(lower(model).bytes, { provider: p });
        expect(s.provider).toBe(p);
        await s.release();
      } catch (e) {
        expect(e).toBeInstanceOf(ProviderError);
        expect((e as ProviderError).provider).toBe(p);
        expect((e as Error).message).toMatch(new RegExp(`^${p} execution provider could not start`));
        if (p === 'webgpu') expect((e as Error).message).toMatch(/libvulkan|adapter/);
        if (p === 'cuda') expect((e as Error).message).toMatch(/provider libraries are not installed|CUDA/);
      }
    });
  }

  it('auto picks the first provider that starts and says why the others did not', async () => {
    const cg = await CompiledGraph.create(model, { provider: 'auto', threads: 1 });
    expect(['cpu', 'webgpu', 'cuda']).toContain(cg.provider);
    if (cg.provider === 'cpu')
      expect(cg.session.notes.join('\n')).toMatch(
        /cuda execution provider could not start[\s\S]*webgpu execution provider could not start/,
      );
    const r = await cg.run({ x: Float32Array.of(0, 1) });
    expect(r.y!.data[1]).toBeCloseTo(Math.E, 5);
  });

  it('feeds with inconsistent batch sizes or wrong dims are refused before ORT runs', async () => {
    const h = new Graph();
    const a = h.input('a', ['B', 3]),
      b = h.input('b', ['B', 3]);
    const cg = await CompiledGraph.create({ y: a.add(b).sum() });
    await expect(cg.run({ a: new Float32Array(6), b: new Float32Array(9) })).rejects.toThrow(
      /feed 'b': batch size 3 differs from 2 \(feed 'a'\)/,
    );
    await expect(
      cg.run({ a: { data: new Float32Array(6), dims: [3, 2] }, b: new Float32Array(6) }),
    ).rejects.toThrow(/feed 'a': dims \[3,2\] do not match \[B,3\]/);
  });

  it('runtime failures name the provider and the failing node (op type in its name)', async () => {
    const { lower } = await import('../../../compute/engine/lower');
    const { f32Tensor } = await import('../../../compute/engine/runtime');
    const h = new Graph();
    const a = h.input('a', ['B', 3]),
      b = h.input('b', ['B', 3]);
    const s = await createSession(lower({ y: a.add(b).sum() }).bytes, { provider: 'cpu' }, 'engine');
    // bypass the feed checks: ORT itself fails inside the Add node
    await expect(
      s.run({ a: f32Tensor(new Float32Array(6), [2, 3]), b: f32Tensor(new Float32Array(9), [3, 3]) }),
    ).rejects.toThrow(/^cpu run of 'engine' failed: .*Add node\. Name:'Add_\d+_0'/);
    await s.release();
  });
});
