/**
 * Which dtypes a convolution takes, as torch 1.13's CPU kernels: float32 / float64, and int64, int32,
 * int16, int8 and uint8 too (integer arithmetic; the narrow ones wrap as their C++ accumulators do).
 * Bool has no kernel, nor have uint8 / int8 / int16 / int32 for dilated or transposed convolutions; mixed dtypes raise
 * torch's messages, bias first ("Input type (unsigned char) and bias type (float) should be the same").
 *
 * Integer convolutions run the float64 kernels and cast back: every product and partial sum of
 * integer values below 2^53 is exact in float64, and the narrow types' wrap is then the result's low bits.
 */
import { bool, cppTypeName, float64, int64, isIntegral, wrapsAround, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";

/** C++'s names of the scalar types, as in torch's "Input type (...) and bias type (...)" message. */
const C_TYPE: Record<string, string> = {
  float32: "float", float64: "double", int64: "long int", int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char", bool: "bool",
};

const notImplemented = (kernel: string, dt: DType): RuntimeError => new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(dt)}'`);

/** Kinds of convolution, for the kernel torch names when a dtype has none. */
export type ConvKind = "conv" | "conv3d" | "transposed";

/** torch's dtype checks of a convolution, in torch's order; `dilated` when any dilation exceeds 1. */
export function checkConvDtypes(input: Tensor, weight: Tensor, bias: Tensor | null, kind: ConvKind, dilated: boolean): void {
  const dt = input.dtype;
  if (kind === "transposed") {
    // slow_conv_transpose2d dispatches before comparing dtypes, and names the bias's as the weight's
    if (wrapsAround(dt) || dt === bool) throw notImplemented("slow_conv_transpose2d_out_cpu", dt); // uint8, int8, int16, int32
    for (const t of [weight, bias]) {
      if (t && t.dtype !== dt) throw new RuntimeError(`expected scalar type ${cppTypeName(dt)} but found ${cppTypeName(t.dtype)}`);
    }
    return;
  }
  if (bias && bias.dtype !== dt) throw new RuntimeError(`Input type (${C_TYPE[dt.name]}) and bias type (${C_TYPE[bias.dtype.name]}) should be the same`);
  if (weight.dtype !== dt) throw new RuntimeError(`expected scalar type ${cppTypeName(dt)} but found ${cppTypeName(weight.dtype)}`);
  if (dilated && (wrapsAround(dt) || dt === bool)) throw notImplemented("slow_conv_dilated<>", dt);
  if (dt === bool) throw notImplemented(kind === "conv3d" ? "compute_columns3d" : "slow_conv2d_cpu", dt);
}

/** True for the integer dtypes a convolution computes through float64 (int64, int32, int16, int8, uint8). */
export function isIntegerConv(input: Tensor): boolean {
  return isIntegral(input.dtype);
}

/**
 * An integer convolution: `run` gets float64 copies of the tensors (null stays null) and its float64
 * result is cast back to the input's dtype, wrapping modulo 256 for uint8. Integer tensors never
 * require grad, so nothing is recorded.
 */
export function viaFloat64(input: Tensor, weight: Tensor, bias: Tensor | null, run: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor): Tensor {
  const dt = input.dtype;
  const y = run(input.to(float64), weight.to(float64), bias ? bias.to(float64) : null);
  return y.to(int64).to(dt); // through int64, so .to(dt) keeps the low bits of the narrow types (uint8 mod 256)
}
