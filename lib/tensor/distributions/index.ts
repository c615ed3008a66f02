/**
 * torch.distributions: Normal, Categorical (normal_categorical.ts); Bernoulli, Uniform, Exponential,
 * Laplace, Poisson (simple.ts); Gamma, Beta, Dirichlet, Chi2, StudentT (gamma.ts: PyTorch's rejection sampler);
 * OneHotCategorical, MultivariateNormal, Independent (multivariate.ts); LogNormal, HalfNormal, Cauchy,
 * Geometric (derived.ts); Binomial, Multinomial (binomial.ts, with ATen's binomial sampler);
 * kl_divergence (kl.ts).
 */
import { Binomial, Multinomial, binomial } from "./binomial";
import { Cauchy, Geometric, HalfNormal, LogNormal } from "./derived";
import { Beta, Chi2, Dirichlet, Gamma, StudentT } from "./gamma";
import { kl_divergence } from "./kl";
import { Independent, MultivariateNormal, OneHotCategorical } from "./multivariate";
import { Categorical, Normal } from "./normal_categorical";
import { Bernoulli, Exponential, Laplace, Poisson, Uniform } from "./simple";

export { Beta, Bernoulli, Binomial, Multinomial, binomial, Cauchy, Chi2, StudentT, Geometric, HalfNormal, LogNormal, Categorical, Dirichlet, Exponential, Gamma, Independent, Laplace, MultivariateNormal, Normal, OneHotCategorical, Poisson, Uniform, kl_divergence };

export const distributions = {
  Normal, Categorical, Bernoulli, Uniform, Exponential, Laplace, Poisson, Gamma, Beta, Dirichlet, OneHotCategorical, MultivariateNormal, Independent,
  LogNormal, HalfNormal, Cauchy, Geometric, Chi2, StudentT, Binomial, Multinomial,
  kl_divergence, kl: { kl_divergence },
};
