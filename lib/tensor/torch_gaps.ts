/**
 * torch.* functions of the issue-12 API gaps (spread into torchCore by torch.ts): bitwise and
 * integer ops (ops/bitwise.ts).
 */
import * as bw from "./ops/bitwise";

export const gapFunctions = {
  bitwise_and: bw.bitwise_and, bitwise_or: bw.bitwise_or, bitwise_xor: bw.bitwise_xor, bitwise_not: bw.bitwise_not,
  bitwise_left_shift: bw.bitwise_left_shift, bitwise_right_shift: bw.bitwise_right_shift,
  gcd: bw.gcd, lcm: bw.lcm, frexp: bw.frexp, ldexp: bw.ldexp,
};
