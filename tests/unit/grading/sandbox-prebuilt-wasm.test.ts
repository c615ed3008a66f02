/**
 * The grader's bundle embeds the WebAssembly modules the engine would otherwise assemble in every
 * isolate (lib/tensor/kernels/wasm/prebuilt.ts, scripts/build-grader-engine.mjs). These fail if a
 * grading isolate stops taking them (a key renamed, the build no longer embedding one: each job
 * silently pays ~40 ms again) or if the embedded bytes differ from what the engine assembles.
 */
import { describe, expect, it } from "vitest";
import { prebuiltWasmInSandbox, runInSandbox } from "@/lib/grading/sandbox/grader";
import { engineBundleSource } from "@/lib/grading/sandbox/engine-bundle";
import { prebuiltWasmReport } from "@/lib/tensor/kernels/wasm/prebuilt";
import { gemmModuleBytes } from "@/lib/tensor/kernels/wasm/gemm";
import { elementwiseModuleBytes } from "@/lib/tensor/kernels/wasm/elementwise_simd";
import { crossEntropyModuleBytes } from "@/lib/tensor/kernels/wasm/cross_entropy_simd";
import { matmulPackFunctions } from "@/lib/tensor/kernels/wasm/matmul_pack";
import { buildModule } from "@/lib/tensor/kernels/wasm/assembler";
import { MR } from "@/lib/tensor/kernels/wasm/gemm_kernel";
import { unaryModuleBytes } from "@/lib/tensor/kernels/wasm/unary_simd";

const PREBUILT = ["relaxed_simd_probe", "gemm fma=0 rows=4", "elementwise", "unary", "cross_entropy", "matmul_pack shared=0"];
const MATMUL = "const y = torch.randn([64, 64]).matmul(torch.randn([64, 64])).sum();";

/** The embedded table as the bundle holds it (esbuild writes the define as an object literal of string literals). */
function embeddedTable(): Record<string, Uint8Array> {
  const source = engineBundleSource();
  const match = /var (define_GRADBOOK_PREBUILT_WASM_default) = (\{.*\});\n/.exec(source);
  if (!match) throw new Error("the grader bundle embeds no prebuilt WebAssembly table");
  const table = new Function(`"use strict"; return ${match[2]};`)() as Record<string, string>;
  return Object.fromEntries(Object.entries(table).map(([key, text]) => [key, Uint8Array.from(text, (c) => c.charCodeAt(0))]));
}

describe("prebuilt WebAssembly modules in the grading isolate", () => {
  it("serves every module the engine builds for a job from the bundle, assembling none", async () => {
    const report = await prebuiltWasmInSandbox(MATMUL);
    expect(report.embedded).toBe(true);
    expect(report.assembled).toEqual([]);
    expect([...report.served].sort()).toEqual([...PREBUILT].sort());
    // The isolate re-assembled each served module with its own options and compared the bytes.
    expect(report.differing).toEqual([]);
  });

  it("embeds exactly the bytes the engine's builders assemble (compared here, outside any isolate)", () => {
    const table = embeddedTable();
    expect(Object.keys(table).sort()).toEqual([...PREBUILT].sort());
    expect(MR).toBe(4);
    expect(table["gemm fma=0 rows=4"]).toEqual(gemmModuleBytes(undefined, false, 4));
    expect(table.elementwise).toEqual(elementwiseModuleBytes());
    expect(table.cross_entropy).toEqual(crossEntropyModuleBytes());
    expect(table.unary).toEqual(unaryModuleBytes());
    // relaxed_simd_probe's builder is private to assembler.ts: the isolate's own comparison (above) covers it.
    expect(table["matmul_pack shared=0"]).toEqual(buildModule(matmulPackFunctions(), { initial: 1, maximum: 65536, shared: false }));
  });

  it("keeps the engine outside the grader assembling its own modules (no table in this build)", () => {
    expect(prebuiltWasmReport()).toEqual({ embedded: false, served: [], assembled: [], differing: [] });
  });

  it("cannot be reached or changed by learner code: a job that tries grades as usual, and the next job's modules are intact", async () => {
    const tamper = `
      const found = [];
      for (const name of Object.getOwnPropertyNames(globalThis)) if (/PREBUILT|define_/i.test(name)) found.push(name);
      try { WebAssembly.Module = function () { throw new Error("tampered"); }; } catch {}
      const y = found.length;`;
    const tampered = await runInSandbox({ dependencies: [], learnerCode: tamper, checks: [{ name: "no table global", hidden: false, code: "if (y !== 0) throw new Error('found ' + y);" }], graded: ["y"] });
    expect(tampered.checks[0].status).toBe("passed");
    const report = await prebuiltWasmInSandbox(MATMUL);
    expect(report.differing).toEqual([]);
    expect(report.assembled).toEqual([]);
  });
});
