/**
 * bench/threads.ts's matmul 256 row (torch.mm 256x256 @ 256x256, one thread and the pool alternated
 * call by call, medians: interleavedMs) with this round's pool changes off and on, the two settings
 * alternated run by run in one process: off = the row slices decided after the product
 * (rowSlicedFirst), C copied out after the job (streamSlices), the output allocated before the
 * kernel (lazyOutput), one thread's slices (fineSlices), all of A staged before the post (stageLater).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_row_ab.ts [runs]
 */
import { execSync } from "node:child_process";
import { torch } from "../lib/tensor/index";
import { streamSlices } from "../lib/tensor/kernels/wasm/threads";
import { fineSlices, lazyOutput, rowSlicedFirst, stageLater } from "../lib/tensor/kernels/wasm/matmul_simd";
import { interleavedMs } from "./threads";

const runs = Number(process.argv[2] ?? 4);
const set = (on: boolean) => {
  rowSlicedFirst.enabled = streamSlices.enabled = lazyOutput.enabled = fineSlices.enabled = stageLater.enabled = on;
};

async function main(): Promise<void> {
  torch.manual_seed(1);
  const a = torch.randn(256, 256), b = torch.randn(256, 256);
  const opts = { warmup: 10, minMs: 1500, minIters: 5 };
  console.log(execSync("uptime").toString().trim());
  for (let r = 0; r < runs; r++) {
    for (const on of r % 2 ? [true, false] : [false, true]) {
      set(on);
      const { one, many } = await interleavedMs(() => torch.mm(a, b), opts);
      console.log(`${on ? "after " : "before"}: one thread ${(one * 1000).toFixed(0)} µs, 2 threads ${(many * 1000).toFixed(0)} µs, x${(one / many).toFixed(2)}`);
    }
  }
  set(true);
  console.log(execSync("uptime").toString().trim());
}

void main();
