import type { ExecuteRequest, KernelToPage, MimeBundle } from "../protocol";
import { rewriteCell } from "../rewrite/rewrite-cell";
import { formatValue } from "../display/format-value";
import { boundBundle } from "../display/bounds";
import { describeError, sourceNameFor } from "./errors";
import { InterruptGuard } from "./interrupt";
import { OutputChannel } from "./output";

type Post = (message: KernelToPage) => void;
type CompiledCell = (scope: Record<string, unknown>, kernel: KernelApi) => Promise<unknown>;

/** What rewritten cells call into: declared-name setup, interrupt checks, imports. */
export interface KernelApi {
  declare(names: string[]): void;
  tick(): void;
  interruptible<T>(value: T): Promise<Awaited<T>> | T;
  importModule(name: string): Record<string, unknown>;
}

/**
 * Calling eval through another name makes it an indirect eval: it evaluates in the global
 * scope, outside this module's strict mode, so the cell's `with` is allowed.
 */
const globalEval: (script: string) => unknown = eval;

/**
 * One notebook's state inside the worker: the shared scope that top-level names live
 * in, the execution counter, and the strictly ordered queue of cells.
 */
export class KernelSession {
  readonly scope: Record<string, unknown>;
  readonly guard: InterruptGuard;
  readonly output: OutputChannel;
  private executionCount = 0;
  private readonly cellOfExecution = new Map<number, string>();
  private queue: Promise<void> = Promise.resolve();
  private readonly api: KernelApi;
  private readonly cellEndHooks = new Set<(ok: boolean) => void>();

  constructor(
    private readonly post: Post,
    builtins: (session: KernelSession) => Record<string, unknown>,
    private readonly modules: Record<string, Record<string, unknown>>,
    /** Loop and await checks for interrupts; only a benchmark turns them off to measure them. */
    private readonly interruptChecks = true,
  ) {
    this.output = new OutputChannel(post);
    this.guard = new InterruptGuard(() => this.output.flushIfDue());
    this.scope = Object.create(null) as Record<string, unknown>;
    this.api = {
      declare: (names) => {
        for (const name of names) if (!(name in this.scope)) this.scope[name] = undefined;
      },
      tick: this.guard.tick,
      interruptible: this.guard.interruptible,
      importModule: (name) => {
        const resolved = this.modules[name];
        if (!resolved) throw new Error(`Cannot import "${name}": only the bundled engine ("torch") can be imported.`);
        return resolved;
      },
    };
    Object.assign(this.scope, builtins(this));
  }

  /** Cells run one at a time, in the order their requests arrived. */
  enqueue(request: ExecuteRequest): Promise<void> {
    this.queue = this.queue.then(() => this.execute(request));
    return this.queue;
  }

  private async execute(request: ExecuteRequest): Promise<void> {
    const executionCount = ++this.executionCount;
    this.cellOfExecution.set(executionCount, request.cell_id);
    const sourceName = sourceNameFor(executionCount);
    const started = performance.now();
    this.post({ type: "status", execution_state: "busy", parent_id: request.msg_id });
    this.output.begin(request.msg_id);
    this.guard.begin(request.time_budget_ms);
    let status: "ok" | "error" = "ok";
    let declaredNames: string[] = [];
    try {
      const rewritten = rewriteCell(request.code, { sourceName, interruptChecks: this.interruptChecks });
      declaredNames = rewritten.declaredNames;
      const compiled = globalEval(rewritten.script) as CompiledCell;
      const result = await compiled(this.scope, this.api);
      this.settleCell(true);
      this.output.flush();
      if (rewritten.hasResult && result !== undefined) {
        this.post({ type: "execute_result", parent_id: request.msg_id, execution_count: executionCount, data: this.mimeBundleOf(result) });
      }
    } catch (error) {
      status = "error";
      this.settleCell(false);
      this.output.flush();
      this.post({ type: "error", parent_id: request.msg_id, ...describeError(error, sourceName, (n) => this.labelOf(n)) });
    } finally {
      this.guard.end();
    }
    this.post({
      type: "execute_reply",
      parent_id: request.msg_id,
      status,
      execution_count: executionCount,
      duration_ms: performance.now() - started,
      declared_names: declaredNames,
    });
    this.post({ type: "status", execution_state: "idle", parent_id: request.msg_id });
  }

  /**
   * Runs `settle` once when the running cell ends, before its result or error is sent (live
   * displays send the frames they throttled). Asking again in the same cell changes nothing.
   */
  atCellEnd(settle: (ok: boolean) => void): void {
    this.cellEndHooks.add(settle);
  }

  private settleCell(ok: boolean): void {
    const hooks = [...this.cellEndHooks];
    this.cellEndHooks.clear();
    for (const settle of hooks) {
      try {
        settle(ok);
      } catch {
        // A display that cannot draw its last frame must not turn the cell's outcome into another error.
      }
    }
  }

  /** Sends a custom message (Jupyter's comm_msg) to the page on behalf of the running cell. */
  sendComm(target: string, data: unknown): void {
    this.output.flush();
    this.post({ type: "comm_msg", parent_id: this.output.currentParent, target, data });
  }

  /** Values that know how to show themselves richly expose `_repr_mimebundle_`. */
  mimeBundleOf(value: unknown): MimeBundle {
    const rich = (value as { _repr_mimebundle_?: () => MimeBundle } | null)?._repr_mimebundle_;
    if (typeof rich === "function") return boundBundle(rich.call(value));
    return boundBundle({ "text/plain": formatValue(value) });
  }

  private labelOf(executionCount: number): string {
    return `cell [${executionCount}]`;
  }
}
