/**
 * torch.profiler / torch.autograd.profiler, torch.autograd.forward_ad, anomaly-mode switches and
 * the inference / conj / neg flags, against PyTorch 1.13 (scripts/fixtures/torch_1_13_names_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { F, nn, set_file_store, torch, type Tensor } from "../../../../lib/tensor/index";
import { EventList, FunctionEventAvg } from "../../../../lib/tensor/profiler";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Fx {
  forward_ad: { x: FT; tx: FT; W: FT; tW: FT; b: FT; cases: Record<string, { primal: FT; tangent: FT }> };
  schedules: { kwargs: Record<string, number>; actions: string[] }[];
  schedule_run: { step_num: number; keys: string[]; steps: number[] }[];
  tables: { spec: [string, number, number, number, number[][] | null][]; plain_sorted: string; plain_header: string; shapes: string; top_level: string; memory_spec: [number, number][]; memory: string };
}
const fx = fixture<Fx>("core/torch_1_13_autograd.json");
const t = torch as unknown as {
  profiler: { profile: new (o?: object, fn?: () => unknown) => Prof; record_function: <T>(n: string, fn?: () => T) => T; ProfilerActivity: { CPU: string; CUDA: string } };
  autograd: { profiler: { profile: new (...a: unknown[]) => Prof; record_function: <T>(n: string, fn: () => T) => T }; forward_ad: FwAD; set_detect_anomaly(m: boolean): void };
  set_anomaly_enabled(enabled: boolean, check_nan?: boolean): void;
  is_anomaly_enabled(): boolean;
  is_anomaly_check_nan_enabled(): boolean;
  is_inference(x: Tensor): boolean;
  is_conj(x: Tensor): boolean;
  is_neg(x: Tensor): boolean;
};
interface Avg { key: string; count: number; cpu_time_total: number; self_cpu_time_total: number; input_shapes: number[][] | null }
interface Prof {
  __enter__(): Prof;
  __exit__(): void;
  start(): void;
  stop(): void;
  events(): { name: string; cpu_time_total: number; self_cpu_time_total: number; children: unknown[] }[];
  key_averages(o?: object): Avg[] & { table(o?: object): string };
  enabled: boolean;
}
interface FwAD {
  dual_level<T>(fn: () => T): T;
  make_dual(x: Tensor, t: Tensor): Tensor;
  unpack_dual(x: Tensor): { primal: Tensor; tangent: Tensor | null } & Iterable<Tensor | null>;
  enter_dual_level(): number;
  exit_dual_level(): void;
}

describe("profiler table: PyTorch 1.13's layout", () => {
  const events = (withShapes: boolean): EventList<FunctionEventAvg> => {
    const out = new EventList<FunctionEventAvg>();
    for (const [key, count, total, self, shapes] of fx.tables.spec) {
      const e = new FunctionEventAvg(key, withShapes ? shapes : null);
      e.count = count;
      e.cpu_time_total = total;
      e.self_cpu_time_total = self;
      out.push(e);
    }
    return out;
  };
  it("columns, widths, sorting, row limit, name truncation, header, input shapes, totals", () => {
    expect(events(false).table({ sort_by: "cpu_time_total", row_limit: 3 })).toBe(fx.tables.plain_sorted);
    expect(events(false).table({ header: "HDR" })).toBe(fx.tables.plain_header);
    expect(events(true).table("self_cpu_time_total")).toBe(fx.tables.shapes);
    expect(events(false).table({ sort_by: "count", top_level_events_only: true })).toBe(fx.tables.top_level);
    expect(() => events(false).table({ sort_by: "cuda_time_total" })).toThrow("sort_by must be one of the CPU columns");
    const mem = events(false);
    mem.forEach((e, i) => ([e.cpu_memory_usage, e.self_cpu_memory_usage] = fx.tables.memory_spec[i]));
    mem.profile_memory = true;
    expect(mem.table({ sort_by: "self_cpu_memory_usage" })).toBe(fx.tables.memory);
    expect(() => events(false).table({ zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("torch.profiler.profile", () => {
  it("records ops, nesting, counts and shapes of the Profiler recipe's pattern", () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU());
    const x = torch.randn(2, 4);
    const prof = new t.profiler.profile({ activities: [t.profiler.ProfilerActivity.CPU], record_shapes: true });
    prof.__enter__();
    t.profiler.record_function("model_inference", () => model(x).relu().sum());
    prof.__exit__();
    const avg = prof.key_averages();
    const byKey = new Map(avg.map((e) => [e.key, e]));
    expect([...byKey.keys()]).toEqual(expect.arrayContaining(["model_inference", "aten::linear", "aten::relu", "aten::sum"]));
    expect(byKey.get("aten::relu")!.count).toBe(2); // nn.ReLU and Tensor.relu, not the ReLU's own x.relu()
    expect(byKey.get("model_inference")!.count).toBe(1);
    // Self times add up to the root's total; every total includes its self time.
    const root = prof.events().find((e) => e.name === "model_inference")!;
    const selfSum = prof.events().reduce((s, e) => s + e.self_cpu_time_total, 0);
    expect(selfSum).toBeCloseTo(root.cpu_time_total, 6);
    for (const e of avg) expect(e.cpu_time_total).toBeGreaterThanOrEqual(e.self_cpu_time_total - 1e-9);
    const shaped = prof.key_averages({ group_by_input_shape: true });
    expect(shaped.find((e) => e.key === "aten::linear")!.input_shapes).toEqual([[2, 4], [3, 4], [3]]);
    const table = avg.table({ sort_by: "cpu_time_total", row_limit: 10 });
    expect(table.split("\n")[1]).toMatch(/^\s+Name {4}Self CPU % {6}Self CPU {3}CPU total % {5}CPU total {2}CPU time avg {4}# of Calls {2}$/);
    expect(table).toMatch(/\n\s+model_inference\s+\S+%\s+\S+\s+100\.00%/);
    expect(table.trimEnd().split("\n").pop()).toMatch(/^Self CPU time total: \d+\.\d{3}(us|ms|s)$/);
  });

  it("profile_memory: bytes of the fresh tensors each op returns, CPU Mem columns as PyTorch's", () => {
    const prof = new t.profiler.profile({ profile_memory: true }, () => torch.ones([100, 100]).exp().sum());
    const avg = prof.key_averages() as unknown as (Avg & { cpu_memory_usage: number; self_cpu_memory_usage: number })[] & { table(o?: object): string };
    const mem = Object.fromEntries(avg.map((e) => [e.key, [e.cpu_memory_usage, e.self_cpu_memory_usage]]));
    expect(mem["aten::ones"]).toEqual([40000, 40000]);
    expect(mem["aten::exp"]).toEqual([40000, 40000]);
    expect(mem["aten::sum"]).toEqual([4, 4]);
    expect(avg.table({ sort_by: "self_cpu_memory_usage" }).split("\n")[1]).toContain("CPU Mem  Self CPU Mem    # of Calls");
  });

  it("wraps nothing once stopped; CUDA raises; the legacy torch.autograd.profiler signature and the fn form work", () => {
    const exp = torch.exp;
    const prof = new t.profiler.profile({}, () => torch.exp(torch.ones(2)));
    expect(torch.exp).toBe(exp);
    expect(prof.key_averages().map((e) => e.key)).toContain("aten::exp");
    expect(() => new t.profiler.profile({ activities: [t.profiler.ProfilerActivity.CUDA] })).toThrow("CUDA profiling is not available");
    expect(() => new t.profiler.profile({ zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
    const legacy = new t.autograd.profiler.profile(true, { record_shapes: true });
    legacy.start();
    F.relu(torch.ones(3).neg());
    legacy.stop();
    expect(legacy.key_averages().map((e) => e.key).sort()).toEqual(["aten::neg", "aten::ones", "aten::relu"]);
    const off = new t.autograd.profiler.profile(false);
    off.start();
    torch.ones(1);
    off.stop();
    expect(torch.exp).toBe(exp);
  });
});

describe("torch.profiler.schedule and step()", () => {
  const P = (torch as unknown as { profiler: { schedule(o: object): (s: number) => string; profile: new (o: object) => Prof & { step(): void; step_num: number; export_chrome_trace(p: string): void } } }).profiler;
  it("schedule's actions equal PyTorch's", () => {
    for (const c of fx.schedules) expect(Array.from({ length: 12 }, (_, i) => P.schedule(c.kwargs)(i))).toEqual(c.actions);
    expect(() => P.schedule({ wait: 0, warmup: 0, active: 0 })).toThrow("Invalid profiler schedule arguments");
    expect(() => P.schedule({ wait: 0, warmup: 1 })).toThrow("missing 1 required keyword-only argument: 'active'");
  });

  it("records only the active steps, as ProfilerStep* events, and calls on_trace_ready after each cycle", () => {
    const calls: { step_num: number; keys: string[]; steps: number[] }[] = [];
    const p = new P.profile({
      schedule: P.schedule({ wait: 1, warmup: 1, active: 2, repeat: 2 }),
      on_trace_ready: (pr: Prof & { step_num: number }) => {
        const avg = pr.key_averages();
        calls.push({ step_num: pr.step_num, keys: avg.map((e) => e.key).filter((k) => k === "ProfilerStep*" || k === "aten::exp").sort(), steps: avg.filter((e) => e.key === "ProfilerStep*").map((e) => e.count) });
      },
    });
    p.__enter__();
    for (let i = 0; i < 8; i++) {
      torch.ones(i + 1).exp();
      p.step();
    }
    p.__exit__();
    expect(calls).toEqual(fx.schedule_run);
  });

  it("export_chrome_trace writes Chrome's trace JSON to the file store", () => {
    const files = new Map<string, Uint8Array>();
    set_file_store({ write: (n, b) => void files.set(n, b), read: (n) => files.get(n) });
    try {
      const p = new P.profile({ record_shapes: true });
      p.__enter__();
      torch.ones(3).exp();
      p.__exit__();
      p.export_chrome_trace("trace.json");
      const trace = JSON.parse(new TextDecoder().decode(files.get("trace.json")!)) as { traceEvents: { name: string; ph: string; dur: number; args: Record<string, unknown> }[] };
      const exp = trace.traceEvents.find((e) => e.name === "aten::exp")!;
      expect(exp.ph).toBe("X");
      expect(exp.dur).toBeGreaterThanOrEqual(0);
      expect(exp.args["Input Dims"]).toEqual([[3]]);
    } finally {
      // Back to an in-memory store, as the engine's default.
      const mem = new Map<string, Uint8Array>();
      set_file_store({ write: (n, b) => void mem.set(n, b), read: (n) => mem.get(n) });
    }
  });
});

describe("torch.autograd.forward_ad", () => {
  const f = fx.forward_ad;
  const fns: Record<string, (x: Tensor, W: Tensor, b: Tensor) => Tensor> = {
    sin_sq_sum: (x) => x.mul(x).sin().sum(),
    linear: (x, W, b) => F.linear(x, W, b),
    matmul_tanh: (x, W) => torch.tanh(x.matmul(W.t())),
    logsumexp: (x) => x.logsumexp(1),
    softmax_mean: (x) => torch.softmax(x, 1).mean(0),
    exp_div: (x) => x.exp().div(x.mul(x).add(1)),
  };
  for (const [name, fn] of Object.entries(fns)) {
    it(`${name}: primal and tangent equal torch 1.13's`, () => {
      const fw = t.autograd.forward_ad;
      fw.dual_level(() => {
        const dx = fw.make_dual(tensorOf(f.x), tensorOf(f.tx));
        const dW = fw.make_dual(tensorOf(f.W), tensorOf(f.tW));
        const { primal, tangent } = fw.unpack_dual(fn(dx, dW, tensorOf(f.b)));
        expectClose(primal, f.cases[name].primal, { rtol: 1e-12, atol: 1e-12, label: "primal" });
        expectClose(tangent!, f.cases[name].tangent, { rtol: 1e-10, atol: 1e-12, label: "tangent" });
      });
    });
  }

  it("levels, errors and None tangents as PyTorch", () => {
    const fw = t.autograd.forward_ad;
    const x = torch.tensor([1, 2]);
    expect(() => fw.make_dual(x, torch.ones(2))).toThrow("Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.");
    let d: Tensor | null = null;
    fw.dual_level(() => {
      d = fw.make_dual(x, torch.tensor([1, 0]));
      expect(() => fw.make_dual(x, torch.ones(3))).toThrow("Tensor is of size [2] while the given forward gradient is of size [3].");
      expect(() => fw.dual_level(() => 0)).toThrow("Nested forward mode AD is not supported at the moment");
      expect(fw.unpack_dual(x).tangent).toBeNull();
      const [p, tan] = fw.unpack_dual(d);
      expect(p!.tolist()).toEqual([1, 2]);
      expect(tan!.tolist()).toEqual([1, 0]);
    });
    expect(fw.unpack_dual(d!.mul(2)).tangent).toBeNull();
  });
});

describe("anomaly switches, inference / conj / neg flags", () => {
  it("set_anomaly_enabled(enabled, check_nan); check_nan=false keeps backward from raising on NaN", () => {
    try {
      t.set_anomaly_enabled(true, false);
      expect([t.is_anomaly_enabled(), t.is_anomaly_check_nan_enabled()]).toEqual([true, false]);
      const w = torch.tensor([0], { requires_grad: true });
      w.sqrt().mul(0).sum().backward(); // 0 * inf = NaN in SqrtBackward0's input grad: no raise without check_nan
      expect(Number.isNaN(w.grad!.item())).toBe(true);
      t.set_anomaly_enabled(true);
      expect(t.is_anomaly_check_nan_enabled()).toBe(true);
      const v = torch.tensor([0], { requires_grad: true });
      expect(() => v.sqrt().mul(0).sum().backward()).toThrow("returned nan values");
    } finally {
      t.set_anomaly_enabled(false);
    }
    expect(t.is_anomaly_enabled()).toBe(false);
    expect(() => (t.set_anomaly_enabled as (...a: unknown[]) => void)(true, { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
  });

  it("is_inference marks tensors created under inference_mode; is_conj / is_neg are false", () => {
    const x = torch.ones(2);
    const made = (torch as unknown as { inference_mode<T>(fn: () => T): T }).inference_mode(() => [torch.ones(2), x.view(2, 1)] as const);
    expect([t.is_inference(x), x.is_inference(), made[0].is_inference(), t.is_inference(made[0]), made[1].is_inference()]).toEqual([false, false, true, true, false]);
    expect([t.is_conj(x), t.is_neg(x), x.is_conj(), x.is_neg()]).toEqual([false, false, false, false]);
    expect(() => (t.is_inference as (...a: unknown[]) => boolean)(x, { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
    expect(() => t.is_conj(3 as never)).toThrow("must be Tensor");
  });
});
