/**
 * layer_norm over float32 rows whose length M is a multiple of 4, as WebAssembly SIMD (four lanes
 * at a time, one row after another; a JS pass over a row costs several ns per element here, and
 * the norms were a tenth of a small transformer's training step):
 *   ln_fwd(x, y, gamma, beta, mean, rstd, rows, M, eps):
 *       mean = sum(x) / M, rstd = 1 / sqrt(sum((x - mean)^2) / M + eps) (two passes, as the JS
 *       kernel), y = (x - mean) * rstd * gamma + beta
 *   ln_bwd(g, x, gamma, mean, rstd, dx, sw, sb, rows, M):
 *       xhat = (x - mean) * rstd, dxhat = g * gamma,
 *       dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)); sw += g * xhat; sb += g
 *       (sw and sb accumulate over rows; the caller zeroes them).
 * Sums accumulate in float32 lanes (PyTorch's float32 kernels accumulate in float32 too).
 * Pointers are bytes; M counts floats.
 */
import { F32, I32, V128, buildModule, op, uleb, type WasmFunction } from "./assembler";
import { instantiateOwnMemory } from "./own_memory";

const f32Store = (offset: number) => [0x38, 2, ...uleb(offset)];
const f32Add = [0x92];
const f32Div = [0x95];
const f32Sqrt = [0x91];
const f32ConvertI32U = [0xb3];
const extractLane = (lane: number) => [0xfd, ...uleb(0x1f), lane];

const g = op.localGet, s = op.localSet;
const advance = (p: number, bytes: number[]) => [...g(p), ...bytes, ...op.i32Add, ...s(p)];

/** The four lanes of local v summed (an f32 on the stack). */
const hsum = (v: number) => [...g(v), ...extractLane(0), ...g(v), ...extractLane(1), ...f32Add, ...g(v), ...extractLane(2), ...f32Add, ...g(v), ...extractLane(3), ...f32Add];

/** for (j = 0; j < end; j += 16) body: j and end are locals (bytes); end > 0. */
const overRow = (j: number, end: number, body: number[]) => [
  ...op.i32Const(0), ...s(j),
  ...op.loop([...body, ...g(j), ...op.i32Const(16), ...op.i32Add, ...op.localTee(j), ...g(end), ...op.i32LtU, ...op.brIf(0)]),
];

/** while (rows >= 2) { two; rows -= 2 } if (rows) one. */
const pairsThenOne = (rows: number, two: number[], one: number[]) => [
  ...op.block(op.loop([
    ...g(rows), ...op.i32Const(2), ...op.i32LtU, ...op.brIf(1),
    ...two,
    ...g(rows), ...op.i32Const(2), ...op.i32Sub, ...s(rows),
    ...op.br(0),
  ])),
  ...op.block([...g(rows), ...op.i32Eqz, ...op.brIf(0), ...one]),
];

/** while (rows >= 4) { four; rows -= 4 } */
const fours = (rows: number, four: number[]) => op.block(op.loop([
  ...g(rows), ...op.i32Const(4), ...op.i32LtU, ...op.brIf(1),
  ...four,
  ...g(rows), ...op.i32Const(4), ...op.i32Sub, ...s(rows),
  ...op.br(0),
]));

/**
 * The row loops of both kernels go two rows at a time while two are left, then one (the forward
 * four at a time first): each pass over a row is a chain of dependent float32 adds (the sums), and
 * the row's statistics wait on them (lane sums, a division, a square root, another division), so
 * one row at a time waited on its chain where two or four rows' chains overlap. ln_fwd on 1024
 * rows of 64, alternated in one process: pairs 0.0335 ms, fours first 0.0251 ms. The backward
 * keeps pairs: four rows' splats and sums do not fit the 16 vector registers (0.038 -> 0.054 ms). Each row's arithmetic is the same, in the same order (and
 * the backward's column sums still take row a before row b): the same bits.
 */
function forward(): WasmFunction {
  const X = 0, Y = 1, GAM = 2, BET = 3, MEAN = 4, RSTD = 5, ROWS = 6, M = 7, EPS = 8;
  const J = 9, END = 10, D = 14;
  /** Row r's (0 to 3) locals: accumulator, mean and rstd splats, mean, rstd; and its x and y pointers (row r > 0: X / Y + r rows). */
  const R = [
    { ACC: 11, VM: 12, VRS: 13, MF: 15, RS: 16, X, Y },
    { ACC: 19, VM: 20, VRS: 21, MF: 22, RS: 23, X: 17, Y: 18 },
    { ACC: 28, VM: 29, VRS: 30, MF: 34, RS: 35, X: 24, Y: 25 },
    { ACC: 31, VM: 32, VRS: 33, MF: 36, RS: 37, X: 26, Y: 27 },
  ];
  const at = (base: number) => [...g(base), ...g(J), ...op.i32Add];
  /** The forward of `n` (1 to 4) rows from X / Y, MEAN / RSTD on. */
  const rows = (n: number) => {
    const rs = R.slice(0, n);
    return [
      ...rs.slice(1).flatMap((r, i) => [...g(R[i].X), ...g(END), ...op.i32Add, ...s(r.X), ...g(R[i].Y), ...g(END), ...op.i32Add, ...s(r.Y)]),
      ...rs.flatMap((r) => [...op.v128Zero, ...s(r.ACC)]),
      ...overRow(J, END, rs.flatMap((r) => [...g(r.ACC), ...at(r.X), ...op.v128Load(0), ...op.f32x4Add, ...s(r.ACC)])),
      ...rs.flatMap((r) => [
        ...hsum(r.ACC), ...g(M), ...f32ConvertI32U, ...f32Div, ...s(r.MF),
        ...g(r.MF), ...op.f32x4Splat, ...s(r.VM),
        ...op.v128Zero, ...s(r.ACC),
      ]),
      ...overRow(J, END, rs.flatMap((r) => [...at(r.X), ...op.v128Load(0), ...g(r.VM), ...op.f32x4Sub, ...s(D), ...g(r.ACC), ...g(D), ...g(D), ...op.f32x4Mul, ...op.f32x4Add, ...s(r.ACC)])),
      ...rs.flatMap((r, i) => [
        ...op.f32Const(1), ...hsum(r.ACC), ...g(M), ...f32ConvertI32U, ...f32Div, ...g(EPS), ...f32Add, ...f32Sqrt, ...f32Div, ...s(r.RS),
        ...g(MEAN), ...g(r.MF), ...f32Store(4 * i),
        ...g(RSTD), ...g(r.RS), ...f32Store(4 * i),
        ...g(r.RS), ...op.f32x4Splat, ...s(r.VRS),
      ]),
      ...overRow(J, END, rs.flatMap((r) => [
        ...at(r.Y),
        ...at(r.X), ...op.v128Load(0), ...g(r.VM), ...op.f32x4Sub, ...g(r.VRS), ...op.f32x4Mul,
        ...at(GAM), ...op.v128Load(0), ...op.f32x4Mul, ...at(BET), ...op.v128Load(0), ...op.f32x4Add,
        ...op.v128Store(0),
      ])),
      ...rs.flatMap(() => [...advance(X, g(END)), ...advance(Y, g(END)), ...advance(MEAN, op.i32Const(4)), ...advance(RSTD, op.i32Const(4))]),
    ];
  };
  return {
    name: "ln_fwd",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32],
    results: [],
    locals: [I32, I32, V128, V128, V128, V128, F32, F32, I32, I32, V128, V128, V128, F32, F32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, F32, F32, F32, F32],
    body: [
      ...g(M), ...op.i32Const(4), ...op.i32Mul, ...s(END),
      ...op.block([...g(END), ...op.i32Eqz, ...op.brIf(0), ...fours(ROWS, rows(4)), ...pairsThenOne(ROWS, rows(2), rows(1))]),
    ],
  };
}

function backward(): WasmFunction {
  const GR = 0, X = 1, GAM = 2, MEAN = 3, RSTD = 4, DX = 5, SW = 6, SB = 7, ROWS = 8, M = 9;
  const J = 10, END = 11, GV = 16, XH = 17, DXH = 18, MF = 19, GRB = 20, XB = 21, DXB = 22;
  /** Row r's (0 or 1) locals: mean and rstd splats, the two sums; and its g, x and dx pointers. */
  const R = [{ VM: 12, VRS: 13, A1: 14, A2: 15, GR, X, DX }, { VM: 23, VRS: 24, A1: 25, A2: 26, GR: GRB, X: XB, DX: DXB }];
  const at = (base: number) => [...g(base), ...g(J), ...op.i32Add];
  const xhat = (r: (typeof R)[0]) => [...at(r.X), ...op.v128Load(0), ...g(r.VM), ...op.f32x4Sub, ...g(r.VRS), ...op.f32x4Mul, ...s(XH)];
  /** The backward of `n` (1 or 2) rows from GR / X / DX, MEAN / RSTD on; sw and sb take row a's terms before row b's. */
  const rows = (n: number) => {
    const rs = R.slice(0, n);
    return [
      ...g(GR), ...g(END), ...op.i32Add, ...s(GRB), ...g(X), ...g(END), ...op.i32Add, ...s(XB), ...g(DX), ...g(END), ...op.i32Add, ...s(DXB),
      ...rs.flatMap((r, i) => [
        ...g(MEAN), ...op.f32Load(4 * i), ...op.f32x4Splat, ...s(r.VM),
        ...g(RSTD), ...op.f32Load(4 * i), ...op.f32x4Splat, ...s(r.VRS),
        ...op.v128Zero, ...s(r.A1), ...op.v128Zero, ...s(r.A2),
      ]),
      ...overRow(J, END, rs.flatMap((r) => [
        ...at(r.GR), ...op.v128Load(0), ...s(GV),
        ...xhat(r),
        ...g(GV), ...at(GAM), ...op.v128Load(0), ...op.f32x4Mul, ...s(DXH),
        ...g(r.A1), ...g(DXH), ...op.f32x4Add, ...s(r.A1),
        ...g(r.A2), ...g(DXH), ...g(XH), ...op.f32x4Mul, ...op.f32x4Add, ...s(r.A2),
        ...at(SW), ...at(SW), ...op.v128Load(0), ...g(GV), ...g(XH), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store(0),
        ...at(SB), ...at(SB), ...op.v128Load(0), ...g(GV), ...op.f32x4Add, ...op.v128Store(0),
      ])),
      ...g(M), ...f32ConvertI32U, ...s(MF),
      ...rs.flatMap((r) => [
        ...hsum(r.A1), ...g(MF), ...f32Div, ...op.f32x4Splat, ...s(r.A1), // mean(dxhat)
        ...hsum(r.A2), ...g(MF), ...f32Div, ...op.f32x4Splat, ...s(r.A2), // mean(dxhat * xhat)
      ]),
      ...overRow(J, END, rs.flatMap((r) => [
        ...xhat(r),
        ...at(r.DX),
        ...at(r.GR), ...op.v128Load(0), ...at(GAM), ...op.v128Load(0), ...op.f32x4Mul,
        ...g(r.A1), ...op.f32x4Sub, ...g(XH), ...g(r.A2), ...op.f32x4Mul, ...op.f32x4Sub, ...g(r.VRS), ...op.f32x4Mul,
        ...op.v128Store(0),
      ])),
      ...rs.flatMap(() => [...advance(GR, g(END)), ...advance(X, g(END)), ...advance(DX, g(END)), ...advance(MEAN, op.i32Const(4)), ...advance(RSTD, op.i32Const(4))]),
    ];
  };
  return {
    name: "ln_bwd",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128, F32, I32, I32, I32, V128, V128, V128, V128],
    body: [...g(M), ...op.i32Const(4), ...op.i32Mul, ...s(END), ...op.block([...g(END), ...op.i32Eqz, ...op.brIf(0), ...pairsThenOne(ROWS, rows(2), rows(1))])],
  };
}

/** ln_fwd and ln_bwd (also instantiated on the GEMM memory: the pre-norm feed-forward block, feed_forward_in_module.ts). */
export const layerNormFunctions = (): WasmFunction[] => [forward(), backward()];

export const layerNormModuleBytes = (): Uint8Array<ArrayBuffer> => buildModule(layerNormFunctions());

export interface LayerNormSimd {
  /** rows x M (M % 4 === 0) contiguous float32 rows; gamma/beta null mean 1/0. */
  forward(rows: number, M: number, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, eps: number, y: Float32Array, mean: Float32Array, rstd: Float32Array): void;
  /** dx (if wanted) and the row sums sw = sum(g * xhat), sb = sum(g) (length M each). */
  backward(rows: number, M: number, gr: Float32Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, rstd: Float32Array, dx: Float32Array | null, sw: Float32Array, sb: Float32Array): void;
}

/** The SIMD layer norm on its own memory (grown to each call's operands), or null without WebAssembly SIMD. */
export function createLayerNormSimd(): LayerNormSimd | null {
  const wasm = instantiateOwnMemory<{ ln_fwd(...a: number[]): void; ln_bwd(...a: number[]): void }>(layerNormModuleBytes);
  if (!wasm) return null;
  const { ln_fwd: fwd, ln_bwd: bwd } = wasm.exports;
  const heap = wasm.heap;
  /** gamma (or ones) and beta (or zeros) at [at, at + M). */
  const put = (h: Float32Array, at: number, M: number, v: Float32Array | null, fill: number): void => {
    if (v) h.set(v.subarray(0, M), at);
    else h.fill(fill, at, at + M);
  };
  return {
    forward(rows, M, x, gamma, beta, eps, y, mean, rstd) {
      const n = rows * M;
      const X = 0, Y = n, GM = 2 * n, BT = GM + M, MN = BT + M, RS = MN + rows;
      const h = heap(RS + rows);
      h.set(x.subarray(0, n), X);
      put(h, GM, M, gamma, 1);
      put(h, BT, M, beta, 0);
      fwd(X * 4, Y * 4, GM * 4, BT * 4, MN * 4, RS * 4, rows, M, eps);
      y.set(h.subarray(Y, Y + n));
      mean.set(h.subarray(MN, MN + rows));
      rstd.set(h.subarray(RS, RS + rows));
    },
    backward(rows, M, gr, x, gamma, mean, rstd, dx, sw, sb) {
      const n = rows * M;
      const G = 0, X = n, DX = 2 * n, GM = 3 * n, MN = GM + M, RS = MN + rows, SW = RS + rows, SB = SW + M;
      const h = heap(SB + M);
      h.set(gr.subarray(0, n), G);
      h.set(x.subarray(0, n), X);
      put(h, GM, M, gamma, 1);
      h.set(mean, MN);
      h.set(rstd, RS);
      h.fill(0, SW, SB + M);
      bwd(G * 4, X * 4, GM * 4, MN * 4, RS * 4, DX * 4, SW * 4, SB * 4, rows, M);
      if (dx) dx.set(h.subarray(DX, DX + n));
      sw.set(h.subarray(SW, SW + M));
      sb.set(h.subarray(SB, SB + M));
    },
  };
}
