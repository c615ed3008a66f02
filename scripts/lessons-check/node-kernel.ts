import { readFile } from "node:fs/promises";
import path from "node:path";
import { applyKernelMessage, type CellOutput, type ExecuteReply, type KernelToPage } from "../../lib/kernel/protocol";
import { notebookBuiltins } from "../../lib/kernel/worker/builtins";
import { engineGlobals, engineModules } from "../../lib/kernel/worker/engine";
import { KernelSession } from "../../lib/kernel/worker/session";
import { utils } from "../../lib/tensor";

/** Where `npm run build`/`prepare` put the dataset files the browser fetches from /data. */
const DATASET_DIR = path.join(process.cwd(), "public", "data");

let datasetSourceRegistered = false;

/** Datasets come from public/data on disk, as the browser worker fetches them from /data. */
function registerDatasetSource(): void {
  if (datasetSourceRegistered) return;
  utils.data.set_dataset_source(async (name) => new Uint8Array(await readFile(path.join(DATASET_DIR, path.basename(name)))));
  datasetSourceRegistered = true;
}

export interface NodeCellRun {
  status: "ok" | "error";
  durationMs: number;
  outputs: CellOutput[];
  /** The cell's comm messages (experiment runs and other page features). */
  comms: { target: string; data: unknown }[];
  error: { ename: string; evalue: string; line: number | null } | null;
}

/**
 * A real KernelSession in Node with the engine and the notebook builtins in scope: the same
 * code the browser worker runs, so a cell that passes here runs there.
 */
export class NodeKernel {
  private messages: KernelToPage[] = [];
  private nextId = 0;
  readonly session: KernelSession;

  constructor(extraGlobals: Record<string, unknown> = {}) {
    registerDatasetSource();
    this.session = new KernelSession(
      (message) => this.messages.push(message),
      (session) => ({ ...engineGlobals(), ...notebookBuiltins(session), ...extraGlobals }),
      engineModules(),
    );
  }

  async run(code: string, cellId: string, timeBudgetMs: number): Promise<NodeCellRun> {
    this.messages = [];
    const msgId = `validate-${++this.nextId}`;
    await this.session.enqueue({ type: "execute_request", msg_id: msgId, cell_id: cellId, code, time_budget_ms: timeBudgetMs });
    const messages = this.messages;
    const reply = messages.find((m): m is ExecuteReply => m.type === "execute_reply");
    const outputs = messages.reduce<CellOutput[]>((acc, m) => applyKernelMessage(acc, m), []);
    const error = outputs.find((o) => o.output_type === "error");
    return {
      status: reply?.status ?? "error",
      durationMs: reply?.duration_ms ?? 0,
      outputs,
      comms: messages.flatMap((m) => (m.type === "comm_msg" ? [{ target: m.target, data: m.data }] : [])),
      error: error?.output_type === "error" ? { ename: error.ename, evalue: error.evalue, line: error.line } : null,
    };
  }
}
