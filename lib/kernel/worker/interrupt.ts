/** Raised inside a cell when the learner interrupts it or its time budget runs out. */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
}

const DEADLINE_CHECK_EVERY = 1024;
const AWAIT_POLL_MS = 50;

/**
 * The checks the cell rewrite inserts into loops and awaits. Reading the shared flag is
 * one Atomics.load; the clock is read only every thousand ticks to keep loops fast.
 */
export class InterruptGuard {
  private flag: Int32Array | null = null;
  private deadline = Infinity;
  private budgetMs = Infinity;
  private ticks = 0;

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

  /** Throws when the cell must stop. Called at the top of every loop body. */
  tick(): void {
    if (this.flag !== null && Atomics.load(this.flag, 0) !== 0) {
      Atomics.store(this.flag, 0, 0);
      throw new KeyboardInterrupt("Interrupted: the cell was stopped; names defined before the interrupt are kept.");
    }
    if (++this.ticks % DEADLINE_CHECK_EVERY === 0 && Date.now() > this.deadline) {
      throw new KeyboardInterrupt(`Time budget exceeded: the cell ran longer than ${formatSeconds(this.budgetMs)} and was stopped.`);
    }
  }

  /** Lets an interrupt or the time budget stop a cell that is waiting on a promise. */
  interruptible<T>(value: T): Promise<Awaited<T>> | T {
    this.tick();
    if (!(value instanceof Promise)) return value;
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        try {
          this.ticks = DEADLINE_CHECK_EVERY - 1;
          this.tick();
        } catch (error) {
          reject(error);
        }
      }, AWAIT_POLL_MS);
    });
    return Promise.race([value, stop]).finally(() => clearInterval(timer)) as Promise<Awaited<T>>;
  }
}

function formatSeconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`;
}
