/**
 * `npm run bench [filter | engine]`: our engine vs tfjs-core + tfjs-backend-wasm (1 thread) and vs
 * jax-js (WebAssembly, 1 thread in Node), our engine on all cores vs one, PyTorch's native
 * figures for reference, then the kernel's own costs (interrupt checks; click-to-result in
 * Chromium) and grading under attack. Rows come from the bench files imported below; add new
 * files with registerBench(). GRADBOOK_TILE_ROWS=4 or 5 forces the GEMM's register tile (tile_override.ts).
 */
import "./tile_override";
import "./mlp";
import "./ops";
import "./conv";
import "./lenet";
import "./gpt";
import "./gpt_gemms";
import "./threads";
import "./kernel";
import { measured, runAll } from "./harness";
import { clickToResult } from "./click-to-result";
import { pageBench } from "./page";
import { graderAttack } from "./grader-attack";
import { CORES, printThreadsLoad } from "./threads";
import { printTorchReference } from "./peer_torch";
import { gemmModuleBytes } from "../lib/tensor/kernels/wasm/gemm";
import { tileOverride, tileRace } from "../lib/tensor/kernels/wasm/gemm_tile_choice";

async function main() {
  // `npm run bench engine`: the engine tables only (no kernel, Chromium or grader benches).
  const engineOnly = process.argv[2] === "engine";
  const filter = engineOnly ? undefined : process.argv[2];
  // Chrome (114+) ships Relaxed SIMD, so the notebook's GEMM uses fused multiply-adds there; Node 20
  // needs --experimental-wasm-relaxed-simd (which `npm run bench` passes) for the same kernel.
  const fma = WebAssembly.validate(gemmModuleBytes(undefined, true));
  console.log(`Our GEMM kernel: ${fma ? "Relaxed SIMD fused multiply-add (as in Chrome)" : "SIMD multiply + add (no Relaxed SIMD in this Node)"}`);
  // The engine raced its register tiles when it loaded (gemm_tile_choice.ts): which won, by how much.
  const race = tileRace();
  console.log(
    tileOverride.rows !== undefined
      ? `Register tile: ${tileOverride.rows} x 8, forced by GRADBOOK_TILE_ROWS\n`
      : race
      ? `Register tile: ${race.rows} x 8 (4-row / 5-row best burst x${race.ratio.toFixed(3)}, ${race.rounds} rounds, ${race.ms.toFixed(0)} ms${race.note ? `; ${race.note}` : ""})\n`
      : "Register tile: 4 x 8 (the mul + add kernel races none)\n",
  );
  console.log("Engine (peer: tfjs-core with the wasm backend, 1 thread)");
  await runAll(filter, "tfjs-wasm", ["train", "matmul", "conv", "elementwise"]);
  console.log("\nEngine (peer: jax-js 0.1 with the wasm backend, jit; 1 thread: its pool needs a global Worker, which Node lacks)");
  await runAll(filter, "jax-js", ["jax"]);
  console.log(`\nEngine on ${CORES} threads (peer: our engine on 1 thread)`);
  await runAll(filter, "1 thread", ["threads"]);
  printThreadsLoad();
  printTorchReference(measured);
  if (engineOnly) return;
  console.log("\nKernel (peer: the same cell without interrupt checks)");
  await runAll(filter, "no checks", ["kernel"]);
  if (!filter || "click-to-result".includes(filter)) {
    console.log("\nNotebook in Chromium (a production build, as `npm start` serves it)");
    await clickToResult();
  }
  if (!filter || "grader-attack".includes(filter)) await graderAttack();
  if (!filter || "page".includes(filter)) await pageBench();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
