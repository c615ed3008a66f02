/** The hand-written protobuf wire format against the encoding guide's own examples (protobuf.dev/programming-guides/encoding). */
import { describe, expect, it } from "vitest";
import { ProtoWriter, readFields, readPackedInts } from "../../../lib/tensor/onnx/protobuf";
import { utf8Decode, utf8Encode } from "../../../lib/tensor/utf8";

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

describe("ProtoWriter", () => {
  it("writes the guide's examples byte for byte", () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe("08 96 01");
    expect(hex(new ProtoWriter().string(2, "testing").finish())).toBe("12 07 74 65 73 74 69 6e 67");
    expect(hex(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish())).toBe("22 06 03 8e 02 9e a7 05");
    // A nested message: Test3 { c: Test1 { a: 150 } } is field 3, length 3.
    expect(hex(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish())).toBe("1a 03 08 96 01");
  });

  it("writes negative int64 as ten-byte two's complement and floats as little-endian fixed32", () => {
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe("08 ff ff ff ff ff ff ff ff ff 01");
    expect(hex(new ProtoWriter().float(1, 1).finish())).toBe("0d 00 00 80 3f");
    expect(hex(new ProtoWriter().int(1, 2 ** 40).finish())).toBe("08 80 80 80 80 80 20");
    expect(() => new ProtoWriter().int(1, 1.5)).toThrow(/not an integer/);
  });

  it("round-trips through readFields, in order", () => {
    const bytes = new ProtoWriter().int(1, -7).string(2, "héllo ✓").float(3, 0.25).packedInts(4, [0, -1, 300]).int(1, 2 ** 53 - 1).finish();
    const fields = readFields(bytes);
    expect(fields.map((f) => [f.field, f.wire])).toEqual([[1, 0], [2, 2], [3, 5], [4, 2], [1, 0]]);
    expect(fields[0].value).toBe(-7n);
    expect(utf8Decode(fields[1].value as Uint8Array)).toBe("héllo ✓");
    expect(new DataView((fields[2].value as Uint8Array).slice().buffer).getFloat32(0, true)).toBe(0.25);
    expect(readPackedInts(fields[3].value as Uint8Array)).toEqual([0, -1, 300]);
    expect(fields[4].value).toBe(BigInt(2 ** 53 - 1));
  });
});

describe("readFields", () => {
  it("rejects truncated input instead of reading past the end", () => {
    expect(() => readFields(Uint8Array.from([0x08, 0x96]))).toThrow(/truncated protobuf varint/);
    expect(() => readFields(Uint8Array.from([0x12, 0x07, 0x74]))).toThrow(/truncated protobuf field/);
    expect(() => readFields(Uint8Array.from([0x0b]))).toThrow(/unsupported protobuf wire type 3/);
    expect(() => readPackedInts(Uint8Array.from([0x96]))).toThrow(/truncated packed varint/);
  });

  it("UTF-8 matches TextEncoder for every plane", () => {
    const s = "a é ✓ 𝔸 \u{10FFFF}";
    expect([...utf8Encode(s)]).toEqual([...new TextEncoder().encode(s)]);
    expect(utf8Decode(new TextEncoder().encode(s))).toBe(s);
  });
});
