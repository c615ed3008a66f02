/**
 * Gaps the conv_sequences probe found (TCN / WaveNet / TextCNN / N-BEATS), against torch 1.13's values and words
 * (tests/fixtures/torch/tutorials/conv_sequences.json, section "gaps"): F.pad's checks and negative reflect /
 * replicate amounts, weight_norm on a missing or None parameter, remove_weight_norm's message naming the module, repeat's
 * result (a copy, never a 0-stride view), the 1-d pools' output-too-small message.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("conv_sequences.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

/** [error name, first message line] of what fn throws (the Python exception's class name). */
function raised(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message.split("\n")[0]];
  }
  return null;
}

describe("F.pad as torch 1.13", () => {
  it("too many pairs: 'Padding length too large'; a non-constant mode on other dims: NotImplementedError", () => {
    expect(raised(() => F.pad(torch.ones(1, 2, 3), [1, 0, 1, 0, 1, 0, 1, 0], { mode: "replicate" }))).toEqual(g.pad_too_long);
    expect(raised(() => F.pad(torch.arange(3, { dtype: torch.float32 }), [1, 1], { mode: "reflect" }))).toEqual(g.pad_reflect_1d);
    expect(raised(() => F.pad(torch.ones(1, 1, 2, 3), [1, 1], { mode: "replicate" }))).toEqual(g.pad_replicate_4d_k1);
    const x2 = torch.arange(6, { dtype: torch.float32 }).view(2, 3);
    expect(raised(() => F.pad(x2, [1, 1, 1, 1], { mode: "circular" }))).toEqual(g.pad_circular_2d_k2);
  });

  it("reflect and replicate take negative amounts (a crop on that side), with the gradient", () => {
    const xr = torch.arange(6, { dtype: torch.float32 }).view(2, 3).requires_grad_();
    const y = F.pad(xr, [-1, 1], { mode: "reflect" });
    y.mul(torch.arange(1, 7, { dtype: torch.float32 }).view(2, 3)).sum().backward();
    expectT(y, g.pad_reflect_neg, 0);
    expectT(xr.grad!, g.pad_reflect_neg_grad, 0);
    expectT(F.pad(torch.arange(6, { dtype: torch.float32 }).view(1, 2, 3), [2, -1], { mode: "replicate" }), g.pad_replicate_neg, 0);
  });
});

describe("weight_norm / remove_weight_norm errors", () => {
  it("a missing name: AttributeError; a None parameter: norm_except_dim's TypeError; remove_weight_norm / remove_spectral_norm name the module's repr", () => {
    expect(raised(() => nn.utils.weight_norm(new nn.Conv1d(2, 3, 2), { name: "foo" }))).toEqual(g.wn_missing_attr);
    expect(raised(() => nn.utils.weight_norm(new nn.Conv1d(2, 3, 2, { bias: false }), { name: "bias" }))).toEqual(g.wn_none_param);
    expect(raised(() => nn.utils.remove_weight_norm(new nn.Linear(2, 3)))).toEqual(g.wn_remove_missing);
    expect(raised(() => nn.utils.remove_spectral_norm(new nn.Conv1d(2, 3, 2)))).toEqual(g.sn_remove_missing);
  });
});

describe("repeat materialises, as torch's", () => {
  it("unsqueeze(0).repeat(2, 1) is contiguous (view(-1) works), its grad_fn is RepeatBackward0, repeat(1) copies", () => {
    const t = torch.arange(5).unsqueeze(0).repeat(2, 1);
    expect([t.stride(), t.view(-1).tolist()]).toEqual(g.repeat_view);
    const z = torch.arange(6, { dtype: torch.float32 }).view(2, 3).requires_grad_();
    const w = z.unsqueeze(0).repeat(2, 1, 2);
    w.mul(torch.arange(24, { dtype: torch.float32 }).view(2, 2, 6)).sum().backward();
    expect([w.stride(), w.grad_fn!.name()]).toEqual(g.repeat_grad.slice(0, 2));
    expectT(z.grad!, g.repeat_grad[2], 0);
    const x1 = torch.arange(3, { dtype: torch.float32 });
    const r1 = x1.repeat(1);
    r1.fill_(7);
    expect(x1.tolist()).toEqual([0, 1, 2]);
    expect(g.repeat_copy).toBe(false);
  });

  // torch 1.13 (run by hand): x.repeat(2, 1).grad_fn is RepeatBackward0 with AccumulateGrad as its one next
  // function; for x = arange(6.).view(2, 3) in float64 and w = arange(72.).view(2, 6, 6), the gradient of
  // (x.repeat(2, 3, 2) * w).pow(2).sum() and of its sum again are the constants below.
  it("RepeatBackward0 is one node on the input, differentiable twice", () => {
    const chain = (t: Tensor) => {
      const names: string[] = [];
      for (let f = t.grad_fn; f; f = f.next_functions[0]?.[0] ?? null) names.push(f.name());
      return names;
    };
    const x = torch.arange(6, { dtype: torch.float64 }).view(2, 3).requires_grad_();
    expect(chain(x.repeat(2, 1))).toEqual(["RepeatBackward0", "torch::autograd::AccumulateGrad"]);
    expect(chain(x.unsqueeze(0).repeat(2, 1, 1))).toEqual(["RepeatBackward0", "UnsqueezeBackward0", "torch::autograd::AccumulateGrad"]);
    const w = torch.arange(72, { dtype: torch.float64 }).view(2, 6, 6);
    const grad = torch.autograd.grad(x.repeat(2, 3, 2).mul(w).pow(2).sum(), x, { create_graph: true })[0]!;
    expect(grad.tolist()).toEqual([[0, 35484, 74136], [131652, 182832, 237900]]);
    expect(grad.grad_fn!.name()).toBe("SumBackward1");
    expect(torch.autograd.grad(grad.sum(), x)[0]!.tolist()).toEqual([[33948, 35484, 37068], [43884, 45708, 47580]]);
    const none = torch.ones(3, { requires_grad: true });
    none.repeat(0, 2).sum().backward();
    expect(none.grad!.tolist()).toEqual([0, 0, 0]);
  });
});

describe("1-d pools' output-too-small message shows torch's height of 1", () => {
  it("avg_pool1d / max_pool1d with a kernel past the length", () => {
    expect(raised(() => F.avg_pool1d(torch.ones(4, 2, 6), 7))).toEqual(g.avg_pool1d_small);
    expect(raised(() => F.max_pool1d(torch.ones(4, 2, 6), 7, { return_indices: true }))).toEqual(g.max_pool1d_small);
  });

  // torch 1.13 (run by hand): with no gradient and no indices wanted, max_pool1d takes a fast path that
  // returns an empty result, F.max_pool1d(torch.arange(6.).view(2, 3), 4) -> tensor([], size=(2, 0));
  // with a gradient wanted it raises the message above.
  it("max_pool1d without gradient or indices returns torch's empty result", () => {
    const x = torch.arange(6, { dtype: torch.float32 });
    expect(F.max_pool1d(x.view(2, 3), 4).shape).toEqual([2, 0]);
    expect(F.max_pool1d(x.view(1, 2, 3), 9).shape).toEqual([1, 2, 0]);
    expect(new nn.MaxPool1d(4).forward(x.view(1, 2, 3)).shape).toEqual([1, 2, 0]);
    const leaf = x.view(1, 2, 3).clone().requires_grad_();
    expect(torch.no_grad(() => F.max_pool1d(leaf, 4)).shape).toEqual([1, 2, 0]);
    expect(raised(() => F.max_pool1d(leaf, 4))).toEqual(["RuntimeError", "Given input size: (2x1x3). Calculated output size: (2x1x0). Output size is too small"]);
    // ceil_mode lets the window start inside the input: a real result, as torch's [[2.], [5.]]
    expect(F.max_pool1d(x.view(2, 3), 4, { ceil_mode: true }).tolist()).toEqual([[2], [5]]);
  });
});
