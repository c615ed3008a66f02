import { KernelSession } from "@/lib/kernel/worker/session";
import { notebookBuiltins } from "@/lib/kernel/worker/builtins";
import { applyKernelMessage, type CellOutput, type ExecuteReply, type KernelToPage } from "@/lib/kernel/protocol";

export interface CellRun {
  outputs: CellOutput[];
  reply: ExecuteReply;
  messages: KernelToPage[];
}

/** A real kernel session in Node (the same code the worker runs), fed cells one by one. */
export function createTestKernel(extraGlobals: Record<string, unknown> = {}) {
  let messages: KernelToPage[] = [];
  const session = new KernelSession((message) => messages.push(message), (s) => ({ ...notebookBuiltins(s), ...extraGlobals }), {
    torch: { answer: 42, default: { name: "torch" } },
  });
  let id = 0;
  return {
    session,
    async run(code: string, timeBudgetMs = 10_000): Promise<CellRun> {
      messages = [];
      const msgId = `m${++id}`;
      await session.enqueue({ type: "execute_request", msg_id: msgId, cell_id: `c${id}`, code, time_budget_ms: timeBudgetMs });
      const reply = messages.find((m): m is ExecuteReply => m.type === "execute_reply");
      if (!reply) throw new Error("no execute_reply");
      const outputs = messages.reduce<CellOutput[]>((acc, m) => applyKernelMessage(acc, m), []);
      return { outputs, reply, messages };
    },
  };
}

export function resultText(run: CellRun): string | undefined {
  const result = run.outputs.find((o) => o.output_type === "execute_result");
  return result?.output_type === "execute_result" ? result.data["text/plain"] : undefined;
}

export function streamText(run: CellRun): string {
  return run.outputs.map((o) => (o.output_type === "stream" ? o.text : "")).join("");
}

export function errorOf(run: CellRun) {
  const error = run.outputs.find((o) => o.output_type === "error");
  return error?.output_type === "error" ? error : undefined;
}
