import type { KernelClient } from "@/lib/kernel/client";
import { GRADING_COMM_TARGET, type GradingCommMessage } from "@/lib/grading/check-cell";
import type { CheckResult } from "@/lib/grading/types";

type Listener = (results: CheckResult[]) => void;

/**
 * The kernel client keeps one handler per comm target; every exercise on the page shares
 * "grading" through this dispatcher, keyed by exercise id.
 */
const listenersByKernel = new WeakMap<KernelClient, Map<string, Listener>>();

export function onCheckResults(kernel: KernelClient, exerciseId: string, listener: Listener): () => void {
  let listeners = listenersByKernel.get(kernel);
  if (!listeners) {
    const created = new Map<string, Listener>();
    listeners = created;
    listenersByKernel.set(kernel, created);
    kernel.onComm(GRADING_COMM_TARGET, (data) => {
      const message = data as GradingCommMessage;
      created.get(message.exerciseId)?.(message.results);
    });
  }
  listeners.set(exerciseId, listener);
  return () => {
    if (listeners.get(exerciseId) === listener) listeners.delete(exerciseId);
  };
}
