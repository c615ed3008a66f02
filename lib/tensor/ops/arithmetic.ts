/** Broadcasting arithmetic: add, sub, rsub, mul, div, pow, maximum, minimum, remainder, fmod. */
import { complexHooks, isComplexTensor } from "../complex_dtype";
import { checkKeywords } from "../args";
import { record } from "../autograd/function";
import { get_default_dtype } from "../default_dtype";
import { bool, int64, isIntegral, refuseBool, uint8, wrapInto, wrapsAround, wrapValue, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { BinaryOp, type BinaryOpName } from "../kernels/binary";
import { kernels } from "../kernels/registry";
import { broadcastShapes, broadcastStrides } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { alphaFirst } from "./deprecated_overloads";
import { scalarArg } from "./scalar_arg";
import { empty, emptyForOverwrite, exactIntegerResults, operands, sumToShape } from "./util";
import { pyTypeName } from "../py_type_name";
import { isSparseCoo, sparseHooks } from "../sparse/brand";
import { where } from "./where";

/** Runs a broadcasting binary kernel into a fresh tensor of dtype `outDtype`. */
export function binaryKernel(op: BinaryOpName, a: Tensor, b: Tensor, outDtype: DType, alpha = 1, opLabel: string = op): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, opLabel);
  // Every binary kernel writes each element of its output: a pooled buffer needs no zero-fill.
  const out = emptyForOverwrite(shape, outDtype);
  kernels.binary(
    BinaryOp[op], shape, alpha,
    out._data, 0, out._strides,
    a._data, a._offset, broadcastStrides(a.shape, a._strides, shape),
    b._data, b._offset, broadcastStrides(b.shape, b._strides, shape),
  );
  // The kernels compute exactly in float (|uint8 op uint8| < 2^17); uint8 keeps the low 8 bits (200 + 100 -> 44),
  // int8 / int16 / int32 theirs (int8 100 * 3 -> 44).
  if (wrapsAround(outDtype)) {
    if (outDtype !== uint8 && (op === "add" || op === "sub" || op === "mul")) exactIntegerResults(op, a, b, out, alpha);
    wrapInto(outDtype, out._data);
  }
  return out;
}


export function add(input: TensorLike, other: TensorLike, opts?: { alpha?: number | Tensor }): Tensor {
  if (isComplexTensor(other) || isComplexTensor(input)) return complexHooks.binary("add", input, other, opts) as Tensor; // complex_tensor.ts
  if (isSparseCoo(other)) return sparseHooks.denseAdd(input, other, opts?.alpha, "add") as Tensor; // dense + sparse is dense (sparse/dispatch.ts)
  const old = alphaFirst("add", other, opts, true); // torch.add(input, Number alpha, Tensor other), deprecated
  if (old) return add(input, old[0], { alpha: old[1] });
  if (opts) checkKeywords("add", opts, ["alpha"]);
  const [a, b, dt] = operands(input, other, "add");
  const alphaArg = scalarArg("add", "alpha", opts?.alpha ?? 1); // a 0-dim tensor stands for its value
  checkAlpha(dt, alphaArg);
  const alpha = Number(alphaArg);
  const out = binaryKernel("add", a, b, dt, alpha);
  return record(out, "AddBackward0", [a, b], (g) => [
    a.requires_grad ? sumToShape(g, a.shape) : null,
    b.requires_grad ? sumToShape(alpha === 1 ? g : g.mul(alpha), b.shape) : null,
  ], [], true);
}

/** torch's sub_check: a bool operand (a bool tensor, or a Python bool) refuses subtraction, with its two texts. */
export function checkBoolSub(input: TensorLike, other: TensorLike): void {
  const isBool = (v: TensorLike): boolean => (v instanceof Tensor ? v.dtype === bool : typeof v === "boolean");
  if (isBool(input) && isBool(other)) {
    throw new RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  }
  if (isBool(input) || isBool(other)) {
    throw new RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  }
}

export function sub(input: TensorLike, other: TensorLike, opts?: { alpha?: number | Tensor }): Tensor {
  if (isComplexTensor(other) || isComplexTensor(input)) return complexHooks.binary("sub", input, other, opts) as Tensor; // complex_tensor.ts
  if (isSparseCoo(other)) return sparseHooks.denseAdd(input, other, opts?.alpha, "sub") as Tensor; // dense - sparse is dense (sparse/dispatch.ts)
  const old = alphaFirst("sub", other, opts, true); // torch.sub(input, Number alpha, Tensor other), deprecated
  if (old) return sub(input, old[0], { alpha: old[1] });
  if (opts) checkKeywords("sub", opts, ["alpha"]);
  checkBoolSub(input, other);
  const [a, b, dt] = operands(input, other, "sub");
  const alphaArg = scalarArg("sub", "alpha", opts?.alpha ?? 1); // a 0-dim tensor stands for its value
  checkAlpha(dt, alphaArg);
  const alpha = Number(alphaArg);
  const out = binaryKernel("sub", a, b, dt, alpha);
  return record(out, "SubBackward0", [a, b], (g) => [
    a.requires_grad ? sumToShape(g, a.shape) : null,
    b.requires_grad ? sumToShape(g.mul(-alpha), b.shape) : null,
  ], [], true);
}

/**
 * other - alpha * input (what `1 - x` becomes): torch's RsubBackward0 for a tensor `other`, RsubBackward1 for a number.
 * alpha is keyword-only beside a tensor `other`; beside a number it may come third (torch's (Tensor, Number, Number) overload).
 */
export function rsub(input: TensorLike, other: TensorLike, opts?: { alpha?: number | Tensor }): Tensor {
  const third: unknown = opts; // Python's alpha may be a bool, or positional (a number here)
  const positional = typeof third === "number" || typeof third === "boolean";
  if (positional && other instanceof Tensor) {
    const t = pyTypeName(third);
    throw new TypeError_(
      `rsub() received an invalid combination of arguments - got (Tensor, Tensor, ${t}), but expected one of:\n` +
        " * (Tensor input, Tensor other, *, Number alpha)\n * (Tensor input, Number other, Number alpha)\n" +
        `      didn't match because some of the arguments have invalid types: (Tensor, !Tensor!, !${t}!)\n`,
    );
  }
  const alphaArg = scalarArg("rsub", "alpha", (positional ? third : (opts?.alpha ?? 1)) as number | boolean | Tensor);
  checkBoolSub(input, other);
  const [a, b, dt] = operands(input, other, "rsub");
  checkAlpha(dt, alphaArg);
  const alpha = Number(alphaArg);
  const out = binaryKernel("sub", b, a, dt, alpha);
  return record(out, other instanceof Tensor ? "RsubBackward0" : "RsubBackward1", [a, b], (g) => [
    a.requires_grad ? sumToShape(g.mul(-alpha), a.shape) : null,
    b.requires_grad ? sumToShape(g, b.shape) : null,
  ], [], true);
}

export function mul(input: TensorLike, other: TensorLike): Tensor {
  if (isComplexTensor(other) || isComplexTensor(input)) return complexHooks.binary("mul", input, other) as Tensor; // complex_tensor.ts
  if (isSparseCoo(other)) return sparseHooks.denseMul(input, other) as Tensor; // dense * sparse is sparse (sparse/dispatch.ts)
  const [a, b, dt] = operands(input, other, "mul");
  const out = binaryKernel("mul", a, b, dt);
  return record(
    out, "MulBackward0", [a, b],
    (g) => [
      a.requires_grad ? sumToShape(g.mul(b), a.shape) : null,
      b.requires_grad ? sumToShape(g.mul(a), b.shape) : null,
    ],
    [...(a.requires_grad ? [b] : []), ...(b.requires_grad ? [a] : [])],
    true,
  );
}

export function div(input: TensorLike, other: TensorLike, opts?: { rounding_mode?: "trunc" | "floor" | null }): Tensor {
  if (isComplexTensor(other) || isComplexTensor(input)) return complexHooks.binary("div", input, other, opts) as Tensor; // complex_tensor.ts
  if (opts) checkKeywords("div", opts, ["rounding_mode"]);
  const mode = opts?.rounding_mode ?? null;
  // torch 1.13 refuses any other mode ('round' divided as None did)
  if (mode !== null && mode !== "trunc" && mode !== "floor") throw new RuntimeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  const [a, b, dt0] = operands(input, other, "div");
  if (mode) {
    // Rounded division keeps integer dtypes and has zero gradient almost everywhere.
    refuseBool(dt0, mode === "floor" ? "div_floor_cpu" : "div_trunc_cpu");
    checkIntegerDivisor(b, dt0);
    const q = binaryKernel(mode === "floor" ? "floor_divide" : "div", a, b, dt0);
    if (mode === "trunc") for (let i = 0; i < q._data.length; i++) q._data[i] = Math.trunc(q._data[i]);
    const r = isIntegral(dt0) ? withoutNegativeZero(q) : q;
    // torch records DivBackward2, whose gradients are zeros (shaped as each input)
    return record(r, "DivBackward2", [a, b], () => [a.requires_grad ? a.mul(0).detach() : null, b.requires_grad ? b.mul(0).detach() : null]);
  }
  const dt = dt0.is_floating_point ? dt0 : get_default_dtype(); // true division of integers gives the default float dtype
  const out = binaryKernel("div", a, b, dt);
  return record(
    out, "DivBackward0", [a, b],
    (g) => [
      a.requires_grad ? sumToShape(g.div(b), a.shape) : null,
      b.requires_grad ? sumToShape(g.mul(a).div(b.mul(b)).neg(), b.shape) : null,
    ],
    [b, ...(b.requires_grad ? [a] : [])],
    true,
  );
}

export function pow(input: TensorLike, exponent: TensorLike): Tensor {
  if (isComplexTensor(exponent) || isComplexTensor(input)) return complexHooks.binary("pow", input, exponent) as Tensor; // complex_tensor.ts
  if (input instanceof Tensor && typeof exponent === "number") return powScalar(input, exponent);
  const [a, b, dt] = operands(input, exponent, "pow");
  refuseBool(dt, "pow");
  const out = binaryKernel("pow", a, b, dt);
  if (wrapsAround(dt)) {
    // As powScalar: exact modulo 2^8 / 2^16 / 2^32 where float pow passed 2^24.
    const ab = a.to(dt).expand(out.shape.slice()).contiguous(), bb = b.to(dt).expand(out.shape.slice()).contiguous();
    for (let i = 0; i < out._data.length; i++) out._data[i] = intPow(ab._data[ab._offset + i], bb._data[bb._offset + i], dt);
  } else if (isIntegral(dt)) {
    // int64: float pow is exact for whole exponents, but a negative one is integer division in torch (2 ** -1 is 0)
    const ab = a.to(dt).expand(out.shape.slice()).contiguous(), bb = b.to(dt).expand(out.shape.slice()).contiguous();
    for (let i = 0; i < out._data.length; i++) {
      const e = bb._data[bb._offset + i];
      if (e < 0) out._data[i] = negativeIntPow(ab._data[ab._offset + i], e);
    }
  }
  return record(
    out, "PowBackward1", [a, b],
    (g) => [
      // A uint8 exponent in the float result's dtype: b - 1 in uint8 would wrap 0 to 255 (and 0 * 3^255 is NaN).
      a.requires_grad ? sumToShape(g.mul(b).mul(a.pow((wrapsAround(b.dtype) ? b.to(out.dtype) : b).sub(1))), a.shape) : null,
      // d/db a^b = a^b log a; PyTorch defines it as 0 where a == 0 and b >= 0.
      b.requires_grad ? sumToShape(g.mul(out).mul(a.log()).masked_fill(a.eq(0).logical_and(b.ge(0)), 0), b.shape) : null,
    ],
    [a, b, out],
    true,
  );
}

/**
 * base ** exp in uint8 / int8 / int16 / int32 arithmetic (each product keeps its low bits), by
 * squaring with 32-bit products (their low 8 / 16 bits are the narrower types' products).
 */
/** c10's powi for a negative exponent: 1 for a base of 1, +-1 for -1, else 0 (the integer part of a fraction). */
function negativeIntPow(base: number, exp: number): number {
  if (base === 1) return 1;
  if (base === -1) return -exp % 2 === 1 ? -1 : 1;
  return 0;
}

function intPow(base: number, exp: number, dt: DType): number {
  if (exp < 0) return wrapValue(dt, negativeIntPow(base, exp));
  let r = 1;
  let b = base | 0;
  for (let e = exp; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
  }
  return wrapValue(dt, r);
}

function powScalar(a: Tensor, p: number): Tensor {
  // a bool base with an integer exponent computes in int64 (torch's promotion of bool with a Python int)
  const dt = a.dtype.is_floating_point ? a.dtype : !Number.isInteger(p) ? get_default_dtype() : a.dtype === bool ? int64 : a.dtype;
  if (isIntegral(dt) && p < 0) throw new RuntimeError("Integers to negative integer powers are not allowed.");
  const src = dt === a.dtype ? a : a.to(dt);
  const out = empty(a.shape, dt);
  const x = src.contiguous();
  kernels.unary.pow_scalar(out.numel(), x._offset === 0 ? x._data : x._data.subarray(x._offset), out._data, p, 0);
  if (isIntegral(dt) && !wrapsAround(dt)) for (let i = 0; i < out._data.length; i++) out._data[i] = Math.trunc(out._data[i]);
  if (wrapsAround(dt)) {
    if (p < 0) throw new RuntimeError("Integers to negative integer powers are not allowed.");
    // Float pow loses the low bits beyond 2^24 (200 ** 4): multiply modulo 2^bits as integer arithmetic does.
    const xd = x._data.subarray(x._offset);
    for (let i = 0; i < out._data.length; i++) out._data[i] = intPow(xd[i], p, dt);
  }
  return record(
    out, "PowBackward0", [a],
    (g) => {
      const gc = g.contiguous();
      const res = empty(a.shape, g.dtype);
      kernels.unaryGrad.pow_scalar(res.numel(), gc._data.subarray(gc._offset), x._data.subarray(x._offset), res._data, p, 0);
      return [res];
    },
    [a],
    (g) => [p === 0 ? g.mul(0) : g.mul(a.pow(p - 1)).mul(p)],
  );
}

function extremum(kind: "maximum" | "minimum", input: TensorLike, other: TensorLike): Tensor {
  const [a, b, dt] = operands(input, other, kind);
  const out = binaryKernel(kind, a, b, dt);
  const name = kind === "maximum" ? "MaximumBackward0" : "MinimumBackward0";
  return record(
    out, name, [a, b],
    (g) => {
      // Ties split the gradient in half, as PyTorch does.
      const half = g.mul(0.5);
      const tie = a.eq(b);
      const aWins = kind === "maximum" ? a.gt(b) : a.lt(b);
      const bWins = kind === "maximum" ? a.lt(b) : a.gt(b);
      const zero = g.mul(0);
      return [
        a.requires_grad ? sumToShape(where(tie, half, where(aWins, g, zero)), a.shape) : null,
        b.requires_grad ? sumToShape(where(tie, half, where(bWins, g, zero)), b.shape) : null,
      ];
    },
    [a, b],
    true,
  );
}

/**
 * torch.maximum / torch.minimum take two tensors only (no Scalar overload in torch 1.13): a number raises the parser's
 * TypeError, "maximum(): argument 'other' (position 2) must be Tensor, not float" (position 1 for the Tensor method,
 * whose self is not counted: otherPosition).
 */
export function checkedExtremum(kind: "maximum" | "minimum", input: TensorLike, other: TensorLike, otherPosition = 2): Tensor {
  for (const [v, name, pos] of [[input, "input", 1], [other, "other", otherPosition]] as const) {
    if (!(v instanceof Tensor) && !isComplexTensor(v)) throw new TypeError_(`${kind}(): argument '${name}' (position ${pos}) must be Tensor, not ${pyTypeName(v)}`);
  }
  return extremum(kind, input, other);
}

export function maximum(input: TensorLike, other: TensorLike): Tensor {
  return checkedExtremum("maximum", input, other);
}

export function minimum(input: TensorLike, other: TensorLike): Tensor {
  return checkedExtremum("minimum", input, other);
}

/** Python-style modulus (sign of the divisor). Gradient: 1 for input, -floor(a/b) for other. */
export function remainder(input: TensorLike, other: TensorLike): Tensor {
  const [a, b, dt] = operands(input, other, "remainder");
  refuseBool(dt, "remainder_cpu");
  checkIntegerDivisor(b, dt);
  const out = withoutNegativeZero(binaryKernel("remainder", a, b, dt));
  // torch names the Tensor-Tensor node ...Backward1 (Backward0 is the Scalar overload) and saves both
  // inputs only for the divisor's gradient, so an inference tensor may be either operand when the divisor needs none.
  return record(out, typeof other === "number" ? "RemainderBackward0" : "RemainderBackward1", [a, b], (g) => [
    a.requires_grad ? sumToShape(g, a.shape) : null,
    b.requires_grad ? sumToShape(g.mul(a.div(b, { rounding_mode: "floor" })).neg(), b.shape) : null,
  ], b.requires_grad ? [a, b] : []);
}

/** C-style modulus (sign of the dividend). */
export function fmod(input: TensorLike, other: TensorLike): Tensor {
  const [a, b, dt] = operands(input, other, "fmod");
  refuseBool(dt, "fmod_cpu");
  checkIntegerDivisor(b, dt);
  const out = withoutNegativeZero(binaryKernel("fmod", a, b, dt));
  // As remainder: Backward1 for Tensor-Tensor, inputs saved only for the divisor's gradient.
  return record(out, typeof other === "number" ? "FmodBackward0" : "FmodBackward1", [a, b], (g) => [
    a.requires_grad ? sumToShape(g, a.shape) : null,
    b.requires_grad ? sumToShape(g.mul(a.div(b, { rounding_mode: "trunc" })).neg(), b.shape) : null,
  ], b.requires_grad ? [a, b] : []);
}

/**
 * torch's alpha_check for add / sub / rsub and their in-place forms, given the result dtype: a bool alpha only for a
 * bool result, an integral (or bool) alpha for integer and bool results (a float one would leave the dtype's values).
 */
export function checkAlpha(dt: DType, alpha: number | boolean): void {
  if (typeof alpha === "boolean" && dt !== bool) throw new RuntimeError("Boolean alpha only supported for Boolean results.");
  if (!dt.is_floating_point && typeof alpha === "number" && !Number.isInteger(alpha)) {
    throw new RuntimeError("For integral input tensors, argument alpha must not be a floating point number.");
  }
}

/** Integer division, remainder and fmod by zero raise in PyTorch (floats give inf / NaN instead). */
function checkIntegerDivisor(b: Tensor, dt: DType): void {
  if (dt.is_floating_point) return;
  const bc = b.contiguous();
  const bd = bc._data.subarray(bc._offset, bc._offset + bc.numel());
  for (let i = 0; i < bd.length; i++) if (bd[i] === 0) throw new RuntimeError("ZeroDivisionError");
}

/** Integer results carry no sign on zero (the float kernels can leave -0, e.g. remainder(-4, 2)). */
function withoutNegativeZero(t: Tensor): Tensor {
  if (t.dtype.is_floating_point) return t;
  const d = t._data;
  for (let i = 0; i < d.length; i++) if (d[i] === 0) d[i] = 0;
  return t;
}
