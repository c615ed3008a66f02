/**
 * Gaps found by the labml_nn probe (tutorials/labml_annotated.test.ts), against torch 1.13's values in the fixture's
 * "gaps" section (scripts/fixtures/labml_annotated_fixtures.py): topk's out-of-range k in torch's words (the top-k
 * sampler with k above the vocabulary), nn.Parameter's refusal of an integer tensor in torch's words (labml's AMSGrad
 * experiment wraps one), requires_grad_()'s and the requires_grad attribute's (torch words them differently) and factories' (torch.tensor / zeros(..., requires_grad=True) of an integer dtype), and the
 * *_like creators' memory_format keyword in their options' type (torch.zeros_like(p, memory_format=torch.preserve_format)),
 * and second derivatives through F.pad (StyleGAN2's gradient penalty through its ReplicationPad2d smoothing), and optim.Optimizer as
 * a base a learner subclasses (not abstract; a subclass without step raises NotImplementedError).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<Record<string, any>>("labml_annotated.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const long = { dtype: torch.long };

describe("labml_nn probe gaps", () => {
  it("topk with k out of range: torch's message (function, method, negative k)", () => {
    expect(thrown(() => torch.topk(torch.randn(3, 10), 11, { dim: -1 }))).toEqual(gaps.topk[0]);
    expect(thrown(() => torch.randn(10).topk(11))).toEqual(gaps.topk[1]);
    expect(thrown(() => torch.topk(torch.randn(3, 10), -1))).toEqual(gaps.topk[2]);
    expect(torch.topk(torch.arange(5.0), 5).values.tolist()).toEqual([4, 3, 2, 1, 0]);
  });

  it("nn.Parameter of an integer tensor: torch's words; without grad it is allowed", () => {
    expect(thrown(() => new nn.Parameter(torch.tensor([1], long)))).toEqual(gaps.requires_grad_int[1]);
    expect(thrown(() => new nn.Parameter(torch.tensor([1], long), true))).toEqual(gaps.requires_grad_int[1]);
    const x_star = new nn.Parameter(torch.tensor([-1], long), { requires_grad: false });
    expect([String(x_star.dtype), x_star.requires_grad]).toEqual(["torch.int64", false]);
    expect(new nn.Parameter(torch.zeros(2)).requires_grad).toBe(true);
  });

  it("requires_grad_() and the requires_grad attribute on an integer tensor: torch's two wordings, the flag left off", () => {
    const ti = torch.tensor([1], long);
    expect(thrown(() => ti.requires_grad_())).toEqual(gaps.requires_grad_int[0]);
    expect(thrown(() => (ti.requires_grad = true))).toEqual(gaps.requires_grad_attr);
    expect(ti.requires_grad).toBe(false);
    ti.requires_grad = false;
    ti.requires_grad_(false);
    const f = torch.zeros(2);
    f.requires_grad = true;
    expect(f.requires_grad).toBe(true);
  });

  it("factories given requires_grad=True for an integer dtype: torch's words (torch.tensor, torch.zeros)", () => {
    expect(thrown(() => torch.tensor([1], { dtype: torch.long, requires_grad: true }))).toEqual(gaps.requires_grad_int[2]);
    expect(thrown(() => torch.zeros(2, { dtype: torch.long, requires_grad: true }))).toEqual(gaps.requires_grad_int[3]);
    expect(thrown(() => torch.arange(3, { requires_grad: true }))).toEqual(gaps.requires_grad_int[3]);
    expect(torch.zeros(2, { requires_grad: true }).requires_grad).toBe(true);
  });

  it("*_like with memory_format=torch.preserve_format (optimizers' state buffers) type-checks and runs", () => {
    const p = torch.randn(2, 3);
    const m = torch.zeros_like(p, { memory_format: torch.preserve_format });
    const v = torch.ones_like(p, { memory_format: torch.contiguous_format, dtype: torch.float64 });
    const r = torch.randn_like(p, { memory_format: torch.preserve_format });
    expect([m.shape, String(v.dtype), r.shape, torch.full_like(p, 2, { memory_format: torch.preserve_format }).sum().item()]).toEqual([[2, 3], "torch.float64", [2, 3], 12]);
  });

  it("optim.Optimizer as a base: a subclass overriding step (labml's pattern), one without it, the base itself", () => {
    class NoStep extends optim.Optimizer<{ lr: number }> {}
    const p0 = torch.zeros(2, { requires_grad: true });
    expect(thrown(() => new NoStep([p0], { lr: 0.1 }).step())).toEqual(gaps.base_step);
    expect(String(new NoStep([p0], { lr: 0.1 }))).toBe(gaps.base_repr);
    expect(String(new optim.Optimizer([p0], { lr: 0.1 }))).toBe(gaps.base_optimizer_repr);
    let ran = false;
    expect(thrown(() => new NoStep([p0], { lr: 0.1 }).step(() => ((ran = true), 0)))).toEqual(gaps.base_step);
    expect(ran).toBe(false); // torch raises before calling the closure
    class SignSGD extends optim.Optimizer<{ lr: number }> {
      constructor(params: Iterable<Tensor>, lr = 0.1) {
        super(params, { lr });
      }
      step(): undefined {
        torch.no_grad(() => {
          for (const group of this.param_groups) for (const p of group.params) if (p.grad !== null) p.add_(p.grad.sign(), { alpha: -group.lr });
        });
        return undefined;
      }
    }
    const w = torch.tensor([1.0, -2.0], { requires_grad: true });
    const opt = new SignSGD([w]);
    w.pow(2).sum().backward();
    opt.step();
    expect(w.tolist()).toEqual([0.8999999761581421, -1.899999976158142]);
  });

  it("second derivatives through F.pad in every mode (a gradient penalty through StyleGAN's ReplicationPad2d smoothing)", () => {
    const cases: [string, number[]][] = [["replicate", [1, 2, 1, 0]], ["reflect", [1, 2, 2, 1]], ["circular", [1, 2, 1, 0]], ["constant", [1, -1, 2, 0]]];
    for (const [mode, amounts] of cases) {
      const want = gaps.pad_double_backward[mode];
      const x = torch.linspace(-1, 1, 12).reshape(1, 1, 3, 4).requires_grad_();
      const y = F.pad(x, amounts, { mode: mode as "replicate" });
      const w = torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape);
      const [gx] = torch.autograd.grad(y.pow(3).mul(w).sum(), x, { create_graph: true });
      expectT(gx!, want.gx, 1e-5);
      gx!.pow(2).sum().backward();
      expectT(x.grad!, want.ggx, 1e-4);
    }
  });
});
