/**
 * torch.testing: assert_close (and the deprecated assert_allclose) and make_tensor, as in
 * PyTorch 1.13, so a lesson's or a learner's check reads as the tutorials write it:
 *
 *   torch.testing.assert_close(model(x), expected, { rtol: 1e-4, atol: 1e-5 });
 *
 * Inputs are compared as torch/testing/_comparison.py pairs them: tensors with tensors (shape,
 * then dtype unless check_dtype is false, then values within atol + rtol * |expected| in the
 * widest dtype of their kind), numbers with numbers, booleans, null, and arrays and plain objects
 * item by item (the message names the failing item). The messages are PyTorch's, word for word.
 * A JavaScript number has no int/float distinction, so numbers compare as Python floats (float64
 * tolerances) whatever their value.
 */
import { isOptions } from "./args";
import { bool, float32, float64, promoteTypes, uint8, type DType } from "./dtype";
import { TorchError, TypeError_, ValueError } from "./errors";
import { pyFloat } from "./nn/repr";
import * as creation from "./ops/creation";
import { finfo, iinfo } from "./ops/dtype_info";
import { Tensor } from "./tensor";

/** Python's AssertionError, raised when the inputs are not close. */
export class AssertionError_ extends TorchError {
  constructor(message: string) {
    super(message, "AssertionError");
  }
}

export interface AssertCloseOptions {
  rtol?: number | null;
  atol?: number | null;
  equal_nan?: boolean;
  check_dtype?: boolean;
  check_device?: boolean;
  check_layout?: boolean;
  check_stride?: boolean;
  allow_subclasses?: boolean;
  /** Replaces the generated message; a function receives the generated message and returns the one to raise. */
  msg?: string | ((generated: string) => string) | null;
}

/** torch.testing's default (rtol, atol) per dtype; exact comparison for the others. */
const DTYPE_PRECISIONS = new Map<DType, [number, number]>([
  [float32, [1.3e-6, 1e-5]],
  [float64, [1e-7, 1e-7]],
]);

/** The failure, and where in nested inputs it happened (PyTorch's ErrorMeta). */
class Mismatch {
  constructor(readonly make: (message: string) => Error, readonly message: string, readonly id: readonly (number | string)[] = []) {}
}

const assertion = (message: string) => new AssertionError_(message);

function tolerances(dtypes: readonly DType[], rtol: number | null | undefined, atol: number | null | undefined, id: readonly (number | string)[]): [number, number] {
  const noRtol = rtol === undefined || rtol === null, noAtol = atol === undefined || atol === null;
  if (noRtol !== noAtol) {
    throw new Mismatch((m) => new ValueError(m), `Both 'rtol' and 'atol' must be either specified or omitted, but got no ${noRtol ? "rtol" : "atol"}.`, id);
  }
  if (!noRtol && !noAtol) return [rtol, atol];
  const precisions = dtypes.map((d) => DTYPE_PRECISIONS.get(d) ?? [0, 0]);
  return [Math.max(...precisions.map((p) => p[0])), Math.max(...precisions.map((p) => p[1]))];
}

/** Python's repr of a number the comparison computed: an int for integer dtypes, a float otherwise. */
const numberRepr = (x: number, integral: boolean): string => (integral && Number.isFinite(x) ? String(x) : pyFloat(x));

/** Python's `{x:.1%}`: one decimal, ties to even (format rounds the exact binary value). */
function percent(x: number): string {
  const tenths = x * 1000;
  const floor = Math.floor(tenths);
  const rounded = tenths - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(tenths);
  return `${(rounded / 10).toFixed(1)}%`;
}

function mismatchMessage(identifier: string, extra: string | null, abs: string, absAt: string | null, rel: string, relAt: string | null, rtol: number, atol: number): string {
  const equality = rtol === 0 && atol === 0;
  const line = (type: string, diff: string, at: string | null, tol: number) =>
    `${at === null ? `${type[0].toUpperCase()}${type.slice(1)} difference: ${diff}` : `Greatest ${type} difference: ${diff} at index ${at}`}${equality ? "" : ` (up to ${pyFloat(tol)} allowed)`}\n`;
  let msg = `${identifier} are not ${equality ? "equal" : "close"}!\n\n`;
  if (extra) msg += `${extra.trim()}\n`;
  msg += line("absolute", abs, absAt, atol);
  msg += line("relative", rel, relAt, rtol);
  return msg.trim();
}

function scalarMismatch(actual: number, expected: number, integral: boolean, rtol: number, atol: number): string {
  const abs = Math.abs(actual - expected);
  const rel = expected === 0 ? Infinity : abs / Math.abs(expected);
  return mismatchMessage("Scalars", null, numberRepr(abs, integral), null, pyFloat(rel), null, rtol, atol);
}

/** isclose as torch computes it: equal (infinities included), both NaN with equal_nan, or within the tolerance. */
function close(a: number, b: number, rtol: number, atol: number, equalNan: boolean): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return equalNan && Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

const sizeRepr = (shape: readonly number[]) => `torch.Size([${shape.join(", ")}])`;
const indexRepr = (index: readonly number[]) => (index.length === 1 ? `(${index[0]},)` : `(${index.join(", ")})`);

function unravel(flat: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/** The first maximum, a NaN winning as torch.max propagates it. */
function argmaxWithNan(values: Float64Array): number {
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return i;
    if (values[i] > values[best]) best = i;
  }
  return best;
}

function compareTensors(actual: Tensor, expected: Tensor, o: AssertCloseOptions, id: readonly (number | string)[]): void {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((s, i) => s !== expected.shape[i])) {
    throw new Mismatch(assertion, `The values for attribute 'shape' do not match: ${sizeRepr(actual.shape)} != ${sizeRepr(expected.shape)}.`, id);
  }
  if ((o.check_dtype ?? true) && actual.dtype !== expected.dtype) {
    throw new Mismatch(assertion, `The values for attribute 'dtype' do not match: ${actual.dtype} != ${expected.dtype}.`, id);
  }
  if (o.check_stride && actual.numel() > 0 && actual.stride().some((s, i) => s !== expected.stride()[i])) {
    throw new Mismatch(assertion, `The values for attribute 'stride()' do not match: (${actual.stride().join(", ")}) != (${expected.stride().join(", ")}).`, id);
  }
  const common = actual.dtype === expected.dtype ? actual.dtype : promoteTypes(actual.dtype, expected.dtype);
  const [rtol, atol] = tolerances([actual.dtype, expected.dtype], o.rtol, o.atol, id);
  const integral = !common.is_floating_point;
  const a = Float64Array.from(actual.detach().contiguous().reshape(-1).tolist() as number[], Number);
  const b = Float64Array.from(expected.detach().contiguous().reshape(-1).tolist() as number[], Number);
  const equalNan = o.equal_nan ?? false;
  const absDiff = new Float64Array(a.length), relDiff = new Float64Array(a.length);
  let mismatches = 0;
  for (let i = 0; i < a.length; i++) {
    if (close(a[i], b[i], rtol, atol, equalNan)) continue;
    mismatches++;
    absDiff[i] = Math.abs(a[i] - b[i]);
    // Integer tensors divide in the default float dtype (torch's true division), floats in float64.
    relDiff[i] = integral ? Math.fround(absDiff[i] / Math.abs(b[i])) : absDiff[i] / Math.abs(b[i]);
  }
  if (mismatches === 0) return;
  if (actual.shape.length === 0) throw new Mismatch(assertion, scalarMismatch(a[0], b[0], integral, rtol, atol), id);
  const absAt = argmaxWithNan(absDiff), relAt = argmaxWithNan(relDiff);
  const extra = `Mismatched elements: ${mismatches} / ${a.length} (${percent(mismatches / a.length)})`;
  throw new Mismatch(
    assertion,
    mismatchMessage("Tensor-likes", extra, numberRepr(absDiff[absAt], integral), indexRepr(unravel(absAt, actual.shape)), pyFloat(relDiff[relAt]), indexRepr(unravel(relAt, actual.shape)), rtol, atol),
    id,
  );
}

/** Python's type name of an input, for "No comparison pair ..." and sequence/mapping checks. */
function pyType(x: unknown): string {
  if (x instanceof Tensor) return "<class 'torch.Tensor'>";
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (typeof x === "number") return "<class 'float'>";
  if (typeof x === "boolean") return "<class 'bool'>";
  if (typeof x === "string") return "<class 'str'>";
  if (Array.isArray(x)) return "<class 'list'>";
  if (isPlainObject(x)) return "<class 'dict'>";
  return `<class '${(x as object).constructor?.name ?? typeof x}'>`;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && [Object.prototype, null].includes(Object.getPrototypeOf(x));

const pyKeys = (keys: readonly string[]) => `[${[...keys].sort().map((k) => `'${k}'`).join(", ")}]`;
const pyBoolean = (b: boolean) => (b ? "True" : "False");
const pyNone = (x: unknown) => (x === null || x === undefined ? "None" : typeof x === "boolean" ? pyBoolean(x) : typeof x === "number" ? pyFloat(x) : String(x));

function compare(actual: unknown, expected: unknown, o: AssertCloseOptions, id: readonly (number | string)[]): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) throw new Mismatch(assertion, `The length of the sequences mismatch: ${actual.length} != ${expected.length}`, id);
    actual.forEach((item, i) => compare(item, expected[i], o, [...id, i]));
    return;
  }
  if (isPlainObject(actual) && isPlainObject(expected)) {
    const a = Object.keys(actual), e = Object.keys(expected);
    const missing = e.filter((k) => !(k in actual)), extra = a.filter((k) => !(k in expected));
    if (missing.length || extra.length) {
      throw new Mismatch(assertion, `The keys of the mappings do not match:\nMissing keys in the actual mapping: ${pyKeys(missing)}\nAdditional keys in the actual mapping: ${pyKeys(extra)}`, id);
    }
    for (const key of [...a].sort()) compare(actual[key], expected[key], o, [...id, key]);
    return;
  }
  const none = (x: unknown) => x === null || x === undefined;
  if (none(actual) || none(expected)) {
    if (none(actual) && none(expected)) return;
    throw new Mismatch(assertion, `None mismatch: ${pyNone(actual)} is not ${pyNone(expected)}`, id);
  }
  if (typeof actual === "boolean" && typeof expected === "boolean") {
    if (actual !== expected) throw new Mismatch(assertion, `Booleans mismatch: ${pyBoolean(actual)} is not ${pyBoolean(expected)}`, id);
    return;
  }
  if (typeof actual === "number" && typeof expected === "number") {
    const [rtol, atol] = tolerances([float64, float64], o.rtol, o.atol, id);
    if (close(actual, expected, rtol, atol, o.equal_nan ?? false)) return;
    throw new Mismatch(assertion, scalarMismatch(actual, expected, false, rtol, atol), id);
  }
  if (actual instanceof Tensor && expected instanceof Tensor) return compareTensors(actual, expected, o, id);
  throw new Mismatch((m) => new TypeError_(m), `No comparison pair was able to handle inputs of type ${pyType(actual)} and ${pyType(expected)}.`, id);
}

function raise(error: Mismatch, msg: AssertCloseOptions["msg"]): never {
  if (typeof msg === "string") throw error.make(msg);
  let generated = error.message;
  if (error.id.length) generated += `\n\nThe failure occurred for item ${error.id.map((k) => (typeof k === "number" ? `[${k}]` : `['${k}']`)).join("")}`;
  throw error.make(typeof msg === "function" ? msg(generated) : generated);
}

/** torch.testing.assert_close(actual, expected, { rtol, atol, equal_nan, check_dtype, msg, ... }). */
export function assert_close(actual: unknown, expected: unknown, options: AssertCloseOptions = {}): void {
  if (!isOptions(options as unknown)) throw new TypeError_("assert_close() takes 2 positional arguments; pass rtol, atol and the rest as an options object: assert_close(a, b, { rtol: 1e-4, atol: 1e-5 })");
  try {
    compare(actual, expected, options, []);
  } catch (error) {
    if (error instanceof Mismatch) raise(error, options.msg);
    throw error;
  }
}

/** The deprecated assert_allclose's defaults, looser than assert_close's. */
const ALLCLOSE_PRECISIONS = new Map<DType, [number, number]>([
  [float32, [1e-4, 1e-5]],
  [float64, [1e-5, 1e-8]],
]);

/**
 * torch.testing.assert_allclose(actual, expected, rtol?, atol?, equal_nan = true, msg = ""):
 * deprecated in PyTorch for assert_close, kept for older tutorials. A non-tensor expected value
 * becomes a tensor of actual's dtype, dtypes are not checked, and NaNs match.
 */
export function assert_allclose(actual: unknown, expected: unknown, ...rest: unknown[]): void {
  const opts = isOptions(rest.at(-1)) ? (rest.pop() as { rtol?: number; atol?: number; equal_nan?: boolean; msg?: string }) : {};
  const [rtol = opts.rtol, atol = opts.atol, equal_nan = opts.equal_nan ?? true, msg = opts.msg ?? ""] = rest as [number?, number?, boolean?, string?];
  const a = actual instanceof Tensor ? actual : creation.tensor(actual as number[]);
  const e = expected instanceof Tensor ? expected : creation.tensor(expected as number[], { dtype: a.dtype });
  let tol: [number | undefined, number | undefined] = [rtol, atol];
  if (rtol === undefined && atol === undefined) {
    const pa = ALLCLOSE_PRECISIONS.get(a.dtype) ?? [0, 0], pe = ALLCLOSE_PRECISIONS.get(e.dtype) ?? [0, 0];
    tol = [Math.max(pa[0], pe[0]), Math.max(pa[1], pe[1])];
  }
  assert_close(a, e, { rtol: tol[0], atol: tol[1], equal_nan, check_dtype: false, msg: msg || null });
}

export interface MakeTensorOptions {
  dtype: DType;
  device?: unknown;
  low?: number | null;
  high?: number | null;
  requires_grad?: boolean;
  noncontiguous?: boolean;
  exclude_zero?: boolean;
}

/**
 * torch.testing.make_tensor(...shape, { dtype, device, low, high, requires_grad, noncontiguous,
 * exclude_zero }): values uniform in [low, high) from the same random calls as PyTorch (so the same
 * seed gives the same tensor): randint for integers and bools, high * r + low * (1 - r) with
 * r = rand() for floats; default ranges [-9, 9) for floats, [-9, 10) for signed integers, [0, 10)
 * for uint8.
 */
export function make_tensor(...args: unknown[]): Tensor {
  const opts = args.at(-1);
  if (!isOptions(opts) || !("dtype" in opts)) throw new TypeError_("make_tensor() missing required keyword argument 'dtype': make_tensor(2, 3, { dtype: torch.float32, device: 'cpu' })");
  const o = opts as unknown as MakeTensorOptions;
  const dims = args.slice(0, -1);
  const shape = (dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims) as number[];
  const dtype = o.dtype;
  if (o.requires_grad && !dtype.is_floating_point) throw new ValueError("make_tensor: requires_grad must be False for integral dtype");
  const range = (lowest: number, highest: number, defaultLow: number, defaultHigh: number): [number, number] => {
    let low = o.low ?? defaultLow, high = o.high ?? defaultHigh;
    if (Number.isNaN(low) || Number.isNaN(high)) throw new ValueError("make_tensor: one of low or high was NaN!");
    if (low > high) throw new ValueError("make_tensor: low must be weakly less than high!");
    low = Math.min(Math.max(low, lowest), highest);
    high = Math.min(Math.max(high, lowest), highest);
    return dtype.is_floating_point ? [low, high] : [Math.floor(low), Math.ceil(high)];
  };
  let result: Tensor;
  if (dtype === bool) {
    result = creation.randint(0, 2, shape, { dtype });
  } else if (!dtype.is_floating_point) {
    const info = iinfo(dtype);
    const [low, high] = dtype === uint8 ? range(info.min, info.max, 0, 10) : range(info.min, info.max, -9, 10);
    result = creation.randint(low, high, shape, { dtype });
  } else {
    const info = finfo(dtype);
    const [low, high] = range(info.min, info.max, -9, 9);
    const r = creation.rand(shape, { dtype });
    result = r.mul(high).add(r.neg().add(1).mul(low));
  }
  if (o.noncontiguous && result.numel() > 1) {
    result = result.repeat_interleave(2, { dim: -1 }).index("...", "::2");
  }
  if (o.exclude_zero) {
    const replacement = dtype.is_floating_point ? finfo(dtype).tiny : 1;
    result = result.masked_fill(result.eq(0), replacement);
  }
  if (dtype.is_floating_point) result.requires_grad_(o.requires_grad ?? false);
  return result;
}

export const testing = { assert_close, assert_allclose, make_tensor, AssertionError: AssertionError_ };
