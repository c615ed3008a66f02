/** General checkpoints (torch.save / torch.load of dicts) and optimizer state_dicts: PyTorch's layout, exact resume. */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface StateCase {
  name: "SGD" | "Adam" | "AdamW" | "RMSprop";
  kwargs: Record<string, unknown>;
  state: Record<string, Record<string, FT | number>>;
  param_groups: Record<string, unknown>[];
}
const fx = fixture<{ w0: FT; b0: FT; grads: FT[][]; cases: StateCase[] }>("optim/state_dicts.json");
type Ctor = new (params: unknown, opts: Record<string, unknown>) => optim.Optimizer<object>;
const ctors = optim as unknown as Record<string, Ctor>;

describe("optimizer state_dict has PyTorch's layout and values", () => {
  it.each(fx.cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const w = tensorOf(fx.w0, torch.float32, true);
    const b = tensorOf(fx.b0, torch.float32, true);
    const opt = new ctors[c.name]([{ params: [w] }, { params: [b], lr: 0.05 }], c.kwargs);
    for (const [gw, gb] of fx.grads) {
      w.grad = tensorOf(gw, torch.float32);
      b.grad = tensorOf(gb, torch.float32);
      opt.step();
    }
    const sd = opt.state_dict();
    expect(Object.keys(sd.state)).toEqual(Object.keys(c.state));
    for (const [i, s] of Object.entries(c.state)) {
      const mine = sd.state[Number(i)];
      expect(Object.keys(mine).sort()).toEqual(Object.keys(s).sort());
      for (const [k, v] of Object.entries(s)) {
        // torch 1.13: Adam's / AdamW's step is a 0-dim float32 tensor (the fixture stores its value), RMSprop's an int.
        if (typeof v === "number" && c.name !== "RMSprop") {
          expect(mine[k]).toBeInstanceOf(torch.Tensor);
          expect([(mine[k] as Tensor).shape, (mine[k] as Tensor).dtype.name, (mine[k] as Tensor).item()]).toEqual([[], "float32", v]);
        } else if (typeof v === "number") expect(mine[k]).toBe(v);
        else expectClose(mine[k] as Tensor, v, { rtol: 1e-6, atol: 1e-7, label: `${c.name} state ${i} ${k}` });
      }
    }
    sd.param_groups.forEach((g, gi) => {
      const theirs = c.param_groups[gi];
      expect(g.params).toEqual(theirs.params);
      // Every option we keep is one PyTorch keeps, with the same value (PyTorch has a few more: foreach, capturable, ...).
      for (const [k, v] of Object.entries(g)) expect([k, theirs[k]]).toEqual([k, v]);
    });
  });

  it("loads PyTorch's dict (step as a tensor) and continues identically", () => {
    const c = fx.cases.find((x) => x.name === "Adam")!;
    const w = tensorOf(fx.w0, torch.float32, true);
    const opt = new optim.Adam([{ params: [w] }, { params: [tensorOf(fx.b0, torch.float32, true)], lr: 0.05 }], c.kwargs);
    const state = Object.fromEntries(Object.entries(c.state).map(([i, s]) => [i, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === "number" ? torch.tensor(v) : tensorOf(v, torch.float32)]))]));
    opt.load_state_dict({ state, param_groups: c.param_groups });
    const step = opt.state.get(w)!.step as Tensor;
    expect([step.shape, step.dtype.name, step.item()]).toEqual([[], "float32", 3]);
    w.grad = torch.ones(3, 2);
    expect(() => opt.step()).not.toThrow();
    // Counted in place, as torch's step_t += 1.
    expect(opt.state.get(w)!.step).toBe(step);
    expect(step.item()).toBe(4);
  });

  it("a mismatched dict is refused and changes nothing", () => {
    const w = new nn.Parameter(torch.ones(2));
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = torch.ones(2);
    opt.step();
    const before = JSON.stringify(opt.state_dict(), (_, v: unknown) => (v instanceof torch.Tensor ? v.tolist() : v));
    const bad = { state: { 0: { momentum_buffer: torch.ones(3) } }, param_groups: [{ lr: 5, momentum: 0, params: [0] }] };
    expect(() => opt.load_state_dict(bad as never)).toThrow(/'momentum_buffer' of shape \[3\], but the parameter has shape \[2\]/);
    expect(() => opt.load_state_dict({ state: {}, param_groups: [{ lr: 5, params: [0, 1] }] })).toThrow(/doesn't match the size/);
    expect(() => opt.load_state_dict({ state: { 7: {} }, param_groups: [{ lr: 5, params: [0] }] })).toThrow(/parameter 7/);
    expect(JSON.stringify(opt.state_dict(), (_, v: unknown) => (v instanceof torch.Tensor ? v.tolist() : v))).toBe(before);
  });
});

describe("torch.save / torch.load of general objects", () => {
  it("round-trips nested objects, arrays, numbers (NaN, inf), strings, booleans, null and tensors of every dtype", () => {
    const obj = {
      epoch: 7,
      loss: 0.25,
      best: Infinity,
      worst: -Infinity,
      missing: NaN,
      name: "run-1 ✓",
      done: false,
      note: null,
      history: [1, 2.5, [3, { deep: torch.tensor([1, 2], { dtype: torch.long }) }]],
      tensors: {
        f32: torch.tensor([[1.5, -2], [3, 4]]),
        f64: torch.tensor([Math.PI], { dtype: torch.float64 }),
        mask: torch.tensor([true, false]),
        grad: torch.ones(2).requires_grad_(true),
        scalar: torch.tensor(3),
      },
      param: new nn.Parameter(torch.zeros(2)),
    };
    const back = torch.load(torch.save(obj)) as typeof obj;
    expect(back.epoch).toBe(7);
    expect(back.loss).toBe(0.25);
    expect(back.best).toBe(Infinity);
    expect(back.worst).toBe(-Infinity);
    expect(back.missing).toBeNaN();
    expect([back.name, back.done, back.note]).toEqual(["run-1 ✓", false, null]);
    const deep = (back.history[2] as [number, { deep: Tensor }])[1].deep;
    expect([deep.dtype, deep.tolist()]).toEqual([torch.long, [1, 2]]);
    for (const [k, t] of Object.entries(obj.tensors)) {
      const u = back.tensors[k as keyof typeof obj.tensors];
      expect([k, u.dtype, u.shape, u.tolist(), u.requires_grad]).toEqual([k, t.dtype, t.shape, t.tolist(), t.requires_grad]);
    }
    expect(back.param).toBeInstanceOf(nn.Parameter);
    // Still a plain state dict when every value is a tensor (the file Python's safetensors reads as is).
    const sd = torch.load(torch.save({ a: torch.ones(1) })) as Record<string, Tensor>;
    expect(Object.keys(sd)).toEqual(["a"]);
  });

  it("refuses what it cannot save, naming where it is", () => {
    expect(() => torch.save({ model: new nn.Linear(1, 1) } as never)).toThrow(/cannot save a Linear at 'model'.*model.state_dict\(\)/);
    expect(() => torch.save({ a: { f: () => 1 } } as never)).toThrow(/cannot save a function at 'a\/f'/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => torch.save(cyc as never)).toThrow(/refers to itself at 'self'/);
    expect(() => torch.save({ m: new Map() } as never)).toThrow(/cannot save a Map at 'm'/);
  });
});

describe("resuming from a checkpoint gives the same losses as training straight through", () => {
  const X = () => torch.linspace(-2, 2, 24).reshape(12, 2);
  const Y = () => X().mul(X()).sum(1, true).sub(1);

  function makeRun(kind: string) {
    torch.manual_seed(5);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
    const opt =
      kind === "SGD" ? new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true })
        : kind === "Adam" ? new optim.Adam(model.parameters(), { lr: 0.02, amsgrad: true })
          : kind === "AdamW" ? new optim.AdamW(model.parameters(), { lr: 0.02, weight_decay: 0.1 })
            : new optim.RMSprop(model.parameters(), { lr: 0.01, momentum: 0.3, centered: true });
    const sched = new optim.lr_scheduler.OneCycleLR(opt, 0.05, { total_steps: 12, cycle_momentum: kind === "SGD" || kind === "Adam" });
    return { model, opt, sched };
  }

  function train(run: ReturnType<typeof makeRun>, steps: number): number[] {
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      run.opt.zero_grad();
      const loss = nn.functional.mse_loss(run.model(X()), Y());
      loss.backward();
      run.opt.step();
      run.sched.step();
      losses.push(loss.item());
    }
    return losses;
  }

  it.each(["SGD", "Adam", "AdamW", "RMSprop"])("%s + OneCycleLR", (kind) => {
    const straight = train(makeRun(kind), 12);
    const first = makeRun(kind);
    const head = train(first, 5);
    const bytes = torch.save({
      epoch: 5,
      model_state_dict: first.model.state_dict(),
      optimizer_state_dict: first.opt.state_dict() as never,
      scheduler_state_dict: first.sched.state_dict() as never,
      loss: head[4],
    });
    // A fresh process: new model, optimizer and scheduler (different initial weights), then the checkpoint.
    torch.manual_seed(99);
    const second = makeRun(kind);
    second.model.apply((m) => {
      if (m instanceof nn.Linear) nn.init.normal_(m.weight);
    });
    const ck = torch.load(bytes) as { epoch: number; loss: number; model_state_dict: Record<string, Tensor>; optimizer_state_dict: never; scheduler_state_dict: never };
    second.model.load_state_dict(ck.model_state_dict);
    second.opt.load_state_dict(ck.optimizer_state_dict);
    second.sched.load_state_dict(ck.scheduler_state_dict);
    expect(ck.epoch).toBe(5);
    expect(ck.loss).toBe(head[4]);
    const tail = train(second, 7);
    expect([...head, ...tail]).toEqual(straight);
    expect(straight[11]).toBeLessThan(straight[0]);
  });
});
