/** The optimizers beyond SGD / Adam / AdamW / RMSprop (Adagrad ... LBFGS) against PyTorch 1.13 trajectories, step by step. */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Case {
  name: string;
  kwargs: Record<string, unknown>;
  trace: { w: FT; b: FT }[];
  state: Record<string, Record<string, number | FT>>;
}
interface LbfgsCase {
  kwargs: Record<string, unknown>;
  trace: { x: FT; loss: number; func_evals: number; n_iter: number }[];
}
const fx = fixture<{ w0: FT; b0: FT; grads: (FT | null)[][]; cases: Case[]; lbfgs: { A: FT; y: FT; x0: FT; cases: LbfgsCase[] } }>(
  "optim/optimizers_extra.json",
);

type Ctor = new (params: unknown, opts: Record<string, unknown>) => optim.Optimizer<object>;

/** The state scalars torch 1.13 keeps as 0-dim float32 tensors; its other scalars (Adadelta's, Rprop's step) are ints. */
const TENSOR_SCALARS: Record<string, string[]> = { Adagrad: ["step"], Adamax: ["step"], NAdam: ["step", "mu_product"], RAdam: ["step"], ASGD: ["step", "eta", "mu"] };

/** v is a 0-dim float32 tensor holding `value` (to `digits`), as torch.tensor(value). */
function expectScalarTensor(v: unknown, value: number, label: string, digits = 6): void {
  expect(v, label).toBeInstanceOf(torch.Tensor);
  const t = v as Tensor;
  expect([t.shape, t.dtype.name, t.requires_grad], label).toEqual([[], "float32", false]);
  expect(t.item() as number, label).toBeCloseTo(value, digits);
}
const ctors = optim as unknown as Record<string, Ctor>;

describe("A4 optimizers vs PyTorch 1.13", () => {
  for (const c of fx.cases) {
    it(`${c.name} ${JSON.stringify(c.kwargs)}`, () => {
      const w = tensorOf(fx.w0, torch.float32, true);
      const b = tensorOf(fx.b0, torch.float32, true);
      const opt = new ctors[c.name]([w, b], c.kwargs);
      c.trace.forEach((expected, step) => {
        [w, b].forEach((p, i) => {
          const g = fx.grads[step][i];
          p.grad = g ? tensorOf(g, torch.float32) : null;
        });
        opt.step();
        expectClose(w, expected.w, { rtol: 2e-6, atol: 1e-7, label: `step ${step} w` });
        expectClose(b, expected.b, { rtol: 2e-6, atol: 1e-7, label: `step ${step} b` });
      });
      // state_dict in PyTorch's layout: the same keys per parameter, the same values.
      const sd = opt.state_dict();
      expect(Object.keys(sd.state).sort()).toEqual(Object.keys(c.state).sort());
      for (const [i, entry] of Object.entries(c.state)) {
        const ours = sd.state[Number(i)];
        expect(Object.keys(ours).sort(), `state ${i} keys`).toEqual(Object.keys(entry).sort());
        for (const [k, v] of Object.entries(entry)) {
          if (typeof v === "number" && TENSOR_SCALARS[c.name]?.includes(k)) expectScalarTensor(ours[k], v, `state ${i}.${k}`);
          else if (typeof v === "number") {
            expect(typeof ours[k], `state ${i}.${k} is an int in torch 1.13`).toBe("number");
            expect(ours[k] as number, `state ${i}.${k}`).toBe(v);
          }
          else expectClose(ours[k] as Tensor, v, { rtol: 2e-6, atol: 1e-7, label: `state ${i}.${k}` });
        }
      }
    });
  }

  it("load_state_dict resumes a trajectory exactly", () => {
    for (const c of fx.cases) {
      const run = (split: boolean): Tensor => {
        let w = tensorOf(fx.w0, torch.float32, true);
        let opt = new ctors[c.name]([w], c.kwargs);
        for (let s = 0; s < 6; s++) {
          if (split && s === 3) {
            const w2 = w.detach().clone().requires_grad_(true);
            const o2 = new ctors[c.name]([w2], c.kwargs);
            o2.load_state_dict(opt.state_dict());
            [w, opt] = [w2, o2];
          }
          w.grad = tensorOf(fx.grads[s][0]!, torch.float32);
          opt.step();
        }
        return w;
      };
      expect(run(true).equal(run(false)), c.name).toBe(true);
    }
  });
});

describe("LBFGS vs PyTorch 1.13", () => {
  const A = tensorOf(fx.lbfgs.A, torch.float32);
  const y = tensorOf(fx.lbfgs.y, torch.float32);
  for (const c of fx.lbfgs.cases) {
    it(JSON.stringify(c.kwargs), () => {
      const x = tensorOf(fx.lbfgs.x0, torch.float32, true);
      const opt = new optim.LBFGS([x], c.kwargs);
      const closure = () => {
        opt.zero_grad();
        const r = A.matmul(x).sub(y);
        const loss = r.mul(r).sum().add(x.pow(4).sum().mul(0.1));
        loss.backward();
        return loss;
      };
      for (const expected of c.trace) {
        const l0 = opt.step(closure) as Tensor;
        expect(l0.item()).toBeCloseTo(expected.loss, 4);
        expectClose(x, expected.x, { rtol: 1e-4, atol: 1e-5, label: "x" });
        const st = opt.state.get(x) as unknown as { func_evals: number; n_iter: number };
        expect([st.func_evals, st.n_iter]).toEqual([expected.func_evals, expected.n_iter]);
      }
    });
  }

  it("resumes exactly through state_dict / load_state_dict (its history is copied, not shared)", () => {
    const c = fx.lbfgs.cases[1];
    const run = (split: boolean): Tensor => {
      let x = tensorOf(fx.lbfgs.x0, torch.float32, true);
      let opt = new optim.LBFGS([x], c.kwargs);
      for (let s = 0; s < 3; s++) {
        if (split && s === 2) {
          const x2 = x.detach().clone().requires_grad_(true);
          const o2 = new optim.LBFGS([x2], c.kwargs);
          o2.load_state_dict(opt.state_dict());
          [x, opt] = [x2, o2];
        }
        const xs = x;
        const o = opt;
        o.step(() => {
          o.zero_grad();
          const r = A.matmul(xs).sub(y);
          const loss = r.mul(r).sum().add(xs.pow(4).sum().mul(0.1));
          loss.backward();
          return loss;
        });
      }
      return x;
    };
    expect(run(true).equal(run(false))).toBe(true);
    const x = tensorOf(fx.lbfgs.x0, torch.float32, true);
    const opt = new optim.LBFGS([x], c.kwargs);
    opt.step(() => {
      opt.zero_grad();
      const l = A.matmul(x).sub(y).pow(2).sum();
      l.backward();
      return l;
    });
    const sd = opt.state_dict();
    const before = JSON.stringify(sd.state[0]);
    opt.step(() => {
      opt.zero_grad();
      const l = A.matmul(x).sub(y).pow(2).sum();
      l.backward();
      return l;
    });
    expect(JSON.stringify(sd.state[0])).toBe(before);
  });

  it("needs a closure and one parameter group", () => {
    const p = torch.ones(2, { requires_grad: true });
    expect(() => new optim.LBFGS([p]).step()).toThrow(/closure/);
    expect(() => new optim.LBFGS([{ params: [p] }, { params: [torch.ones(1, { requires_grad: true })] }])).toThrow(
      "LBFGS doesn't support per-parameter options (parameter groups)",
    );
    expect(() => new optim.LBFGS([p], { line_search_fn: "armijo" as never }).step(() => p.sum())).toThrow("only 'strong_wolfe' is supported");
  });

  it("minimises a small regression to the least-squares solution (fits a Linear layer)", () => {
    torch.manual_seed(0);
    const X = torch.randn(20, 2);
    const Y = X.matmul(torch.tensor([[2], [-3]])).add(0.5);
    const lin = new nn.Linear(2, 1);
    const opt = new optim.LBFGS(lin.parameters(), { line_search_fn: "strong_wolfe" });
    for (let i = 0; i < 3; i++) {
      opt.step(() => {
        opt.zero_grad();
        const l = nn.functional.mse_loss(lin.forward(X), Y);
        l.backward();
        return l;
      });
    }
    expectClose(lin.weight, [2, -3], { atol: 1e-4 });
    expectClose(lin.bias!, [0.5], { atol: 1e-4 });
  });
});

describe("A4 optimizers: PyTorch's errors", () => {
  const p = () => [torch.ones(1, { requires_grad: true })];
  it("raise for invalid settings", () => {
    expect(() => new optim.Adagrad(p(), { lr_decay: -1 })).toThrow("Invalid lr_decay value: -1");
    expect(() => new optim.Adagrad(p(), { initial_accumulator_value: -1 })).toThrow("Invalid initial_accumulator_value value: -1");
    expect(() => new optim.Adadelta(p(), { rho: 1.5 })).toThrow("Invalid rho value: 1.5");
    expect(() => new optim.Adamax(p(), { betas: [0.9, 1] })).toThrow("Invalid beta parameter at index 1: 1");
    expect(() => new optim.NAdam(p(), { momentum_decay: -1 })).toThrow("Invalid momentum_decay value: -1");
    expect(() => new optim.NAdam(p(), { maximize: true } as never)).toThrow(/unexpected keyword argument 'maximize'/);
    expect(() => new optim.RAdam(p(), { eps: -1 })).toThrow("Invalid epsilon value: -1");
    expect(() => new optim.Rprop(p(), { etas: [1.2, 0.5] })).toThrow("Invalid eta values: 1.2, 0.5");
    expect(() => new optim.ASGD(p(), { weight_decay: -1 })).toThrow("Invalid weight_decay value: -1");
  });

  it("load_state_dict takes PyTorch's one-element tensors for NAdam's mu_product and ASGD's eta and mu", () => {
    for (const [name, keys] of [["NAdam", ["step", "mu_product"]], ["ASGD", ["step", "eta", "mu"]]] as const) {
      const w = torch.ones(2, { requires_grad: true });
      const opt = new ctors[name]([w], {});
      w.grad = torch.tensor([0.5, -1]);
      opt.step();
      const sd = opt.state_dict();
      const fromTorch = { ...sd, state: { 0: { ...sd.state[0] } } };
      for (const k of keys) fromTorch.state[0][k] = torch.tensor((sd.state[0][k] as Tensor).item() as number, { dtype: torch.float32 });
      const w2 = torch.ones(2, { requires_grad: true });
      const o2 = new ctors[name]([w2], {});
      o2.load_state_dict(fromTorch);
      for (const k of keys) {
        expectScalarTensor(o2.state.get(w2)![k], (sd.state[0][k] as Tensor).item() as number, `${name}.${k}`, 12);
        expect(o2.state.get(w2)![k], `${name}.${k} is a copy`).not.toBe(fromTorch.state[0][k]);
      }
    }
  });

  it("print like PyTorch 1.13 (settings sorted, foreach included)", () => {
    const p = [torch.ones(1, { requires_grad: true })];
    expect(String(new optim.LBFGS(p))).toBe(
      "LBFGS (\nParameter Group 0\n    history_size: 100\n    line_search_fn: None\n    lr: 1\n    max_eval: 25\n    max_iter: 20\n" +
        "    tolerance_change: 1e-09\n    tolerance_grad: 1e-07\n)",
    );
    expect(String(new optim.Adamax([{ params: p }, { params: [torch.ones(1, { requires_grad: true })], lr: 0.1 }]))).toBe(
      "Adamax (\nParameter Group 0\n    betas: (0.9, 0.999)\n    eps: 1e-08\n    foreach: None\n    lr: 0.002\n    maximize: False\n    weight_decay: 0\n" +
        "\nParameter Group 1\n    betas: (0.9, 0.999)\n    eps: 1e-08\n    foreach: None\n    lr: 0.1\n    maximize: False\n    weight_decay: 0\n)",
    );
  });

  it("Adagrad creates its state at construction, as PyTorch does", () => {
    const w = torch.ones(2, { requires_grad: true });
    const opt = new optim.Adagrad([w], { initial_accumulator_value: 0.5 });
    const sd = opt.state_dict();
    expectScalarTensor(sd.state[0].step, 0, "step", 12);
    expect((sd.state[0].sum as Tensor).tolist()).toEqual([0.5, 0.5]);
  });
});
