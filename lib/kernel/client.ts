import type { ExecuteReply, KernelToPage, PageToKernel } from "./protocol";

export type KernelStatus = "starting" | "idle" | "busy" | "dead";

export const DEFAULT_TIME_BUDGET_MS = 5 * 60_000;

/**
 * Waits before each new attempt when the worker fails before it ever reports idle (its script did
 * not load: a dropped connection, a deploy that replaced the app's files), then no more tries until
 * the learner asks (Run, Restart). Restarting at once, as after a crash of a running kernel, spun
 * in a loop of about a hundred worker requests a second for as long as the page stayed open.
 */
export const START_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

interface PendingExecution {
  cellId: string;
  onMessage: (message: KernelToPage) => void;
  resolve: (reply: ExecuteReply) => void;
}

export interface ExecuteOptions {
  timeBudgetMs?: number;
  onMessage: (message: KernelToPage) => void;
}

/**
 * The page's handle on its kernel worker: sends execute requests, routes every reply to
 * the cell that asked, and owns interrupt and restart. One per lesson page.
 */
export class KernelClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<string, PendingExecution>();
  private readonly statusListeners = new Set<(status: KernelStatus, notice?: string) => void>();
  private interruptFlag: Int32Array | null = null;
  private readonly commHandlers = new Map<string, (data: unknown, cellId: string | null) => void>();
  private nextId = 0;
  /** Whether the current worker has reported idle: a crash before that is a failure to start. */
  private started = false;
  /** Failures to start in a row (see START_RETRY_DELAYS_MS). */
  private startFailures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  status: KernelStatus = "starting";

  constructor(private readonly createWorker: () => Worker) {
    this.start();
  }

  /** Whether an interrupt can stop a cell without losing the kernel's state. */
  get canInterruptInPlace(): boolean {
    return this.interruptFlag !== null;
  }

  onStatus(listener: (status: KernelStatus, notice?: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Registers the page-side handler for comm messages sent to `target` by cells. */
  onComm(target: string, handler: (data: unknown, cellId: string | null) => void): () => void {
    this.commHandlers.set(target, handler);
    return () => this.commHandlers.delete(target);
  }

  execute(cellId: string, code: string, options: ExecuteOptions): Promise<ExecuteReply> {
    // The learner runs a cell while the kernel is down or waiting to retry: try at once.
    if (!this.worker) this.start();
    const msgId = `exec-${++this.nextId}`;
    return new Promise<ExecuteReply>((resolve) => {
      this.pending.set(msgId, { cellId, onMessage: options.onMessage, resolve });
      this.send({ type: "execute_request", msg_id: msgId, cell_id: cellId, code, time_budget_ms: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS });
    });
  }

  /** Stops the running cell. Without cross-origin isolation the only way is a restart. */
  interrupt(): "interrupted" | "restarted" {
    if (this.interruptFlag) {
      Atomics.store(this.interruptFlag, 0, 1);
      return "interrupted";
    }
    this.restart("The kernel was restarted to stop the cell (this browser cannot interrupt in place); earlier names are gone, run the cells again.");
    return "restarted";
  }

  restart(notice = "Kernel restarted: all names defined by earlier cells are gone."): void {
    this.startFailures = 0;
    this.stop(notice, "KernelRestarted");
    this.start();
    this.emit(this.status, notice);
  }

  dispose(): void {
    this.cancelRetry();
    this.stop("The page was closed.", "KernelRestarted");
    this.statusListeners.clear();
  }

  private start(): void {
    this.cancelRetry();
    this.started = false;
    const worker = this.createWorker();
    this.worker = worker;
    this.setStatus("starting");
    if (typeof SharedArrayBuffer !== "undefined" && globalThis.crossOriginIsolated) {
      const buffer = new SharedArrayBuffer(4);
      this.interruptFlag = new Int32Array(buffer);
      this.send({ type: "interrupt_setup", buffer });
    } else {
      this.interruptFlag = null;
    }
    worker.onmessage = (event: MessageEvent<KernelToPage>) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.crash(event.message ? ` (${event.message})` : "");
    };
  }

  private crash(detail: string): void {
    if (this.started) {
      const notice = `The kernel crashed${detail}. It was restarted; run the cells again.`;
      this.stop(notice, "KernelDied");
      this.setStatus("dead", notice);
      this.start();
      this.emit(this.status, notice);
      return;
    }
    this.startFailures += 1;
    const wait = START_RETRY_DELAYS_MS[this.startFailures - 1];
    const notice =
      wait === undefined
        ? `The kernel could not start${detail}, ${this.startFailures} times in a row. Check your connection, then press Restart kernel or reload the page.`
        : `The kernel could not start${detail}. Trying again in ${wait / 1000} s.`;
    this.stop(notice, "KernelDied");
    this.setStatus("dead", notice);
    if (wait !== undefined) {
      this.retryTimer = setTimeout(() => this.start(), wait);
    }
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Ends every pending execution with an error output rather than leaving it hanging. */
  private stop(notice: string, ename: string): void {
    this.worker?.terminate();
    this.worker = null;
    for (const [msgId, execution] of this.pending) {
      execution.onMessage({ type: "error", parent_id: msgId, ename, evalue: notice, traceback: [], line: null });
      execution.resolve({ type: "execute_reply", parent_id: msgId, status: "error", execution_count: 0, duration_ms: 0, declared_names: [] });
    }
    this.pending.clear();
  }

  private receive(message: KernelToPage): void {
    if (message.type === "status") {
      if (message.execution_state === "idle" && !this.started) {
        this.started = true;
        this.startFailures = 0;
      }
      this.setStatus(message.execution_state);
      if (message.parent_id) this.pending.get(message.parent_id)?.onMessage(message);
      return;
    }
    const execution = this.pending.get(message.parent_id);
    if (message.type === "comm_msg") {
      this.commHandlers.get(message.target)?.(message.data, execution?.cellId ?? null);
      return;
    }
    if (!execution) return;
    execution.onMessage(message);
    if (message.type === "execute_reply") {
      this.pending.delete(message.parent_id);
      execution.resolve(message);
    }
  }

  private send(message: PageToKernel): void {
    this.worker?.postMessage(message);
  }

  private setStatus(status: KernelStatus, notice?: string): void {
    this.status = status;
    this.emit(status, notice);
  }

  private emit(status: KernelStatus, notice?: string): void {
    for (const listener of this.statusListeners) listener(status, notice);
  }
}
