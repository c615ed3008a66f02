/**
 * torch.* functions of the issue-12 API gaps (spread into torchCore by torch.ts): bitwise and
 * integer ops (ops/bitwise.ts), index_reduce (ops/index_reduce.ts), torch.special (special.ts) and
 * the special functions PyTorch also has at top level (i0, polygamma, mvlgamma, igamma, igammac), and torch.fft / the
 * complex functions (complex.ts: clear refusals, plus what is real-valued).
 */
import * as bw from "./ops/bitwise";
import { complexFunctions } from "./complex";
import { binomial } from "./distributions/binomial";
import * as sp from "./ops/special";
import { special } from "./special";
import type { IndexReduceArgs } from "./ops/index_reduce";
import type { Tensor, TensorLike } from "./tensor";

export const gapFunctions = {
  bitwise_and: bw.bitwise_and, bitwise_or: bw.bitwise_or, bitwise_xor: bw.bitwise_xor, bitwise_not: bw.bitwise_not,
  bitwise_left_shift: bw.bitwise_left_shift, bitwise_right_shift: bw.bitwise_right_shift,
  gcd: bw.gcd, lcm: bw.lcm, frexp: bw.frexp, ldexp: bw.ldexp,
  special,
  binomial,
  ...complexFunctions,
  i0: sp.i0, polygamma: sp.polygamma,
  igamma: (x: TensorLike, other: TensorLike) => sp.gammainc(x, other), igammac: (x: TensorLike, other: TensorLike) => sp.gammaincc(x, other),
  mvlgamma: (x: Tensor, ...args: sp.PArgs) => sp.mvlgamma(x, sp.pArg("mvlgamma", args)),
  index_reduce: (x: Tensor, dim: number, index: Tensor, source: Tensor, ...args: IndexReduceArgs) => x.index_reduce(dim, index, source, ...args),
};
