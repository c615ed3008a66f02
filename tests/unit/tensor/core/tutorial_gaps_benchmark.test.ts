/**
 * torch.utils.benchmark (lib/tensor/utils/benchmark.ts) for the "Timer quick start" and "PyTorch
 * Benchmark" recipes. With a fake clock (Timer's timer= argument) that advances 1 us per run of the
 * statement, every figure is deterministic; the expected ones are torch 1.13's for the same fake clock
 * (Timer(stmt='tick()', globals={'tick': tick}, timer=lambda: clock[0], ...)).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

const { Timer, Measurement } = torch.utils.benchmark;

function fakeTimer() {
  const clock = { t: 0 };
  const timer = new Timer({
    stmt: () => {
      clock.t += 1e-6;
    },
    timer: () => clock.t,
    label: "fake clock",
    sub_label: "1 us per run",
    description: "desc",
  });
  return timer;
}

describe("torch.utils.benchmark.Timer", () => {
  it("timeit(number): one measurement of number runs after a warm-up, PyTorch's repr", () => {
    const m = fakeTimer().timeit(100);
    expect(m).toBeInstanceOf(Measurement);
    expect(m.number_per_run).toBe(100);
    expect(m.times).toEqual([9.99999999999998e-7]); // torch 1.13, same fake clock
    expect(m.median).toBe(9.99999999999998e-7);
    expect(String(m)).toBe(
      ["<torch.utils.benchmark.utils.common.Measurement object>", "fake clock: 1 us per run", "desc", "  1.00 us", "  1 measurement, 100 runs , 1 thread"].join("\n"),
    );
  });

  it("blocked_autorange and adaptive_autorange pick the block size and stop as torch 1.13", () => {
    const timer = fakeTimer(); // one timer through timeit, blocked and adaptive, as the torch 1.13 run
    timer.timeit(100);
    const m = timer.blocked_autorange({ min_run_time: 0.2 });
    expect(m.number_per_run).toBe(1000);
    expect(m.times).toHaveLength(200);
    expect(m.significant_figures).toBe(1);
    expect(m.meets_confidence()).toBe(true);
    expect(String(m).split("\n").slice(3)).toEqual(["  Median: 1.00 us", "  IQR:    0.00 us (1.00 to 1.00)", "  200 measurements, 1000 runs per measurement, 1 thread"]);
    const a = timer.adaptive_autorange();
    expect([a.number_per_run, a.times.length]).toEqual([100, 100]);
    const calls: number[] = [];
    const mm = fakeTimer().blocked_autorange((n: number) => calls.push(n), 0.01); // callback, min_run_time positionally
    expect(calls).toHaveLength(mm.times.length);
    expect(calls.every((n) => n === mm.number_per_run)).toBe(true);
  });

  it("times a real statement with its globals and setup; a Python source string is refused clearly", () => {
    const x = torch.ones(4, 8);
    const y = torch.ones(1, 8);
    let setups = 0;
    const timer = new Timer({
      stmt: ({ x, y }: Record<string, unknown>) => (x as typeof y & { mul(o: unknown): unknown }).mul(y),
      setup: () => {
        setups++;
      },
      globals: { x, y },
      label: "Broadcasting add (4x8)",
    });
    const m = timer.timeit(50);
    expect(setups).toBe(2); // the warm-up and the measurement each run setup once
    expect(m.times[0]).toBeGreaterThan(0);
    // the setup's source is shown as PyTorch shows the setup statement
    expect(String(m)).toMatch(/^<torch\.utils\.benchmark\.utils\.common\.Measurement object>\nBroadcasting add \(4x8\)\nsetup:\n {2}\(\) => \{[\s\S]*setups\+\+[\s\S]*\n {2}\d+\.\d\d (ns|us|ms|s)\n {2}1 measurement, 50 runs , 1 thread$/);
    expect(() => new Timer({ stmt: "x * y" as never, globals: { x, y } })).toThrow(/stmt must be a function here, not a string/);
    expect(() => new Timer({ stmt: () => 0, bogus: 1 } as never)).toThrow("Timer() got an unexpected keyword argument 'bogus'");
    expect(() => timer.collect_callgrind()).toThrow(/Valgrind instruction counts are not available/);
  });
});
