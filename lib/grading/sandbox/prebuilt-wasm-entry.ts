/**
 * Not graded with: scripts/build-grader-engine.mjs bundles this with an empty prebuilt table
 * (lib/tensor/kernels/wasm/prebuilt.ts) and runs it once in a fresh isolate, so the engine loads
 * exactly as in a grading isolate (same V8, same flags, no `performance`) and assembles every
 * module it builds while loading, plus those built on first use that most graded jobs need (the
 * matmul packers: any matmul past a few elements). The build reads them from the global below and
 * embeds them in the grader's bundle. No learner code ever runs in this isolate.
 */
import "./isolate-entry";
import { assembledWasmModules } from "../../tensor/kernels/wasm/prebuilt";
import { matmulPackFor } from "../../tensor/kernels/wasm/matmul_pack";

// Built per memory; the bytes depend only on whether the memory is shared (a grading isolate's is not).
matmulPackFor(new WebAssembly.Memory({ initial: 1 }));

(globalThis as { __gradbookAssembledWasm?: string }).__gradbookAssembledWasm = JSON.stringify(assembledWasmModules());
