import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../compute/wire/framing';

describe('wire frames', () => {
  it('round-trips nested typed arrays bit-exactly and keeps their kinds', () => {
    const f32 = new Float32Array([1.5, -0, NaN, Infinity, 3e-39]);
    const f64 = new Float64Array([Math.PI, -1e300]);
    const u8 = new Uint8Array([1, 2, 3]);
    const big = new BigInt64Array([-5n, 1n << 62n]);
    const sub = new Float32Array([9, 8, 7, 6]).subarray(1, 3);
    const msg = {
      type: 'response',
      id: 7,
      ok: true,
      result: { frames: [f32, { deep: f64 }], u8, big, sub, label: 'x', n: null },
    };
    const back = decodeFrame(encodeFrame(msg)) as typeof msg;
    expect(back.result.frames[0]).toBeInstanceOf(Float32Array);
    expect(new Uint8Array((back.result.frames[0] as Float32Array).buffer)).toEqual(
      new Uint8Array(f32.buffer),
    );
    expect((back.result.frames[1] as { deep: Float64Array }).deep).toEqual(f64);
    expect(back.result.u8).toEqual(u8);
    expect(back.result.big).toEqual(big);
    expect(Array.from(back.result.sub)).toEqual([8, 7]);
    expect(back.result.label).toBe('x');
    expect(back.result.n).toBeNull();
  });

  it('rejects truncated frames instead of returning garbage', () => {
    const frame = encodeFrame({ a: new Float32Array(100) });
    expect(() => decodeFrame(frame.subarray(0, 2))).toThrow(/shorter/);
    expect(() => decodeFrame(frame.subarray(0, frame.length - 64))).toThrow(/exceeds frame/);
  });
});
