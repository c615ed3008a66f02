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
 * The job is 18 i32 words at `job` (bytes): mb, nb, kc, aFn, aLane, aStep, bFn, bLane, bStep, m, n,
 * cRow, aTab, bTab, cTab, skip, acc, bias (m and n unused by the kernel; kept for readers of a job);
 * aFn / bFn are BATCH_FN's function indices, strides and cRow (C's row stride) in bytes, the tables
 * hold each slice's A origin, B origin and C destination (byte addresses); with acc = 1
 * (BATCH_STORE.ACC) the products are added to what C holds (gemm_acc: earlier k slices) instead of
 * written, and with acc = 2 (BATCH_STORE.BIAS) C is written as the n floats at byte address `bias`
 * plus the products (gemm_bias: the bits of gemm_acc over C preloaded with that row).
 *
 * Slices with the same B origin as the slice this thread packed last (one product cut into row
 * slices, as matmul_simd.ts does so that each thread packs its own rows of A) pack B only once:
 * a thread's scratch ends with two words, [1, B origin] once it packed a whole B, which the caller
 * zeroes before each job (batchScratchBytes counts them), so a thread that takes several chunks of
 * one job's slices packs B once, and never reuses a B packed for another job.
 *
 * `skip` (BATCH_SKIP) lets causal attention leave out the half of each product the causal cut
 * makes dead: the slice's rows go in groups of CAUSAL_GROUP_PANELS panels, and a group of rows
 * [r0, r1) computes only columns j < r1 (C_PAST_DIAGONAL: scores the softmax
 * overwrites), or only steps p < r1 (A_PAST_DIAGONAL: A is zero past its diagonal, as P and dS)
 * or p >= r0 (A_BEFORE_DIAGONAL: A is zero before it, as P^T and dS^T). Each group packs only the
 * rows, steps and panels of A it reads; B is packed whole once per slice, by its first group, and
 * each group runs the kernel from its first step of B's panels (the kernel's B panel stride: the
 * panels stay kc steps apart), where each group packing its own part of B packed up to 4.5 times
 * B's floats (8 groups of a 64 x 64 slice) for the same products. The terms left out are exact zeros, added at the end or (from a zero
 * accumulator) at the start of each sum, so the bits are those of the whole product (but for the
 * sign of an all-zero sum, and infinities or NaN in B that a zero would have turned into NaN).
 */
import { I32, op, uleb, type WasmFunction } from "./assembler";
import { MR, NR } from "./gemm_kernel";
import { MATMUL_PACK_NAMES, matmulPackFunctions } from "./matmul_pack";

/** The GEMM module's functions: gemm_set and gemm_acc, then matmul_pack's, then gemm_batch, then gemm_bias (BATCH_FN.bias). */
export function withBatch(kernel: WasmFunction[]): WasmFunction[] {
  if (kernel.length !== 3 || kernel[0].name !== "gemm_set" || kernel[1].name !== "gemm_acc" || kernel[2].name !== "gemm_bias") {
    throw new Error("gemm_batch: expected gemm_set, gemm_acc and gemm_bias");
  }
  const pack = matmulPackFunctions();
  return [kernel[0], kernel[1], ...pack, batchFunction(), kernel[2]];
}

/** Function indices in the GEMM module of the packers gemm_batch may call (aFn / bFn). */
export const BATCH_FN = (() => {
  const names = MATMUL_PACK_NAMES;
  const at = (name: string) => 2 + names.indexOf(name);
  return { pack4: at("pack4"), pack8: at("pack8"), copy4: at("copy4"), copy8: at("copy8"), tpack4: at("tpack4"), tpack8: at("tpack8"), bias: 2 + names.length + 1 };
})();

/** Words of a job (see the header). */
export const BATCH_JOB_WORDS = 18;

/** The job's `acc` word: C written, added to (a preloaded bias, earlier k slices), or written as the bias row at word 17 plus the products (gemm_bias). */
export const BATCH_STORE = { SET: 0, ACC: 1, BIAS: 2 } as const;

/**
 * Whether callers have the kernel add a bias row (BATCH_STORE.BIAS) or, as before it, copy the row
 * into every row of C for gemm_acc to add the products to (the same bits; benches compare the two
 * in one process).
 */
export const biasInKernel = { enabled: true };

/**
 * Whether a causally skipped slice packs its whole B once, for every row group to run its panels
 * and steps of (the kernel's B panel stride), or, as before, each group packs the B panels and
 * steps it reads (the same bits; benches compare the two in one process). Callers add
 * skipWord's 0x100 to the job's skip word for the latter.
 */
export const batchBOnce = { enabled: true };

/** The job's skip word for `skip` (BATCH_SKIP), with batchBOnce off the flag asking for a B packed per row group. */
export const skipWord = (skip: number): number => (skip !== BATCH_SKIP.NONE && !batchBOnce.enabled ? skip | 0x100 : skip);

/** The job's `skip` word: which part of each product causal attention lets gemm_batch leave out (see the header). */
export const BATCH_SKIP = { NONE: 0, C_PAST_DIAGONAL: 1, A_PAST_DIAGONAL: 2, A_BEFORE_DIAGONAL: 3 } as const;

const g = op.localGet, s = op.localSet, c = op.i32Const;
const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
const i32Store = (offset: number) => [0x36, 2, ...uleb(offset)];
const call = (fn: number) => [0x10, ...uleb(fn)];
const IF = [0x04, 0x40], ELSE = [0x05], END = [0x0b];
const I32_OR = [0x72], I32_AND = [0x71], I32_SHR_U = [0x76];

const JOB = 0, LO = 1, HI = 2, SCRATCH = 3;
const I = 4, B_AT = 5, A_FN = 6, B_FN = 7;
const SKIP = 8, GROUP = 9, IB = 10, GP = 11, R0 = 12, R1 = 13, KS = 14, KG = 15, NBG = 16, LAST_B = 17, PACKED_B = 18, REPACK = 19, LOCALS = 20;

/** Calls the packer whose index is in local `fnLocal` (one of the three for panel width W), after pushing its arguments. */
function packCall(fnLocal: number, W: number, args: number[]): number[] {
  const [first, second, third] = W === MR ? [BATCH_FN.pack4, BATCH_FN.copy4, BATCH_FN.tpack4] : [BATCH_FN.pack8, BATCH_FN.copy8, BATCH_FN.tpack8];
  return [
    ...g(fnLocal), ...c(first), ...op.i32Eq, ...IF, ...args, ...call(first),
    ...ELSE, ...g(fnLocal), ...c(second), ...op.i32Eq, ...IF, ...args, ...call(second),
    ...ELSE, ...args, ...call(third), ...END, ...END,
  ];
}

/**
 * Row panels per group under a causal skip: 2 (8 rows, one B panel's width). Smaller groups skip
 * more of the dead half but run narrower tiles; bench/gpt_gemms.ts, the GPT step's six per-head
 * products (64 x [64 x 16 @ 16 x 64] and 64 x [64 x 64 @ 64 x 16]): 2 panels 0.192-0.233 ms per
 * product, 4 panels 0.191-0.239, 5 (one 5-row tile) 0.209-0.243, 10 0.210-0.253, no skip 0.245-0.293.
 */
const CAUSAL_GROUP_PANELS = 2;

/** min(a, b) of two unsigned i32 expressions. */
const minU = (a: number[], b: number[]) => [...a, ...b, ...a, ...b, ...op.i32LtU, ...SELECT];
const SELECT = [0x1b];

function batchFunction(): WasmFunction {
  const job = (word: number) => [...g(JOB), ...i32Load(4 * word)];
  const slice = (tabWord: number) => [...job(tabWord), ...g(I), ...c(4), ...op.i32Mul, ...op.i32Add, ...i32Load(0)];
  const skipIs = (mode: number) => [...g(SKIP), ...c(mode), ...op.i32Eq];
  /** if (cond) then else otherwise, as an i32 value. */
  const pick = (cond: number[], then: number[], otherwise: number[]) => [...then, ...otherwise, ...cond, ...SELECT];
  // B from the group's first step KS of panels packed job(2) steps deep (with REPACK: the group's own B panels, KG deep).
  const kernelArgs = [
    ...g(SCRATCH), ...pick(g(REPACK), g(B_AT), [...g(B_AT), ...g(KS), ...c(NR * 4), ...op.i32Mul, ...op.i32Add]),
    ...slice(14), ...g(R0), ...job(11), ...op.i32Mul, ...op.i32Add, ...g(GP), ...g(NBG), ...g(KG), ...job(11),
  ];
  const bStep = pick(g(REPACK), c(0), [...job(2), ...c(NR * 4), ...op.i32Mul]);
  // One row group [r0, r1) = [IB, IB + GP) panels: its steps [KS, KS + KG) and B panels [0, NBG).
  const group = [
    ...minU(g(GROUP), [...job(0), ...g(IB), ...op.i32Sub]), ...s(GP),
    ...g(IB), ...c(MR), ...op.i32Mul, ...s(R0),
    ...g(IB), ...g(GP), ...op.i32Add, ...c(MR), ...op.i32Mul, ...s(R1),
    ...pick(skipIs(BATCH_SKIP.A_BEFORE_DIAGONAL), minU(g(R0), job(2)), c(0)), ...s(KS),
    ...pick(skipIs(BATCH_SKIP.A_PAST_DIAGONAL), minU(g(R1), job(2)), [...job(2), ...g(KS), ...op.i32Sub]), ...s(KG),
    ...pick(skipIs(BATCH_SKIP.C_PAST_DIAGONAL), minU([...g(R1), ...c(NR - 1), ...op.i32Add, ...c(Math.log2(NR)), ...op.i32ShrU], job(1)), job(1)), ...s(NBG),
    ...packCall(A_FN, MR, [
      ...g(SCRATCH),
      ...slice(12), ...g(R0), ...job(4), ...op.i32Mul, ...op.i32Add, ...g(KS), ...job(5), ...op.i32Mul, ...op.i32Add,
      ...job(4), ...job(5), ...g(GP), ...g(KG),
    ]),
    // The slice's whole B (every panel, every step), unless this is a whole slice (no skip) with the
    // B this thread packed last in this job, or a later row group of a slice (a skip) whose first
    // group packed it: each group runs its panels and steps of it.
    ...op.block([
      ...g(SKIP), ...op.i32Eqz, ...slice(13), ...g(LAST_B), ...op.i32Eq, ...op.i32And,
      ...g(SKIP), ...c(0), ...op.i32Ne, ...g(IB), ...c(0), ...op.i32Ne, ...op.i32And, ...g(REPACK), ...op.i32Eqz, ...op.i32And, ...I32_OR, ...op.brIf(0),
      ...packCall(B_FN, NR, [
        ...g(B_AT), ...slice(13), ...pick(g(REPACK), [...g(KS), ...job(8), ...op.i32Mul], c(0)), ...op.i32Add, ...job(7), ...job(8),
        ...pick(g(REPACK), g(NBG), job(1)), ...pick(g(REPACK), g(KG), job(2)),
      ]),
      ...pick([...g(SKIP), ...op.i32Eqz], slice(13), c(-1)), ...s(LAST_B),
      ...g(PACKED_B), ...g(LAST_B), ...c(-1), ...op.i32Ne, ...i32Store(0),
      ...g(PACKED_B), ...g(LAST_B), ...i32Store(4),
    ]),
    ...job(16), ...c(BATCH_STORE.BIAS), ...op.i32Eq, ...IF, ...kernelArgs, ...job(17), ...bStep, ...call(BATCH_FN.bias),
    ...ELSE, ...job(16), ...IF, ...kernelArgs, ...c(0), ...bStep, ...call(1), ...ELSE, ...kernelArgs, ...c(0), ...bStep, ...call(0), ...END, ...END,
  ];
  const body = [
    // B panels after A's (mb * MR * kc floats).
    ...g(SCRATCH), ...job(0), ...job(2), ...op.i32Mul, ...c(MR * 4), ...op.i32Mul, ...op.i32Add, ...s(B_AT),
    ...job(3), ...s(A_FN),
    ...job(6), ...s(B_FN),
    ...job(15), ...c(0xff), ...I32_AND, ...s(SKIP),
    ...job(15), ...c(8), ...I32_SHR_U, ...s(REPACK),
    // The packed-B words after the B panels: the B this thread packed earlier in this job, if any.
    ...g(B_AT), ...job(1), ...job(2), ...op.i32Mul, ...c(NR * 4), ...op.i32Mul, ...op.i32Add, ...s(PACKED_B),
    ...pick([...g(PACKED_B), ...i32Load(0)], [...g(PACKED_B), ...i32Load(4)], c(-1)), ...s(LAST_B),
    // Without a skip, the whole slice is one group.
    ...pick([...g(SKIP), ...op.i32Eqz], job(0), c(CAUSAL_GROUP_PANELS)), ...s(GROUP),
    ...g(LO), ...s(I),
    ...op.block([
      ...op.loop([
        ...g(I), ...g(HI), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1),
        ...c(0), ...s(IB),
        ...op.block([
          ...op.loop([
            ...g(IB), ...job(0), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1),
            ...group,
            ...g(IB), ...g(GROUP), ...op.i32Add, ...s(IB),
            ...op.br(0),
          ]),
        ]),
        ...g(I), ...c(1), ...op.i32Add, ...s(I),
        ...op.br(0),
      ]),
    ]),
  ];
  return { name: "gemm_batch", params: [I32, I32, I32, I32], results: [], locals: new Array<number>(LOCALS - 4).fill(I32), body };
}

export type BatchFn = (job: number, lo: number, hi: number, scratch: number) => void;

/** Bytes of scratch one thread's gemm_batch needs: the A and B panels, then the two words saying which B is packed. */
export function batchScratchBytes(m: number, n: number, k: number): number {
  return 4 * (m * k + n * k) + 8;
}

/** Byte offset of the packed-B words in a thread's scratch (zeroed by the caller before each job). */
export function batchPackedBAt(m: number, n: number, k: number): number {
  return 4 * (m * k + n * k);
}
