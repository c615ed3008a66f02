/** huber_loss, smooth_l1_loss, kl_div, cosine_embedding_loss, cosine_similarity: values and gradients vs PyTorch 1.13, gradchecks. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface Case {
  name: string;
  kwargs: Record<string, unknown>;
  inputs: FT[];
  output: FT;
  weight: FT;
  grads: (FT | null)[];
}
const fx = fixture<{ cases: Case[] }>("nn/losses_extra.json");
const fns = F as unknown as Record<string, (...a: unknown[]) => Tensor>;

const MODULES: Record<string, [string, (kw: Record<string, unknown>) => nn.Module]> = {
  huber_loss: ["HuberLoss", (kw) => new nn.HuberLoss(kw)],
  smooth_l1_loss: ["SmoothL1Loss", (kw) => new nn.SmoothL1Loss(kw)],
  kl_div: ["KLDivLoss", (kw) => new nn.KLDivLoss(kw)],
  cosine_embedding_loss: ["CosineEmbeddingLoss", (kw) => new nn.CosineEmbeddingLoss(kw)],
  cosine_similarity: ["CosineSimilarity", (kw) => new nn.CosineSimilarity(kw)],
};

describe("new losses vs PyTorch 1.13 (float64)", () => {
  it.each(fx.cases.map((c) => [`${c.name} ${JSON.stringify(c.kwargs)}`, c] as const))("%s", (_, c) => {
    const leaves = c.inputs.map((t, i) => tensorOf(t, torch.float64, !(c.name === "cosine_embedding_loss" && i === 2)));
    const y = fns[c.name](...leaves, c.kwargs);
    expectClose(y, c.output, { rtol: 1e-10, atol: 1e-12, label: "value" });
    y.mul(tensorOf(c.weight)).sum().backward();
    c.grads.forEach((g, i) => {
      if (g) expectClose(leaves[i].grad!, g, { rtol: 1e-9, atol: 1e-12, label: `grad ${i}` });
    });
    // The module computes the same thing.
    const [, make] = MODULES[c.name];
    const m = make(c.kwargs);
    expectClose(m(...c.inputs.map((t) => tensorOf(t))) as Tensor, c.output, { rtol: 1e-10, atol: 1e-12, label: "module" });
  });
});

describe("new losses: finite-difference gradchecks", () => {
  const x = () => torch.randn(3, 4, { dtype: torch.float64 }).mul(2);
  const probs = () => torch.rand(3, 4, { dtype: torch.float64 }).add(0.1);
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["huber_loss", () => [x(), x()], (a, b) => F.huber_loss(a, b, { delta: 0.7 })],
    ["huber_loss none", () => [x(), x()], (a, b) => F.huber_loss(a, b, "none")],
    ["smooth_l1_loss", () => [x(), x()], (a, b) => F.smooth_l1_loss(a, b, { beta: 0.5, reduction: "sum" })],
    ["kl_div batchmean", () => [x(), probs()], (a, b) => F.kl_div(a, b, { reduction: "batchmean" })],
    ["kl_div log_target", () => [x(), x()], (a, b) => F.kl_div(a, b, { reduction: "none", log_target: true })],
    ["cosine_embedding_loss", () => [x(), x()], (a, b) => F.cosine_embedding_loss(a, b, torch.tensor([1, -1, -1], { dtype: torch.float64 }), { margin: -0.9 })],
    ["cosine_similarity", () => [x(), x()], (a, b) => F.cosine_similarity(a, b, { dim: 0 })],
    // Class-probability targets are differentiable too (the target's gradient is -(1 - eps) w log_softmax(x)).
    ["cross_entropy w.r.t. probability targets", () => [x(), probs()], (a, p) => F.cross_entropy(a, p, { label_smoothing: 0.2, weight: torch.tensor([1, 2, 0.5, 1], { dtype: torch.float64 }) })],
  ];
  for (const [name, inputs, fn] of cases) {
    it(name, () => {
      torch.manual_seed(11);
      expect(gradcheck(fn, inputs())).toBe(true);
    });
  }
});

describe("new losses: settings and errors", () => {
  it("reprs and options", () => {
    expect(String(new nn.HuberLoss({ delta: 0.5 }))).toBe("HuberLoss()");
    expect(new nn.SmoothL1Loss(null, null, "sum", 2).beta).toBe(2);
    expect(new nn.KLDivLoss({ reduction: "batchmean" }).reduction).toBe("batchmean");
    expect(new nn.KLDivLoss(null, false).reduction).toBe("none");
    expect(new nn.CosineEmbeddingLoss(0.5).margin).toBe(0.5);
  });

  it("rejects bad values clearly", () => {
    const a = torch.ones(2, 3);
    expect(() => F.huber_loss(a, a, { delta: 0 })).toThrow(/non-positive values for delta/);
    expect(() => F.smooth_l1_loss(a, a, { beta: -1 })).toThrow(/negative values for beta/);
    expect(() => F.kl_div(a, a, { reduction: "avg" as never })).toThrow(/not a valid value for reduction/);
    expect(() => F.huber_loss(a, a, { reduction: "batchmean" as never })).toThrow(/not a valid value for reduction/);
    expect(() => F.cosine_embedding_loss(a, a, torch.ones(2, 1))).toThrow(/^0D or 1D target tensor expected, multi-target not supported$/);
    expect(() => F.huber_loss(a, a, { detla: 1 } as never)).toThrow(/unexpected keyword argument 'detla'/);
  });

  it("kl_div with zero targets is finite in value and gradient (xlogy)", () => {
    const inp = torch.tensor([[-1, -2], [-0.5, -3]], { dtype: torch.float64, requires_grad: true });
    const t = torch.tensor([[0, 1], [0.5, 0.5]], { dtype: torch.float64, requires_grad: true });
    const l = F.kl_div(inp, t, { reduction: "sum" });
    l.backward();
    expect(Number.isFinite(l.item())).toBe(true);
    expect(inp.grad!.isfinite().all().item()).toBe(true);
    expect(l.item()).toBeCloseTo(2 + (0.5 * Math.log(0.5) + 0.25) + (0.5 * Math.log(0.5) + 1.5), 12);
  });
});
