/**
 * The float32 GEMM micro-kernel, written as WebAssembly SIMD bytecode.
 *
 * `gemm_set` / `gemm_acc` (A, B, C, mBlocks, nBlocks, kc, ldc): for every pair of a packed A
 * panel (MR = 4 rows, interleaved per k step: MR floats per step) and a packed B panel (8 columns,
 * contiguous per k step: 8 floats per step), C[MR x 8 block] = (or +=) A_panel @ B_panel over kc
 * steps. Pointers and ldc are in bytes.
 *
 * The register tile is TILE_ROWS x 8, independent of the panels' 4 rows: a tile row is read
 * through whichever panel holds it, and written to its own C row. Five panels (20 rows) are four
 * 5-row tiles: tile t is panel t's four rows plus row t of panel 4. Each k step loads the B panel's
 * two f32x4, the A rows (a panel holding two or more of the tile's rows: one v128 load and a
 * lane-splat shuffle per row; a panel holding one: a broadcast load), and does 2 x TILE_ROWS
 * multiply + adds into accumulators that stay in registers for the whole k loop (fused
 * multiply-adds where the host has Relaxed SIMD). (Consecutive rows 0-4, 5-9, ... measured the
 * same and need up to 2 vector loads and 5 shuffles per step instead of 1 and 4.)
 *
 * Why 5 rows (on the Intel hosts it was tuned on; gemm_tile_choice.ts races it against the 4-row
 * tile once per thread and keeps the faster, which on an AMD Zen 3 host is the 4-row one): a 4 x 8 tile has only 8 independent accumulator chains, exactly the FMA latency
 * (4 cycles) times its throughput (2 per cycle), which measured ~85 % of the 12-chain FMA loop;
 * 10 chains reach it. More rows do not fit: V8 (TurboFan) hoists every load of the step to its top,
 * so 10 accumulators + 2 B + 2 A vectors + 1 shuffle result are all the 15 vector registers it
 * allocates on x64 (xmm15 is its scratch); 6 x 8 spilled accumulators to the stack and was slower.
 * The trade: 4 shuffles per step, which share ports with the FMAs. Bare kernel vs 4 rows, paired
 * runs in CPU time: x1.05-1.10 on a quiet machine (Node 20) and x1.08-1.11 in Chromium 156, but
 * x0.85-1.03 when the machine was saturated (load 20: the FMA ports then are the limit, not latency).
 * Panels left over (mBlocks mod 5) take 4 x 8 tiles. Every C element still sums its k products
 * in k order from zero, so the result is bit-identical to a 4 x 8 kernel's, whatever the tile
 * (the packing layout conv_pack.ts and the thread split assume is unchanged).
 *
 * One k step per loop iteration: TurboFan unrolls the loop by itself, and hand unrolling by 2 or 4
 * measured about a third slower in V8 here. Loop order: B panels outer, A tiles inner, so one B
 * panel (kc x 8 floats) stays in L1 while every A panel of the block streams past it (the caller
 * sizes kc and the A block for L1/L2).
 */
import { I32, V128, op, type WasmFunction } from "./assembler";

/** Rows of a packed A panel. */
export const MR = 4;
/** Columns of a packed B panel and of the register tile (two f32x4). */
export const NR = 8;
/**
 * Rows of the wide register tile where enough panels are left (see the header): the fused
 * multiply-add kernel's default, which gemm_tile_choice.ts swaps for 4-row tiles on hosts where
 * those run faster.
 */
export const TILE_ROWS = 5;

/**
 * The fewest panels that tiles of `rows` rows cover exactly (4 5-row tiles over 5 panels): a run of
 * row panels given to one kernel call (a block, a thread's chunk) ideally has a multiple of this
 * many, since the panels left over go through the narrower 4-row tile.
 */
export function panelsForTiles(rows: number): number {
  let panels = 1;
  while ((panels * MR) % rows !== 0) panels++;
  return panels;
}

// P_BIAS: gemm_bias's bias row (bytes; the other two ignore it). P_BSTEP: bytes from one B panel
// to the next, 0 for kc * NR * 4 (panels packed kc steps deep); a caller may pass deeper panels and
// point B at step s of the first, to run steps [s, s + kc) of them. JS callers may leave both out.
const P_A = 0, P_B = 1, P_C = 2, P_MB = 3, P_NB = 4, P_K = 5, P_LDC = 6, P_BIAS = 7, P_BSTEP = 8;
const L_JB = 9, L_IB = 10, L_BEND = 11, L_PA0 = 12, L_PA1 = 13, L_PB = 14, L_CP = 15, L_BBASE = 16, L_CCOL = 17, L_PANEL = 18, L_BCOL = 19, L_BPANEL = 20;
const L_BL = 21, L_BH = 22, L_S = 23, L_AV = 24; // L_AV, L_AV + 1: the A vectors of the step
const L_ACC = 26; // accumulators: tile row r low/high at L_ACC + 2r, +1
const MAX_TILE_ROWS = 6;

const g = op.localGet, s = op.localSet;
const SELECT = [0x1b];

/** A tile row: the panel pointer (local) it is read through, its lane in that panel, and its C row after ib * MR. */
type TileRow = readonly [ptr: number, lane: number, cRow: number];

/** i8x16.shuffle lanes that splat f32 lane `lane` of the first operand. */
function splatLanes(lane: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(lane * 4, lane * 4 + 1, lane * 4 + 2, lane * 4 + 3);
  return out;
}

function step(rows: readonly TileRow[], fma: boolean): number[] {
  const out: number[] = [
    ...g(L_PB), ...op.v128Load(0), ...s(L_BL),
    ...g(L_PB), ...op.v128Load(16), ...s(L_BH),
  ];
  // In a tile wider than a panel, panels holding two or more of its rows are loaded whole (one
  // vector per panel, then a shuffle per row): broadcast loads would all be live at once (see the
  // header). A one-panel tile has registers to spare for broadcast loads, which measured ~2 % faster.
  const vectorOf = new Map<number, number>();
  for (const [ptr] of rows) {
    if (rows.length <= MR || vectorOf.has(ptr) || rows.filter(([p]) => p === ptr).length < 2) continue;
    const v = L_AV + vectorOf.size;
    vectorOf.set(ptr, v);
    out.push(...g(ptr), ...op.v128Load(0), ...s(v));
  }
  rows.forEach(([ptr, lane], r) => {
    const lo = L_ACC + 2 * r, hi = lo + 1;
    const v = vectorOf.get(ptr);
    out.push(
      ...(v === undefined
        ? [...g(ptr), ...op.v128Load32Splat(lane * 4)]
        : [...g(v), ...g(v), ...op.i8x16Shuffle(splatLanes(lane))]),
      ...s(L_S),
      ...(fma
        ? [
          ...g(L_S), ...g(L_BL), ...g(lo), ...op.f32x4RelaxedMadd, ...s(lo),
          ...g(L_S), ...g(L_BH), ...g(hi), ...op.f32x4RelaxedMadd, ...s(hi),
        ]
        : [
          ...g(lo), ...g(L_S), ...g(L_BL), ...op.f32x4Mul, ...op.f32x4Add, ...s(lo),
          ...g(hi), ...g(L_S), ...g(L_BH), ...op.f32x4Mul, ...op.f32x4Add, ...s(hi),
        ]),
    );
  });
  return out;
}

/**
 * One register tile: accumulators from zero over kc steps of the panels its rows name (starting
 * where L_PA0 / L_PA1 point) and of the B panel at L_BBASE, then stored (or added) to C at L_CP,
 * one row every ldc bytes.
 */
function tile(rows: readonly TileRow[], mode: StoreMode, fma: boolean): number[] {
  const ptrs = [...new Set(rows.map(([ptr]) => ptr))];
  const out: number[] = [];
  for (let i = 0; i < 2 * rows.length; i++) out.push(...op.v128Zero, ...s(L_ACC + i));
  // The loop ends when the B pointer reaches L_BEND (no separate step counter: one register fewer
  // in the loop, where TurboFan otherwise spilled the counter to the stack).
  out.push(...g(L_BBASE), ...s(L_PB));
  const advance: number[] = [];
  for (const ptr of ptrs) advance.push(...g(ptr), ...op.i32Const(MR * 4), ...op.i32Add, ...s(ptr));
  out.push(...op.block([
    ...g(L_PB), ...g(L_BEND), ...op.i32Eq, ...op.brIf(0), // kc = 0: C = 0 (or unchanged)
    ...op.loop([
      ...step(rows, fma), ...advance,
      ...g(L_PB), ...op.i32Const(NR * 4), ...op.i32Add, ...op.localTee(L_PB), ...g(L_BEND), ...op.i32Ne, ...op.brIf(0),
    ]),
  ]));
  rows.forEach(([, , cRow], r) => {
    // c = C column block + (ib * MR + cRow) * ldc, or the previous row's + ldc
    if (r > 0 && cRow === rows[r - 1][2] + 1) out.push(...g(L_CP), ...g(P_LDC), ...op.i32Add, ...s(L_CP));
    else out.push(...g(L_CCOL), ...g(L_IB), ...op.i32Const(MR), ...op.i32Mul, ...op.i32Const(cRow), ...op.i32Add, ...g(P_LDC), ...op.i32Mul, ...op.i32Add, ...s(L_CP));
    for (let h = 0; h < 2; h++) {
      const acc = L_ACC + 2 * r + h;
      if (mode === "acc") out.push(...g(L_CP), ...g(L_CP), ...op.v128Load(16 * h), ...g(acc), ...op.f32x4Add, ...op.v128Store(16 * h));
      // bias + products: what acc gives over C preloaded with the bias row, without writing and reading C first.
      else if (mode === "bias") out.push(...g(L_CP), ...g(L_BCOL), ...op.v128Load(16 * h), ...g(acc), ...op.f32x4Add, ...op.v128Store(16 * h));
      else out.push(...g(L_CP), ...g(acc), ...op.v128Store(16 * h));
    }
  });
  return out;
}

/** A register tile: the panels (after ib) L_PA0 and L_PA1 point at, and its rows. */
interface TileSpec {
  panel0: number;
  panel1: number;
  rows: TileRow[];
}

function placeTile({ panel0, panel1 }: TileSpec): number[] {
  const at = (panel: number) => [...g(P_A), ...g(L_IB), ...op.i32Const(panel), ...op.i32Add, ...g(L_PANEL), ...op.i32Mul, ...op.i32Add];
  return [...at(panel0), ...s(L_PA0), ...at(panel1), ...s(L_PA1)];
}

/**
 * The tiles of `rows` rows that cover `panels` panels. Five rows: tile t is panel t's 4 rows and
 * row t of panel 4 (one vector load and a broadcast per step, 4 shuffles); other heights: runs of
 * consecutive rows.
 */
function tileSpecs(panels: number, rows: number): TileSpec[] {
  const specs: TileSpec[] = [];
  if (rows === MR + 1) {
    for (let t = 0; t < MR; t++) {
      const own: TileRow[] = [0, 1, 2, 3].map((lane) => [L_PA0, lane, t * MR + lane]);
      specs.push({ panel0: t, panel1: MR, rows: [...own, [L_PA1, t, MR * MR + t]] });
    }
    return specs;
  }
  for (let r0 = 0; r0 < panels * MR; r0 += rows) {
    const first = Math.floor(r0 / MR);
    const tileRows: TileRow[] = [];
    for (let r = r0; r < r0 + rows; r++) tileRows.push([Math.floor(r / MR) === first ? L_PA0 : L_PA1, r % MR, r]);
    specs.push({ panel0: first, panel1: first + 1, rows: tileRows });
  }
  return specs;
}

/** A loop over groups of `panels` panels (while at least that many are left), each cut into tiles of `rows` rows. */
function tileLoop(panels: number, rows: number, mode: StoreMode, fma: boolean): number[] {
  const body: number[] = [];
  for (const spec of tileSpecs(panels, rows)) body.push(...placeTile(spec), ...tile(spec.rows, mode, fma));
  return op.block([
    ...op.loop([
      // while mb - ib >= panels (ib <= mb throughout)
      ...g(P_MB), ...g(L_IB), ...op.i32Sub, ...op.i32Const(panels), ...op.i32LtU, ...op.brIf(1),
      ...body,
      ...g(L_IB), ...op.i32Const(panels), ...op.i32Add, ...s(L_IB),
      ...op.br(0),
    ]),
  ]);
}

/** What a tile does with C: writes the products (set), adds them to what C holds (acc), or writes the bias row plus them (bias). */
type StoreMode = "set" | "acc" | "bias";

function gemmFunction(name: string, mode: StoreMode, fma: boolean, tileRows: number): WasmFunction {
  if (!(tileRows >= 1 && tileRows <= MAX_TILE_ROWS)) throw new Error(`gemm_kernel: tile rows ${tileRows} not in 1..${MAX_TILE_ROWS}`);
  const panels = panelsForTiles(tileRows);
  const body = [
    ...op.block([
      ...g(P_MB), ...op.i32Eqz, ...op.brIf(0),
      ...g(P_NB), ...op.i32Eqz, ...op.brIf(0),
      ...g(P_K), ...op.i32Const(MR * 4), ...op.i32Mul, ...s(L_PANEL),
      // B panels P_BSTEP bytes apart, or kc * NR * 4 (0)
      ...g(P_BSTEP), ...g(P_K), ...op.i32Const(NR * 4), ...op.i32Mul, ...g(P_BSTEP), ...SELECT, ...s(L_BPANEL),
      ...op.i32Const(0), ...s(L_JB),
      ...op.loop([
        // B panel jb at B + jb * (panel bytes); its C columns at C + jb * NR * 4
        ...g(P_B), ...g(L_JB), ...g(L_BPANEL), ...op.i32Mul, ...op.i32Add, ...op.localTee(L_BBASE),
        ...g(P_K), ...op.i32Const(NR * 4), ...op.i32Mul, ...op.i32Add, ...s(L_BEND),
        ...g(P_C), ...g(L_JB), ...op.i32Const(NR * 4), ...op.i32Mul, ...op.i32Add, ...s(L_CCOL),
        ...(mode === "bias" ? [...g(P_BIAS), ...g(L_JB), ...op.i32Const(NR * 4), ...op.i32Mul, ...op.i32Add, ...s(L_BCOL)] : []),
        ...op.i32Const(0), ...s(L_IB),
        ...(tileRows === MR ? [] : tileLoop(panels, tileRows, mode, fma)),
        ...tileLoop(1, MR, mode, fma),
        ...g(L_JB), ...op.i32Const(1), ...op.i32Add, ...op.localTee(L_JB), ...g(P_NB), ...op.i32LtU, ...op.brIf(0),
      ]),
    ]),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [...new Array<number>(L_BL - L_JB).fill(I32), ...new Array<number>(L_ACC - L_BL + 2 * MAX_TILE_ROWS).fill(V128)],
    body,
  };
}

/**
 * The exported kernels: C = A @ B, C += A @ B (for the second and later k blocks, or over a
 * preloaded bias) and C = bias + A @ B (gemm_bias, its 8th argument the bias row's n floats: the
 * bits of gemm_acc over C preloaded with that row, since each C element is still its products
 * summed from zero, then one add of the bias; without the pass writing the bias into every row
 * and the kernel reading it back).
 * With `fma`, each multiply-add is one relaxed_madd (Relaxed SIMD: Chrome 114+, Firefox 120+;
 * Node 20 only with --experimental-wasm-relaxed-simd); hosts without it fail validation and
 * get the mul + add module, with 4-row tiles: its product temporaries need a register more, and
 * 5-row tiles measured x0.87-0.98 of 4-row ones there. `tileRows` is for benches and tests (the
 * results are the same bits).
 */
export function gemmFunctions(fma = false, tileRows = fma ? TILE_ROWS : MR): WasmFunction[] {
  return [gemmFunction("gemm_set", "set", fma, tileRows), gemmFunction("gemm_acc", "acc", fma, tileRows), gemmFunction("gemm_bias", "bias", fma, tileRows)];
}
