/**
 * torch.distributions beyond Normal / Categorical against PyTorch 1.13 (bitwise_special_random.json,
 * distributions): Bernoulli (probs, logits), Uniform, Exponential, Laplace, Poisson, Gamma (float32
 * and float64), Beta, Dirichlet, OneHotCategorical, MultivariateNormal (covariance_matrix,
 * scale_tril with batches, precision_matrix), Independent, LogNormal, HalfNormal, Cauchy, Geometric: shapes, mean, variance, log_prob,
 * entropy, their gradients, cdf / icdf, seeded sample and rsample (with rsample's gradients), the
 * rejection samplers' draws, kl_divergence pairs; then float64 gradchecks, call forms and errors.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { standardGammaGrad } from "../../../../lib/tensor/ops/special_math";
import { loadStored, type StoredTensor } from "../op_cases";
import { expectClose, loadFixture } from "./fixtures";

interface DistCase {
  params: Record<string, StoredTensor>;
  value: StoredTensor;
  batch_shape: number[];
  event_shape: number[];
  mean: StoredTensor;
  variance: StoredTensor;
  log_prob: StoredTensor;
  entropy?: StoredTensor;
  grad: Record<string, StoredTensor>;
  cdf?: StoredTensor;
  icdf?: StoredTensor;
  sample: StoredTensor;
  rsample?: StoredTensor;
  rsample_grad?: Record<string, StoredTensor>;
  repr: string;
  has_rsample: boolean;
  stddev: StoredTensor;
}
const fx = loadFixture<{ distributions: { cases: Record<string, DistCase>; draws: Record<string, StoredTensor>; kl: Record<string, StoredTensor> } }>("bitwise_special_random.json").distributions;
const fxGamma = loadFixture<{ gamma_grad_reference: { alpha: number[]; x: number[]; mpmath: number[]; torch: number[] } }>("bitwise_special_random.json").gamma_grad_reference;
const D = torch.distributions;
type P = Record<string, Tensor>;
interface Dist {
  batch_shape: number[];
  event_shape: number[];
  mean: Tensor;
  variance: Tensor;
  stddev: Tensor;
  has_rsample: boolean;
  log_prob(v: Tensor): Tensor;
  entropy(): Tensor;
  sample(s?: number[]): Tensor;
  rsample?(s?: number[]): Tensor;
  cdf?(v: Tensor): Tensor;
  icdf?(v: Tensor): Tensor;
}

/** Mirrors specs in dist_cases() of bitwise_special_random_fixtures.py. */
const makers: Record<string, (p: P) => Dist> = {
  bernoulli: (p) => new D.Bernoulli(p.probs),
  bernoulli_logits: (p) => new D.Bernoulli({ logits: p.logits }),
  uniform: (p) => new D.Uniform(p.low, p.high),
  exponential: (p) => new D.Exponential(p.rate),
  laplace: (p) => new D.Laplace(p.loc, p.scale),
  poisson: (p) => new D.Poisson(p.rate),
  gamma: (p) => new D.Gamma(p.concentration, p.rate),
  gamma_f64: (p) => new D.Gamma({ concentration: p.concentration, rate: p.rate }),
  beta: (p) => new D.Beta(p.concentration1, p.concentration0),
  dirichlet: (p) => new D.Dirichlet(p.concentration),
  onehot: (p) => new D.OneHotCategorical(p.probs),
  mvn_cov: (p) => new D.MultivariateNormal(p.loc, p.covariance_matrix),
  mvn_tril: (p) => new D.MultivariateNormal(p.loc, { scale_tril: p.scale_tril }),
  mvn_precision: (p) => new D.MultivariateNormal({ loc: p.loc, precision_matrix: p.precision_matrix }),
  independent: (p) => new D.Independent(new D.Normal(p.loc, p.scale), 1),
  chi2: (p) => new D.Chi2(p.df),
  studentt: (p) => new D.StudentT(p.df, p.loc, { scale: p.scale }),
  binomial: (p) => new D.Binomial(p.total_count, p.probs),
  binomial_logits: (p) => new D.Binomial(10, { logits: p.logits }),
  multinomial: (p) => new D.Multinomial(10, p.probs),
  lognormal: (p) => new D.LogNormal(p.loc, p.scale),
  halfnormal: (p) => new D.HalfNormal({ scale: p.scale }),
  cauchy: (p) => new D.Cauchy(p.loc, p.scale),
  geometric: (p) => new D.Geometric(p.probs),
};
/** The rejection samplers draw through log / exp / pow: their float64 values may differ from glibc's in the last bits. */
const TOL = (dt: string): [number, number] => (dt === "float64" ? [1e-12, 1e-14] : [2e-6, 1e-6]);

describe("torch.distributions match PyTorch 1.13 (bitwise_special_random.json)", () => {
  it("mirrors every fixture case", () => expect(Object.keys(makers).sort()).toEqual(Object.keys(fx.cases).sort()));
  for (const [name, c] of Object.entries(fx.cases)) {
    it(name, () => {
      const params = (): P => Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, loadStored(v).requires_grad_(true)]));
      const ps = params();
      const d = makers[name](ps);
      const value = loadStored(c.value);
      const [rtol, atol] = TOL(c.value.dtype);
      expect(d.batch_shape).toEqual(c.batch_shape);
      expect(d.event_shape).toEqual(c.event_shape);
      expectClose(d.mean, c.mean.data, rtol, atol, `${name} mean`);
      expectClose(d.variance, c.variance.data, rtol, atol, `${name} variance`);
      expectClose(d.stddev, c.stddev.data, rtol, atol, `${name} stddev`);
      expect(d.has_rsample, `${name} has_rsample`).toBe(c.has_rsample);
      expectClose(d.log_prob(value), c.log_prob.data, rtol, atol, `${name} log_prob`);
      let total = d.log_prob(value).sum();
      if (c.entropy) {
        expectClose(d.entropy(), c.entropy.data, rtol, atol, `${name} entropy`);
        total = total.add(d.entropy().sum());
      } else {
        expect(() => d.entropy()).toThrow(/not implemented|not supported/); // PyTorch raises NotImplementedError too
      }
      const grads = torch.autograd.grad(total, Object.values(ps), null, { allow_unused: true, retain_graph: true });
      Object.keys(ps).forEach((k, i) => expectClose(grads[i] ?? torch.zeros_like(ps[k]), c.grad[k].data, 1e-5, 1e-5, `${name} grad ${k}`));
      if (c.cdf) expectClose(d.cdf!(value), c.cdf.data, rtol, atol, `${name} cdf`);
      if (c.icdf) expectClose(d.icdf!(torch.full(value.shape, 0.3, { dtype: value.dtype })), c.icdf.data, rtol, atol, `${name} icdf`);
      torch.manual_seed(31);
      const s = d.sample([4]);
      expect(s.shape).toEqual(c.sample.shape);
      expectClose(s, c.sample.data, rtol, atol, `${name} sample`);
      if (c.rsample) {
        torch.manual_seed(32);
        const rp = params();
        const r = makers[name](rp).rsample!([2]);
        expectClose(r, c.rsample.data, rtol, atol, `${name} rsample`);
        if (c.rsample_grad) {
          const rg = torch.autograd.grad(r.sum(), Object.values(rp), null, { allow_unused: true });
          // Gamma's concentration gradient: PyTorch's _standard_gamma_grad approximates dx/dα to ~1e-3, this engine to ~1e-9.
          const gtol = name.startsWith("gamma") || name === "chi2" || name === "studentt" ? 2e-3 : 1e-5;
          Object.keys(rp).forEach((k, i) => expectClose(rg[i] ?? torch.zeros_like(rp[k]), c.rsample_grad![k].data, gtol, 1e-5, `${name} rsample grad ${k}`));
        }
      }
    });
  }
  for (const dt of [torch.float32, torch.float64]) {
    it(`Gamma, Dirichlet and Beta draws equal PyTorch's rejection sampler (${dt.name})`, () => {
      const conc = torch.tensor([0.05, 0.3, 1, 2.5, 40], { dtype: dt });
      const tol = dt === torch.float64 ? 1e-12 : 1e-6;
      torch.manual_seed(5);
      expectClose(new D.Gamma(conc, torch.ones(5, { dtype: dt })).sample([20]), fx.draws[`gamma_${dt.name}`].data, tol, 0, "gamma");
      torch.manual_seed(6);
      expectClose(new D.Dirichlet(conc).sample([10]), fx.draws[`dirichlet_${dt.name}`].data, tol, 0, "dirichlet");
      torch.manual_seed(7);
      expectClose(new D.Beta(conc, conc.flip(0)).sample([10]), fx.draws[`beta_${dt.name}`].data, tol, 0, "beta");
    });
    it(`torch.binomial draws equal ATen's BTRS / inversion sampler (${dt.name})`, () => {
      const cnt = torch.tensor([0, 3, 9, 25, 40, 200, 1000, 17], { dtype: dt });
      const prb = torch.tensor([0.5, 0.7, 0.95, 0.5, 0.3, 0.02, 0.6, 0], { dtype: dt });
      torch.manual_seed(9);
      const draws = torch.binomial(cnt.expand(30, 8).contiguous(), prb.expand(30, 8).contiguous());
      expect((draws.tolist() as number[][]).flat()).toEqual(fx.draws[`binomial_${dt.name}`].data);
      const g = new torch.Generator().manual_seed(9);
      expect(torch.binomial(cnt.expand(30, 8).contiguous(), prb.expand(30, 8).contiguous(), { generator: g }).tolist()).toEqual(draws.tolist());
    });
  }
});

describe("kl_divergence pairs match PyTorch 1.13", () => {
  const t = (v: number[] | number[][]) => torch.tensor(v);
  const P = () => new D.Normal(t([0, 1]), t([1, 2]));
  const pairs: Record<string, () => [object, object]> = {
    bernoulli: () => [new D.Bernoulli(t([0.2, 0, 1, 0.6])), new D.Bernoulli(t([0.5, 0.5, 0.3, 0]))],
    uniform: () => [new D.Uniform(t([0, 0]), t([1, 2])), new D.Uniform(t([-1, 0.5]), t([2, 3]))],
    exponential: () => [new D.Exponential(t([0.5, 2])), new D.Exponential(t([1, 1.5]))],
    laplace: () => [new D.Laplace(t([0, 1]), t([1, 2])), new D.Laplace(t([0.5, -1]), t([0.5, 1]))],
    poisson: () => [new D.Poisson(t([0.5, 4])), new D.Poisson(t([1, 3]))],
    gamma: () => [new D.Gamma(t([0.5, 3]), t([1, 2])), new D.Gamma(t([1.5, 2]), t([0.5, 1]))],
    beta: () => [new D.Beta(t([0.5, 3]), t([2, 1])), new D.Beta(t([1.5, 2]), t([0.5, 1]))],
    dirichlet: () => [new D.Dirichlet(t([[0.5, 1, 2]])), new D.Dirichlet(t([[1, 1, 1]]))],
    onehot: () => [new D.OneHotCategorical(t([0.1, 0.2, 0.7])), new D.OneHotCategorical(t([0.3, 0.3, 0.4]))],
    mvn: () => [new D.MultivariateNormal(t([0, 1]), t([[2, 0.3], [0.3, 1]])), new D.MultivariateNormal(t([1, -1]), { scale_tril: t([[1, 0], [0.5, 2]]) })],
    independent: () => [new D.Independent(P(), 1), new D.Independent(new D.Normal(t([0.5, 0]), t([1, 1])), 1)],
    geometric: () => [new D.Geometric(t([0.2, 0.7])), new D.Geometric(t([0.5, 0.1]))],
    cauchy: () => [new D.Cauchy(t([0, 1]), t([1, 2])), new D.Cauchy(t([1, -1]), t([2, 0.5]))],
    halfnormal: () => [new D.HalfNormal(t([1, 2])), new D.HalfNormal(t([0.5, 3]))],
    lognormal: () => [new D.LogNormal(t([0, 1]), t([1, 2])), new D.LogNormal(t([0.5, 0]), t([1, 1]))],
    exponential_gamma: () => [new D.Exponential(t([0.5, 2])), new D.Gamma(t([1.5, 2]), t([0.5, 1]))],
    gamma_exponential: () => [new D.Gamma(t([1.5, 2]), t([0.5, 1])), new D.Exponential(t([0.5, 2]))],
    uniform_normal: () => [new D.Uniform(t([0, -1]), t([1, 2])), P()],
    uniform_exponential: () => [new D.Uniform(t([0.5, -1]), t([1, 2])), new D.Exponential(t([0.5, 2]))],
    uniform_gamma: () => [new D.Uniform(t([0.5, -1]), t([1, 2])), new D.Gamma(t([1.5, 2]), t([0.5, 1]))],
  };
  it("mirrors every stored pair", () => expect(Object.keys(pairs).sort()).toEqual(Object.keys(fx.kl).sort()));
  for (const [name, make] of Object.entries(pairs)) {
    it(name, () => {
      const [p, q] = make();
      const kl = D.kl_divergence(p as never, q as never);
      expect(kl.shape).toEqual(fx.kl[name].shape);
      expectClose(kl, fx.kl[name].data, 2e-6, 1e-6, name);
    });
  }
  it("an unregistered pair raises NotImplementedError as PyTorch does", () => {
    expect(() => D.kl_divergence(new D.Exponential(t([1])) as never, new D.Laplace(t([1]), t([1])) as never)).toThrow(
      /No KL\(p \|\| q\) is implemented for p type Exponential and q type Laplace/,
    );
  });
});

describe("torch.distributions gradients, forms and errors", () => {
  const d64 = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.float64 });
  it("log_prob and entropy pass float64 gradchecks in every parameter", () => {
    const v = d64([0.3, 0.6]);
    expect(gradcheck((c, r) => new D.Gamma(c, r).log_prob(v).add(new D.Gamma(c, r).entropy()), [d64([0.7, 2.5]), d64([1.5, 0.4])])).toBe(true);
    expect(gradcheck((a, b) => new D.Beta(a, b).log_prob(v).add(new D.Beta(a, b).entropy()), [d64([0.7, 2.5]), d64([1.5, 0.4])])).toBe(true);
    expect(gradcheck((c) => new D.Dirichlet(c).log_prob(d64([0.2, 0.3, 0.5])).add(new D.Dirichlet(c).entropy()), [d64([0.7, 2.5, 1.1])])).toBe(true);
    expect(gradcheck((l, s) => new D.Laplace(l, s).log_prob(v).add(new D.Laplace(l, s).cdf(v)), [d64([0.1, 1]), d64([1.5, 0.4])])).toBe(true);
    expect(gradcheck((p) => new D.Bernoulli(p).log_prob(d64([1, 0])).add(new D.Bernoulli(p).entropy()), [d64([0.3, 0.8])])).toBe(true);
    expect(gradcheck((r) => new D.Poisson(r).log_prob(d64([0, 3])), [d64([0.5, 2.5])])).toBe(true);
    const cov = (a: Tensor) => a.matmul(a.t()).add(torch.eye(2, { dtype: torch.float64 }));
    expect(gradcheck((l, a) => new D.MultivariateNormal(l, cov(a)).log_prob(d64([[0.3, -0.2], [1, 1]])), [d64([0.1, 0.5]), d64([[1, 0.2], [-0.3, 0.8]])])).toBe(true);
    expect(gradcheck((a) => D.kl_divergence(new D.MultivariateNormal(d64([0, 1]), cov(a)), new D.MultivariateNormal(d64([1, 0]), d64([[2, 0.1], [0.1, 1]]))), [d64([[1, 0.2], [-0.3, 0.8]])])).toBe(true);
  });
  it("Gamma.rsample differentiates in rate and concentration (implicit gradient within 1e-8 of mpmath)", () => {
    const rate = torch.tensor([2, 0.5], { dtype: torch.float64, requires_grad: true });
    torch.manual_seed(1);
    const x = new D.Gamma(d64([1.5, 3]), rate).rsample();
    x.sum().backward();
    expectClose(rate.grad!, x.detach().div(rate.detach()).neg().tolist() as number[], 1e-12, 0, "d x / d rate");
    // dx/dα at stored (α, x) points against mpmath and PyTorch; then a seeded rsample's backward uses it at its own draws.
    const ref = fxGamma;
    const alpha = torch.tensor(ref.alpha, { dtype: torch.float64, requires_grad: true });
    const grads = ref.alpha.map((a, i) => standardGammaGrad(a, ref.x[i]));
    expectClose(grads, ref.mpmath, 1e-8, 1e-18, "implicit gradient vs mpmath");
    expectClose(grads, ref.torch, 2e-3, 1e-18, "implicit gradient vs PyTorch's approximation");
    torch.manual_seed(3);
    const s = new D.Gamma(alpha, 1).rsample();
    s.sum().backward();
    const want = (alpha.detach().tolist() as number[]).map((a, i) => standardGammaGrad(a, (s.detach().tolist() as number[])[i]));
    expectClose(alpha.grad!, want, 1e-12, 0, "backward uses the sample's own gradient");
  });
  it("Gamma, Dirichlet and Beta rsample gradients are unbiased: Monte Carlo means match d/dα of the exact means", () => {
    const N = 20000;
    torch.manual_seed(11);
    const a = torch.tensor([0.4, 2.5], { dtype: torch.float64, requires_grad: true });
    new D.Gamma(a, 1).rsample([N]).mean(0).sum().backward(); // E[x] = α: d/dα = 1
    expectClose(a.grad!, [1, 1], 0, 0.03, "Gamma");
    const c = torch.tensor([0.7, 2.5, 1.1], { dtype: torch.float64, requires_grad: true });
    const w = d64([1, -2, 0.5]);
    new D.Dirichlet(c).rsample([N]).mul(w).sum(-1).mean().backward();
    const A = 0.7 + 2.5 + 1.1;
    const Ef = (0.7 * 1 - 2.5 * 2 + 1.1 * 0.5) / A;
    expectClose(c.grad!, [1, -2, 0.5].map((wi) => (wi - Ef) / A), 0, 0.01, "Dirichlet");
    const c1 = torch.tensor([0.6], { dtype: torch.float64, requires_grad: true });
    const c0 = torch.tensor([1.8], { dtype: torch.float64, requires_grad: true });
    new D.Beta(c1, c0).rsample([N]).mean().backward(); // E[x] = c1 / (c1 + c0)
    expectClose(c1.grad!, [1.8 / 2.4 ** 2], 0, 0.01, "Beta c1");
    expectClose(c0.grad!, [-0.6 / 2.4 ** 2], 0, 0.01, "Beta c0");
  });
  it("positional and options forms agree; numbers broadcast with tensors", () => {
    torch.manual_seed(2);
    const a = new D.Uniform(0, torch.tensor([1, 2])).sample([3]);
    torch.manual_seed(2);
    const b = new D.Uniform({ low: 0, high: torch.tensor([1, 2]) }).sample([3]);
    expect(a.tolist()).toEqual(b.tolist());
    expect(new D.Laplace(0, 1).batch_shape).toEqual([]);
    expect(new D.Exponential({ rate: torch.tensor([1, 2]) }).mean.tolist()).toEqual([1, 0.5]);
  });
  it("reprs follow PyTorch's", () => {
    expect(String(new D.Uniform(0, 2))).toBe("Uniform(low: 0.0, high: 2.0)");
    expect(String(new D.Exponential(torch.tensor([1, 2])))).toBe("Exponential(rate: torch.Size([2]))");
    expect(String(new D.Gamma(torch.tensor(2), torch.tensor(3)))).toBe("Gamma(concentration: 2.0, rate: 3.0)");
    expect(String(new D.Independent(new D.Normal(torch.zeros(3, 2), torch.ones(3, 2)), 1))).toBe(fx.cases.independent.repr.replace("[2, 2]", "[3, 2]").replace("[2, 2]", "[3, 2]"));
    expect(String(new D.MultivariateNormal(torch.zeros(2), torch.eye(2)))).toBe("MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2]))");
  });
  it("invalid parameters and values raise PyTorch's errors", () => {
    expect(() => new D.Uniform(1, 0)).toThrow(/Uniform is not defined when low>= high/);
    expect(() => new D.Bernoulli(torch.tensor([0.2, 1.3]))).toThrow(
      /Expected parameter probs \(Tensor of shape \(2,\)\) of distribution Bernoulli\(probs: torch.Size\(\[2\]\)\) to satisfy the constraint Interval\(lower_bound=0.0, upper_bound=1.0\), but found invalid values/,
    );
    expect(() => new D.Bernoulli(torch.tensor([0.5]), torch.tensor([0]))).toThrow(/Either `probs` or `logits` must be specified, but not both/);
    expect(() => new D.Laplace(0, -1)).toThrow(/Expected parameter scale \(Tensor of shape \(\)\) of distribution Laplace\(loc: 0.0, scale: -1.0\)/);
    expect(() => new D.Gamma(torch.tensor([1]), torch.tensor([0]))).toThrow(/Expected parameter rate .* GreaterThan\(lower_bound=0.0\)/);
    expect(() => new D.Dirichlet(torch.tensor([1, -1]))).toThrow(/IndependentConstraint\(GreaterThan\(lower_bound=0.0\), 1\)/);
    expect(() => new D.Beta(torch.tensor([0]), torch.tensor([1]))).toThrow(/Expected parameter concentration \(Tensor of shape \(1, 2\)\) of distribution Dirichlet/);
    expect(() => new D.Poisson(torch.tensor([-1]))).toThrow(/GreaterThanEq\(lower_bound=0.0\)/);
    expect(() => new D.MultivariateNormal(torch.zeros(2), torch.tensor([[1, 2], [2, 1]]))).toThrow(/covariance_matrix .* PositiveDefinite\(\)/);
    expect(() => new D.MultivariateNormal(torch.zeros(2), { covariance_matrix: torch.eye(2), scale_tril: torch.eye(2) })).toThrow(/Exactly one of covariance_matrix or precision_matrix or scale_tril/);
    expect(() => new D.Exponential(torch.tensor([1])).log_prob(torch.tensor([-1]))).toThrow(
      /Expected value argument \(Tensor of shape \(1,\)\) to be within the support \(GreaterThanEq\(lower_bound=0.0\)\) of the distribution Exponential\(rate: tensor\(\[1.\]\)\)/,
    );
    expect(() => new D.Independent(new D.Normal(0, 1), 1)).toThrow(/Expected reinterpreted_batch_ndims <= len\(base_distribution.batch_shape\), actual 1 vs 0/);
  });
});
