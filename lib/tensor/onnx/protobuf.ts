/**
 * The protobuf wire format, just the part ONNX files need: a writer for the messages the
 * exporter emits and a reader that walks any message back into its fields.
 *
 * Hand-written rather than protobufjs because the engine ships to the browser worker and the
 * grader sandbox: protobufjs builds its coders with `new Function` (blocked by strict CSPs and
 * awkward in isolated-vm), probes for Node's Buffer, and would add tens of kilobytes to every
 * engine bundle for the ~120 lines below. The format itself is small and stable:
 * https://protobuf.dev/programming-guides/encoding/
 */

import { utf8Encode } from "../utf8";

/** Wire types: VARINT (int32/int64/enum/bool), I64, LEN (bytes/strings/messages/packed), I32 (float). */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Builds one message. Nested messages are encoded first and added with `message()`. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private bytes: number[] = [];
  private length = 0;

  private flush(): void {
    if (this.bytes.length) {
      this.chunks.push(Uint8Array.from(this.bytes));
      this.bytes = [];
    }
  }

  /** A varint; negative int64 values take ten bytes (two's complement), as protobuf says. */
  private varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new RangeError(`not an integer: ${v}`);
    do {
      const byte = Number(n & 0x7fn);
      n >>= 7n;
      this.bytes.push(n ? byte | 0x80 : byte);
      this.length++;
    } while (n);
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    this.tag(field, VARINT);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.bytes.push(x);
    this.length += 4;
    return this;
  }

  bytesField(field: number, b: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(b.length);
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, utf8Encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytesField(field, m.finish());
  }

  /** A packed repeated int64 (how proto3 writes `repeated int64` by default). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** One field as read from the wire: integers as bigint (int64 may exceed 2^53), LEN as bytes. */
export interface WireField {
  field: number;
  wire: number;
  value: bigint | Uint8Array;
}

/** Splits a message into its fields, in order. Throws on truncated or malformed input. */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length) throw new RangeError("truncated protobuf varint");
      if (shift > 63n) throw new RangeError("protobuf varint longer than 10 bytes");
      const b = buf[at++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
  };
  const take = (n: number): Uint8Array => {
    if (at + n > buf.length) throw new RangeError("truncated protobuf field");
    const b = buf.subarray(at, at + n);
    at += n;
    return b;
  };
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new RangeError("protobuf field number 0");
    if (wire === VARINT) out.push({ field, wire, value: BigInt.asIntN(64, varint()) });
    else if (wire === LEN) out.push({ field, wire, value: take(Number(varint())) });
    else if (wire === I32) out.push({ field, wire, value: take(4) });
    else if (wire === I64) out.push({ field, wire, value: take(8) });
    else throw new RangeError(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

/** The varints of a packed repeated field, as numbers. */
export function readPackedInts(b: Uint8Array): number[] {
  const out: number[] = [];
  let result = 0n;
  let shift = 0n;
  for (const byte of b) {
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (!(byte & 0x80)) {
      out.push(Number(BigInt.asIntN(64, result)));
      result = 0n;
      shift = 0n;
    }
  }
  if (shift !== 0n) throw new RangeError("truncated packed varint");
  return out;
}
