/**
 * Gaps found by the dataflowr probe (tests/unit/tensor/tutorials/dataflowr.test.ts), each against torch 1.13's values
 * in the fixture's "gaps" section (scripts/fixtures/dataflowr_fixtures.py -> tests/fixtures/torch/tutorials/dataflowr.json).
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("dataflowr.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("matmul's grad_fn is named as torch 1.13's matmul records it (GPT_hist's attention output `A @ V`)", () => {
  it("each operand rank pair, whichever operand requires grad: Dot, Squeeze(3), Mv, Mm, UnsafeView (folded or batched), Clone (a matrix times a batch)", () => {
    const names = (g.matmul_shapes as [number[], number[]][]).map(([a, b]) => [0, 1, 2].map((which) => {
      const A = torch.rand(a, { requires_grad: which !== 1 });
      const B = torch.rand(b, { requires_grad: which !== 0 });
      return torch.matmul(A, B).grad_fn!.name();
    }));
    expect(names).toEqual(g.matmul_names);
  });
  it("F.linear without bias on a batch or a vector goes through matmul's names; with a bias its folded addmm stays a view", () => {
    const x3 = torch.rand([2, 3, 4], { requires_grad: true });
    const w = torch.rand(5, 4);
    expect([
      F.linear(x3, w).grad_fn!.name(), F.linear(x3, w, torch.rand(5)).grad_fn!.name(),
      F.linear(torch.rand([4], { requires_grad: true }), w).grad_fn!.name(), torch.matmul(x3.transpose(1, 2), torch.rand(3, 5)).grad_fn!.name(),
    ]).toEqual(g.linear_names);
  });
  it("the printed attention output", () => {
    const A = torch.softmax(torch.tensor([[[0.0, 100.0], [100.0, 0.0]]], { requires_grad: true }), -1);
    expect(String(torch.matmul(A, torch.tensor([[[1.0, 2.0], [3.0, 4.0]]])))).toBe(g.attn_repr);
  });
});

describe("torch.Tensor called without new, as Python's legacy constructor is (Normalizing_flows' prior.log_prob(torch.Tensor([0, 0])))", () => {
  it("a list, nested lists, sizes, nothing, a tensor: as torch 1.13; `new`, instanceof and subclassing still reach the class", () => {
    const T = torch.Tensor;
    expect([String(T([0, 0])), String(T([[1, 2], [3, 4]])), T(2, 3).shape, String(T(2, 3).dtype), String(T()), String(T(torch.tensor([1, 2], { dtype: torch.int64 })))])
      .toEqual(g.legacy_tensor);
    expect(String(new torch.Tensor([0, 0]))).toBe(g.legacy_tensor[0]);
    expect(torch.ones(2) instanceof torch.Tensor).toBe(true);
    expect(T([1]) instanceof torch.Tensor).toBe(true);
    class Sub extends torch.Tensor {}
    expect(new Sub([1, 2]) instanceof torch.Tensor).toBe(true);
    expect(torch.Tensor.name).toBe("Tensor");
  });
});

describe("MultivariateNormal.log_prob validates its value as torch's _validate_sample does (validate_args on by default)", () => {
  const { MultivariateNormal } = torch.distributions;
  it("a wrong event size, a 0-d value, a batch that does not broadcast, a NaN: torch's ValueErrors; validate_args false skips them", () => {
    const mvn = new MultivariateNormal(torch.zeros(2), torch.eye(2));
    const mvn_b = new MultivariateNormal(torch.zeros(2, 2), torch.eye(2));
    expect([
      thrown(() => mvn.log_prob(torch.zeros(3))), thrown(() => mvn.log_prob(torch.tensor(1.0))),
      thrown(() => mvn_b.log_prob(torch.zeros(3, 2))), thrown(() => mvn.log_prob(torch.tensor([0.0, NaN]))),
      thrown(() => new MultivariateNormal(torch.zeros(2), torch.eye(2), { validate_args: false }).log_prob(torch.zeros(3))),
    ]).toEqual(g.mvn_errors);
    expectT(mvn_b.log_prob(torch.zeros(1, 2)), g.mvn_ok[0], 1e-6);
    expectT(mvn_b.log_prob(torch.ones(4, 1, 2)), g.mvn_ok[1], 1e-6);
  });
});

describe("a cumulative op without its dim raises torch 1.13's argument-parser TypeError (ddpm's torch.cumprod(alphas) without axis=0)", () => {
  it("torch.cumsum / cumprod / cummax / cummin(x) list the (Tensor input, int dim, ...) overloads; x.cummax() / x.cummin() the (int dim) ones", () => {
    const x = torch.rand(3);
    /** [Python class name, message]: the engine's TypeError_ is named "TypeError". */
    const raised = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return [(e as Error).name, (e as Error).message];
      }
      return null;
    };
    const call = (f: unknown) => raised(() => (f as (...a: unknown[]) => unknown)(x));
    expect([
      call(torch.cumsum), call(torch.cumprod), call(torch.cummax), call(torch.cummin),
      raised(() => (x.cummax as () => unknown)()), raised(() => (x.cummin as () => unknown)()),
    ]).toEqual(g.cum_missing_dim);
  });
});
