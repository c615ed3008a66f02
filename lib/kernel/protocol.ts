/**
 * Messages between the lesson page and its kernel worker, modelled on Jupyter's
 * messaging protocol (execute_request, stream, display_data, update_display_data,
 * execute_result, error, execute_reply, status). Outputs use nbformat's shapes so a
 * notebook can be exported as .ipynb without translation.
 */

/** A MIME bundle: "text/plain" is always present; richer types are optional. */
export type MimeBundle = { "text/plain": string } & Partial<Record<string, unknown>>;

export type ExecutionState = "starting" | "idle" | "busy";

// ---- page -> worker ------------------------------------------------------------------

export interface ExecuteRequest {
  type: "execute_request";
  msg_id: string;
  cell_id: string;
  code: string;
  /** The cell is interrupted when it runs longer than this. */
  time_budget_ms: number;
}

/** Shares the interrupt flag (an Int32Array over a SharedArrayBuffer) with the worker. */
export interface InterruptSetup {
  type: "interrupt_setup";
  buffer: SharedArrayBuffer;
}

export type PageToKernel = ExecuteRequest | InterruptSetup;

// ---- worker -> page ------------------------------------------------------------------

interface ReplyTo {
  /** The msg_id of the execute_request this message belongs to. */
  parent_id: string;
}

export interface StatusMessage {
  type: "status";
  execution_state: ExecutionState;
  /** The request that made the kernel busy or idle, as Jupyter's parent header says. */
  parent_id?: string;
}

export interface StreamMessage extends ReplyTo {
  type: "stream";
  name: "stdout" | "stderr";
  text: string;
}

export interface DisplayDataMessage extends ReplyTo {
  type: "display_data";
  data: MimeBundle;
  /** Present when the display can later be replaced in place. */
  display_id?: string;
}

export interface UpdateDisplayDataMessage extends ReplyTo {
  type: "update_display_data";
  data: MimeBundle;
  display_id: string;
}

export interface ExecuteResultMessage extends ReplyTo {
  type: "execute_result";
  execution_count: number;
  data: MimeBundle;
}

export interface ErrorMessage extends ReplyTo {
  type: "error";
  ename: string;
  evalue: string;
  /** Short, learner-facing frames: the cell's own lines, never the worker's internals. */
  traceback: string[];
  /** 1-based line in the cell where the error happened, when known. */
  line: number | null;
}

export interface ExecuteReply extends ReplyTo {
  type: "execute_reply";
  status: "ok" | "error";
  execution_count: number;
  duration_ms: number;
  /** Top-level names this cell defined, so the editor can know them. */
  declared_names: string[];
}

/**
 * A message for a page-side feature (Jupyter's comm_msg), such as experiment tracking:
 * the kernel client hands it to whoever registered for `target`.
 */
export interface CommMessage extends ReplyTo {
  type: "comm_msg";
  target: string;
  data: unknown;
}

export type KernelToPage =
  | CommMessage
  | StatusMessage
  | StreamMessage
  | DisplayDataMessage
  | UpdateDisplayDataMessage
  | ExecuteResultMessage
  | ErrorMessage
  | ExecuteReply;

/** The outputs of a cell, kept as they arrive (nbformat's output kinds). */
export type CellOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: MimeBundle; display_id?: string }
  | { output_type: "execute_result"; execution_count: number; data: MimeBundle }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[]; line: number | null };

/**
 * Folds one kernel message into a cell's output list: streams of the same name merge,
 * display updates replace their display in place. Returns a new array.
 */
export function applyKernelMessage(outputs: readonly CellOutput[], message: KernelToPage): CellOutput[] {
  switch (message.type) {
    case "stream": {
      const last = outputs.at(-1);
      if (last?.output_type === "stream" && last.name === message.name) {
        return [...outputs.slice(0, -1), { ...last, text: last.text + message.text }];
      }
      return [...outputs, { output_type: "stream", name: message.name, text: message.text }];
    }
    case "display_data":
      return [...outputs, { output_type: "display_data", data: message.data, display_id: message.display_id }];
    case "update_display_data":
      return outputs.map((output) =>
        output.output_type === "display_data" && output.display_id === message.display_id ? { ...output, data: message.data } : output,
      );
    case "execute_result":
      return [...outputs, { output_type: "execute_result", execution_count: message.execution_count, data: message.data }];
    case "error":
      return [...outputs, { output_type: "error", ename: message.ename, evalue: message.evalue, traceback: message.traceback, line: message.line }];
    default:
      return [...outputs];
  }
}
