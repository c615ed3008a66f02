/**
 * Optimizer state holds the kinds of values torch 1.13's holds, so tutorial code that reads or prints it behaves
 * as in PyTorch: 0-dim float32 tensors for Adam's / AdamW's / Adamax's / RAdam's / NAdam's / ASGD's / Adagrad's
 * step (and NAdam's mu_product, ASGD's eta and mu), Python ints (numbers) for Adadelta's / RMSprop's / Rprop's
 * step and LBFGS's counters, None (null) for SGD's momentum_buffer without momentum. Checked against
 * scripts/fixtures/optimizer_state_kinds_fixtures.py (torch 1.13): kinds, dtypes, shapes and values after 1 and
 * 3 steps, loads of dicts with number scalars, state_dict copies, a torch.save / torch.load checkpoint round
 * trip and the printed form.
 */
import { describe, expect, it } from "vitest";
import { formatValue } from "../../../../lib/kernel/display/format-value";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import type { OptimizerState } from "../../../../lib/tensor/optim/optimizer";
import { fixture } from "../nn/helpers";

type Kind =
  | { kind: "tensor"; dtype: string; shape: number[]; data: number[] }
  | { kind: "int" | "float"; value: number }
  | { kind: "None" }
  | { kind: "list"; items: Kind[] };
type Kinds = Record<string, Kind>;
interface Case {
  label: string;
  name: string;
  kwargs: Record<string, unknown>;
  dtype: "float32" | "float64";
  before: Kinds | null;
  after1: Kinds;
  after3: Kinds;
  param1: number[];
  param3: number[];
}
interface LoadCase {
  label: string;
  name: string;
  kwargs: Record<string, unknown>;
  dtype: "float32" | "float64";
  load_dtype: "float32" | "float64";
  saved: Kinds;
  loaded: Kinds;
  stepped: Kinds;
  param: number[];
}
const fx = fixture<{
  p0: number[];
  grads: number[][];
  cases: Case[];
  loads: LoadCase[];
  sparse_adam_step: Kind;
  lbfgs: Kinds;
  lbfgs_states: Record<"float32" | "float64", { state: Kinds; param: number[] }[]>;
  printed: Record<string, string>;
}>("optim/optimizer_state_kinds.json");

type Ctor = new (params: unknown, opts: Record<string, unknown>) => optim.Optimizer<object>;
const ctors = optim as unknown as Record<string, Ctor>;

function param(dtype: "float32" | "float64", values = fx.p0): Tensor {
  return new nn.Parameter(torch.tensor(values, { dtype: torch[dtype] }));
}

function run(name: string, kwargs: Record<string, unknown>, dtype: "float32" | "float64", steps: number): { p: Tensor; opt: optim.Optimizer<object> } {
  const p = param(dtype);
  const opt = new ctors[name]([p], { ...kwargs });
  for (const g of fx.grads.slice(0, steps)) {
    p.grad = torch.tensor(g, { dtype: p.dtype });
    opt.step();
  }
  return { p, opt };
}

/** Our state's values have torch's kinds, in torch's key order: scalars exactly, buffers to float32 accuracy. */
function expectKinds(state: OptimizerState | undefined, expected: Kinds, label: string): void {
  expect(state, label).toBeDefined();
  expect(Object.keys(state!), `${label}: keys`).toEqual(Object.keys(expected));
  for (const [k, e] of Object.entries(expected)) {
    const v = state![k];
    const what = `${label}: ${k}`;
    if (e.kind === "None") expect(v, what).toBeNull();
    else if (e.kind === "int" || e.kind === "float") {
      expect(typeof v, what).toBe("number");
      expect(v, what).toBe(e.value);
    } else if (e.kind === "tensor") {
      expect(v, what).toBeInstanceOf(torch.Tensor);
      const t = v as Tensor;
      expect([t.dtype.name, t.shape, t.requires_grad, t.grad_fn], what).toEqual([e.dtype, e.shape, false, null]);
      const data = t.reshape(-1).tolist() as number[];
      if (e.shape.length === 0) expect(data, what).toEqual(e.data);
      else data.forEach((x, i) => expect(Math.abs(x - e.data[i]), `${what}[${i}]: ${x} vs ${e.data[i]}`).toBeLessThanOrEqual(1e-7 + 2e-6 * Math.abs(e.data[i])));
    } else throw new Error(`unexpected kind ${e.kind} in ${what}`);
  }
}

function expectParam(p: Tensor, expected: number[], label: string): void {
  (p.detach().tolist() as number[]).forEach((x, i) => expect(Math.abs(x - expected[i]), `${label}[${i}]: ${x} vs ${expected[i]}`).toBeLessThanOrEqual(1e-7 + 2e-6 * Math.abs(expected[i])));
}

describe("optimizer state kinds are torch 1.13's", () => {
  it.each(fx.cases.map((c) => [c.label, c] as const))("%s after 1 and 3 steps", (_, c) => {
    const fresh = new ctors[c.name]([param(c.dtype)], { ...c.kwargs });
    if (c.before) expectKinds([...fresh.state.values()][0], c.before, `${c.label} before any step`);
    else expect(fresh.state.size).toBe(0);
    for (const steps of [1, 3] as const) {
      const { p, opt } = run(c.name, c.kwargs, c.dtype, steps);
      expectKinds(opt.state.get(p), c[`after${steps}`], `${c.label} after ${steps}`);
      expectKinds(opt.state_dict().state[0], c[`after${steps}`], `${c.label} state_dict() after ${steps}`);
      expectParam(p, c[`param${steps}`], `${c.label} parameter after ${steps}`);
    }
  });

  it("steps count in place, without autograd history (torch's step_t += 1)", () => {
    const p = param("float32");
    const opt = new optim.Adam([p], { lr: 0.01 });
    p.grad = torch.ones(2);
    opt.step();
    const step = opt.state.get(p)!.step as Tensor;
    const version = step._version;
    opt.step();
    expect(opt.state.get(p)!.step).toBe(step);
    expect([step.item(), step.requires_grad, step.grad_fn, step.is_leaf]).toEqual([2, false, null, true]);
    expect(step._version).toBeGreaterThan(version);
    // A step inside enable_grad (as step(closure) runs the closure) still records nothing on the step tensor.
    torch.enable_grad(() => opt.step());
    expect([step.item(), step.grad_fn]).toEqual([3, null]);
  });

  it("SparseAdam and LBFGS: torch's counters are ints", () => {
    expect(fx.sparse_adam_step).toEqual({ kind: "int", value: 1 });
    // The engine has no sparse gradients, so SparseAdam refuses its step (torch 1.13's dense-gradient error) and keeps no state.
    const e = param("float32");
    const sa = new optim.SparseAdam([e]);
    e.grad = torch.ones(2);
    expect(() => sa.step()).toThrow("SparseAdam does not support dense gradients, please consider Adam instead");
    expect(sa.state.size).toBe(0);
    const x = param("float32");
    const lb = new optim.LBFGS([x]);
    lb.step(() => {
      lb.zero_grad();
      const loss = x.sub(3).pow(2).sum();
      loss.backward();
      return loss;
    });
    const st = lb.state.get(x)!;
    for (const [k, e2] of Object.entries(fx.lbfgs)) {
      expect(typeof st[k], k).toBe("number");
      expect([k, st[k]]).toEqual([k, (e2 as { value: number }).value]);
    }
  });
});

/** A state value against torch's: the same kind (lists item by item), tensors' dtype and shape, values to float32 accuracy. */
function expectLike(v: unknown, e: Kind, what: string): void {
  const close = (x: number, y: number, w: string) => expect(Math.abs(x - y), `${w}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(y));
  if (e.kind === "None") expect(v, what).toBeNull();
  else if (e.kind === "int") expect(v, what).toBe(e.value);
  else if (e.kind === "float") {
    expect(typeof v, what).toBe("number");
    close(v as number, e.value, what);
  } else if (e.kind === "list") {
    expect(Array.isArray(v), `${what} is a list`).toBe(true);
    expect((v as unknown[]).length, `${what}: length`).toBe(e.items.length);
    e.items.forEach((item, i) => expectLike((v as unknown[])[i], item, `${what}[${i}]`));
  } else {
    const want = e as Extract<Kind, { kind: "tensor" }>;
    expect(v, what).toBeInstanceOf(torch.Tensor);
    const t = v as Tensor;
    expect([t.dtype.name, t.shape, t.requires_grad], what).toEqual([want.dtype, want.shape, false]);
    (t.reshape(-1).tolist() as number[]).forEach((x, i) => close(x, want.data[i], `${what}[${i}]`));
  }
}

describe("LBFGS keeps torch 1.13's state kinds", () => {
  const run = (dtype: "float32" | "float64") => {
    const x = new nn.Parameter(torch.tensor([0.5, -1.0, 2.0], { dtype: torch[dtype] }));
    const opt = new optim.LBFGS([x], { lr: 0.5, history_size: 3, max_iter: 4 });
    const quartic = () => {
      opt.zero_grad();
      const loss = x.sub(1).pow(4).sum().add(x.square().sum().mul(0.1));
      loss.backward();
      return loss;
    };
    return { x, opt, quartic };
  };

  it.each(["float32", "float64"] as const)("%s: d, prev_flat_grad and the history as tensors, ro / H_diag / al as 0-d tensors, in torch's key order", (dtype) => {
    const { x, opt, quartic } = run(dtype);
    fx.lbfgs_states[dtype].forEach((want, step) => {
      opt.step(quartic);
      const state = opt.state.get(x)!;
      expect(Object.keys(state), `step ${step + 1}: keys`).toEqual(Object.keys(want.state));
      for (const [k, e] of Object.entries(want.state)) expectLike(state[k], e, `${dtype} step ${step + 1}: ${k}`);
      (x.detach().tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.param[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want.param[i])));
    });
  });

  it("state_dict -> load_state_dict into a fresh LBFGS continues exactly as the original", () => {
    const a = run("float32"), b = run("float32");
    a.opt.step(a.quartic);
    b.opt.step(b.quartic);
    const fresh = new optim.LBFGS([b.x], { lr: 0.5, history_size: 3, max_iter: 4 });
    fresh.load_state_dict(b.opt.state_dict());
    a.opt.step(a.quartic);
    fresh.step(b.quartic);
    expect(b.x.tolist()).toEqual(a.x.tolist());
    const lists = (state: unknown) => state as { d: Tensor; old_dirs: Tensor[] };
    const [sa, sb] = [lists(a.opt.state.get(a.x)), lists(fresh.state.get(b.x))];
    expect(sb.d.tolist()).toEqual(sa.d.tolist());
    expect(sb.old_dirs.map((t) => t.tolist())).toEqual(sa.old_dirs.map((t) => t.tolist()));
    // The saved dict is a copy: stepping on does not change it.
    const saved = lists(a.opt.state_dict().state[0]);
    const before = saved.old_dirs[0].tolist();
    a.opt.step(a.quartic);
    expect(saved.old_dirs[0].tolist()).toEqual(before);
  });
});

describe("load_state_dict: torch 1.13's casts and __setstate__ conversions", () => {
  it.each(fx.loads.map((c) => [c.label, c] as const))("%s", (_, c) => {
    const { p, opt } = run(c.name, c.kwargs, c.dtype, 1);
    const sd = opt.state_dict();
    // Make our saved dict's scalars the kinds torch's saved dict had (numbers written by hand or by an older engine).
    const s = sd.state[0];
    for (const [k, e] of Object.entries(c.saved)) {
      if ((e.kind === "int" || e.kind === "float") && s[k] instanceof torch.Tensor) s[k] = (s[k] as Tensor).item() as number;
      if (e.kind === "tensor" && e.shape.length === 0 && typeof s[k] === "number") s[k] = torch.tensor(s[k] as number);
    }
    expectKinds(s, c.saved, `${c.label}: saved`);
    const q = param(c.load_dtype, p.detach().tolist() as number[]);
    const opt2 = new ctors[c.name]([q], { ...c.kwargs });
    opt2.load_state_dict(sd);
    expectKinds(opt2.state.get(q), c.loaded, `${c.label}: loaded`);
    q.grad = torch.tensor(fx.grads[1], { dtype: q.dtype });
    opt2.step();
    expectKinds(opt2.state.get(q), c.stepped, `${c.label}: stepped`);
    expectParam(q, c.param, `${c.label}: parameter`);
    // The loaded state is a copy: stepping did not touch the dict it came from.
    expectKinds(sd.state[0], c.saved, `${c.label}: the loaded dict after a step`);
  });

  it("a hand-written dict with number scalars loads and steps as the optimizer's own", () => {
    const { p, opt } = run("NAdam", { lr: 0.01 }, "float32", 2);
    const mine = opt.state.get(p)!;
    const byHand = {
      state: { 0: { step: 2, mu_product: (mine.mu_product as Tensor).item() as number, exp_avg: (mine.exp_avg as Tensor).clone(), exp_avg_sq: (mine.exp_avg_sq as Tensor).clone() } },
      param_groups: opt.state_dict().param_groups,
    };
    const q = param("float32", p.detach().tolist() as number[]);
    const opt2 = new optim.NAdam([q], { lr: 0.01 });
    opt2.load_state_dict(byHand);
    p.grad = torch.tensor(fx.grads[2]);
    q.grad = torch.tensor(fx.grads[2]);
    opt.step();
    opt2.step();
    expect(q.equal(p)).toBe(true);
    const st = opt2.state.get(q)!;
    expect([(st.step as Tensor).item(), (st.mu_product as Tensor).item()]).toEqual([3, (mine.mu_product as Tensor).item()]);
  });
});

describe("state_dict copies, checkpoints and printing", () => {
  it("state_dict() is a copy: later steps do not change it, and changing it does not change the optimizer", () => {
    for (const [name, kwargs] of [["Adam", { lr: 0.01 }], ["ASGD", { lr: 0.1, t0: 1 }], ["SGD", { lr: 0.1 }], ["RMSprop", { lr: 0.01 }]] as const) {
      const { p, opt } = run(name, kwargs, "float32", 2);
      const sd = opt.state_dict();
      const before = formatValue(sd);
      p.grad = torch.ones(2);
      opt.step();
      expect(formatValue(sd), name).toBe(before);
      const live = opt.state.get(p)!;
      for (const [k, v] of Object.entries(sd.state[0])) if (v instanceof torch.Tensor) expect(live[k], `${name}.${k}`).not.toBe(v);
      if (sd.state[0].step instanceof torch.Tensor) {
        (sd.state[0].step as Tensor).fill_(100);
        expect((live.step as Tensor).item(), name).toBe(3);
      }
    }
  });

  it("torch.save / torch.load of a checkpoint { epoch, model_state_dict, optimizer_state_dict, loss } keeps the kinds and resumes exactly", () => {
    for (const [name, kwargs] of [["Adam", { lr: 0.01 }], ["NAdam", { lr: 0.01 }], ["ASGD", { lr: 0.1, t0: 1 }], ["Adagrad", { lr: 0.1 }], ["SGD", { lr: 0.1 }], ["SGD", { lr: 0.1, momentum: 0.9 }], ["RMSprop", { lr: 0.01 }]] as const) {
      const label = `${name} ${JSON.stringify(kwargs)}`;
      torch.manual_seed(0);
      const model = new nn.Linear(2, 1);
      const opt = new ctors[name](model.parameters(), { ...kwargs });
      const x = torch.tensor([[1, 2], [3, -1], [0.5, 0.25]]);
      const y = torch.tensor([[1], [0], [2]]);
      const train = (m: nn.Linear, o: optim.Optimizer<object>): number => {
        o.zero_grad();
        const loss = m.forward(x).sub(y).pow(2).mean();
        loss.backward();
        o.step();
        return loss.item() as number;
      };
      let loss = 0;
      for (let i = 0; i < 3; i++) loss = train(model, opt);
      const sdBefore = opt.state_dict();
      torch.save({ epoch: 3, model_state_dict: model.state_dict(), optimizer_state_dict: opt.state_dict(), loss }, "state_kinds_ckpt.pt");
      const ckpt = torch.load("state_kinds_ckpt.pt") as unknown as { epoch: number; model_state_dict: Record<string, Tensor>; optimizer_state_dict: optim.OptimizerStateDict; loss: number };
      expect([ckpt.epoch, ckpt.loss], label).toEqual([3, loss]);
      for (const [i, s] of Object.entries(sdBefore.state)) {
        const kinds = Object.fromEntries(
          Object.entries(s).map(([k, v]) => [
            k,
            v === null ? { kind: "None" } : typeof v === "number" ? { kind: "int", value: v } : { kind: "tensor", dtype: (v as Tensor).dtype.name, shape: (v as Tensor).shape, data: (v as Tensor).reshape(-1).tolist() as number[] },
          ]),
        ) as Kinds;
        expectKinds(ckpt.optimizer_state_dict.state[Number(i)], kinds, `${label}: loaded checkpoint state ${i}`);
      }
      torch.manual_seed(1);
      const model2 = new nn.Linear(2, 1);
      model2.load_state_dict(ckpt.model_state_dict);
      const opt2 = new ctors[name](model2.parameters(), { ...kwargs });
      opt2.load_state_dict(ckpt.optimizer_state_dict);
      for (let i = 0; i < 2; i++) expect(train(model2, opt2), `${label} resumed step ${i}`).toBe(train(model, opt));
      expect(model2.weight.equal(model.weight) && model2.bias!.equal(model.bias!), label).toBe(true);
      const a = opt.state_dict().state[0];
      const b = opt2.state_dict().state[0];
      expect(formatValue(b), label).toBe(formatValue(a));
    }
  });

  it("prints as torch 1.13 prints the state (its Python dict written with the engine's conventions: null for None, JS keys)", () => {
    const cases: Record<string, [string, Record<string, unknown>]> = {
      SGD: ["SGD", { lr: 0.1 }],
      "SGD momentum": ["SGD", { lr: 0.1, momentum: 0.9 }],
      Adam: ["Adam", { lr: 0.01 }],
      NAdam: ["NAdam", { lr: 0.01 }],
      ASGD: ["ASGD", { lr: 0.1 }],
      RMSprop: ["RMSprop", { lr: 0.01 }],
    };
    for (const [label, printed] of Object.entries(fx.printed)) {
      const [name, kwargs] = cases[label];
      const { opt } = run(name, kwargs, "float32", 1);
      // {0: {'step': tensor(1.), 'mu_product': tensor(0.4501), ...}} -> { "0": { step: tensor(1.), mu_product: tensor(0.4501), ... } }
      const asJs = printed.replace(/'(\w+)'/g, "$1").replace(/\bNone\b/g, "null").replace(/\{/g, "{ ").replace(/\}/g, " }").replace(/\{ (\d+):/g, '{ "$1":');
      expect(formatValue(opt.state_dict().state), label).toBe(asJs);
    }
  });
});
