/**
 * A batch of same-shape products (attention's per-head Q K^T, P V and their gradients) computed
 * inside the GEMM module by one call, `gemm_batch(job, lo, hi, scratch)`: for every slice i in
 * [lo, hi) it packs A_i and B_i into panels at `scratch` (matmul_pack.ts's loops, compiled into the
 * same module) and runs gemm_set on them straight into C_i's place, whose rows may have any stride
 * (the kernel's ldc): no C block to copy out (attention's heads land interleaved in their rows).
 * Before, each slice was a JS round trip of four WebAssembly calls and their closures and a copy
 * of its C block (768 per GPT step, each product only 64 x 64 x 16); and since the function lives
 * in the kernel module, every thread of the pool has it (threads.ts splits the slices between them,
 * each on its own scratch).
 *
 * Only whole panels (m a multiple of MR, n of NR) and one k slice (k <= KC): the caller keeps its
 * general path for the rest. Each C element is summed in k order from zero as gemm.ts's driver
 * does, so the bits are the same as a product by product loop.
 *
 * The job is 15 i32 words at `job` (bytes): mb, nb, kc, aFn, aLane, aStep, bFn, bLane, bStep, m, n,
 * cRow, aTab, bTab, cTab (m and n unused by the kernel; kept for readers of a job); aFn / bFn are
 * BATCH_FN's function indices, strides and cRow (C's row stride) in bytes,
 * and the tables hold each slice's A origin, B origin and C destination (byte addresses).
 */
import { I32, op, uleb, type WasmFunction } from "./assembler";
import { MR, NR } from "./gemm_kernel";
import { matmulPackFunctions } from "./matmul_pack";

/** The GEMM module's functions: the kernel's two, then matmul_pack's, then gemm_batch. */
export function withBatch(kernel: WasmFunction[]): WasmFunction[] {
  if (kernel.length !== 2 || kernel[0].name !== "gemm_set") throw new Error("gemm_batch: expected gemm_set and gemm_acc first");
  const pack = matmulPackFunctions();
  return [...kernel, ...pack, batchFunction()];
}

/** Function indices in the GEMM module of the packers gemm_batch may call (aFn / bFn). */
export const BATCH_FN = (() => {
  const names = matmulPackFunctions().map((f) => f.name);
  const at = (name: string) => 2 + names.indexOf(name);
  return { pack4: at("pack4"), pack8: at("pack8"), copy4: at("copy4"), copy8: at("copy8"), tpack4: at("tpack4"), tpack8: at("tpack8") };
})();

/** Words of a job (see the header). */
export const BATCH_JOB_WORDS = 15;

const g = op.localGet, s = op.localSet, c = op.i32Const;
const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
const call = (fn: number) => [0x10, ...uleb(fn)];
const IF = [0x04, 0x40], ELSE = [0x05], END = [0x0b];

const JOB = 0, LO = 1, HI = 2, SCRATCH = 3;
const I = 4, B_AT = 5, A_FN = 6, B_FN = 7;

/** Calls the packer whose index is in local `fnLocal` (one of the three for panel width W), after pushing its arguments. */
function packCall(fnLocal: number, W: number, args: number[]): number[] {
  const [first, second, third] = W === MR ? [BATCH_FN.pack4, BATCH_FN.copy4, BATCH_FN.tpack4] : [BATCH_FN.pack8, BATCH_FN.copy8, BATCH_FN.tpack8];
  return [
    ...g(fnLocal), ...c(first), ...op.i32Eq, ...IF, ...args, ...call(first),
    ...ELSE, ...g(fnLocal), ...c(second), ...op.i32Eq, ...IF, ...args, ...call(second),
    ...ELSE, ...args, ...call(third), ...END, ...END,
  ];
}

function batchFunction(): WasmFunction {
  const job = (word: number) => [...g(JOB), ...i32Load(4 * word)];
  const slice = (tabWord: number) => [...job(tabWord), ...g(I), ...c(4), ...op.i32Mul, ...op.i32Add, ...i32Load(0)];
  const body = [
    // B panels after A's (mb * MR * kc floats).
    ...g(SCRATCH), ...job(0), ...job(2), ...op.i32Mul, ...c(MR * 4), ...op.i32Mul, ...op.i32Add, ...s(B_AT),
    ...job(3), ...s(A_FN),
    ...job(6), ...s(B_FN),
    ...g(LO), ...s(I),
    ...op.block([
      ...op.loop([
        ...g(I), ...g(HI), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1),
        ...packCall(A_FN, MR, [...g(SCRATCH), ...slice(12), ...job(4), ...job(5), ...job(0), ...job(2)]),
        ...packCall(B_FN, NR, [...g(B_AT), ...slice(13), ...job(7), ...job(8), ...job(1), ...job(2)]),
        ...g(SCRATCH), ...g(B_AT), ...slice(14), ...job(0), ...job(1), ...job(2), ...job(11), ...call(0),
        ...g(I), ...c(1), ...op.i32Add, ...s(I),
        ...op.br(0),
      ]),
    ]),
  ];
  return { name: "gemm_batch", params: [I32, I32, I32, I32], results: [], locals: new Array<number>(4).fill(I32), body };
}

export type BatchFn = (job: number, lo: number, hi: number, scratch: number) => void;

/** Bytes of scratch one thread's gemm_batch needs: the A and B panels. */
export function batchScratchBytes(m: number, n: number, k: number): number {
  return 4 * (m * k + n * k);
}
