/**
 * gelu_simd.ts's forward and value kernels take three groups of four floats per iteration (their
 * statements interleaved), then the rest one at a time: every group must come out with the bits it
 * gets alone (one call per group, which runs the one-group code), on both builds (fused multiply-adds where Relaxed SIMD validates, and mul + add), with
 * zeros, denormals, infinities and NaN among the inputs.
 */
import { describe, expect, it } from "vitest";
import { buildModule } from "../../../../lib/tensor/kernels/wasm/assembler";
import { geluFunctions, type GeluKernels } from "../../../../lib/tensor/kernels/wasm/gelu_simd";

const memory = typeof WebAssembly === "undefined" ? null : new WebAssembly.Memory({ initial: 4 });

function build(fma: boolean): GeluKernels | null {
  try {
    const bytes = buildModule(geluFunctions(fma), { initial: 1, maximum: 65536, shared: false });
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: memory! } }).exports as unknown as GeluKernels;
  } catch {
    return null; // no Relaxed SIMD for the fma build
  }
}

(memory ? describe : describe.skip)("GELU forward, groups in pairs", () => {
  for (const fma of [true, false]) {
    const k = build(fma);
    (k ? it : it.skip)(`each group's y and d as alone (${fma ? "fused multiply-adds" : "mul + add"})`, () => {
      const h = new Float32Array(memory!.buffer);
      const specials = [0, -0, 1e-40, -1e-40, Infinity, -Infinity, NaN, 30, -30, 6, -6];
      for (const n4 of [1, 2, 3, 4, 5, 6, 7, 64]) {
        const n = 4 * n4;
        const X = 0, Y1 = n, D1 = 2 * n, Y2 = 3 * n, D2 = 4 * n;
        for (let i = 0; i < n; i++) h[X + i] = i % 9 === 0 ? specials[(i / 9) % specials.length] : Math.sin(i * 1.3) * 5;
        k!.gelu_fwd(X * 4, Y1 * 4, D1 * 4, n4);
        for (let j = 0; j < n4; j++) k!.gelu_fwd((X + 4 * j) * 4, (Y2 + 4 * j) * 4, (D2 + 4 * j) * 4, 1);
        const u = new Uint32Array(memory!.buffer);
        expect(Array.from(u.subarray(Y1, D1 + n))).toEqual(Array.from(u.subarray(Y2, D2 + n)));
        k!.gelu_val(X * 4, Y1 * 4, n4);
        for (let j = 0; j < n4; j++) k!.gelu_val((X + 4 * j) * 4, (D1 + 4 * j) * 4, 1);
        expect(Array.from(u.subarray(Y1, Y1 + n))).toEqual(Array.from(u.subarray(D1, D1 + n)));
        // gelu_val's y is gelu_fwd's y.
        expect(Array.from(u.subarray(Y1, Y1 + n))).toEqual(Array.from(u.subarray(Y2, Y2 + n)));
      }
    });
  }
});
