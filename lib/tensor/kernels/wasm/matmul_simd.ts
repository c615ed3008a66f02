/**
 * WebAssembly SIMD matmul for float32. JS packs A into 4-row panels and B into 8-column
 * panels (zero-padded, any strides, so transposed operands cost nothing extra) inside the
 * module's memory; the wasm micro-kernel keeps a 4x8 block of C in eight f32x4 registers
 * and walks k with two vector loads of B and four broadcasts of A per step.
 * Falls back to the plain-TS kernel for float64 (gradcheck) and tiny products.
 */
import type { Storage } from "../../dtype";
import { I32, V128, buildModule, op, type WasmFunction } from "./assembler";

type Matmul = (
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  c: Storage, cOff: number,
) => void;

// Parameter and local indices of the kernel function.
const P_A = 0, P_B = 1, P_C = 2, P_MB = 3, P_NB = 4, P_K = 5;
const L_JB = 6, L_IB = 7, L_P = 8, L_A = 9, L_B = 10, L_C = 11, L_LDC = 12;
const L_ACC = 13; // 8 accumulators: row r low/high at L_ACC + 2r, +1
const L_BL = 21, L_BH = 22, L_S = 23;

/** mm4x8(A, B, C, mBlocks, nBlocks, k): C[4*mBlocks, 8*nBlocks] = A @ B on packed panels. */
function kernel(): WasmFunction {
  const g = op.localGet, s = op.localSet;
  const zeroAcc: number[] = [];
  for (let i = 0; i < 8; i++) zeroAcc.push(...op.v128Zero, ...s(L_ACC + i));
  const step: number[] = [
    ...g(L_B), ...op.v128Load(0), ...s(L_BL),
    ...g(L_B), ...op.v128Load(16), ...s(L_BH),
  ];
  for (let r = 0; r < 4; r++) {
    step.push(
      ...g(L_A), ...op.f32Load(4 * r), ...op.f32x4Splat, ...s(L_S),
      ...g(L_ACC + 2 * r), ...g(L_S), ...g(L_BL), ...op.f32x4Mul, ...op.f32x4Add, ...s(L_ACC + 2 * r),
      ...g(L_ACC + 2 * r + 1), ...g(L_S), ...g(L_BH), ...op.f32x4Mul, ...op.f32x4Add, ...s(L_ACC + 2 * r + 1),
    );
  }
  step.push(
    ...g(L_A), ...op.i32Const(16), ...op.i32Add, ...s(L_A),
    ...g(L_B), ...op.i32Const(32), ...op.i32Add, ...s(L_B),
    ...g(L_P), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(L_P), ...op.brIf(0),
  );
  const store: number[] = [];
  for (let r = 0; r < 4; r++) {
    store.push(
      ...g(L_C), ...g(L_ACC + 2 * r), ...op.v128Store(0),
      ...g(L_C), ...g(L_ACC + 2 * r + 1), ...op.v128Store(16),
      ...g(L_C), ...g(L_LDC), ...op.i32Add, ...s(L_C),
    );
  }
  const ibLoop = op.loop([
    ...zeroAcc,
    // a = A + ib * k * 16; b = B + jb * k * 32
    ...g(P_A), ...g(L_IB), ...g(P_K), ...op.i32Mul, ...op.i32Const(4), ...op.i32Shl, ...op.i32Add, ...s(L_A),
    ...g(P_B), ...g(L_JB), ...g(P_K), ...op.i32Mul, ...op.i32Const(5), ...op.i32Shl, ...op.i32Add, ...s(L_B),
    ...g(P_K), ...s(L_P),
    ...op.loop(step),
    // c = C + (ib * 4 * ldc) + jb * 32, ldc in bytes
    ...g(P_C), ...g(L_IB), ...op.i32Const(2), ...op.i32Shl, ...g(L_LDC), ...op.i32Mul, ...op.i32Add,
    ...g(L_JB), ...op.i32Const(5), ...op.i32Shl, ...op.i32Add, ...s(L_C),
    ...store,
    ...g(L_IB), ...op.i32Const(1), ...op.i32Add, ...op.localTee(L_IB), ...g(P_MB), ...op.i32LtU, ...op.brIf(0),
  ]);
  const body = [
    // ldc = nBlocks * 8 * 4 bytes
    ...g(P_NB), ...op.i32Const(5), ...op.i32Shl, ...s(L_LDC),
    ...op.i32Const(0), ...s(L_JB),
    ...op.loop([
      ...op.i32Const(0), ...s(L_IB),
      ...ibLoop,
      ...g(L_JB), ...op.i32Const(1), ...op.i32Add, ...op.localTee(L_JB), ...g(P_NB), ...op.i32LtU, ...op.brIf(0),
    ]),
  ];
  return {
    name: "mm4x8",
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, ...new Array<number>(8).fill(V128), V128, V128, V128],
    body,
  };
}

export const matmulModuleBytes = (): Uint8Array<ArrayBuffer> => buildModule([kernel()]);

/** Products smaller than this many multiply-adds stay in JS (packing overhead dominates). */
const MIN_WORK = 16 * 16 * 16;

/** Builds the SIMD matmul, or returns null when this host has no WebAssembly SIMD. */
export function createWasmMatmul(fallback: Matmul): Matmul | null {
  let instance: WebAssembly.Instance;
  try {
    if (typeof WebAssembly === "undefined") return null;
    const bytes = matmulModuleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  } catch {
    return null;
  }
  const memory = instance.exports.memory as WebAssembly.Memory;
  const mm = instance.exports.mm4x8 as (a: number, b: number, c: number, mb: number, nb: number, k: number) => void;
  let heap = new Float32Array(memory.buffer);

  function ensure(floats: number): Float32Array {
    const bytes = floats * 4;
    if (bytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      heap = new Float32Array(memory.buffer);
    }
    return heap;
  }

  return function matmulWasm(m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff) {
    if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || !(c instanceof Float32Array) || m * n * k < MIN_WORK) {
      fallback(m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff);
      return;
    }
    const mb = Math.ceil(m / 4);
    const nb = Math.ceil(n / 8);
    const aLen = mb * 4 * k;
    const bLen = nb * 8 * k;
    const cLen = mb * 4 * nb * 8;
    const h = ensure(aLen + bLen + cLen);
    const A = 0, B = aLen, C = aLen + bLen;
    // Pack A: panel ib holds rows 4ib..4ib+3 interleaved per k step (zero rows past m).
    for (let ib = 0; ib < mb; ib++) {
      const base = A + ib * k * 4;
      for (let r = 0; r < 4; r++) {
        const row = ib * 4 + r;
        if (row >= m) {
          for (let p = 0; p < k; p++) h[base + p * 4 + r] = 0;
          continue;
        }
        const src = aOff + row * as0;
        if (as1 === 1) for (let p = 0; p < k; p++) h[base + p * 4 + r] = a[src + p];
        else for (let p = 0; p < k; p++) h[base + p * 4 + r] = a[src + p * as1];
      }
    }
    // Pack B: panel jb holds columns 8jb..8jb+7 contiguous per k step (zero columns past n).
    for (let jb = 0; jb < nb; jb++) {
      const base = B + jb * k * 8;
      const j0 = jb * 8;
      const w = Math.min(8, n - j0);
      if (w === 8 && bs1 === 1) {
        for (let p = 0; p < k; p++) {
          const src = bOff + p * bs0 + j0;
          const dst = base + p * 8;
          h[dst] = b[src]; h[dst + 1] = b[src + 1]; h[dst + 2] = b[src + 2]; h[dst + 3] = b[src + 3];
          h[dst + 4] = b[src + 4]; h[dst + 5] = b[src + 5]; h[dst + 6] = b[src + 6]; h[dst + 7] = b[src + 7];
        }
      } else {
        for (let jj = 0; jj < 8; jj++) {
          if (jj >= w) {
            for (let p = 0; p < k; p++) h[base + p * 8 + jj] = 0;
            continue;
          }
          const src = bOff + (j0 + jj) * bs1;
          for (let p = 0; p < k; p++) h[base + p * 8 + jj] = b[src + p * bs0];
        }
      }
    }
    if (k === 0) {
      c.fill(0, cOff, cOff + m * n);
      return;
    }
    mm(A * 4, B * 4, C * 4, mb, nb, k);
    const ldc = nb * 8;
    if (ldc === n) c.set(h.subarray(C, C + m * n), cOff);
    else for (let i = 0; i < m; i++) c.set(h.subarray(C + i * ldc, C + i * ldc + n), cOff + i * n);
  };
}
