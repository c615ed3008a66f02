/**
 * Kernel benchmarks: what the interrupt checks that the cell rewrite puts in every loop
 * cost a tight numeric loop (the same cell with and without them, in a real session).
 */
import { registerBench, timeMs } from "./harness";
import { KernelSession } from "../lib/kernel/worker/session";
import { notebookBuiltins } from "../lib/kernel/worker/builtins";

const TIGHT_LOOP = "let s = 0\nfor (let i = 0; i < 5_000_000; i++) { s += (i % 7) * 0.5 }\ns";

function sessionRunner(interruptChecks: boolean): () => Promise<void> {
  const session = new KernelSession(() => undefined, (s) => notebookBuiltins(s), {}, interruptChecks);
  let n = 0;
  return () => session.enqueue({ type: "execute_request", msg_id: `b${++n}`, cell_id: "bench", code: TIGHT_LOOP, time_budget_ms: 60_000 });
}

const guarded = sessionRunner(true);
const unguarded = sessionRunner(false);

registerBench({
  group: "kernel",
  name: "tight loop, 5M iterations, with interrupt checks (peer: same cell without; goal ratio <= 1.10)",
  unit: "ms",
  ours: () => timeMs(guarded, { warmup: 3, minMs: 1500, minIters: 10 }),
  peer: () => timeMs(unguarded, { warmup: 3, minMs: 1500, minIters: 10 }),
});
