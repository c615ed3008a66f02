/**
 * Gaps the MIT 6.S191 probe found (tutorials/mit6s191.test.ts), against the fixture's "gaps" section
 * (scripts/fixtures/mit6s191_fixtures.py, torch 1.13):
 *   - a boolean mask of the wrong shape (lab3's loss[mask.view(-1)] with a mask one token too long) names the mask's
 *     dimension and the indexed tensor's, as torch does: "... at index 0 does not match the shape of the indexed
 *     tensor [7] at index 0" (the engine gave the indexed tensor's dimension as the mask's and no " at index" after
 *     the tensor, and printed the tensor before the integer / slice / None entries ahead of the mask).
 *   - F.cross_entropy / nn.CrossEntropyLoss of int64 or bool logits raise torch's "log_softmax_lastdim_kernel_impl"
 *     not implemented for 'Long' (MNIST's loss_function(labels, outputs), the arguments swapped: the engine computed
 *     a loss), after the reduction, label_smoothing and class-probability target checks as in torch (int32 / uint8
 *     logits raised before those), and "softmax_kernel_impl" for a 3-d or larger input (the engine said
 *     "log_softmax_kernel_impl").
 *   - an optimizer given the model itself (optim.SGD(model, lr=0.1), .parameters() forgotten), None or a number
 *     raises torch's TypeError "'CNN' object is not iterable" (the engine let JS's spread say "params is not
 *     iterable").
 *   - an unknown reduction is torch's "<r> is not a valid value for reduction", without the engine's appended
 *     "(use "mean", "sum" or "none")".
 *   - a pool's input of the wrong rank (nn.MaxPool2d of a 1-d tensor) raises torch's text for that pool ("non-empty
 *     3D or 4D (batch mode) tensor expected for input", avg_pool2d's IndexError on its dim -3, ...), where the engine
 *     had one text of its own for all.
 *   - F.adaptive_avg_pool2d / nn.AdaptiveAvgPool2d with a 1x1 output is torch's mean over the last two dims for an
 *     input of any rank from 2 up (AdaptiveAvgPool2d(1) of a flattened [N, C] batch gives [N, 1]; the engine refused
 *     anything but 3-d / 4-d), a tuple output size wants more input dims than entries (torch's ValueError), a list of
 *     one entry is torch's "output_size must be 2" (the engine repeated it), and the wrong rank for another output
 *     size is torch's "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [4, 4]".
 *   - argmax / argmin of an empty tensor raise torch's IndexError with its one sentence (the engine: RuntimeError with
 *     max's second sentence), amax / amin name themselves (they said max() / min()), and an extreme over a zero-size
 *     dim is torch's IndexError "argmax(): Expected reduction dim 0 to have non-zero size." (the engine's own
 *     RuntimeError "cannot perform reduction over dim 0 of size 0").
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const gaps = tutorialFixture<Record<string, any>>("mit6s191.json").gaps;
const m = (...s: number[]) => torch.ones(s, { dtype: torch.bool });

describe("boolean masks of the wrong shape", () => {
  it("name the mask's dimension and the indexed tensor with its dimension, as torch 1.13", () => {
    const x = torch.zeros(3, 4, 5);
    expect([
      thrown(() => x.index(m(3, 5))),
      thrown(() => x.index(":", m(3))),
      thrown(() => x.index(0, m(3))),
      thrown(() => x.index("...", m(4))),
      thrown(() => x.index(m(3, 4), m(3))),
      thrown(() => torch.zeros(3, 4).index("1:", m(3))),
      thrown(() => torch.zeros(3, 4).index("None", m(4))),
      thrown(() => torch.zeros(2, 3).index_put_([m(3)], torch.tensor(1))),
      thrown(() => torch.zeros(7).index(m(8))),
    ]).toEqual(gaps.mask_shape);
  });
});

describe("cross_entropy of integer or bool logits", () => {
  it("raises log_softmax's missing kernel after torch's earlier checks, softmax_kernel_impl off the last dim", () => {
    const long = { dtype: torch.long };
    const L = torch.tensor([[1, 2, 3], [4, 5, 6]], long);
    const lab = torch.tensor([0, 1], long);
    expect([
      thrown(() => F.cross_entropy(L, lab)),
      thrown(() => F.cross_entropy(L, torch.rand(2, 3))),
      thrown(() => F.cross_entropy(torch.tensor([1, 2], long), torch.rand(2, 3))),
      thrown(() => F.cross_entropy(L, torch.tensor([0, 1, 2], long))),
      thrown(() => F.cross_entropy(torch.ones([2, 3], { dtype: torch.bool }), lab)),
      thrown(() => F.cross_entropy(torch.ones([1, 2, 3], long), torch.rand(1, 2, 3))),
      thrown(() => F.cross_entropy(torch.ones([1, 2, 3], { dtype: torch.int32 }), torch.tensor([[0, 1, 0]], long))),
      thrown(() => F.cross_entropy(L, torch.tensor([[0, 1, 0], [1, 0, 0]], long))),
      thrown(() => F.cross_entropy(torch.ones([2, 3], { dtype: torch.int32 }), torch.ones([2, 3], long))),
      thrown(() => F.cross_entropy(torch.ones([2, 3], { dtype: torch.int32 }), torch.rand(2, 3), { ignore_index: 1 })),
      thrown(() => F.cross_entropy(L, lab, { label_smoothing: 2.0 })),
      thrown(() => F.cross_entropy(torch.ones([2, 3], { dtype: torch.int32 }), lab, { reduction: "bad" as "none" })),
      thrown(() => new nn.CrossEntropyLoss()(lab, torch.rand(2, 10))),
    ]).toEqual(gaps.ce_integer_input);
  });
});

describe("an optimizer given something that is not an iterable of parameters", () => {
  it("raises Python's TypeError naming the type", () => {
    const notParams = (v: unknown) => v as Iterable<Tensor>;
    // the engine's TypeError_ is named TypeError (a JS TypeError of its own would be named so too, but says "is not iterable" without the type)
    const raised = (fn: () => unknown) => {
      const e = thrown(fn);
      return e && [e[0] === "TypeError_" ? "TypeError" : e[0], e[1]];
    };
    expect([
      raised(() => new optim.SGD(notParams(null), { lr: 0.1 })),
      raised(() => new optim.Adam(notParams(new nn.Linear(2, 2)))),
      raised(() => new optim.SGD(notParams(3), { lr: 0.1 })),
    ]).toEqual(gaps.optimizer_not_iterable);
  });
});

describe("an unknown reduction", () => {
  it("is torch's text, without a hint appended", () => {
    const bad = (r: string) => r as "none";
    expect([
      thrown(() => F.mse_loss(torch.zeros(2), torch.zeros(2), { reduction: bad("avg") })),
      thrown(() => F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1], { dtype: torch.long }), { reduction: bad("None") })),
      thrown(() => F.huber_loss(torch.zeros(2), torch.zeros(2), { reduction: bad("bad") })),
      thrown(() => F.kl_div(torch.zeros(2), torch.zeros(2), { reduction: bad("bad") })),
    ]).toEqual(gaps.bad_reduction);
  });
});

describe("a pool's input of the wrong rank", () => {
  it("raises the text torch 1.13 has for that pool", () => {
    const ones = (d: number) => torch.ones(Array(d).fill(2));
    expect([
      thrown(() => F.max_pool1d(ones(1), 1)),
      thrown(() => F.max_pool1d(ones(4), 1)),
      thrown(() => F.max_pool1d(ones(1), 1, { return_indices: true })),
      thrown(() => F.avg_pool1d(ones(4), 1)),
      thrown(() => F.max_pool2d(ones(1), 1)),
      thrown(() => F.max_pool2d(ones(2), 1)),
      thrown(() => F.max_pool2d(ones(5), 1)),
      thrown(() => F.max_pool2d(ones(2), 1, { return_indices: true })),
      thrown(() => F.avg_pool2d(ones(1), 1)),
      thrown(() => F.avg_pool2d(ones(2), 1)),
      thrown(() => F.avg_pool2d(ones(5), 1)),
      thrown(() => F.adaptive_avg_pool1d(ones(1), 1)),
      thrown(() => F.adaptive_max_pool1d(ones(4), 1)),
      thrown(() => F.adaptive_max_pool2d(ones(2), 1)),
      thrown(() => F.adaptive_max_pool2d(ones(5), 1)),
      thrown(() => new nn.MaxPool2d({ kernel_size: 2 })(torch.zeros(5))),
      thrown(() => new nn.AvgPool2d(2)(torch.zeros(5))),
    ]).toEqual(gaps.pool_rank);
  });
});

describe("adaptive_avg_pool2d with a 1x1 output", () => {
  it("is the mean over the last two dims for any input from 2 dims up; the other ranks and sizes raise torch's errors", () => {
    const g = gaps.adaptive_avg_1x1;
    torch.manual_seed(12);
    const [x2, x5] = [torch.randn(4, 6), torch.randn(2, 3, 2, 4, 5)];
    expectT(F.adaptive_avg_pool2d(x2, 1), g.x2, 1e-6);
    expectT(F.adaptive_avg_pool2d(x5, 1), g.x5, 1e-6);
    expectT(new nn.AdaptiveAvgPool2d(1)(x2), g.module_x2, 1e-6);
    expectT(F.adaptive_avg_pool2d(torch.randn(2, 1, 3), [null, 1]), g.x2_none, 1e-6);
    expect(F.adaptive_avg_pool2d(x5.requires_grad_(), 1).grad_fn?.name()).toBe(g.grad_fn);
    expect([
      thrown(() => F.adaptive_avg_pool2d(torch.ones(4), 1)),
      thrown(() => F.adaptive_avg_pool2d(torch.ones(4, 4), [1, 1])),
      thrown(() => F.adaptive_avg_pool2d(torch.ones(4, 4), 2)),
      thrown(() => F.adaptive_avg_pool2d(torch.ones(2, 3, 4, 5, 6), 2)),
      thrown(() => F.adaptive_avg_pool2d(torch.ones(2, 3, 4, 5), [1])),
      thrown(() => new nn.AdaptiveAvgPool2d([1, 1])(torch.ones(4, 4))),
    ]).toEqual(g.errors);
  });
});

describe("extremes of an empty tensor or over a zero-size dim", () => {
  it("raise torch 1.13's class and text for each op", () => {
    const names = ["argmax", "argmin", "max", "min", "amax", "amin"] as const;
    const z = torch.zeros(0, 3);
    const fn = (n: (typeof names)[number]) => torch[n] as (x: Tensor, dim?: number) => unknown;
    expect([
      ...names.map((n) => thrown(() => fn(n)(torch.tensor([])))),
      ...names.map((n) => thrown(() => fn(n)(z, 0))),
      thrown(() => z.argmax(-2)),
      thrown(() => z.max({ dim: 0, keepdim: true })),
      String(torch.argmax(z, { dim: 1 })),
      String(torch.amax(z, 1)),
    ]).toEqual(gaps.empty_extremes);
  });
});
