/**
 * What every cell of a lesson page sees: the engine, the kernel's builtins (display, plot,
 * experiments, ...) and the grading builtin `__gb_grading` (Check). The kernel knows nothing of
 * grading; this composition, used by the worker entry (./kernel.worker.ts), adds it.
 */
import { createGradingBridge } from "../grading/worker-bridge";
import { notebookBuiltins } from "../kernel/worker/builtins";
import { engineGlobals } from "../kernel/worker/engine";
import type { KernelSession } from "../kernel/worker/session";
import { fetchModelPublisher } from "./model-publisher";

export function notebookGlobals(session: KernelSession) {
  return { ...engineGlobals(), ...notebookBuiltins(session, fetchModelPublisher), __gb_grading: createGradingBridge(session) };
}
