/**
 * What optimizer.step() leaves in p.grad with foreach=True, as torch 1.13: its multi-tensor steps of Adam, Adamax,
 * Adagrad, Adadelta, NAdam, RAdam and RMSprop add weight_decay * p into the gradients in place before the update
 * (torch._foreach_add_(grads, params, alpha=weight_decay)), and SGD's nesterov step adds momentum * buf into them
 * (torch._foreach_add_(grads, bufs, alpha=momentum)), unless maximize (or SGD's weight_decay) made new tensors of
 * them first; AdamW, ASGD and Rprop leave them alone, and so does every optimizer with foreach=False (the default).
 * A learner sees it in p.grad after the step, and in a second step taken without zero_grad. Values from torch 1.13
 * (tests/fixtures/torch/optim/foreach_grad.json, scripts/fixtures/optim_foreach_grad_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { fixture, type FT } from "../nn/helpers";

interface Step {
  w: FT;
  b: FT;
  w_grad: FT;
  b_grad: FT;
}
interface Run {
  step1: Step;
  step2: Step;
  grad_changed: boolean;
}
interface Case {
  optimizer: string;
  kwargs: Record<string, unknown>;
  loop: Run;
  foreach: Run;
}
const fx = fixture<{ w0: FT; b0: FT; w_grad: FT; b_grad: FT; cases: Case[] }>("optim/foreach_grad.json");

type Ctor = new (params: unknown, opts: Record<string, unknown>) => optim.Optimizer<object>;
const ctors = optim as unknown as Record<string, Ctor>;

const tensorOf = (t: FT): Tensor => torch.tensor(t.data).reshape(t.shape);

function run(c: Case, foreach: boolean): Step[] {
  const w = new nn.Parameter(tensorOf(fx.w0));
  const b = new nn.Parameter(tensorOf(fx.b0));
  w.grad = tensorOf(fx.w_grad);
  b.grad = tensorOf(fx.b_grad);
  const opt = new ctors[c.optimizer]([w, b], { ...c.kwargs, foreach });
  const steps: Step[] = [];
  for (let i = 0; i < 2; i++) {
    opt.step();
    const flat = (t: Tensor): FT => ({ shape: t.shape.slice(), data: t.flatten().tolist() as number[] });
    steps.push({ w: flat(w), b: flat(b), w_grad: flat(w.grad!), b_grad: flat(b.grad!) });
  }
  return steps;
}

const label = (c: Case): string => `${c.optimizer}(${JSON.stringify(c.kwargs)})`;

describe("p.grad after optimizer.step() with foreach, as torch 1.13", () => {
  for (const c of fx.cases) {
    for (const mode of ["loop", "foreach"] as const) {
      const ref = c[mode];
      it(`${label(c)}, foreach=${mode === "foreach"}: gradients ${ref.grad_changed ? "changed in place" : "untouched"}, two steps`, () => {
        const got = run(c, mode === "foreach");
        ["step1", "step2"].forEach((name, i) => {
          const r = ref[name as "step1" | "step2"];
          for (const k of ["w_grad", "b_grad", "w", "b"] as const) {
            expectClose(got[i][k].data, r[k].data, 1e-5, 1e-6, `${label(c)} foreach=${mode === "foreach"} ${name} ${k}`);
          }
        });
        const unchanged = got[0].w_grad.data.every((v, j) => v === Math.fround(fx.w_grad.data[j]));
        expect(!unchanged, "p.grad changed by the step").toBe(ref.grad_changed);
      });
    }
  }

  it("the gradient a foreach Adam step leaves is the one it used: grad + weight_decay * p (before the update)", () => {
    const w = new nn.Parameter(torch.tensor([1, -2, 3]));
    w.grad = torch.tensor([0.5, 0.5, 0.5]);
    const opt = new optim.Adam([w], { lr: 0.1, weight_decay: 0.5, foreach: true });
    opt.step();
    expect(w.grad!.tolist()).toEqual([1, -0.5, 2]);
    // the default (foreach=None, False in torch 1.13) leaves it as it was
    const v = new nn.Parameter(torch.tensor([1, -2, 3]));
    v.grad = torch.tensor([0.5, 0.5, 0.5]);
    new optim.Adam([v], { lr: 0.1, weight_decay: 0.5 }).step();
    expect(v.grad!.tolist()).toEqual([0.5, 0.5, 0.5]);
  });
});
