import { describe, expect, it } from 'vitest';
import { FrameLoader } from '../../../renderer/src/render/frameLoader';

/** getFrame whose promises the test resolves by hand. */
function manualSource() {
  const pending: Array<{ index: number; resolve: (d: Float32Array) => void; reject: (e: unknown) => void }> =
    [];
  const calls: number[] = [];
  const getFrame = (index: number): Promise<Float32Array> => {
    calls.push(index);
    return new Promise((resolve, reject) => pending.push({ index, resolve, reject }));
  };
  const settle = async (i = 0): Promise<void> => {
    const p = pending.splice(i, 1)[0]!;
    p.resolve(new Float32Array([p.index]));
    await new Promise((r) => setTimeout(r, 0));
  };
  return { getFrame, calls, pending, settle };
}

describe('FrameLoader', () => {
  it('fetches only the latest request while scrubbing and shows only it', async () => {
    const src = manualSource();
    const shown: number[] = [];
    const loading: boolean[] = [];
    const loader = new FrameLoader(src.getFrame, {
      frame: (i) => shown.push(i),
      loading: (l) => loading.push(l),
    });
    loader.request(0);
    loader.request(1);
    loader.request(2);
    loader.request(7);
    expect(src.calls).toEqual([0]);
    await src.settle(); // frame 0 arrives: stale, cached, not shown; then 7 is fetched
    expect(shown).toEqual([]);
    expect(src.calls).toEqual([0, 7]);
    await src.settle();
    expect(shown).toEqual([7]);
    expect(loading).toEqual([true, false]);
    expect(loader.cachedIndices()).toEqual([0, 7]);
  });

  it('serves cached frames immediately, evicting the least recently used', async () => {
    const src = manualSource();
    const shown: number[] = [];
    const loader = new FrameLoader(src.getFrame, { frame: (i) => shown.push(i) }, 2);
    for (const i of [1, 2, 3]) {
      loader.request(i);
      await src.settle();
    }
    expect(loader.cachedIndices()).toEqual([2, 3]);
    loader.request(2);
    expect(shown).toEqual([1, 2, 3, 2]);
    expect(src.calls).toEqual([1, 2, 3]);
  });

  it('reports errors for the wanted frame and recovers on the next request', async () => {
    const src = manualSource();
    const errors: number[] = [];
    const shown: number[] = [];
    const loader = new FrameLoader(src.getFrame, {
      frame: (i) => shown.push(i),
      error: (i) => errors.push(i),
    });
    loader.request(4);
    src.pending.shift()!.reject(new Error('compute crashed'));
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual([4]);
    loader.request(5);
    await src.settle();
    expect(shown).toEqual([5]);
  });

  it('ignores results after dispose', async () => {
    const src = manualSource();
    const shown: number[] = [];
    const loader = new FrameLoader(src.getFrame, { frame: (i) => shown.push(i) });
    loader.request(1);
    loader.dispose();
    await src.settle();
    expect(shown).toEqual([]);
  });
});

describe('FrameLoader.setGetFrame', () => {
  it('keeps the cache and uses the new function for the next fetch', async () => {
    const a = manualSource();
    const b = manualSource();
    const shown: number[] = [];
    const loader = new FrameLoader(a.getFrame, { frame: (i) => shown.push(i) });
    loader.request(1);
    await a.settle();
    loader.setGetFrame(b.getFrame);
    loader.request(1); // cached
    loader.request(2);
    await b.settle();
    expect(shown).toEqual([1, 1, 2]);
    expect(a.calls).toEqual([1]);
    expect(b.calls).toEqual([2]);
  });
});
