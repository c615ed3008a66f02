import { describe, expect, it } from "vitest";
import { buildModule } from "../../../../lib/tensor/kernels/wasm/assembler";
import { instantiateOwnMemory } from "../../../../lib/tensor/kernels/wasm/own_memory";

describe("instantiateOwnMemory", () => {
  it("gives null for bytes that are not a valid module (the caller keeps its JS loops)", () => {
    expect(instantiateOwnMemory(() => new Uint8Array([0, 0x61, 0x73, 0x6d, 9, 9, 9, 9]))).toBeNull();
  });

  it("grows the memory to what a call asks for, keeping what was written, and hands out a fresh view", () => {
    const wasm = instantiateOwnMemory<Record<string, unknown>>(() => buildModule([], 1));
    expect(wasm).not.toBeNull();
    const first = wasm!.heap(10);
    expect(first.length).toBe(65536 / 4); // one page, not grown
    first[5] = 42;
    expect(wasm!.heap(16384)).toBe(first); // fits: the same view
    const grown = wasm!.heap(16385);
    expect(grown.length).toBe(2 * 65536 / 4);
    expect(grown[5]).toBe(42);
    expect(first.length).toBe(0); // the old view's buffer was detached by the growth
  });
});
