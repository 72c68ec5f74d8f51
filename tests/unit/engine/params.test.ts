/** Parameter store: Keras-style init, determinism, safetensors round trip and validation. */
import { describe, expect, it } from 'vitest';
import { ParamStore, glorotFor, readSafetensors, writeSafetensors } from '../../../compute/engine/params';

describe('ParamStore', () => {
  it('Glorot-uniform with Keras conv fans (k·k·cin, k·k·cout), zero biases, seeded per name', () => {
    const a = new ParamStore(1);
    a.create('c.w', [64, 32, 3, 3], glorotFor([64, 32, 3, 3]));
    a.create('c.b', [64], { kind: 'zeros' });
    const lim = Math.sqrt(6 / (9 * 32 + 9 * 64));
    const w = a.get('c.w');
    const max = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(max).toBeLessThanOrEqual(lim);
    expect(max).toBeGreaterThan(0.98 * lim);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const varc = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * lim);
    expect(varc).toBeCloseTo((lim * lim) / 3, 3);
    expect([...a.get('c.b')].every((v) => v === 0)).toBe(true);
    // same seed + name → same values regardless of creation order; other seed → different
    const b = new ParamStore(1);
    b.create('other', [10], glorotFor([2, 5]));
    b.create('c.w', [64, 32, 3, 3], glorotFor([64, 32, 3, 3]));
    expect(b.get('c.w')).toEqual(a.get('c.w'));
    const c = new ParamStore(2);
    c.create('c.w', [64, 32, 3, 3], glorotFor([64, 32, 3, 3]));
    expect(c.get('c.w')[0]).not.toBe(a.get('c.w')[0]);
    expect(a.count()).toBe(64 * 32 * 9 + 64);
    expect(() => a.create('c.w', [1, 2], { kind: 'zeros' })).toThrow(/c\.w.*\[64,32,3,3\].*\[1,2\]/);
  });

  it('safetensors round trip, header layout and validation', () => {
    const s = new ParamStore(0);
    s.create('enc.w', [2, 3], { kind: 'uniform', limit: 1 });
    s.create('enc.b', [3], { kind: 'constant', value: 0.5 });
    s.create('scalar', [], { kind: 'constant', value: 7 });
    const bytes = s.toSafetensors({ format: 'pt', note: 'test' });
    const hl = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + hl) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hl)));
    expect(header['enc.w']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.__metadata__).toEqual({ format: 'pt', note: 'test' });
    const t = ParamStore.fromSafetensors(bytes);
    expect(t.names()).toEqual(['enc.w', 'enc.b', 'scalar']);
    expect(t.get('enc.w')).toEqual(s.get('enc.w'));
    expect(t.shape('scalar')).toEqual([]);
    expect([...t.get('scalar')]).toEqual([7]);
    // loading into a store with different shapes fails and names the tensor
    const u = new ParamStore(0);
    u.create('enc.w', [3, 2], { kind: 'zeros' });
    expect(() => u.loadSafetensors(bytes)).toThrow(/enc\.w.*\[2,3\].*\[3,2\]/);
    // truncated / hostile files
    expect(() => readSafetensors(bytes.subarray(0, 20))).toThrow(/header length/);
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(/data_offsets/);
    expect(() => readSafetensors(new Uint8Array(4))).toThrow(/too short/);
    const bad = writeSafetensors({ x: { shape: [1], data: Float32Array.of(1) } });
    bad[8] = 0x5d; // corrupt JSON: ']' where '{' was
    expect(() => readSafetensors(bad)).toThrow(/JSON|data_offsets|shape/);
  });

  it('reads F64 tensors written by other tools', () => {
    const hdr = JSON.stringify({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } });
    const hb = new TextEncoder().encode(hdr);
    const buf = new Uint8Array(8 + hb.length + 16);
    new DataView(buf.buffer).setBigUint64(0, BigInt(hb.length), true);
    buf.set(hb, 8);
    new DataView(buf.buffer).setFloat64(8 + hb.length, 1.5, true);
    new DataView(buf.buffer).setFloat64(8 + hb.length + 8, -2, true);
    expect([...readSafetensors(buf).tensors.a!.data]).toEqual([1.5, -2]);
  });
});
