/**
 * A minimal protocol-buffers *writer*: just the wire types the ONNX schema needs
 * (varint, 64-bit-safe varint, fixed32 float, length-delimited bytes/strings/messages,
 * packed repeated scalars). Encoding only; ONNX models are read back by ONNX Runtime itself.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(256);
  private pos = 0;
  private total = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    this.flushCur();
    this.cur = new Uint8Array(Math.max(256, n));
  }

  private flushCur(): void {
    if (this.pos > 0) {
      this.chunks.push(this.cur.subarray(0, this.pos));
      this.total += this.pos;
    }
    this.pos = 0;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.cur[this.pos++] = b;
  }

  /** Unsigned or non-negative varint (up to 2^53). */
  private rawVarint(v: number): void {
    if (!Number.isInteger(v)) throw new Error(`protobuf: varint must be an integer, got ${v}`);
    if (v < 0) {
      this.rawVarint64(BigInt(v));
      return;
    }
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** Two's-complement 64-bit varint (negative int64 values take 10 bytes). */
  private rawVarint64(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.byte(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    this.byte(Number(u));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawBytes(b: Uint8Array): void {
    this.flushCur();
    this.chunks.push(b);
    this.total += b.length;
    this.cur = new Uint8Array(256);
  }

  /** int32/int64/enum/bool field. */
  int(field: number, v: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    if (typeof v === 'bigint') this.rawVarint64(v);
    else this.rawVarint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    new DataView(this.cur.buffer, this.cur.byteOffset + this.pos, 4).setFloat32(0, v, true);
    this.pos += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(b.length);
    this.rawBytes(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  packedInts(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (typeof v === 'bigint') inner.rawVarint64(v);
      else inner.rawVarint(v);
    }
    return this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    const buf = new Uint8Array(values.length * 4);
    const dv = new DataView(buf.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i]!, true);
    return this.bytes(field, buf);
  }

  finish(): Uint8Array {
    this.flushCur();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.total);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
