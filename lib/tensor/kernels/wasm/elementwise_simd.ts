/**
 * WebAssembly SIMD float32 kernels for long contiguous elementwise work, four lanes at a time:
 *   - add / sub / mul / div of two arrays, or of an array and a scalar (either side);
 *   - the optimizers' fused updates: SGD (weight decay, momentum, Nesterov) and Adam/AdamW
 *     (L2 or decoupled decay, AMSGrad), one pass over each parameter's elements;
 *   - ReLU and its gradient, on the bit patterns exactly as the TypeScript kernels.
 * Operands are copied into this module's memory in chunks (a typed-array copy is a memcpy, far
 * cheaper than a JS loop over the same elements), processed, and copied back. Each chunk's
 * arrays are padded to a multiple of four floats; the padding lanes compute on stale values and
 * are never copied out. Float64 data and short arrays stay on the TypeScript kernels.
 *
 * add/sub (alpha 1)/mul/div are correctly rounded float32 operations, so they give exactly the
 * TypeScript kernels' results (a float64 operation rounded once to float32 is the same number).
 * The optimizer updates round every intermediate to float32, as PyTorch's float32 kernels do;
 * the TypeScript versions keep intermediates in float64: the two agree to float32 rounding.
 */
import type { Storage } from "../../dtype";
import { BinaryOp, type BinaryOpCode } from "../binary";
import type { AdamParams, OptimKernels, SgdParams } from "../optim";
import { F32, I32, V128, buildModule, op, uleb, type WasmFunction } from "./assembler";
import { instantiateOwnMemory } from "./own_memory";
import { prebuiltModuleBytes } from "./prebuilt";

/** Floats per operand per chunk: five Adam operands fit the module's initial memory. */
const CHUNK = 16384;
const PAGES = Math.ceil((5 * CHUNK * 4) / 65536);
/** Below this many elements the TypeScript loop is cheaper than the copies and the call. */
const MIN_BINARY = 1024;
const MIN_OPTIM = 256;

const f32x4Sqrt = [0xfd, ...uleb(0xe3)];
const i32x4Ne = [0xfd, ...uleb(0x38)];
const v128And = [0xfd, ...uleb(0x4e)];
const v128AndNot = [0xfd, ...uleb(0x4f)];
const f64x2PromoteLow = [0xfd, ...uleb(0x5f)];
const f32x4DemoteZero = [0xfd, ...uleb(0x5e)];
const f64x2Add = [0xfd, ...uleb(0xf0)];
/** i8x16.shuffle picking bytes `lanes` of the two operands (0-15 first, 16-31 second). */
const shuffle = (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes];
/** v128.load64_zero: two floats at offset `off` into the low half (the high half zero). */
const load64Zero = (off: number) => [0xfd, ...uleb(0x5d), 3, ...uleb(off)];
const JOIN_LOW_HALVES = shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
const g = op.localGet, s = op.localSet;
const splat = (param: number, local: number) => [...g(param), ...op.f32x4Splat, ...s(local)];
/** ptr += 16 for each pointer local. */
const advance = (...ptrs: number[]) => ptrs.flatMap((p) => [...g(p), ...op.i32Const(16), ...op.i32Add, ...s(p)]);
/** `body` n4 times (n4 is a local), skipped when n4 is 0. */
const loopN4 = (n4: number, body: number[]) => [
  ...op.block([...g(n4), ...op.i32Eqz, ...op.brIf(0), ...op.loop([...body, ...g(n4), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(n4), ...op.brIf(0)])]),
];

// ---- binary: (pa, pb, s, pout, n4) --------------------------------------------------------
type Mode = "vv" | "vs" | "sv";
const BIN_OPS = { add: op.f32x4Add, sub: op.f32x4Sub, mul: op.f32x4Mul, div: op.f32x4Div } as const;
type BinName = keyof typeof BIN_OPS;

function binaryFunction(name: BinName, mode: Mode): WasmFunction {
  const PA = 0, PB = 1, S = 2, POUT = 3, N4 = 4, SV = 5;
  const lhs = mode === "sv" ? g(SV) : [...g(PA), ...op.v128Load(0)];
  const rhs = mode === "vs" ? g(SV) : [...g(PB), ...op.v128Load(0)];
  return {
    name: `${name}_${mode}`,
    params: [I32, I32, F32, I32, I32],
    results: [],
    locals: [V128],
    body: [
      ...splat(S, SV),
      ...loopN4(N4, [...g(POUT), ...lhs, ...rhs, ...BIN_OPS[name], ...op.v128Store(0), ...advance(PA, PB, POUT)]),
    ],
  };
}

// ---- SGD: (pw, pg, pb, n4, sign, wd, lr, decay, scale, momentum) ---------------------------
type Momentum = "none" | "plain" | "nesterov";

function sgdFunction(momentum: Momentum, wd: boolean): WasmFunction {
  const PW = 0, PG = 1, PB = 2, N4 = 3, SIGN = 4, WD = 5, LR = 6, DECAY = 7, SCALE = 8, MOM = 9;
  const VSIGN = 10, VWD = 11, VLR = 12, VDECAY = 13, VSCALE = 14, VMOM = 15, W = 16, D = 17, B = 18;
  const body = [
    ...g(PW), ...op.v128Load(0), ...s(W),
    // d = sign * g (+ wd * w)
    ...g(PG), ...op.v128Load(0), ...g(VSIGN), ...op.f32x4Mul,
    ...(wd ? [...g(W), ...g(VWD), ...op.f32x4Mul, ...op.f32x4Add] : []), ...s(D),
    ...(momentum === "none"
      ? []
      : [
          // buf = decay * buf + scale * d
          ...g(PB), ...op.v128Load(0), ...g(VDECAY), ...op.f32x4Mul, ...g(D), ...g(VSCALE), ...op.f32x4Mul, ...op.f32x4Add, ...s(B),
          ...g(PB), ...g(B), ...op.v128Store(0),
        ]),
    // w = w - lr * step, step = d | buf | d + momentum * buf
    ...g(PW), ...g(W), ...g(VLR),
    ...(momentum === "none" ? g(D) : momentum === "plain" ? g(B) : [...g(D), ...g(B), ...g(VMOM), ...op.f32x4Mul, ...op.f32x4Add]),
    ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store(0),
    ...advance(PW, PG, ...(momentum === "none" ? [] : [PB])),
  ];
  return {
    name: `sgd_${momentum}_${wd ? "wd" : "nowd"}`,
    params: [I32, I32, I32, I32, F32, F32, F32, F32, F32, F32],
    results: [],
    locals: new Array<number>(9).fill(V128),
    body: [
      ...splat(SIGN, VSIGN), ...splat(WD, VWD), ...splat(LR, VLR), ...splat(DECAY, VDECAY), ...splat(SCALE, VSCALE), ...splat(MOM, VMOM),
      ...loopN4(N4, body),
    ],
  };
}

// ---- Adam: (pw, pg, pm, pv, pvmax, n4, sign, wd, beta1, a1, beta2, a2, stepSize, bc2Sqrt, eps) ----
type Decay = "none" | "l2" | "decoupled";

function adamFunction(decay: Decay, amsgrad: boolean): WasmFunction {
  const PW = 0, PG = 1, PM = 2, PV = 3, PVMAX = 4, N4 = 5;
  const FIRST = 6; // the nine f32 params, splatted into locals FIRST + 9 + i
  const V = (i: number) => FIRST + 9 + i;
  const SIGN = V(0), WD = V(1), B1 = V(2), A1 = V(3), B2 = V(4), A2 = V(5), STEP = V(6), BC2 = V(7), EPS = V(8);
  const W = V(9), G = V(10), M = V(11), VV = V(12);
  const body = [
    ...g(PW), ...op.v128Load(0), ...(decay === "decoupled" ? [...g(WD), ...op.f32x4Mul] : []), ...s(W),
    // gi = sign * g (+ l2 * w)
    ...g(PG), ...op.v128Load(0), ...g(SIGN), ...op.f32x4Mul,
    ...(decay === "l2" ? [...g(W), ...g(WD), ...op.f32x4Mul, ...op.f32x4Add] : []), ...s(G),
    // m = m * beta1 + gi * (1 - beta1)   (exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1))
    ...g(PM), ...op.v128Load(0), ...g(B1), ...op.f32x4Mul, ...g(G), ...g(A1), ...op.f32x4Mul, ...op.f32x4Add, ...s(M),
    ...g(PM), ...g(M), ...op.v128Store(0),
    // v = v * beta2 + (1 - beta2) * gi * gi   (exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2))
    ...g(PV), ...op.v128Load(0), ...g(B2), ...op.f32x4Mul, ...g(A2), ...g(G), ...op.f32x4Mul, ...g(G), ...op.f32x4Mul, ...op.f32x4Add, ...s(VV),
    ...g(PV), ...g(VV), ...op.v128Store(0),
    // amsgrad: vmax = max(vmax, v), and the denominator uses vmax (NaN propagates, as torch.maximum)
    ...(amsgrad ? [...g(PVMAX), ...op.v128Load(0), ...g(VV), ...op.f32x4Max, ...s(VV), ...g(PVMAX), ...g(VV), ...op.v128Store(0)] : []),
    // w = w - (stepSize * m) / (sqrt(v) / bc2Sqrt + eps)   (param.addcdiv_(exp_avg, denom, value=-step_size))
    ...g(PW), ...g(W),
    ...g(STEP), ...g(M), ...op.f32x4Mul,
    ...g(VV), ...f32x4Sqrt, ...g(BC2), ...op.f32x4Div, ...g(EPS), ...op.f32x4Add,
    ...op.f32x4Div, ...op.f32x4Sub, ...op.v128Store(0),
    ...advance(PW, PG, PM, PV, ...(amsgrad ? [PVMAX] : [])),
  ];
  return {
    name: `adam_${decay}_${amsgrad ? "ams" : "plain"}`,
    params: [I32, I32, I32, I32, I32, I32, ...new Array<number>(9).fill(F32)],
    results: [],
    locals: new Array<number>(13).fill(V128),
    body: [...Array.from({ length: 9 }, (_, i) => splat(FIRST + i, V(i))).flat(), ...loopN4(N4, body)],
  };
}

// ---- ReLU on the bit patterns, exactly the TypeScript kernels' (unary.ts) ------------------
/** relu(px, pout, n4): a set sign bit (negative, -0, -inf) gives +0, anything else passes: x & ~(x >> 31). */
function reluFunction(): WasmFunction {
  const PX = 0, POUT = 1, N4 = 2, X = 3;
  return {
    name: "relu",
    params: [I32, I32, I32],
    results: [],
    locals: [V128],
    body: loopN4(N4, [
      ...g(POUT), ...g(PX), ...op.v128Load(0), ...op.localTee(X), ...g(X), ...op.i32Const(31), ...op.i32x4ShrS, ...v128AndNot, ...op.v128Store(0),
      ...advance(PX, POUT),
    ]),
  };
}

/** relu_grad(pg, py, pout, n4): g where the saved output's bits are nonzero (y > 0 or NaN), else +0. */
function reluGradFunction(): WasmFunction {
  const PG = 0, PY = 1, POUT = 2, N4 = 3;
  return {
    name: "relu_grad",
    params: [I32, I32, I32, I32],
    results: [],
    locals: [],
    body: loopN4(N4, [
      ...g(POUT), ...g(PG), ...op.v128Load(0), ...g(PY), ...op.v128Load(0), ...op.v128Zero, ...i32x4Ne, ...v128And, ...op.v128Store(0),
      ...advance(PG, PY, POUT),
    ]),
  };
}

// ---- column sums: out[j] = sum_k x[k, j], accumulated in float64 in row order -------------
const f64x2Load = op.v128Load;
/**
 * colsum(px, pacc, r, groups, rowBytes): for each group of four columns, adds the rows k = 0..r-1
 * in order to two f64x2 accumulators kept at pacc (32 bytes a group), so a sum may arrive in
 * chunks of rows: the same sums as reduce.ts's float64 scratch loop (bit-identical).
 * Four groups go down the rows together where there are four left: each accumulator is one chain
 * of dependent float64 adds (4 cycles each on x64), so one group at a time waited on its two
 * chains; eight chains overlap. Each half of a group is loaded by itself (v128.load64_zero), not
 * split off with a shuffle. Every column's sum is still its rows in order.
 */
function colsumFunction(): WasmFunction {
  const PX = 0, PACC = 1, R = 2, GROUPS = 3, ROW = 4, P = 5, K = 6, A = 7; // A .. A + 7: accumulators
  /** Sums `width` groups of columns from PX down the rows into their accumulators at PACC; both pointers then move past them. */
  const groupsDown = (width: number) => {
    const ws = Array.from({ length: width }, (_, w) => w);
    return [
      ...ws.flatMap((w) => [...g(PACC), ...f64x2Load(32 * w), ...s(A + 2 * w), ...g(PACC), ...f64x2Load(32 * w + 16), ...s(A + 2 * w + 1)]),
      ...g(PX), ...s(P), ...g(R), ...s(K),
      ...loopN4(K, [
        ...ws.flatMap((w) => [
          ...g(A + 2 * w), ...g(P), ...load64Zero(16 * w), ...f64x2PromoteLow, ...f64x2Add, ...s(A + 2 * w),
          ...g(A + 2 * w + 1), ...g(P), ...load64Zero(16 * w + 8), ...f64x2PromoteLow, ...f64x2Add, ...s(A + 2 * w + 1),
        ]),
        ...g(P), ...g(ROW), ...op.i32Add, ...s(P),
      ]),
      ...ws.flatMap((w) => [...g(PACC), ...g(A + 2 * w), ...op.v128Store(32 * w), ...g(PACC), ...g(A + 2 * w + 1), ...op.v128Store(32 * w + 16)]),
      ...g(PACC), ...op.i32Const(32 * width), ...op.i32Add, ...s(PACC),
      ...g(PX), ...op.i32Const(16 * width), ...op.i32Add, ...s(PX),
    ];
  };
  return {
    name: "colsum",
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, ...new Array<number>(8).fill(V128)],
    body: [
      ...op.block(op.loop([
        ...g(GROUPS), ...op.i32Const(4), ...op.i32LtU, ...op.brIf(1),
        ...groupsDown(4),
        ...g(GROUPS), ...op.i32Const(4), ...op.i32Sub, ...s(GROUPS),
        ...op.br(0),
      ])),
      ...loopN4(GROUPS, groupsDown(1)),
    ],
  };
}

/** colsum_out(pacc, pout, groups): the float64 accumulators rounded to float32 (pout <= pacc may overlap: written behind the reads). */
function colsumOutFunction(): WasmFunction {
  const PACC = 0, POUT = 1, GROUPS = 2;
  return {
    name: "colsum_out",
    params: [I32, I32, I32],
    results: [],
    locals: [],
    body: loopN4(GROUPS, [
      ...g(POUT), ...g(PACC), ...f64x2Load(0), ...f32x4DemoteZero, ...g(PACC), ...f64x2Load(16), ...f32x4DemoteZero, ...JOIN_LOW_HALVES, ...op.v128Store(0),
      ...g(PACC), ...op.i32Const(32), ...op.i32Add, ...s(PACC),
      ...advance(POUT),
    ]),
  };
}

/** relu and relu_grad, for instantiating on another memory (kernelsOnMemory: the fused feed-forward block's hidden activation). */
export const reluFunctions = (): WasmFunction[] => [reluFunction(), reluGradFunction()];

/** add_vv (out = a + b over n4 groups of four floats), for instantiating on another memory (the pre-norm feed-forward block's residual). */
export const addFunctions = (): WasmFunction[] => [binaryFunction("add", "vv")];

/** colsum and colsum_out, for instantiating on another memory (kernelsOnMemory: a GEMM's staged operand). */
export const colsumFunctions = (): WasmFunction[] => [colsumFunction(), colsumOutFunction()];

const MODES: Mode[] = ["vv", "vs", "sv"];
const MOMENTA: Momentum[] = ["none", "plain", "nesterov"];
const DECAYS: Decay[] = ["none", "l2", "decoupled"];

export const elementwiseModuleBytes = (): Uint8Array<ArrayBuffer> =>
  buildModule([
    ...(Object.keys(BIN_OPS) as BinName[]).flatMap((name) => MODES.map((mode) => binaryFunction(name, mode))),
    ...MOMENTA.flatMap((m) => [sgdFunction(m, false), sgdFunction(m, true)]),
    ...DECAYS.flatMap((d) => [adamFunction(d, false), adamFunction(d, true)]),
    reluFunction(),
    reluGradFunction(),
    colsumFunction(),
    colsumOutFunction(),
  ], PAGES);

type BinaryKernel = (
  op: BinaryOpCode, shape: readonly number[], alpha: number,
  out: Storage, oOff: number, oStrides: readonly number[],
  a: Storage, aOff: number, aStrides: readonly number[],
  b: Storage, bOff: number, bStrides: readonly number[],
) => void;

/**
 * How an operand walks `shape` in row-major order: "v" contiguous (stride = product of the
 * later sizes), "s" one element (every stride 0), null anything else. Size-1 dims never count.
 */
function layout(shape: readonly number[], strides: readonly number[]): "v" | "s" | null {
  let expected = 1;
  let contiguous = true, scalar = true;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) contiguous = false;
    if (strides[d] !== 0) scalar = false;
    expected *= shape[d];
  }
  return contiguous ? "v" : scalar ? "s" : null;
}

/**
 * The row length L when an operand repeats one contiguous row of L elements over the leading
 * dims (a bias added to a batch: strides [0, 1] over [m, n]), else 0.
 */
function rowLength(shape: readonly number[], strides: readonly number[]): number {
  let expected = 1;
  let d = shape.length - 1;
  for (; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) break;
    expected *= shape[d];
  }
  for (; d >= 0; d--) if (shape[d] !== 1 && strides[d] !== 0) return 0;
  return expected;
}

const BIN_NAMES: Partial<Record<BinaryOpCode, BinName>> = {
  [BinaryOp.add]: "add", [BinaryOp.sub]: "sub", [BinaryOp.mul]: "mul", [BinaryOp.div]: "div",
};

type Unary = (n: number, x: Storage, out: Storage, p0: number, p1: number) => void;
type Reduce = (op: number, x: Storage, outer: number, r: number, inner: number, out: Storage, idx: Storage | null) => void;
type UnaryGrad = (n: number, g: Storage, s: Storage, out: Storage, p0: number, p1: number) => void;

export interface ElementwiseSimd {
  /** kernels.binary with the float32 contiguous add/sub/mul/div cases in SIMD. */
  binary: BinaryKernel;
  optim: OptimKernels;
  relu: Unary;
  reluGrad: UnaryGrad;
  /** kernels.reduce with float32 sums over rows of a multiple of four columns in SIMD. */
  reduce: Reduce;
}

/** The SIMD kernels wrapping the TypeScript ones, or null without WebAssembly SIMD. */
export function createWasmElementwise(
  fallback: { binary: BinaryKernel; optim: OptimKernels; relu: Unary; reluGrad: UnaryGrad; reduce: Reduce },
): ElementwiseSimd | null {
  const wasm = instantiateOwnMemory<Record<string, (...args: number[]) => void>>(() => prebuiltModuleBytes("elementwise", elementwiseModuleBytes));
  if (!wasm) return null;
  const ex = wasm.exports;
  // The memory never grows (PAGES covers the largest chunk set), so this view stays valid.
  const heap = wasm.heap(0);
  /** Byte address of operand slot k. */
  const slot = (k: number) => k * CHUNK * 4;

  const binary: BinaryKernel = (code, shape, alpha, out, oOff, oS, a, aOff, aS, b, bOff, bS) => {
    const name = BIN_NAMES[code];
    if (name === undefined || (alpha !== 1 && (name === "add" || name === "sub")) ||
      !(out instanceof Float32Array) || !(a instanceof Float32Array) || !(b instanceof Float32Array)) {
      fallback.binary(code, shape, alpha, out, oOff, oS, a, aOff, aS, b, bOff, bS);
      return;
    }
    let n = 1;
    for (const d of shape) n *= d;
    const lo = n >= MIN_BINARY ? layout(shape, oS) : null;
    const la = lo === "v" ? layout(shape, aS) : null;
    const lb = la !== null ? layout(shape, bS) : null;
    if (la === "v" && lb === null) {
      // A row repeated down the batch (bias): the row once, then each row of a against it.
      const L = rowLength(shape, bS);
      if (L > 0 && L % 4 === 0 && L <= CHUNK) {
        const fn = ex[`${name}_vv`];
        heap.set(b.subarray(bOff, bOff + L), CHUNK);
        const rowsPer = Math.floor(CHUNK / L);
        for (let start = 0; start < n; start += rowsPer * L) {
          const len = Math.min(rowsPer * L, n - start);
          heap.set(a.subarray(aOff + start, aOff + start + len), 0);
          for (let row = 0; row < len; row += L) fn(slot(0) + row * 4, slot(1), 0, slot(2) + row * 4, L >>> 2);
          out.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), oOff + start);
        }
        return;
      }
    }
    if (lb === null || (la === "s" && lb === "s")) {
      fallback.binary(code, shape, alpha, out, oOff, oS, a, aOff, aS, b, bOff, bS);
      return;
    }
    const mode: Mode = la === "s" ? "sv" : lb === "s" ? "vs" : "vv";
    const fn = ex[`${name}_${mode}`];
    const sv = mode === "sv" ? a[aOff] : mode === "vs" ? b[bOff] : 0;
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      if (mode !== "sv") heap.set(a.subarray(aOff + start, aOff + start + len), 0);
      if (mode !== "vs") heap.set(b.subarray(bOff + start, bOff + start + len), CHUNK);
      fn(slot(0), slot(1), sv, slot(2), (len + 3) >>> 2);
      out.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), oOff + start);
    }
  };

  const sgd = (w: Storage, grad: Storage, buf: Storage | null, p: SgdParams): void => {
    const n = w.length;
    if (n < MIN_OPTIM || !(w instanceof Float32Array) || !(grad instanceof Float32Array) || (buf !== null && !(buf instanceof Float32Array))) {
      fallback.optim.sgd(w, grad, buf, p);
      return;
    }
    const momentum: Momentum = buf === null ? "none" : p.nesterov ? "nesterov" : "plain";
    const fn = ex[`sgd_${momentum}_${p.weight_decay !== 0 ? "wd" : "nowd"}`];
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start), end = start + len;
      heap.set(w.subarray(start, end), 0);
      heap.set(grad.subarray(start, end), CHUNK);
      if (buf !== null) heap.set(buf.subarray(start, end), 2 * CHUNK);
      fn(slot(0), slot(1), slot(2), (len + 3) >>> 2, p.sign, p.weight_decay, p.lr, p.decay, p.scale, p.momentum);
      w.set(heap.subarray(0, len), start);
      if (buf !== null) buf.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), start);
    }
  };

  const adam = (w: Storage, grad: Storage, m: Storage, v: Storage, vmax: Storage | null, p: AdamParams): void => {
    const n = w.length;
    if (n < MIN_OPTIM || !(w instanceof Float32Array) || !(grad instanceof Float32Array) || !(m instanceof Float32Array) ||
      !(v instanceof Float32Array) || (vmax !== null && !(vmax instanceof Float32Array))) {
      fallback.optim.adam(w, grad, m, v, vmax, p);
      return;
    }
    const decay: Decay = p.decay !== 1 ? "decoupled" : p.l2 !== 0 ? "l2" : "none";
    const fn = ex[`adam_${decay}_${vmax !== null ? "ams" : "plain"}`];
    const wd = decay === "decoupled" ? p.decay : p.l2;
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start), end = start + len;
      heap.set(w.subarray(start, end), 0);
      heap.set(grad.subarray(start, end), CHUNK);
      heap.set(m.subarray(start, end), 2 * CHUNK);
      heap.set(v.subarray(start, end), 3 * CHUNK);
      if (vmax !== null) heap.set(vmax.subarray(start, end), 4 * CHUNK);
      fn(slot(0), slot(1), slot(2), slot(3), slot(4), (len + 3) >>> 2,
        p.sign, wd, p.beta1, 1 - p.beta1, p.beta2, 1 - p.beta2, p.stepSize, p.bc2Sqrt, p.eps);
      w.set(heap.subarray(0, len), start);
      m.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), start);
      v.set(heap.subarray(3 * CHUNK, 3 * CHUNK + len), start);
      if (vmax !== null) vmax.set(heap.subarray(4 * CHUNK, 4 * CHUNK + len), start);
    }
  };

  const relu: Unary = (n, x, out, p0, p1) => {
    if (n < MIN_BINARY || !(x instanceof Float32Array) || !(out instanceof Float32Array)) {
      fallback.relu(n, x, out, p0, p1);
      return;
    }
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      heap.set(x.subarray(start, start + len), 0);
      ex.relu(slot(0), slot(1), (len + 3) >>> 2);
      out.set(heap.subarray(CHUNK, CHUNK + len), start);
    }
  };

  const reluGrad: UnaryGrad = (n, gr, y, out, p0, p1) => {
    if (n < MIN_BINARY || !(gr instanceof Float32Array) || !(y instanceof Float32Array) || !(out instanceof Float32Array)) {
      fallback.reluGrad(n, gr, y, out, p0, p1);
      return;
    }
    for (let start = 0; start < n; start += CHUNK) {
      const len = Math.min(CHUNK, n - start);
      heap.set(gr.subarray(start, start + len), 0);
      heap.set(y.subarray(start, start + len), CHUNK);
      ex.relu_grad(slot(0), slot(1), slot(2), (len + 3) >>> 2);
      out.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), start);
    }
  };

  // Sums (op 0) of [outer, r, inner] float32: the first inner & ~3 columns in SIMD, rows staged in
  // chunks (a bias gradient of [1024, 256] is four times the staging slots), the float64
  // accumulators in slot 4 (so at most CHUNK / 2 columns); the last inner % 4 columns in JS, in the
  // same float64 row order. Bit-identical to reduce.ts either way.
  const reduce: Reduce = (code, x, outer, r, inner, out, idx) => {
    const cols = inner & ~3;
    if (code !== 0 || cols === 0 || r * inner < MIN_BINARY || inner > CHUNK / 2 || !(x instanceof Float32Array) || !(out instanceof Float32Array)) {
      fallback.reduce(code, x, outer, r, inner, out, idx);
      return;
    }
    const accAt = 4 * CHUNK;
    const rowsPer = Math.floor((4 * CHUNK) / inner);
    for (let o = 0; o < outer; o++) {
      const base = o * r * inner;
      heap.fill(0, accAt, accAt + 2 * cols);
      for (let k0 = 0; k0 < r; k0 += rowsPer) {
        const rows = Math.min(rowsPer, r - k0);
        heap.set(x.subarray(base + k0 * inner, base + (k0 + rows) * inner), 0);
        ex.colsum(0, accAt * 4, rows, cols >>> 2, inner * 4);
      }
      ex.colsum_out(accAt * 4, accAt * 4, cols >>> 2);
      out.set(heap.subarray(accAt, accAt + cols), o * inner);
      for (let j = cols; j < inner; j++) {
        let acc = 0;
        for (let k = 0; k < r; k++) acc += x[base + k * inner + j];
        out[o * inner + j] = acc;
      }
    }
  };

  return { binary, optim: { sgd, adam }, relu, reluGrad, reduce };
}
