/** optim.swa_utils (AveragedModel, SWALR, update_bn) and optim.SparseAdam against PyTorch 1.13 (scripts/fixtures/torch_1_13_names_fixtures.py). */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Fx {
  swalr: { kwargs: Record<string, unknown>; lrs: number[][] }[];
  averaged: { states: Record<string, FT>[]; cases: { use_buffers: boolean; ema: boolean; trace: Record<string, FT>[]; keys: string[] }[] };
  update_bn: { state_before: Record<string, FT>; batches: FT[]; state_after: Record<string, FT>; training_after: boolean; momenta_after: (number | null)[] };
  sparse_adam_error: string;
}
const fx = fixture<Fx>("optim/swa_utils.json");
const { AveragedModel, SWALR, update_bn } = optim.swa_utils;

function twoGroups(): optim.SGD {
  const w = torch.zeros(2).requires_grad_(true);
  const b = torch.zeros(1).requires_grad_(true);
  return new optim.SGD([{ params: [w] }, { params: [b], lr: 0.3 }], { lr: 0.5 });
}

describe("swa_utils.SWALR", () => {
  for (const c of fx.swalr) {
    it(JSON.stringify(c.kwargs), () => {
      const opt = twoGroups();
      const s = new SWALR(opt, c.kwargs as never);
      const lrs = [opt.param_groups.map((g) => g.lr)];
      for (let i = 0; i < 7; i++) {
        opt.step();
        s.step();
        lrs.push(opt.param_groups.map((g) => g.lr));
      }
      lrs.forEach((row, i) => row.forEach((lr, j) => expect(lr, `step ${i} group ${j}`).toBeCloseTo(c.lrs[i][j], 12)));
    });
  }

  it("positional form equals the options form; bad settings raise PyTorch's errors", () => {
    const run = (make: (o: optim.SGD) => unknown): number[] => {
      const opt = twoGroups();
      const s = make(opt) as { step(): void };
      for (let i = 0; i < 4; i++) s.step();
      return opt.param_groups.map((g) => g.lr);
    };
    expect(run((o) => new SWALR(o, 0.05, 3, "linear"))).toEqual(run((o) => new SWALR(o, { swa_lr: 0.05, anneal_epochs: 3, anneal_strategy: "linear" })));
    expect(() => new SWALR(twoGroups(), 0.1, 2, "step" as never)).toThrow("anneal_strategy must by one of 'cos' or 'linear', instead got step");
    expect(() => new SWALR(twoGroups(), 0.1, -1)).toThrow("anneal_epochs must be equal or greater than 0, got -1");
    expect(() => new SWALR(twoGroups(), [0.1])).toThrow("swa_lr must have the same length as optimizer.param_groups: swa_lr has 1, optimizer.param_groups has 2");
    expect(() => new SWALR(twoGroups())).toThrow("missing 1 required positional argument: 'swa_lr'");
    expect(() => new SWALR(twoGroups(), 0.1, { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });

  it("state_dict has torch 1.13's keys and saves in a checkpoint; a scheduler loaded from it anneals the same way", () => {
    const opt = twoGroups();
    const s = new SWALR(opt, 0.05, { anneal_strategy: "linear", anneal_epochs: 3 });
    s.step();
    const sd = s.state_dict();
    // torch 1.13 (SWALR(SGD, swa_lr=0.05, anneal_strategy='linear', anneal_epochs=3).state_dict().keys()); anneal_func
    // is the function there, its name here (a checkpoint cannot hold a function)
    expect(Object.keys(sd)).toEqual(["anneal_func", "anneal_epochs", "base_lrs", "last_epoch", "verbose", "_step_count", "_get_lr_called_within_step", "_last_lr"]);
    expect(sd.anneal_func).toBe("_linear_anneal");
    const loaded = (torch.load(torch.save({ sched: sd })) as { sched: Record<string, unknown> }).sched;
    const opt2 = twoGroups();
    const s2 = new SWALR(opt2, 0.05); // cosine until the state says linear
    s2.load_state_dict(loaded);
    expect(s2.anneal_func).toBe(SWALR._linear_anneal);
    opt2.param_groups.forEach((g, i) => (g.lr = opt.param_groups[i].lr));
    s.step();
    s2.step();
    expect(opt2.param_groups.map((g) => g.lr)).toEqual(opt.param_groups.map((g) => g.lr));
    s2.load_state_dict({ ...sd, anneal_func: SWALR._cosine_anneal }); // torch's form: the function itself
    expect(s2.anneal_func).toBe(SWALR._cosine_anneal);
  });
});

function makeModel(st: Record<string, FT>): nn.Sequential {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
  const lin = m.get(0) as nn.Linear;
  const bn = m.get(1) as nn.BatchNorm1d;
  torch.no_grad(() => {
    lin.weight.copy_(tensorOf(st.w, torch.float32));
    lin.bias!.copy_(tensorOf(st.b, torch.float32));
    bn.running_mean!.copy_(tensorOf(st.rm, torch.float32));
    bn.running_var!.copy_(tensorOf(st.rv, torch.float32));
    bn.num_batches_tracked!.copy_(tensorOf(st.nbt, torch.int64));
  });
  return m;
}

describe("swa_utils.AveragedModel", () => {
  for (const c of fx.averaged.cases) {
    it(`use_buffers=${c.use_buffers} ema=${c.ema}`, () => {
      const base = makeModel(fx.averaged.states[0]);
      const avg_fn = c.ema ? (a: Tensor, m: Tensor) => a.mul(0.25).add(m.mul(0.75)) : null;
      const am = new AveragedModel(base, { avg_fn, use_buffers: c.use_buffers });
      fx.averaged.states.forEach((st, i) => {
        am.update_parameters(makeModel(st));
        const sd = am.state_dict();
        expect(Object.keys(sd), "state_dict keys").toEqual(c.keys);
        for (const [k, v] of Object.entries(c.trace[i])) expectClose(sd[k], v, { rtol: 1e-6, atol: 1e-6, label: `update ${i} ${k}` });
      });
      // A deep copy: the original model is untouched, the averaged model runs forward like a model.
      expectClose((base.get(0) as nn.Linear).weight, fx.averaged.states[0].w, { label: "original weight" });
      expect((am(torch.ones(4, 2)) as Tensor).shape).toEqual([4, 3]);
      expect(am.parameters().every((p) => p.requires_grad)).toBe(true);
    });
  }

  it("positional form equals the options form; bad input raises", () => {
    const st = fx.averaged.states;
    const a = new AveragedModel(makeModel(st[0]), null, null, true);
    const b = new AveragedModel(makeModel(st[0]), { use_buffers: true });
    for (const m of [a, b]) for (const s of st) m.update_parameters(makeModel(s));
    expect(a.state_dict()["module.1.running_mean"].tolist()).toEqual(b.state_dict()["module.1.running_mean"].tolist());
    expect(() => new AveragedModel(42 as never)).toThrow("must be an nn.Module");
    expect(() => new AveragedModel(makeModel(st[0]), { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("swa_utils.update_bn", () => {
  it("recomputes the running statistics as PyTorch 1.13 and restores mode and momenta", () => {
    const f = fx.update_bn;
    const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3, { momentum: 0.3 }), new nn.ReLU(), new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    m.load_state_dict(Object.fromEntries(Object.entries(f.state_before).map(([k, v]) => [k, tensorOf(v, k.endsWith("num_batches_tracked") ? torch.int64 : torch.float32)])));
    m.eval();
    const [x0, x1, x2] = f.batches.map((b) => tensorOf(b, torch.float32));
    update_bn([x0, [x1, torch.zeros(5)], [x2]], m);
    const sd = m.state_dict();
    for (const [k, v] of Object.entries(f.state_after)) expectClose(sd[k], v, { rtol: 1e-5, atol: 1e-6, label: k });
    expect(m.training).toBe(f.training_after);
    expect([(m.get(1) as nn.BatchNorm1d).momentum, (m.get(4) as nn.BatchNorm1d).momentum]).toEqual(f.momenta_after);
  });

  it("does nothing to a model without BatchNorm, and refuses unknown keywords", () => {
    const lin = new nn.Linear(2, 2);
    const before = lin.weight.tolist();
    update_bn([torch.ones(1, 2)], lin);
    expect(lin.weight.tolist()).toEqual(before);
    expect(() => update_bn([], lin, { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("optim.SparseAdam", () => {
  it("refuses dense gradients at step() as PyTorch 1.13 (the engine has no sparse layout), checks its settings", () => {
    const p = torch.zeros(2).requires_grad_(true);
    const opt = new optim.SparseAdam([p], 0.01, [0.8, 0.9]);
    expect(opt.param_groups[0].betas).toEqual([0.8, 0.9]);
    opt.step(); // no gradient yet: nothing to do
    p.grad = torch.ones(2);
    expect(() => opt.step()).toThrow(fx.sparse_adam_error);
    expect(p.tolist()).toEqual([0, 0]);
    expect(() => new optim.SparseAdam([p], { lr: 0 })).toThrow("Invalid learning rate: 0");
    expect(() => new optim.SparseAdam([p], { eps: 0 })).toThrow("Invalid epsilon value: 0");
    expect(() => new optim.SparseAdam([p], { betas: [0.9, 1] })).toThrow("Invalid beta parameter at index 1: 1");
    expect(() => new optim.SparseAdam([p], { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});
