/**
 * The Scalar overloads of mul and div as ATen's C++ composites call them (`t * 0.5`, `t / 2.` inside aten's
 * trapezoid, cov, ...): torch 1.13 records them as MulBackward1 / DivBackward1, whose one edge is the tensor (the
 * number is no input), where Python's `t * 0.5` wraps the number as a tensor and records MulBackward0 with two.
 * For engine ops written as torch's composites, so their graphs read as torch's.
 */
import { record } from "../autograd/function";
import type { Tensor } from "../tensor";

/** x * s recorded as torch's mul.Scalar (MulBackward1). */
export function mulScalar(x: Tensor, s: number): Tensor {
  return record(x.detach().mul(s), "MulBackward1", [x], (g) => [g.mul(s)], [], true);
}

/** x / s recorded as torch's div.Scalar (DivBackward1). */
export function divScalar(x: Tensor, s: number): Tensor {
  return record(x.detach().div(s), "DivBackward1", [x], (g) => [g.div(s)], [], true);
}
