/**
 * In-place random fills beyond tensor.ts's uniform_ / normal_ / bernoulli_: the Tensor methods
 * random_, exponential_, geometric_, log_normal_ and cauchy_ (PyTorch's seeded streams,
 * ops/inplace_extra.ts and ops/random_fills.ts).
 */
import { parseArgs, type PyArgs } from "../args";
import { TypeError_ } from "../errors";
import * as ip from "../ops/inplace_extra";
import * as rf from "../ops/random_fills";
import type { Generator } from "../random";
import type { Tensor } from "../tensor";
import { installMethods } from "./install";

type RandomOpts = { from?: number; to?: number | null; generator?: Generator };

export interface RandomFillMethods {
  /** Integers uniform in [from, to): random_(), random_(to), random_(from, to), { generator }. */
  random_(...args: PyArgs<[from?: number, to?: number | null], RandomOpts>): Tensor;
  exponential_(...args: PyArgs<[lambd?: number], { lambd?: number; generator?: Generator }>): Tensor;
  /** Fills with Geometric(p) draws (trials up to the first success), PyTorch's seeded stream. */
  geometric_(...args: PyArgs<[p: number], { p?: number; generator?: Generator }>): Tensor;
  /** Fills with exp(N(mean, std)) draws (defaults 1 and 2, as PyTorch). */
  log_normal_(...args: PyArgs<[mean?: number, std?: number], { mean?: number; std?: number; generator?: Generator }>): Tensor;
  /** Fills with Cauchy(median, sigma) draws. */
  cauchy_(...args: PyArgs<[median?: number, sigma?: number], { median?: number; sigma?: number; generator?: Generator }>): Tensor;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends RandomFillMethods {}
}

const randomFillMethods: RandomFillMethods & ThisType<Tensor> = {
  random_(...args) {
    const a = parseArgs<RandomOpts>("random_", ["from", "to", "generator"], args);
    return ip.random_(this, a.from, a.to ?? undefined, a.generator);
  },
  exponential_(...args) {
    const a = parseArgs<{ lambd?: number; generator?: Generator }>("exponential_", ["lambd", "generator"], args);
    return ip.exponential_(this, a.lambd ?? 1, a.generator);
  },
  geometric_(...args) {
    const a = parseArgs<{ p?: number; generator?: Generator }>("geometric_", ["p", "generator"], args);
    if (a.p === undefined) throw new TypeError_("geometric_() missing 1 required positional argument: 'p'");
    return rf.geometric_(this, a.p, a.generator);
  },
  log_normal_(...args) {
    const a = parseArgs<{ mean?: number; std?: number; generator?: Generator }>("log_normal_", ["mean", "std", "generator"], args);
    return rf.log_normal_(this, a.mean ?? 1, a.std ?? 2, a.generator);
  },
  cauchy_(...args) {
    const a = parseArgs<{ median?: number; sigma?: number; generator?: Generator }>("cauchy_", ["median", "sigma", "generator"], args);
    return rf.cauchy_(this, a.median ?? 0, a.sigma ?? 1, a.generator);
  },
};

export function installRandomFillMethods(proto: object): void {
  installMethods(proto, randomFillMethods);
}
