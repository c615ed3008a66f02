/**
 * The row passes of the in-module transformer paths (attention's softmax forward and backward,
 * GELU's value, forward and backward, layer norm's forward and backward) on a GEMM driver's memory,
 * and how the thread pool splits them.
 *
 * On a private memory rowKernelsOn gives the kernels themselves (each family's kernelsOnMemory
 * instance). On a thread pool's shared memory it gives the pool's splitting stand-ins (registered
 * by threads.ts in rowSplitters): the same signatures, but a call may cut its rows into ranges that
 * the pool's threads, the calling one included, run at once. Every thread runs one compiled module
 * built from the same functions (rowModuleBytes), and each row (or group of 64 floats for GELU) is
 * computed by the same code whichever thread takes it and whatever the cut, so the bits do not
 * depend on the thread count. ln_bwd is never split: it sums the weight's and bias's gradients over
 * all rows, in row order.
 *
 * Measured (bench/gpt_row_split_ab.ts 40 2, both cores idle at the start): GPT step on 2 threads
 * 23.17 -> 21.10 ms wall (x0.929 per round), CPU x0.932; one thread unchanged (x0.993). At load 4-8
 * x0.96-1.0 (the chooser then runs most passes alone). The passes split only where the session is
 * on the pool's memory, i.e. where the chooser split the session's first product: opening the
 * large-row sessions on the pool's memory whatever that verdict was tried and dropped (x1.001 wall,
 * x1.022 CPU idle; x1.05 CPU under load).
 */
import { buildModule, relaxedSimdValidates, type WasmFunction } from "./assembler";
import { attentionFunctions, attentionRowsOn, type AttentionRowKernels } from "./attention_simd";
import { geluFunctions, geluOn, type GeluKernels } from "./gelu_simd";
import { layerNormFunctions } from "./layernorm_simd";
import { kernelsOnMemory } from "./on_memory";

export interface LayerNormKernels {
  ln_fwd(x: number, y: number, gamma: number, beta: number, mean: number, rstd: number, rows: number, M: number, eps: number): void;
  ln_bwd(g: number, x: number, gamma: number, mean: number, rstd: number, dx: number, sw: number, sb: number, rows: number, M: number): void;
}

export const layerNormOn = kernelsOnMemory<LayerNormKernels>(layerNormFunctions);

export type RowKernels = AttentionRowKernels & GeluKernels & LayerNormKernels;

/** The exports' names in the row module's order (the pool's threads look them up by index). */
export const ROW_NAMES = ["attn_softmax_fwd", "attn_softmax_bwd", "gelu_val", "gelu_fwd", "gelu_bwd", "ln_fwd", "ln_bwd"] as const;
export type RowName = (typeof ROW_NAMES)[number];

/**
 * All the row kernels as one module importing a shared memory of up to `maximum` pages, GELU with
 * fused multiply-adds where Relaxed SIMD validates (as geluOn chooses), or null where neither
 * build compiles. The function bodies are the ones each family's own module is built from.
 */
export function rowModule(maximum: number): WebAssembly.Module | null {
  const functions: WasmFunction[] = [...attentionFunctions(), ...geluFunctions(relaxedSimdValidates()), ...layerNormFunctions()];
  try {
    return new WebAssembly.Module(buildModule(functions, { initial: 1, maximum, shared: true }));
  } catch {
    return null; // no WebAssembly SIMD
  }
}

/**
 * How a split call's argument follows its row range [lo, hi) (units: rows, or groups of 64 floats):
 * ADDR value + lo * step (a byte pointer), COUNT (hi - lo) * step, MOD (value + lo) % step (the
 * first row's query position), NUM the value as given.
 */
export const ARG = { ADDR: 0, COUNT: 1, MOD: 2, NUM: 3 } as const;

/** What the pool needs to split one call: units, the quantum a range is a multiple of, and per argument kind, step and value. */
export interface RowSplit {
  fn: number;
  units: number;
  /** Floats the call reads or writes per unit (for the size below which it stays on one thread). */
  floatsPerUnit: number;
  quantum: number;
  kinds: number[];
  steps: number[];
  values: number[];
}

/** Runs a split call (threads.ts), or alone on the calling thread when splitting does not pay. */
export type RowRunner = (split: RowSplit) => void;

const { ADDR, COUNT, MOD, NUM } = ARG;
const index = (name: RowName) => ROW_NAMES.indexOf(name);

/** GELU's split unit: 16 groups of four floats (256 bytes, whole cache lines). */
const GELU_UNIT = 16;

/**
 * Layer norm's ranges are multiples of 16 rows, so no two threads write the same 64-byte line of
 * the per-row mean and rstd.
 */
const LN_QUANTUM = 16;

/**
 * The splitting stand-ins for the pool whose runner is `run`; `alone` are the pool's own instances
 * (the calls that cannot be cut into whole units go there unchanged).
 */
export function splittingRowKernels(run: RowRunner, alone: RowKernels): RowKernels {
  const gelu = (name: "gelu_val" | "gelu_fwd" | "gelu_bwd", pointers: number[], n4: number) => {
    if (n4 % GELU_UNIT !== 0) return false;
    run({
      fn: index(name), units: n4 / GELU_UNIT, floatsPerUnit: 4 * GELU_UNIT * pointers.length, quantum: 1,
      kinds: [...pointers.map(() => ADDR), COUNT], steps: [...pointers.map(() => 16 * GELU_UNIT), GELU_UNIT], values: [...pointers, 0],
    });
    return true;
  };
  return {
    attn_softmax_fwd(p, rows, S, L, i, causal, scale) {
      run({
        fn: index("attn_softmax_fwd"), units: rows, floatsPerUnit: S, quantum: 1,
        kinds: [ADDR, COUNT, NUM, NUM, MOD, NUM, NUM], steps: [4 * S, 1, 0, 0, L, 0, 0], values: [p, 0, S, L, i, causal, scale],
      });
    },
    attn_softmax_bwd(ds, p, rows, S, L, i, causal, scale) {
      run({
        fn: index("attn_softmax_bwd"), units: rows, floatsPerUnit: 2 * S, quantum: 1,
        kinds: [ADDR, ADDR, COUNT, NUM, NUM, MOD, NUM, NUM], steps: [4 * S, 4 * S, 1, 0, 0, L, 0, 0], values: [ds, p, 0, S, L, i, causal, scale],
      });
    },
    gelu_val(x, y, n4) {
      if (!gelu("gelu_val", [x, y], n4)) alone.gelu_val(x, y, n4);
    },
    gelu_fwd(x, y, d, n4) {
      if (!gelu("gelu_fwd", [x, y, d], n4)) alone.gelu_fwd(x, y, d, n4);
    },
    gelu_bwd(g, d, out, n4) {
      if (!gelu("gelu_bwd", [g, d, out], n4)) alone.gelu_bwd(g, d, out, n4);
    },
    ln_fwd(x, y, gamma, beta, mean, rstd, rows, M, eps) {
      run({
        fn: index("ln_fwd"), units: rows, floatsPerUnit: 2 * M, quantum: LN_QUANTUM,
        kinds: [ADDR, ADDR, NUM, NUM, ADDR, ADDR, COUNT, NUM, NUM], steps: [4 * M, 4 * M, 0, 0, 4, 4, 1, 0, 0], values: [x, y, gamma, beta, mean, rstd, 0, M, eps],
      });
    },
    // Sums over all rows into sw and sb: one thread, in row order.
    ln_bwd: (...args) => alone.ln_bwd(...args),
  };
}

/** A pool's splitting stand-ins by its shared memory (threads.ts registers them). */
export const rowSplitters = new WeakMap<WebAssembly.Memory, RowKernels>();

/** Whether a pool's row passes may be split (benches turn it off to compare in one process). */
export const rowSplitting = { enabled: true };

/** The row kernels on `memory`: a thread pool's splitting ones on its memory, else the kernels themselves; null where they cannot run. */
export function rowKernelsOn(memory: WebAssembly.Memory): RowKernels | null {
  const pooled = rowSplitting.enabled ? rowSplitters.get(memory) : undefined;
  if (pooled) return pooled;
  let own = unsplit.get(memory);
  if (own === undefined) {
    const attention = attentionRowsOn(memory), gelu = geluOn(memory), ln = layerNormOn(memory);
    own = attention && gelu && ln ? { ...attention, ...gelu, ...ln } : null;
    unsplit.set(memory, own);
  }
  return own;
}
const unsplit = new WeakMap<WebAssembly.Memory, RowKernels | null>();
