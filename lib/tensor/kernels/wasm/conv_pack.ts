/**
 * Convolution's packing and unpacking loops as WebAssembly (SIMD where the data is contiguous),
 * run on the GEMM's own memory so a convolution copies its input in once, packs, multiplies and
 * unloads inside the module, and copies its result out once (kernels/conv_gemm.ts drives them).
 *
 * Every gather is written with two offset tables, rowTab and colTab (Int32, byte offsets):
 * element (r, c) of the operand is the float at base + rowTab[r] + colTab[c]. For im2col, rows
 * are output positions (window origins in the zero-padded input) and columns are window taps;
 * for the output gradient [N, Cout, L], rows are positions (n, l) and columns channels (co * L).
 *
 *   gather_rows8     B panels whose 8 columns are 8 consecutive rows (positions): panel jb, step t
 *                    holds elements (8jb..8jb+7, t). Eight neighbouring positions of one output
 *                    row at stride 1 read 8 consecutive floats: two v128 copies per step.
 *   gather_cols8/4   panels whose 8 (B) or 4 (A) lanes are consecutive columns (taps, channels),
 *                    one step per row: (p, W jb .. W jb + W - 1).
 *   gather_partial   the last, partial such panel (valid < W lanes; the caller zeroes it first).
 *   unload_forward   C[co, n * L + l] (+ bias[co]) -> out[n, co, l], f32x4 runs of L.
 *   col2im           every tap's row of the column gradient added onto the inputs it read, in runs
 *                    of `run` positions whose inputs are contiguous (OW at stride 1, else 1).
 * Pointers, strides and table entries are in bytes.
 */
import { F32, I32, V128, op, uleb, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";

// Instructions the shared op table lacks (MVP encodings: opcode, log2 alignment, offset).
export const i32Load = (offset = 0) => [0x28, 2, ...uleb(offset)];
export const f32Store = (offset = 0) => [0x38, 2, ...uleb(offset)];
const i32Eq = [0x46];
export const i32GeU = [0x4f];
const i32And = [0x71];
export const f32Add = [0x92];
const ifElse = (cond: number[], then: number[], otherwise: number[]) => [...cond, 0x04, 0x40, ...then, 0x05, ...otherwise, 0x0b];

const g = op.localGet, s = op.localSet, c = op.i32Const;

/** A function whose params and locals are named; `body` receives their indices. */
export function fn(name: string, params: string[], locals: Record<string, number>, body: (v: Record<string, number>) => number[]): WasmFunction {
  const v: Record<string, number> = {};
  params.forEach((p, i) => (v[p] = i));
  const names = Object.keys(locals);
  names.forEach((l, i) => (v[l] = params.length + i));
  return { name, params: params.map(() => I32), results: [], locals: names.map((l) => locals[l]), body: body(v) };
}

/** while (i < end) { body; i += step }: `i` and `end` are locals; `step` is an i32 expression. */
export function whileLt(i: number, end: number, step: number[], body: number[]): number[] {
  return op.block([
    ...g(i), ...g(end), ...i32GeU, ...op.brIf(0),
    ...op.loop([...body, ...g(i), ...step, ...op.i32Add, ...op.localTee(i), ...g(end), ...op.i32LtU, ...op.brIf(0)]),
  ]);
}

/** local += n (an i32 expression). */
export const addTo = (l: number, n: number[]) => [...g(l), ...n, ...op.i32Add, ...s(l)];

/** gather_rows8(dst, base, rowTab, colTab, panels, c0, kc). */
function gatherRows8(): WasmFunction {
  const b = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `b${j}`);
  const locals: Record<string, number> = { pp: I32, pend: I32, d: I32, dd: I32, tp: I32, tend: I32, o: I32, panel: I32 };
  for (const name of b) locals[name] = I32;
  return fn("gather_rows8", ["dst", "base", "rowTab", "colTab", "panels", "c0", "kc"], locals, (v) => {
    const rowAt = (j: number) => [...g(v.base), ...g(v.pp), ...i32Load(4 * j), ...op.i32Add];
    // Eight neighbouring rows: one 32-byte copy per step.
    const contiguous = whileLt(v.tp, v.tend, c(4), [
      ...g(v.b0), ...g(v.tp), ...i32Load(), ...op.i32Add, ...s(v.o),
      ...g(v.dd), ...g(v.o), ...op.v128Load(0), ...op.v128Store(0),
      ...g(v.dd), ...g(v.o), ...op.v128Load(16), ...op.v128Store(16),
      ...addTo(v.dd, c(32)),
    ]);
    const gathers: number[] = [];
    for (let j = 0; j < 8; j++) gathers.push(...g(v.dd), ...g(v[b[j]]), ...g(v.o), ...op.i32Add, ...op.f32Load(0), ...f32Store(4 * j));
    const scattered = [
      ...b.slice(1, 7).flatMap((name, j) => [...rowAt(j + 1), ...s(v[name])]),
      ...whileLt(v.tp, v.tend, c(4), [...g(v.tp), ...i32Load(), ...s(v.o), ...gathers, ...addTo(v.dd, c(32))]),
    ];
    return [
      ...g(v.kc), ...c(32), ...op.i32Mul, ...s(v.panel),
      ...g(v.rowTab), ...s(v.pp),
      ...g(v.rowTab), ...g(v.panels), ...c(32), ...op.i32Mul, ...op.i32Add, ...s(v.pend),
      ...g(v.dst), ...s(v.d),
      ...whileLt(v.pp, v.pend, c(32), [
        ...rowAt(0), ...s(v.b0),
        ...rowAt(7), ...s(v.b7),
        ...g(v.colTab), ...g(v.c0), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.tp),
        ...g(v.tp), ...g(v.kc), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.tend),
        ...g(v.d), ...s(v.dd),
        ...ifElse([...g(v.b7), ...g(v.b0), ...op.i32Sub, ...c(28), ...i32Eq], [...contiguous], [...scattered]),
        ...addTo(v.d, g(v.panel)),
      ]),
    ];
  });
}

// 4x4 transposes by shuffles: float lanes of (a, b) as byte lanes 0..31.
const shuffleFloats = (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3])];
const LO_PAIRS = shuffleFloats([0, 4, 1, 5]);
const HI_PAIRS = shuffleFloats([2, 6, 3, 7]);
const LO_HALVES = shuffleFloats([0, 1, 4, 5]);
const HI_HALVES = shuffleFloats([2, 3, 6, 7]);

/**
 * gather_cols{W}(dst, base, rowTab, colTab, panels, p0, kc). Where four consecutive rows
 * (positions) are four consecutive floats (an output row at stride 1), each column (tap) is one
 * vector load for all four and 4x4 transposes by shuffles turn them into the panel's per-row
 * order; other rows are gathered one float at a time.
 */
function gatherCols(W: 4 | 8): WasmFunction {
  const o = Array.from({ length: W }, (_, j) => `o${j}`);
  const vs = Array.from({ length: W }, (_, j) => `v${j}`);
  const locals: Record<string, number> = { cp: I32, cend: I32, d: I32, dd: I32, rp: I32, rend: I32, rend4: I32, row: I32, panel: I32, t0: V128, t1: V128, t2: V128, t3: V128 };
  for (const name of o) locals[name] = I32;
  for (const name of vs) locals[name] = V128;
  return fn(`gather_cols${W}`, ["dst", "base", "rowTab", "colTab", "panels", "p0", "kc"], locals, (v) => {
    const gathers: number[] = [];
    for (let j = 0; j < W; j++) gathers.push(...g(v.dd), ...g(v.row), ...g(v[o[j]]), ...op.i32Add, ...op.f32Load(0), ...f32Store(4 * j));
    // Columns 4h..4h+3 of four rows: transpose v[4h..4h+3] and store row q's four floats at dd + q * 4W + 16h.
    const transposeStore = (h: number) => {
      const [a, b, cc, d] = [0, 1, 2, 3].map((i) => v[vs[4 * h + i]]);
      const out: number[] = [
        ...g(a), ...g(b), ...LO_PAIRS, ...s(v.t0),
        ...g(cc), ...g(d), ...LO_PAIRS, ...s(v.t1),
        ...g(a), ...g(b), ...HI_PAIRS, ...s(v.t2),
        ...g(cc), ...g(d), ...HI_PAIRS, ...s(v.t3),
      ];
      const rows: [number, number, number[]][] = [[v.t0, v.t1, LO_HALVES], [v.t0, v.t1, HI_HALVES], [v.t2, v.t3, LO_HALVES], [v.t2, v.t3, HI_HALVES]];
      rows.forEach(([x, y, sh], q) => out.push(...g(v.dd), ...g(x), ...g(y), ...sh, ...op.v128Store(q * 4 * W + 16 * h)));
      return out;
    };
    const four = [
      ...g(v.rp), ...i32Load(), ...s(v.row),
      ...vs.flatMap((name, j) => [...g(v.row), ...g(v[o[j]]), ...op.i32Add, ...op.v128Load(0), ...s(v[name])]),
      ...transposeStore(0),
      ...(W === 8 ? transposeStore(1) : []),
      ...addTo(v.dd, c(16 * W)),
      ...addTo(v.rp, c(16)),
    ];
    const one = [...g(v.rp), ...i32Load(), ...s(v.row), ...gathers, ...addTo(v.dd, c(4 * W)), ...addTo(v.rp, c(4))];
    // while (rp < rend) { if (rp < rend4 && rowTab[rp + 3] - rowTab[rp] == 12) four rows else one }
    const rowsLoop = op.block([
      ...g(v.rp), ...g(v.rend), ...i32GeU, ...op.brIf(0),
      ...op.loop([
        ...ifElse(
          [
            ...g(v.rp), ...g(v.rend4), ...op.i32LtU,
            ...g(v.rp), ...i32Load(12), ...g(v.rp), ...i32Load(), ...op.i32Sub, ...c(12), ...i32Eq,
            ...i32And,
          ],
          four,
          one,
        ),
        ...g(v.rp), ...g(v.rend), ...op.i32LtU, ...op.brIf(0),
      ]),
    ]);
    return [
      ...g(v.kc), ...c(4 * W), ...op.i32Mul, ...s(v.panel),
      ...g(v.colTab), ...s(v.cp),
      ...g(v.colTab), ...g(v.panels), ...c(4 * W), ...op.i32Mul, ...op.i32Add, ...s(v.cend),
      ...g(v.dst), ...s(v.d),
      ...whileLt(v.cp, v.cend, c(4 * W), [
        ...o.flatMap((name, j) => [...g(v.base), ...g(v.cp), ...i32Load(4 * j), ...op.i32Add, ...s(v[name])]),
        ...g(v.rowTab), ...g(v.p0), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.rp),
        ...g(v.rp), ...g(v.kc), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.rend),
        // rp < rend4 <=> rp + 16 <= rend: four whole rows left
        ...g(v.rend), ...c(12), ...op.i32Sub, ...s(v.rend4),
        ...g(v.d), ...s(v.dd),
        ...rowsLoop,
        ...addTo(v.d, g(v.panel)),
      ]),
    ];
  });
}

/** gather_partial(dst, base, rowTab, colTab, W, valid, p0, kc): lanes [0, valid) of one panel of width W. */
function gatherPartial(): WasmFunction {
  return fn("gather_partial", ["dst", "base", "rowTab", "colTab", "W", "valid", "p0", "kc"], { j: I32, o: I32, rp: I32, rend: I32, dd: I32, wb: I32 }, (v) => [
    ...g(v.W), ...c(4), ...op.i32Mul, ...s(v.wb),
    ...c(0), ...s(v.j),
    ...whileLt(v.j, v.valid, c(1), [
      ...g(v.base), ...g(v.colTab), ...g(v.j), ...c(4), ...op.i32Mul, ...op.i32Add, ...i32Load(), ...op.i32Add, ...s(v.o),
      ...g(v.rowTab), ...g(v.p0), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.rp),
      ...g(v.rp), ...g(v.kc), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.rend),
      ...g(v.dst), ...g(v.j), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.dd),
      ...whileLt(v.rp, v.rend, c(4), [
        ...g(v.dd), ...g(v.rp), ...i32Load(), ...g(v.o), ...op.i32Add, ...op.f32Load(0), ...f32Store(0),
        ...addTo(v.dd, g(v.wb)),
      ]),
    ]),
  ]);
}

/**
 * dst[0, bytes) = src[0, bytes) + splat: f32x4 while 16 bytes remain, then floats.
 * Uses locals s (source), d (destination), e (end of source), e4 (end of the vector part).
 */
function addRun(v: Record<string, number>, add: { scalar: number; vector: number } | null, accumulate: boolean): number[] {
  const vecBody = [
    ...g(v.dp),
    ...(accumulate ? [...g(v.dp), ...op.v128Load(0), ...g(v.sp), ...op.v128Load(0), ...op.f32x4Add] : [...g(v.sp), ...op.v128Load(0)]),
    ...(add ? [...g(add.vector), ...op.f32x4Add] : []),
    ...op.v128Store(0),
    ...addTo(v.dp, c(16)),
  ];
  const scalarBody = [
    ...g(v.dp),
    ...(accumulate ? [...g(v.dp), ...op.f32Load(0), ...g(v.sp), ...op.f32Load(0), ...f32Add] : [...g(v.sp), ...op.f32Load(0)]),
    ...(add ? [...g(add.scalar), ...f32Add] : []),
    ...f32Store(0),
    ...addTo(v.dp, c(4)),
  ];
  return [...whileLt(v.sp, v.e4, c(16), vecBody), ...whileLt(v.sp, v.e, c(4), scalarBody)];
}

/** Sets e = sp + bytes and e4 = sp + (bytes & ~15). */
const runEnds = (v: Record<string, number>, bytes: number[]) => [
  ...g(v.sp), ...bytes, ...op.i32Add, ...s(v.e),
  ...g(v.sp), ...bytes, ...c(~15), ...i32And, ...op.i32Add, ...s(v.e4),
];

/** unload_forward(c, ldc, out, Cout, nc, L, bias, hasBias). */
function unloadForward(): WasmFunction {
  const locals = { co: I32, n: I32, row: I32, dst: I32, sp: I32, dp: I32, e: I32, e4: I32, lb: I32, bv: F32, bvv: V128 };
  return fn("unload_forward", ["c", "ldc", "out", "Cout", "nc", "L", "bias", "hasBias"], locals, (v) => [
    ...g(v.L), ...c(4), ...op.i32Mul, ...s(v.lb),
    ...op.f32Const(0), ...s(v.bv),
    ...c(0), ...s(v.co),
    ...whileLt(v.co, v.Cout, c(1), [
      ...op.block([...g(v.hasBias), ...op.i32Eqz, ...op.brIf(0), ...g(v.bias), ...g(v.co), ...c(4), ...op.i32Mul, ...op.i32Add, ...op.f32Load(0), ...s(v.bv)]),
      ...g(v.bv), ...op.f32x4Splat, ...s(v.bvv),
      ...g(v.c), ...g(v.co), ...g(v.ldc), ...op.i32Mul, ...op.i32Add, ...s(v.row),
      ...g(v.out), ...g(v.co), ...g(v.lb), ...op.i32Mul, ...op.i32Add, ...s(v.dst),
      ...c(0), ...s(v.n),
      ...whileLt(v.n, v.nc, c(1), [
        ...g(v.row), ...s(v.sp), ...g(v.dst), ...s(v.dp),
        ...runEnds(v, g(v.lb)),
        ...addRun(v, { scalar: v.bv, vector: v.bvv }, false),
        ...addTo(v.row, g(v.lb)),
        ...addTo(v.dst, [...g(v.lb), ...g(v.Cout), ...op.i32Mul]),
      ]),
    ]),
  ]);
}

/** col2im(c, ldc, base, rowTab, colTab, K, P, run). */
function col2im(): WasmFunction {
  const locals = { k: I32, o: I32, pp: I32, pend: I32, from: I32, rb: I32, sp: I32, dp: I32, e: I32, e4: I32 };
  return fn("col2im", ["c", "ldc", "base", "rowTab", "colTab", "K", "P", "run"], locals, (v) => [
    ...g(v.run), ...c(4), ...op.i32Mul, ...s(v.rb),
    ...g(v.rowTab), ...g(v.P), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.pend),
    ...c(0), ...s(v.k),
    ...whileLt(v.k, v.K, c(1), [
      ...g(v.base), ...g(v.colTab), ...g(v.k), ...c(4), ...op.i32Mul, ...op.i32Add, ...i32Load(), ...op.i32Add, ...s(v.o),
      ...g(v.c), ...g(v.k), ...g(v.ldc), ...op.i32Mul, ...op.i32Add, ...s(v.from),
      ...g(v.rowTab), ...s(v.pp),
      ...whileLt(v.pp, v.pend, g(v.rb), [
        ...g(v.pp), ...i32Load(), ...g(v.o), ...op.i32Add, ...s(v.dp),
        ...g(v.from), ...s(v.sp),
        ...runEnds(v, g(v.rb)),
        ...addRun(v, null, true),
        ...addTo(v.from, g(v.rb)),
      ]),
    ]),
  ]);
}

export interface ConvPack {
  gather_rows8(dst: number, base: number, rowTab: number, colTab: number, panels: number, c0: number, kc: number): void;
  gather_cols8(dst: number, base: number, rowTab: number, colTab: number, panels: number, p0: number, kc: number): void;
  gather_cols4(dst: number, base: number, rowTab: number, colTab: number, panels: number, p0: number, kc: number): void;
  gather_partial(dst: number, base: number, rowTab: number, colTab: number, W: number, valid: number, p0: number, kc: number): void;
  unload_forward(c: number, ldc: number, out: number, Cout: number, nc: number, L: number, bias: number, hasBias: number): void;
  col2im(c: number, ldc: number, base: number, rowTab: number, colTab: number, K: number, P: number, run: number): void;
}

const functions = (): WasmFunction[] => [gatherRows8(), gatherCols(8), gatherCols(4), gatherPartial(), unloadForward(), col2im()];

/** The packing code instantiated on `memory` (once per memory), or null where the host cannot run it. */
export const convPackOn = kernelsOnMemory<ConvPack>(functions);
