/**
 * torch.distributions: expand(batch_shape), mode, enumerate_support / has_enumerate_support on the
 * engine's distributions, against PyTorch 1.13 (scripts/fixtures/torch_1_13_names_fixtures.py distributions).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, tensorOf, type FT } from "../nn/helpers";
import { loadFixture } from "./fixtures";

interface Entry { batch_shape: number[]; event_shape: number[]; x: FT; log_prob: FT; mean: { data: number[] }; mode: { data: number[] }; has_enum: boolean; support?: FT; support_noexpand?: number[] }
// loadFixture revives the "nan" strings (Bernoulli's and Uniform's modes).
const fx = loadFixture<Record<string, Entry> & { normal_sample: FT }>("torch_1_13_distributions.json");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const D = (torch as any).distributions;
const t = (v: number[] | number[][]) => torch.tensor(v);
interface Dist { batch_shape: number[]; event_shape: number[]; mean: Tensor; mode: Tensor; has_enumerate_support: boolean; log_prob(x: Tensor): Tensor; sample(s?: number[]): Tensor; expand(b: number[]): Dist; enumerate_support(e?: boolean): Tensor }

const make = (): Record<string, Dist> => ({
  Normal: new D.Normal(t([0, 1]), t([1, 2])), Categorical: new D.Categorical(t([[0.2, 0.5, 0.3], [0.6, 0.2, 0.2]])),
  Bernoulli: new D.Bernoulli(t([0.3, 0.5])), Uniform: new D.Uniform(t([0, 1]), t([2, 3])), Exponential: new D.Exponential(t([1, 2])),
  Laplace: new D.Laplace(t([0, 1]), t([1, 2])), Poisson: new D.Poisson(t([1.5, 3])), Gamma: new D.Gamma(t([2, 0.5]), t([1, 2])),
  Beta: new D.Beta(t([2, 0.5]), t([3, 2])), Dirichlet: new D.Dirichlet(t([[2, 3, 4], [0.5, 0.2, 0.3]])),
  OneHotCategorical: new D.OneHotCategorical(t([[0.2, 0.5, 0.3], [0.6, 0.2, 0.2]])),
  MultivariateNormal: new D.MultivariateNormal(t([[0, 1], [2, 3]]), { covariance_matrix: t([[2, 0.5], [0.5, 1]]) }),
  LogNormal: new D.LogNormal(t([0, 1]), t([1, 0.5])), HalfNormal: new D.HalfNormal(t([1, 2])), Cauchy: new D.Cauchy(t([0, 1]), t([1, 2])),
  Geometric: new D.Geometric(t([0.3, 0.7])), Chi2: new D.Chi2(t([3, 1])), StudentT: new D.StudentT(t([3, 1])),
  Binomial: new D.Binomial(5, t([0.3, 0.7])), Independent: new D.Independent(new D.Normal(t([[0, 1], [2, 3]]), t([[1, 2], [0.5, 1]])), 1),
});

describe("distributions: expand, mode, enumerate_support", () => {
  for (const [name, d] of Object.entries(make())) {
    const e = fx[name];
    it(name, () => {
      const x = d.expand([3, ...d.batch_shape]);
      expect(x.batch_shape).toEqual(e.batch_shape);
      expect(x.event_shape).toEqual(e.event_shape);
      // log_prob of PyTorch's sample, under the expanded distribution; the moments expanded too.
      const value = tensorOf(e.x, name === "Categorical" ? torch.long : torch.float32);
      expectClose(x.log_prob(value), e.log_prob, { rtol: 1e-5, atol: 1e-5, label: "log_prob" });
      expect(x.sample().shape).toEqual(e.x.shape);
      const mean = x.mean.reshape(-1).tolist() as number[];
      expect(mean.length).toBe(e.mean.data.length);
      mean.forEach((m, i) => (Number.isNaN(e.mean.data[i]) ? expect(m).toBeNaN() : expect(m).toBeCloseTo(e.mean.data[i], 5)));
      const mode = d.mode.reshape(-1).tolist() as number[];
      expect(mode.length).toBe(e.mode.data.length);
      mode.forEach((m, i) => (Number.isNaN(e.mode.data[i]) ? expect(m).toBeNaN() : expect(m).toBeCloseTo(e.mode.data[i], 6)));
      expect(d.has_enumerate_support).toBe(e.has_enum);
      if (e.support) {
        expectClose(d.enumerate_support(), e.support, { rtol: 0, atol: 0, label: "support" });
        expect([...d.enumerate_support(false).shape]).toEqual(e.support_noexpand);
      } else expect(() => d.enumerate_support()).toThrow(name === "Independent" ? "Enumeration over cartesian product is not implemented" : "does not implement enumerate_support");
    });
  }

  it("an expanded Normal samples PyTorch's seeded stream; errors as PyTorch", () => {
    torch.manual_seed(9);
    expectClose(new D.Normal(t([0, 1]), t([1, 2])).expand([3, 2]).sample(), fx.normal_sample, { rtol: 1e-6, atol: 1e-6 });
    expect(() => new D.Normal(t([0, 1]), t([1, 2])).expand([3])).toThrow();
    expect(() => new D.Binomial(t([2, 3]), t([0.3, 0.7])).enumerate_support()).toThrow("Inhomogeneous total count not supported by `enumerate_support`.");
    expect(() => new D.Multinomial(4, t([0.2, 0.5, 0.3])).mode).toThrow("does not implement mode");
    expect(() => new D.Independent(new D.Bernoulli(t([[0.2, 0.5]])), 1).enumerate_support()).toThrow("Enumeration over cartesian product is not implemented");
  });
});
