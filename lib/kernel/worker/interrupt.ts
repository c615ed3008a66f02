/** Raised inside a cell when the learner interrupts it or its time budget runs out. */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
}

/** How many loop iterations pass between reads of the clock (and other periodic work). */
const SLOW_CHECK_EVERY = 1024;
const AWAIT_POLL_MS = 50;

/**
 * The checks the cell rewrite inserts into loops and awaits. The fast path, run on every
 * loop iteration, is one Atomics.load and one counter; the clock is read (and `onPeriodic`
 * runs) only every thousand iterations, so a tight loop stays within a few percent.
 */
export class InterruptGuard {
  private flag: Int32Array | null = null;
  private deadline = Infinity;
  private budgetMs = Infinity;
  private ticks = 0;

  /** Work to do now and then while a loop runs, e.g. flushing prints to the page. */
  constructor(private readonly onPeriodic: () => void = () => undefined) {}

  useSharedFlag(buffer: SharedArrayBuffer): void {
    this.flag = new Int32Array(buffer);
  }

  /** Starts timing a cell; clears an interrupt that arrived while nothing ran. */
  begin(budgetMs: number): void {
    this.budgetMs = budgetMs;
    this.deadline = Date.now() + budgetMs;
    this.ticks = 0;
    if (this.flag) Atomics.store(this.flag, 0, 0);
  }

  end(): void {
    this.deadline = Infinity;
  }

  /** Throws when the cell must stop. Called at the top of every loop body; kept tiny. */
  readonly tick = (): void => {
    if ((this.flag !== null && Atomics.load(this.flag, 0) !== 0) || ++this.ticks >= SLOW_CHECK_EVERY) this.check();
  };

  private check(): void {
    this.ticks = 0;
    if (this.flag !== null && Atomics.load(this.flag, 0) !== 0) {
      Atomics.store(this.flag, 0, 0);
      throw new KeyboardInterrupt("Interrupted: the cell was stopped; names defined before the interrupt are kept.");
    }
    if (Date.now() > this.deadline) {
      throw new KeyboardInterrupt(`Time budget exceeded: the cell ran longer than ${formatSeconds(this.budgetMs)} and was stopped.`);
    }
    this.onPeriodic();
  }

  /** Lets an interrupt or the time budget stop a cell that is waiting on a promise. */
  readonly interruptible = <T>(value: T): Promise<Awaited<T>> | T => {
    this.check();
    if (!(value instanceof Promise)) return value;
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        try {
          this.check();
        } catch (error) {
          reject(error);
        }
      }, AWAIT_POLL_MS);
    });
    return Promise.race([value, stop]).finally(() => clearInterval(timer)) as Promise<Awaited<T>>;
  };
}

function formatSeconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`;
}
