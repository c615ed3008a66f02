/** Optimizers and StepLR against PyTorch 1.13 traces, step by step. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { selectBackend } from "../../../../lib/tensor/kernels/registry";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Case {
  name: "SGD" | "Adam" | "AdamW" | "RMSprop";
  groups: { defaults: Record<string, unknown>; per_group?: Record<string, unknown>[] };
  trace: { w: FT; b: FT; last_lr?: number[] }[];
}
const fx = fixture<{ w0: FT; b0: FT; grads: (FT | null)[][]; cases: Case[]; zero_grad: { grad_is_none: boolean; grad: FT } }>(
  "optim/optimizers.json",
);

type Ctor = new (params: unknown, opts: Record<string, unknown>) => optim.Optimizer<object>;
const ctors = optim as unknown as Record<string, Ctor>;

function label(c: Case): string {
  const opts = JSON.stringify(c.groups.defaults);
  return `${c.name} ${opts}${c.groups.per_group ? ` groups ${JSON.stringify(c.groups.per_group)}` : ""}${c.trace[0].last_lr ? " + StepLR" : ""}`;
}

/**
 * Replays the PyTorch trace of case `c`, with every fixture tensor passed through `shape` first.
 * The trace's learning rates are checked only on the fixture's own tensors (the schedule does not
 * depend on the parameters' size).
 */
function replay(c: Case, shape: (t: FT) => FT, checkLearningRates: boolean): void {
  const w = tensorOf(shape(fx.w0), torch.float32, true);
  const b = tensorOf(shape(fx.b0), torch.float32, true);
  const params = c.groups.per_group ? c.groups.per_group.map((g, i) => ({ params: [[w], [b]][i], ...g })) : [w, b];
  const opt = new ctors[c.name](params, c.groups.defaults);
  const sched = c.trace[0].last_lr ? new optim.lr_scheduler.StepLR(opt, 2, 0.5) : null;
  c.trace.forEach((expected, step) => {
    [w, b].forEach((p, i) => {
      const g = fx.grads[step][i];
      p.grad = g ? tensorOf(shape(g), torch.float32) : null;
    });
    opt.step();
    expectClose(w, shape(expected.w), { rtol: 2e-6, atol: 1e-7, label: `step ${step} w` });
    expectClose(b, shape(expected.b), { rtol: 2e-6, atol: 1e-7, label: `step ${step} b` });
    if (!sched) return;
    sched.step();
    if (checkLearningRates) expected.last_lr!.forEach((lr, i) => expect(sched.get_last_lr()[i]).toBeCloseTo(lr, 12));
  });
}

describe("optimizer steps vs PyTorch 1.13", () => {
  for (const c of fx.cases) it(label(c), () => replay(c, (t) => t, true));
});

/**
 * The same traces on long parameters, where the update runs as one WebAssembly SIMD pass (and
 * again on the TypeScript loop): the rules are elementwise, so a parameter made of K copies of
 * the fixture's must hold K copies of PyTorch's values. K = 2731 gives 16,386 weights (more than
 * one SIMD chunk, a ragged tail) and 8,193 biases.
 */
const K = 2731;
const tiled = (t: FT): FT => ({ shape: [t.shape[0] * K, ...t.shape.slice(1)], data: Array.from({ length: K }, () => t.data).flat() });

for (const backend of ["wasm", "ts"] as const) {
  describe(`optimizer steps vs PyTorch 1.13 on long parameters (${backend} kernels)`, () => {
    beforeAll(() => selectBackend(backend));
    afterAll(() => selectBackend("wasm"));
    for (const c of fx.cases) it(label(c), () => replay(c, tiled, false));
  });
}

describe("Optimizer behaviour", () => {
  it("zero_grad follows PyTorch 1.13: zero tensors by default, None on request", () => {
    const p = torch.ones(2, { requires_grad: true });
    p.sum().backward();
    const opt = new optim.SGD([p], { lr: 0.1 });
    opt.zero_grad();
    expect(p.grad === null).toBe(fx.zero_grad.grad_is_none);
    expect(p.grad!.tolist()).toEqual(fx.zero_grad.grad.data);
    opt.zero_grad(true);
    expect(p.grad).toBeNull();
  });

  it("a step bumps the parameter's version, so stale graphs refuse to backward", () => {
    const w = torch.ones(3, { requires_grad: true });
    const y = w.mul(w).sum();
    w.grad = torch.ones(3);
    new optim.SGD([w], { lr: 0.1 }).step();
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it("step(closure) re-evaluates the loss with grad enabled and returns it", () => {
    const w = torch.tensor([3], { requires_grad: true });
    const opt = new optim.SGD([w], 0.25);
    const loss = opt.step(() => {
      opt.zero_grad();
      const l = w.mul(w).sum();
      l.backward();
      return l;
    }) as Tensor;
    expect(loss.item()).toBe(9);
    expect(w.item()).toBe(1.5);
  });

  it("groups keep their own options and lr can be changed by hand", () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    const opt = new optim.Adam([{ params: model[0].parameters(), lr: 0.1 }, { params: model[1].parameters() }], { lr: 0.01, weight_decay: 0.5 });
    expect(opt.param_groups.map((g) => g.lr)).toEqual([0.1, 0.01]);
    expect(opt.param_groups.map((g) => g.weight_decay)).toEqual([0.5, 0.5]);
    expect(opt.param_groups[1].betas).toEqual([0.9, 0.999]);
    opt.param_groups[0].lr = 0.5;
    expect(opt.param_groups[0].lr).toBe(0.5);
  });

  it("invalid settings raise PyTorch's errors", () => {
    const p = [torch.ones(1, { requires_grad: true })];
    expect(() => new optim.SGD(p, {})).toThrow(/required optimization parameter lr/);
    expect(() => new optim.SGD(p, { lr: -1 })).toThrow("Invalid learning rate: -1");
    expect(() => new optim.SGD(p, { lr: 0.1, nesterov: true })).toThrow("Nesterov momentum requires a momentum and zero dampening");
    expect(() => new optim.Adam(p, { betas: [1.0, 0.999] })).toThrow("Invalid beta parameter at index 0: 1");
    expect(() => new optim.Adam([], { lr: 0.1 })).toThrow("optimizer got an empty parameter list");
    expect(() => new optim.SGD(p, { lr: 0.1, momentun: 0.9 } as never)).toThrow(/unexpected keyword argument 'momentun'/);
    const a = torch.ones(1, { requires_grad: true });
    expect(() => new optim.SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/more than one parameter group/);
    expect(() => new optim.SGD([a.mul(2)], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
  });

  it("state_dict and load_state_dict carry moments across optimizers", () => {
    const make = () => torch.tensor([1, -2, 3], { requires_grad: true });
    const p1 = make();
    const o1 = new optim.Adam([p1], { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      p1.grad = torch.tensor([0.5, -1, 2]);
      o1.step();
    }
    const p2 = torch.tensor(p1.detach().tolist() as number[], { requires_grad: true });
    const o2 = new optim.Adam([p2], { lr: 0.1 });
    o2.load_state_dict(o1.state_dict());
    p1.grad = torch.tensor([1, 1, 1]);
    p2.grad = torch.tensor([1, 1, 1]);
    o1.step();
    o2.step();
    expect(p2.equal(p1)).toBe(true);
    // torch 1.13's Adam step: a 0-dim float32 tensor, counted in place.
    const step = o2.state.get(p2)!.step as Tensor;
    expect(step).toBeInstanceOf(torch.Tensor);
    expect([step.shape, step.dtype.name, step.item()]).toEqual([[], "float32", 4]);
    expect(step).not.toBe(o1.state.get(p1)!.step);
  });

  it("ExponentialLR multiplies the lr every step", () => {
    const opt = new optim.SGD([torch.ones(1, { requires_grad: true })], { lr: 1 });
    const s = new optim.lr_scheduler.ExponentialLR(opt, 0.5);
    s.step();
    s.step();
    expect(s.get_last_lr()).toEqual([0.25]);
  });
});
