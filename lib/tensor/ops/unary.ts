/** Elementwise math: neg, exp, log, sqrt, abs, sign, clamp, trig, rounding, erf. */
import { record } from "../autograd/function";
import { get_default_dtype } from "../default_dtype";
import { bool, checkIntScalar, cppTypeName, cScalarName, int64, refuseBool, typeMetaName, uint8, wrapInto, wrapsAround, wrapValue, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { pyTypeName } from "../py_type_name";
import { kernels, type UnaryGradKernelName, type UnaryKernelName } from "../kernels/registry";
import { Tensor } from "../tensor";
import { UNARY_FORMULAS } from "./unary_formulas";
import { contiguousData, empty, sumToShape } from "./util";
import { no_grad } from "../autograd/grad_mode";
import { where } from "./where";

/**
 * Runs unary kernel `name` and, when differentiable, records a node whose backward calls the
 * fused grad kernel of the same name on the saved input ("x") or output ("y"). Recording a node
 * needs a kernel with a gradient, so `node` is only allowed with such a name.
 */
export function unaryOp(x: Tensor, name: UnaryGradKernelName, node: string, saves: "x" | "y" | "none", p0?: number, p1?: number, outDtype?: DType): Tensor;
export function unaryOp(x: Tensor, name: UnaryKernelName, node: null, saves: "none", p0?: number, p1?: number, outDtype?: DType): Tensor;
export function unaryOp(
  x: Tensor, name: UnaryKernelName, node: string | null, saves: "x" | "y" | "none",
  p0 = 0, p1 = 0, outDtype?: DType,
): Tensor {
  const dt = outDtype ?? (x.dtype.is_floating_point ? x.dtype : get_default_dtype()); // sqrt(int) is the default float dtype
  const src = x.dtype === dt ? x : x.to(dt);
  const xd = contiguousData(src);
  const out = empty(x.shape, dt);
  kernels.unary[name](xd.length, xd, out._data, p0, p1);
  wrapInto(dt, out._data); // -x on uint8 is 256 - x, as torch's; int8 -(-128) is -128
  if (!node) return out;
  const saved = saves === "x" ? [x] : saves === "y" ? [out] : [];
  const formula = UNARY_FORMULAS[name as UnaryGradKernelName];
  return record(
    out, node, [x],
    (g) => {
      const gd = contiguousData(g);
      const res = empty(x.shape, g.dtype);
      const sd = saves === "x" ? xd : out._data;
      kernels.unaryGrad[name as UnaryGradKernelName](gd.length, gd, sd, res._data, p0, p1);
      return [res];
    },
    saved,
    // create_graph: the same derivative in recorded ops (x, out keep their history).
    formula ? (g) => [formula(g, x, out, p0, p1)] : null,
  );
}

/** Ops whose gradient is zero almost everywhere still record a node so graphs stay connected. */
function zeroGradOp(x: Tensor, name: UnaryKernelName, node: string, keepDtype = true): Tensor {
  const out = unaryOp(x, name, null, "none", 0, 0, keepDtype ? x.dtype : undefined);
  return record(out, node, [x], (g) => [g.mul(0)], [], true);
}

export const neg = (x: Tensor): Tensor => {
  if (x.dtype.name === "bool") throw new RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  return unaryOp(x, "neg", "NegBackward0", "none", 0, 0, x.dtype);
};
export const exp = (x: Tensor): Tensor => unaryOp(x, "exp", "ExpBackward0", "y");
export const expm1 = (x: Tensor): Tensor => unaryOp(x, "expm1", "Expm1Backward0", "y");
export const log = (x: Tensor): Tensor => unaryOp(x, "log", "LogBackward0", "x");
export const log2 = (x: Tensor): Tensor => unaryOp(x, "log2", "Log2Backward0", "x");
export const log1p = (x: Tensor): Tensor => unaryOp(x, "log1p", "Log1PBackward0", "x");
export const sqrt = (x: Tensor): Tensor => unaryOp(x, "sqrt", "SqrtBackward0", "y");
export const rsqrt = (x: Tensor): Tensor => unaryOp(x, "rsqrt", "RsqrtBackward0", "y");
// int16 / int32 squares past 2^24 go through mul, which wraps their exact values (integers have no gradient).
// bool squares as torch's pow(x, 2): in int64
export const square = (x: Tensor): Tensor => (x.dtype === bool ? x.pow(2) : wrapsAround(x.dtype) && x.dtype !== uint8 ? x.mul(x) : unaryOp(x, "square", "PowBackward0", "x", 0, 0, x.dtype));
export const reciprocal = (x: Tensor): Tensor => unaryOp(x, "reciprocal", "ReciprocalBackward0", "y");
// torch 1.13 has no bool kernel for abs / floor / ceil / trunc
export const abs = (x: Tensor): Tensor => unaryOp(noBool(x, "abs_cpu"), "abs", "AbsBackward0", "x", 0, 0, x.dtype);
export const sin = (x: Tensor): Tensor => unaryOp(x, "sin", "SinBackward0", "x");
export const cos = (x: Tensor): Tensor => unaryOp(x, "cos", "CosBackward0", "x");
export const erf = (x: Tensor): Tensor => unaryOp(x, "erf", "ErfBackward0", "x");
export const sign = (x: Tensor): Tensor => zeroGradOp(x, "sign", "SignBackward0");
export const floor = (x: Tensor): Tensor => zeroGradOp(noBool(x, "floor_vml_cpu"), "floor", "FloorBackward0");
export const ceil = (x: Tensor): Tensor => zeroGradOp(noBool(x, "ceil_vml_cpu"), "ceil", "CeilBackward0");
export const round = (x: Tensor): Tensor => zeroGradOp(x, "round", "RoundBackward0");
export const trunc = (x: Tensor): Tensor => zeroGradOp(noBool(x, "trunc_vml_cpu"), "trunc", "TruncBackward0");

/** x itself, or refuseBool's error naming the kernel. */
function noBool(x: Tensor, kernel: string): Tensor {
  refuseBool(x.dtype, kernel);
  return x;
}

type Bound = number | Tensor | null | undefined;
type ClampArg = Bound | { min?: Bound; max?: Bound };

/**
 * Tensor bounds (torch.clamp(a, min=torch.linspace(-1, 1, 4))): elementwise, broadcast, max then min as torch, with
 * torch 1.13's ClampBackward0: x gets the gradient where min <= x <= max (a tie with a bound included, where
 * maximum / minimum split it), min where x < min and min < max, max where x > max or max < min.
 */
function clampTensors(x: Tensor, lo: Bound, hi: Bound): Tensor {
  const value = (): Tensor => {
    let out = x;
    if (lo != null) out = lo instanceof Tensor ? out.maximum(lo) : clamp(out, lo, null);
    if (hi != null) out = hi instanceof Tensor ? out.minimum(hi) : clamp(out, null, hi);
    return out;
  };
  const loT = lo instanceof Tensor ? lo : null;
  const hiT = hi instanceof Tensor ? hi : null;
  const inputs = [x, loT, hiT];
  if (!inputs.some((t) => t?.requires_grad)) return value();
  const out = no_grad(value);
  return record(
    out, "ClampBackward0", inputs,
    (g) => {
      const zero = g.new_zeros([]);
      const pass = (mask: Tensor, t: Tensor | null) => (t?.requires_grad ? sumToShape(where(mask, g, zero), t.shape) : null);
      const xd = x.detach();
      let inRange = lo != null ? xd.ge(lo instanceof Tensor ? lo.detach() : lo) : null;
      if (hi != null) {
        const le = xd.le(hi instanceof Tensor ? hi.detach() : hi);
        inRange = inRange ? inRange.logical_and(le) : le;
      }
      const gx = pass(inRange!, x);
      const gLo = loT ? pass(hiT ? xd.lt(loT.detach()).logical_and(loT.detach().lt(hiT.detach())) : xd.lt(loT.detach()), loT) : null;
      const gHi = hiT ? pass(loT ? xd.gt(hiT.detach()).logical_or(hiT.detach().lt(loT.detach())) : xd.gt(hiT.detach()), hiT) : null;
      return [gx, gLo, gHi];
    },
    inputs.filter((t): t is Tensor => t !== null),
    true,
  );
}

/** The bounds of clamp(min?, max?), clamp({ min, max }) or clamp(min, { max }) (PyTorch's max= keyword after a positional min). */
function clampBounds(min?: ClampArg, max?: Bound | { max?: Bound }): [Bound, Bound] {
  if (min !== null && typeof min === "object" && !(min instanceof Tensor)) return [min.min, min.max];
  return [min, max !== null && typeof max === "object" && !(max instanceof Tensor) ? max.max : max];
}

/**
 * clamp's result dtype for number bounds (torch's clamp meta function): float for a fractional bound on an integer or
 * bool tensor, int64 for a bool tensor with an integer bound; a bool tensor with bool bounds (Python's True) stays bool.
 */
function clampResultType(dtype: DType, lo: Bound, hi: Bound): DType {
  if (dtype.is_floating_point) return dtype;
  const fractional = (b: Bound): boolean => typeof b === "number" && !Number.isInteger(b);
  if (fractional(lo) || fractional(hi)) return get_default_dtype();
  const boolBound = (b: Bound): boolean => b == null || typeof b === "boolean";
  return dtype === bool && !(boolBound(lo) && boolBound(hi)) ? int64 : dtype;
}

/** How clamp was called, for its TypeError: torch.clamp / torch.clip, or the method (clamp, clip, clamp_, clip_). */
export type ClampForm = { name: string; method: boolean };
const CLAMP_FUNCTION: ClampForm = { name: "clamp", method: false };

/**
 * torch 1.13's TypeError for one tensor bound and one number bound (clamp has a (Tensor, Tensor) and a (Number, Number)
 * overload, no mixed one), in its words for the call's form: its arguments' types (keywords in the reverse of the
 * order given, as torch prints them) and, for a method, why each overload did not match.
 */
function mixedBoundsError(form: ClampForm, min?: ClampArg, max?: Bound | { max?: Bound }): TypeError_ {
  const isOpts = (v: unknown): v is Record<string, Bound> => v !== null && typeof v === "object" && !(v instanceof Tensor);
  const positional: Bound[] = [];
  const keywords: [string, Bound][] = [];
  for (const v of [min, max]) {
    if (isOpts(v)) keywords.push(...Object.entries(v).filter(([, b]) => b !== undefined).reverse());
    else if (v !== undefined) positional.push(v);
  }
  // Python's parser ends each keyword with ", " when no positional argument came before them; its "didn't match" lines
  // list the keywords in the signature's order (min, max)
  const show = (mark: ((b: Bound) => boolean) | null, leading: string[] = []): string => {
    const kws = mark ? [...keywords].sort(([k1], [k2]) => (k1 === "min" ? -1 : 0) - (k2 === "min" ? -1 : 0)) : keywords;
    const items = [...positional.map((b) => [pyTypeName(b), b] as const), ...kws.map(([k, b]) => [`${k}=${pyTypeName(b)}`, b] as const)]
      .map(([text, b]) => (mark?.(b) ? `!${text}!` : text));
    const all = [...leading, ...items];
    return leading.length + positional.length === 0 && keywords.length > 0 ? all.map((t) => `${t}, `).join("") : all.join(", ");
  };
  const head = `${form.name}() received an invalid combination of arguments - got (`;
  if (!form.method) {
    return new TypeError_(
      `${head}${show(null, ["Tensor"])}), but expected one of:\n` +
        " * (Tensor input, Tensor min, Tensor max, *, Tensor out)\n * (Tensor input, Number min, Number max, *, Tensor out)\n",
    );
  }
  const why = "      didn't match because some of the arguments have invalid types: ";
  return new TypeError_(
    `${head}${show(null)}), but expected one of:\n` +
      ` * (Tensor min, Tensor max)\n${why}(${show((b) => !(b instanceof Tensor))})\n` +
      ` * (Number min, Number max)\n${why}(${show(() => true)})\n`,
  );
}

/**
 * clamp_ / clip_ / clamp_min_ / clamp_max_ with number bounds that would promote an integer or bool tensor (a long
 * tensor's clamp_(0.5)): torch 1.13's clamp meta check, whose message names the output's C++ element type.
 */
export function checkClampInplace(x: Tensor, min?: ClampArg, max?: Bound | { max?: Bound }): void {
  const [lo, hi] = clampBounds(min, max);
  if (lo instanceof Tensor || hi instanceof Tensor || (lo == null && hi == null)) return;
  const result = clampResultType(x.dtype, lo, hi);
  if (result !== x.dtype) throw new RuntimeError(`result type ${cppTypeName(result)} can't be cast to the desired output type ${typeMetaName(x.dtype)}`);
}

/**
 * clamp(min?, max?), clamp({ min, max }) or clamp(min, { max }); either bound may be omitted, not both. `form` names the
 * call in the TypeError for one tensor and one number bound.
 */
export function clamp(x: Tensor, min?: ClampArg, max?: Bound | { max?: Bound }, form: ClampForm = CLAMP_FUNCTION): Tensor {
  let [lo, hi] = clampBounds(min, max);
  if (lo instanceof Tensor || hi instanceof Tensor) {
    if (lo != null && hi != null && !(lo instanceof Tensor && hi instanceof Tensor)) throw mixedBoundsError(form, min, max);
    return clampTensors(x, lo, hi);
  }
  if ((lo === null || lo === undefined) && (hi === null || hi === undefined)) {
    throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  // torch's type promotion: a fractional bound makes an integer or bool tensor's result the default float dtype
  // (YOLO's int64 clamp(0.5) gives 0.5, not a long holding 0.5); an integer bound makes a bool tensor's result int64.
  const promoted = clampResultType(x.dtype, lo, hi);
  if (promoted !== x.dtype) return clamp(x.to(promoted), lo, hi);
  // bool bounds on a bool tensor: torch 1.13 has no bool kernel (named by which bounds were given)
  refuseBool(x.dtype, lo != null && hi != null ? "clamp_scalar_cpu" : lo != null ? "clamp_min_cpu" : "clamp_max_scalar_cpu");
  if (lo != null && hi != null && Number(lo) > Number(hi)) {
    // min > max: torch's min(max(x, min), max) is max everywhere (NaN stays NaN), and no gradient passes (ClampBackward1's mask)
    const top = hi;
    const out = no_grad(() => clamp(x, top, top));
    return record(out, "ClampBackward1", [x], (g) => [g.new_zeros(g.shape)]);
  }
  if (wrapsAround(x.dtype)) {
    // an int bound is cast to uint8 / int8 / ... first (-1 -> 255)
    for (const bound of [lo, hi]) if (bound != null) checkIntScalar(x.dtype, bound, cScalarName(x.dtype)); // clamp(max=300) overflows
    if (lo != null) lo = wrapValue(x.dtype, lo);
    if (hi != null) hi = wrapValue(x.dtype, hi);
  }
  return unaryOp(x, "clamp", "ClampBackward1", "x", lo ?? -Infinity, hi ?? Infinity, x.dtype);
}

/** torch.clip: clamp, named clip in its TypeError. */
export function clip(x: Tensor, min?: ClampArg, max?: Bound | { max?: Bound }): Tensor {
  return clamp(x, min, max, { name: "clip", method: false });
}

/** x.clamp_min(min) / x.clamp_max(max): clamp with one number bound, under torch's own nodes for them. */
export function clampBound(x: Tensor, bound: number, side: "min" | "max"): Tensor {
  const out = side === "min" ? clamp(x, bound, null) : clamp(x, null, bound);
  if (out.grad_fn && out.grad_fn !== x.grad_fn) out.grad_fn._name = side === "min" ? "ClampMinBackward0" : "ClampMaxBackward0";
  return out;
}
