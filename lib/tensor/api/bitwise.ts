/**
 * Bitwise and integer ops (ops/bitwise.ts): the Tensor methods bitwise_and ... ldexp with their
 * in-place forms, PyTorch's operator dunders (__and__, __or__, __xor__, __invert__, __lshift__,
 * __rshift__: translated notebooks call them where Python wrote `x & y`), and the torch.* functions.
 */
import { TypeError_ } from "../errors";
import * as bw from "../ops/bitwise";
import { applyOp } from "../ops/inplace_extra";
import type { Tensor, TensorLike } from "../tensor";
import { installMethods } from "./install";

type Binary = (other: TensorLike) => Tensor;

export interface BitwiseMethods {
  bitwise_and: Binary;
  bitwise_or: Binary;
  bitwise_xor: Binary;
  bitwise_not(): Tensor;
  bitwise_left_shift: Binary;
  bitwise_right_shift: Binary;
  bitwise_and_: Binary;
  bitwise_or_: Binary;
  bitwise_xor_: Binary;
  bitwise_not_(): Tensor;
  bitwise_left_shift_: Binary;
  bitwise_right_shift_: Binary;
  __and__: Binary;
  __or__: Binary;
  __xor__: Binary;
  __invert__(): Tensor;
  __lshift__: Binary;
  __rshift__: Binary;
  gcd: Binary;
  lcm: Binary;
  gcd_: Binary;
  lcm_: Binary;
  /** [mantissa, exponent] (also .mantissa / .exponent), x = mantissa * 2^exponent. */
  frexp(): [Tensor, Tensor] & { mantissa: Tensor; exponent: Tensor };
  ldexp: Binary;
  ldexp_: Binary;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends BitwiseMethods {}
}

const bitwiseMethods: BitwiseMethods & ThisType<Tensor> = {
  bitwise_and(other) { return bw.bitwise_and(this, other); },
  bitwise_or(other) { return bw.bitwise_or(this, other); },
  bitwise_xor(other) { return bw.bitwise_xor(this, other); },
  bitwise_not() { return bw.bitwise_not(this); },
  bitwise_left_shift(other) { return bw.bitwise_left_shift(this, other); },
  bitwise_right_shift(other) { return bw.bitwise_right_shift(this, other); },
  bitwise_and_(other) { return applyOp(this, "bitwise_and_", (x) => bw.bitwise_and(x, other), other); },
  bitwise_or_(other) { return applyOp(this, "bitwise_or_", (x) => bw.bitwise_or(x, other), other); },
  bitwise_xor_(other) { return applyOp(this, "bitwise_xor_", (x) => bw.bitwise_xor(x, other), other); },
  bitwise_not_() { return applyOp(this, "bitwise_not_", (x) => bw.bitwise_not(x)); },
  bitwise_left_shift_(other) { return applyOp(this, "bitwise_left_shift_", (x) => bw.bitwise_left_shift(x, other), other); },
  bitwise_right_shift_(other) { return applyOp(this, "bitwise_right_shift_", (x) => bw.bitwise_right_shift(x, other), other); },
  __and__(other) { return bw.bitwise_and(this, other); },
  __or__(other) { return bw.bitwise_or(this, other); },
  __xor__(other) { return bw.bitwise_xor(this, other); },
  __invert__() {
    // Python's ~ checks the dtype itself (Tensor.__invert__), before bitwise_not's kernel dispatch
    if (this.dtype.is_floating_point || this.dtype.is_complex) throw new TypeError_("~ (operator.invert) is only implemented on integer and Boolean-type tensors");
    return bw.bitwise_not(this);
  },
  __lshift__(other) { return bw.bitwise_left_shift(this, other); },
  __rshift__(other) { return bw.bitwise_right_shift(this, other); },
  gcd(other) { return bw.gcd(this, other); },
  lcm(other) { return bw.lcm(this, other); },
  gcd_(other) { return applyOp(this, "gcd_", (x) => bw.gcd(x, other), other); },
  lcm_(other) { return applyOp(this, "lcm_", (x) => bw.lcm(x, other), other); },
  frexp() { return bw.frexp(this); },
  ldexp(other) { return bw.ldexp(this, other); },
  ldexp_(other) { return applyOp(this, "ldexp_", (x) => bw.ldexp(x, other), other); },
};

export function installBitwiseMethods(proto: object): void {
  installMethods(proto, bitwiseMethods);
}

export const bitwiseFunctions = {
  bitwise_and: bw.bitwise_and, bitwise_or: bw.bitwise_or, bitwise_xor: bw.bitwise_xor, bitwise_not: bw.bitwise_not,
  bitwise_left_shift: bw.bitwise_left_shift, bitwise_right_shift: bw.bitwise_right_shift,
  gcd: bw.gcd, lcm: bw.lcm, frexp: bw.frexp, ldexp: bw.ldexp,
};
