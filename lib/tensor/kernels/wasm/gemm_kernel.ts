/**
 * The float32 GEMM micro-kernel, written as WebAssembly SIMD bytecode.
 *
 * `gemm_set` / `gemm_acc` (A, B, C, mBlocks, nBlocks, kc, ldc): for every pair of a packed A
 * panel (MR rows, interleaved per k step: MR floats per step) and a packed B panel (8 columns,
 * contiguous per k step: 8 floats per step), C[MR x 8 block] = (or +=) A_panel @ B_panel over kc
 * steps. The MR x 8 block of C lives in 2 * MR f32x4 registers for the whole k loop; each step
 * is two vector loads of B, MR broadcast loads of A (v128.load32_splat is a plain broadcast load
 * on x64, it costs no shuffle) and 2 * MR multiply + add pairs (fused multiply-adds where the host
 * has Relaxed SIMD). One k step per loop iteration (K_UNROLL): unrolling by 2 or 4 measured about a
 * third slower in V8 here (best of 25 interleaved runs of the bare kernel: 39-41 vs 27-31 GFLOP/s).
 * Loop order: B panels outer, A panels inner, so one B panel (kc x 8 floats) stays in L1 while
 * every A panel of the block streams past it (the caller sizes kc and the A block for L1/L2).
 * Pointers and ldc are in bytes.
 */
import { I32, V128, op, type WasmFunction } from "./assembler";

/** Rows of a micro-tile: 2 * MR accumulators + 2 B vectors + 1 broadcast fit x64's 16 vector registers. */
export const MR = 4;
/** Columns of a micro-tile (two f32x4). */
export const NR = 8;

const P_A = 0, P_B = 1, P_C = 2, P_MB = 3, P_NB = 4, P_K = 5, P_LDC = 6;
const L_JB = 7, L_IB = 8, L_P = 9, L_A = 10, L_B = 11, L_CP = 12;
const L_BL = 13, L_BH = 14, L_S = 15;
const L_ACC = 16; // 2 * MR accumulators: row r low/high at L_ACC + 2r, +1
/** k steps per loop iteration (see the header: 1 measured fastest; the results are the same bits either way). */
const K_UNROLL = 1;

function step(kOff: number, fma: boolean): number[] {
  const g = op.localGet, s = op.localSet;
  const out: number[] = [
    ...g(L_B), ...op.v128Load(kOff * NR * 4), ...s(L_BL),
    ...g(L_B), ...op.v128Load(kOff * NR * 4 + 16), ...s(L_BH),
  ];
  for (let r = 0; r < MR; r++) {
    out.push(
      ...g(L_A), ...op.v128Load32Splat((kOff * MR + r) * 4), ...s(L_S),
      ...(fma
        ? [
          ...g(L_S), ...g(L_BL), ...g(L_ACC + 2 * r), ...op.f32x4RelaxedMadd, ...s(L_ACC + 2 * r),
          ...g(L_S), ...g(L_BH), ...g(L_ACC + 2 * r + 1), ...op.f32x4RelaxedMadd, ...s(L_ACC + 2 * r + 1),
        ]
        : [
          ...g(L_ACC + 2 * r), ...g(L_S), ...g(L_BL), ...op.f32x4Mul, ...op.f32x4Add, ...s(L_ACC + 2 * r),
          ...g(L_ACC + 2 * r + 1), ...g(L_S), ...g(L_BH), ...op.f32x4Mul, ...op.f32x4Add, ...s(L_ACC + 2 * r + 1),
        ]),
    );
  }
  return out;
}

function advance(steps: number): number[] {
  const g = op.localGet, s = op.localSet;
  return [
    ...g(L_A), ...op.i32Const(steps * MR * 4), ...op.i32Add, ...s(L_A),
    ...g(L_B), ...op.i32Const(steps * NR * 4), ...op.i32Add, ...s(L_B),
  ];
}

/** `unroll` k steps per iteration while p >= unroll, then the rest one step at a time. */
function unrolledK(unroll: number, fma: boolean): number[] {
  const g = op.localGet;
  const steps: number[] = [];
  for (let u = 0; u < unroll; u++) steps.push(...step(u, fma));
  const main = op.block([
    ...g(L_P), ...op.i32Const(unroll), ...op.i32LtU, ...op.brIf(0),
    ...op.loop([
      ...steps, ...advance(unroll),
      ...g(L_P), ...op.i32Const(unroll), ...op.i32Sub, ...op.localTee(L_P), ...op.i32Const(unroll), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(0),
    ]),
  ]);
  const tail = op.block([
    ...g(L_P), ...op.i32Eqz, ...op.brIf(0),
    ...op.loop([
      ...step(0, fma), ...advance(1),
      ...g(L_P), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(L_P), ...op.brIf(0),
    ]),
  ]);
  return [...main, ...tail];
}

function gemmFunction(name: string, accumulate: boolean, fma: boolean, unroll = K_UNROLL): WasmFunction {
  const g = op.localGet, s = op.localSet;
  const zeroAcc: number[] = [];
  for (let i = 0; i < 2 * MR; i++) zeroAcc.push(...op.v128Zero, ...s(L_ACC + i));
  const kLoop = unrolledK(unroll, fma);
  const kTail: number[] = [];
  const store: number[] = [];
  for (let r = 0; r < MR; r++) {
    for (let h = 0; h < 2; h++) {
      const acc = L_ACC + 2 * r + h;
      if (accumulate) store.push(...g(L_CP), ...g(L_CP), ...op.v128Load(16 * h), ...g(acc), ...op.f32x4Add, ...op.v128Store(16 * h));
      else store.push(...g(L_CP), ...g(acc), ...op.v128Store(16 * h));
    }
    store.push(...g(L_CP), ...g(P_LDC), ...op.i32Add, ...s(L_CP));
  }
  const ibLoop = op.loop([
    ...zeroAcc,
    // a = A + ib * kc * MR * 4; b = B + jb * kc * NR * 4
    ...g(P_A), ...g(L_IB), ...g(P_K), ...op.i32Mul, ...op.i32Const(MR * 4), ...op.i32Mul, ...op.i32Add, ...s(L_A),
    ...g(P_B), ...g(L_JB), ...g(P_K), ...op.i32Mul, ...op.i32Const(NR * 4), ...op.i32Mul, ...op.i32Add, ...s(L_B),
    ...g(P_K), ...s(L_P),
    ...kLoop,
    ...kTail,
    // c = C + ib * MR * ldc + jb * NR * 4
    ...g(P_C), ...g(L_IB), ...op.i32Const(MR), ...op.i32Mul, ...g(P_LDC), ...op.i32Mul, ...op.i32Add,
    ...g(L_JB), ...op.i32Const(NR * 4), ...op.i32Mul, ...op.i32Add, ...s(L_CP),
    ...store,
    ...g(L_IB), ...op.i32Const(1), ...op.i32Add, ...op.localTee(L_IB), ...g(P_MB), ...op.i32LtU, ...op.brIf(0),
  ]);
  const body = [
    ...op.block([
      ...g(P_MB), ...op.i32Eqz, ...op.brIf(0),
      ...g(P_NB), ...op.i32Eqz, ...op.brIf(0),
      ...op.i32Const(0), ...s(L_JB),
      ...op.loop([
        ...op.i32Const(0), ...s(L_IB),
        ...ibLoop,
        ...g(L_JB), ...op.i32Const(1), ...op.i32Add, ...op.localTee(L_JB), ...g(P_NB), ...op.i32LtU, ...op.brIf(0),
      ]),
    ]),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, ...new Array<number>(2 * MR).fill(V128)],
    body,
  };
}

/**
 * The two exported kernels: C = A @ B and C += A @ B (for the second and later k blocks).
 * With `fma`, each multiply-add is one relaxed_madd (Relaxed SIMD: Chrome 114+, Firefox 120+;
 * Node 20 only with --experimental-wasm-relaxed-simd); hosts without it fail validation and
 * get the mul + add module.
 */
export function gemmFunctions(fma = false, unroll = K_UNROLL): WasmFunction[] {
  return [gemmFunction("gemm_set", false, fma, unroll), gemmFunction("gemm_acc", true, fma, unroll)];
}
