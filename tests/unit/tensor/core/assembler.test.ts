import { describe, expect, it } from "vitest";
import { I32, buildModule, interleave, op } from "../../../../lib/tensor/kernels/wasm/assembler";

describe("the WebAssembly assembler", () => {
  it("names each function in a name section, so profiles and stack traces show the kernel", () => {
    const trap = { name: "kernel_that_traps", params: [I32], results: [], locals: [], body: [0x00] }; // unreachable
    const bytes = buildModule([{ name: "first", params: [], results: [], locals: [], body: [] }, trap]);
    const compiled = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.customSections(compiled, "name")).toHaveLength(1);
    const { kernel_that_traps } = new WebAssembly.Instance(compiled, {}).exports as { kernel_that_traps: (x: number) => void };
    let stack = "";
    try {
      kernel_that_traps(1);
    } catch (e) {
      stack = String((e as Error).stack);
    }
    expect(stack).toContain("kernel_that_traps");
  });

  it("interleaves groups of statements round-robin", () => {
    const a = [op.i32Const(1), op.i32Const(2)], b = [op.i32Const(3), op.i32Const(4)];
    expect(interleave([a, b])).toEqual([...a[0], ...b[0], ...a[1], ...b[1]]);
  });
});
