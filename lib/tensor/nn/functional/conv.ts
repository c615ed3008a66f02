/**
 * F.conv1d, F.conv2d, F.conv_transpose1d, F.conv_transpose2d, F.unfold and F.fold:
 * PyTorch's positional order, keywords in a trailing options object. Sizes are an int or a
 * tuple (`stride: 2` or `stride: [2, 1]`); conv padding may also be "same" or "valid".
 * Dtypes as torch's CPU kernels: float32 / float64, and int64 and uint8 (wrapping) too, except
 * where torch has no kernel (ops/conv_dtypes.ts says which, with torch's messages).
 */
import { isOptions, parseArgs, type PyArgs } from "../../args";
import { RuntimeError, TypeError_ } from "../../errors";
import { convolution, convTranspose, fold as foldOp, unfold as unfoldOp, type ConvParams } from "../../ops/conv";
import type { Tensor } from "../../tensor";
import { pyTypeName } from "../../py_type_name";
import { warnOnce } from "../../warnings";
import { checkTensor } from "./_util";

/** An int, or one int per spatial dim. */
export type Size = number | readonly number[];
export type ConvPadding = Size | "same" | "valid";

/** Expands an int to n copies and checks a tuple's length (PyTorch's _single/_pair). */
export function ntuple(fn: string, name: string, v: unknown, n: number): number[] {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new TypeError_(`${fn}(): argument '${name}' must be an int or a tuple of ${n} ints, not ${v}`);
    return new Array<number>(n).fill(v);
  }
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x))) {
    if (v.length === n) return (v as number[]).slice();
    if (v.length === 1) return new Array<number>(n).fill(v[0] as number);
    throw new RuntimeError(`expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=[${v.join(", ")}]`);
  }
  throw new TypeError_(`${fn}(): argument '${name}' must be an int or a tuple of ${n} ints, not ${v === null ? "None" : typeof v}`);
}

/**
 * torch's parsing of a plain `int[]` argument (a function without overloads, as F.conv_transpose2d): an int or a list
 * of ints goes on to ntuple; anything else (a string, a float, None, a list holding a float) is a TypeError naming
 * the argument and the Python type, as `conv_transpose2d(): argument 'padding' must be tuple of ints, not str`.
 */
export function intTupleArg(fn: string, name: string, v: unknown, n: number): number[] {
  const ok = (typeof v === "number" && Number.isInteger(v)) || (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x)));
  if (!ok) throw new TypeError_(`${fn}(): argument '${name}' must be tuple of ints, not ${pyTypeName(v)}`);
  return ntuple(fn, name, v, n);
}

export interface ConvOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
}

type ConvPositional = [bias?: Tensor | null, stride?: Size, padding?: ConvPadding, dilation?: Size, groups?: number];
const CONV_NAMES = ["bias", "stride", "padding", "dilation", "groups"] as const;

const isInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);
const isInts = (v: unknown): boolean => isInt(v) || (Array.isArray(v) && v.every(isInt));
const CONV_ARG_OK: Record<(typeof CONV_NAMES)[number], (v: unknown) => boolean> = {
  bias: (v) => v === null || v === undefined || (typeof v === "object" && typeof (v as { dim?: unknown }).dim === "function"),
  stride: isInts,
  padding: (v) => isInts(v) || typeof v === "string",
  dilation: isInts,
  groups: isInt,
};

/**
 * torch 1.13's argument parser for F.conv1d / conv2d / conv3d (two overloads: padding as int[] or as str): a value of
 * another type anywhere (padding=1.5, stride='a', padding=None, groups=1.5) is "received an invalid combination of
 * arguments", listing what was passed (positional types, then keyword=type) and both signatures.
 */
export function checkConvArgTypes(fn: string, args: readonly unknown[]): void {
  const hasOpts = args.length > 0 && isOptions(args[args.length - 1]);
  const positional = hasOpts ? args.slice(0, -1) : args;
  const opts = hasOpts ? (args[args.length - 1] as Record<string, unknown>) : {};
  const bad = positional.some((v, i) => v !== undefined && i < CONV_NAMES.length && !CONV_ARG_OK[CONV_NAMES[i]](v)) ||
    Object.entries(opts).some(([k, v]) => k in CONV_ARG_OK && v !== undefined && !CONV_ARG_OK[k as (typeof CONV_NAMES)[number]](v));
  if (!bad) return;
  const got = ["Tensor", "Tensor", ...positional.map(pyTypeName), ...Object.entries(opts).map(([k, v]) => `${k}=${pyTypeName(v)}`)];
  const sig = (padding: string) => `\n * (Tensor input, Tensor weight, Tensor bias, tuple of ints stride, ${padding} padding, tuple of ints dilation, int groups)`;
  throw new TypeError_(`${fn}() received an invalid combination of arguments - got (${got.join(", ")}), but expected one of:${sig("tuple of ints")}${sig("str")}\n`);
}

/** Resolves padding (int, tuple, "same", "valid") into before/after amounts. */
export function convPadding(fn: string, padding: ConvPadding | undefined, k: readonly number[], stride: number[], dilation: number[]): [number[], number[]] {
  const r = k.length;
  if (padding === undefined || padding === "valid") return [new Array<number>(r).fill(0), new Array<number>(r).fill(0)];
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
    const total = k.map((kk, i) => dilation[i] * (kk - 1));
    const before = total.map((t) => Math.floor(t / 2));
    // torch 1.13's TORCH_WARN_ONCE when the padding is lopsided (an even kernel at an odd dilation)
    if (total.some((t) => t % 2 === 1)) warnOnce("UserWarning: Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of the input be created");
    return [before, total.map((t, i) => t - before[i])];
  }
  if (typeof padding === "string") {
    // F.conv*d's words (the nn.Conv*d constructor raises its own ValueError before a forward gets here)
    throw new RuntimeError(`Invalid padding string: '${String(padding)}'`);
  }
  const p = ntuple(fn, "padding", padding, r);
  return [p, p.slice()];
}

/**
 * torch's errors for a weight whose rank is not the function's (F.conv2d with a [C_out, k, k] weight), in torch's
 * order: the input's rank (batchify), a weight of fewer than three dims, then stride / padding / dilation as Python
 * hands them on (an int as `rank` copies, a list as given) against the weight's weight.dim() - 2 spatial dims (a
 * one-element list expands), then the batched input's rank against the weight's. padding="same" checks the ranks
 * first, with torch's other spacing. Does nothing for a weight of rank + 2 dims.
 */
export function checkConvWeightRank(fn: string, rank: number, input: Tensor, weight: Tensor, a: { stride?: Size; padding?: ConvPadding; dilation?: Size }): void {
  const wd = weight.dim();
  if (wd === rank + 2) return;
  const d = input.dim();
  if (d !== rank + 1 && d !== rank + 2) {
    throw new RuntimeError(`Expected ${rank + 1}D (unbatched) or ${rank + 2}D (batched) input to ${fn}, but got input of size: [${input.shape.join(", ")}]`);
  }
  if (wd < 3) throw new RuntimeError("weight should have at least three dimensions");
  const shape = d === rank + 1 ? [1, ...input.shape] : [...input.shape];
  const mismatch = (sep: string) =>
    new RuntimeError(`Expected ${wd}-dimensional input for ${wd}-dimensional weight${sep}[${weight.shape.join(", ")}], but got ${shape.length}-dimensional input of size [${shape.join(", ")}] instead`);
  if (a.padding === "same") throw mismatch("");
  const n = wd - 2;
  const params: [string, unknown, number][] = [["stride", a.stride, 1], ["padding", a.padding === "valid" ? 0 : a.padding, 0], ["dilation", a.dilation, 1]];
  for (const [name, v, dflt] of params) {
    const list = Array.isArray(v) ? (v as number[]) : new Array<number>(rank).fill(typeof v === "number" ? v : dflt);
    if (list.length !== 1 && list.length !== n) {
      throw new RuntimeError(`expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=[${list.join(", ")}]`);
    }
  }
  throw mismatch(" ");
}

function convN(fn: string, rank: number, input: Tensor, weight: Tensor, args: readonly unknown[]): Tensor {
  checkTensor(input, fn);
  checkTensor(weight, fn, "weight");
  const a = parseArgs<ConvOptions>(fn, CONV_NAMES, args);
  checkConvArgTypes(fn, args);
  checkConvWeightRank(fn, rank, input, weight, a);
  const bias = a.bias ?? null;
  if (bias !== null) checkTensor(bias, fn, "bias");
  const stride = ntuple(fn, "stride", a.stride ?? 1, rank);
  const dilation = ntuple(fn, "dilation", a.dilation ?? 1, rank);
  const k = weight.shape.slice(2);
  if (k.length !== rank) {
    throw new RuntimeError(`${fn}: expected weight to be ${rank + 2}-dimensional, but got weight of size [${weight.shape.join(", ")}]`);
  }
  const [padBefore, padAfter] = convPadding(fn, a.padding, k, stride, dilation);
  const p: ConvParams = { stride, padBefore, padAfter, dilation, groups: a.groups ?? 1 };
  return convolution(fn, input, weight, bias, rank, p);
}

/** F.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1): input [N, C, L] or [C, L]. */
export function conv1d(input: Tensor, weight: Tensor, ...args: PyArgs<ConvPositional, ConvOptions>): Tensor {
  return convN("conv1d", 1, input, weight, args);
}

/** F.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1): input [N, C, H, W] or [C, H, W]. */
export function conv2d(input: Tensor, weight: Tensor, ...args: PyArgs<ConvPositional, ConvOptions>): Tensor {
  return convN("conv2d", 2, input, weight, args);
}

export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: Size;
  output_padding?: Size;
  groups?: number;
  dilation?: Size;
}

type ConvTransposePositional = [bias?: Tensor | null, stride?: Size, padding?: Size, output_padding?: Size, groups?: number, dilation?: Size];
const CONVT_NAMES = ["bias", "stride", "padding", "output_padding", "groups", "dilation"] as const;

function convTransposeN(fn: string, rank: number, input: Tensor, weight: Tensor, args: readonly unknown[]): Tensor {
  checkTensor(input, fn);
  checkTensor(weight, fn, "weight");
  const a = parseArgs<ConvTransposeOptions>(fn, CONVT_NAMES, args);
  const bias = a.bias ?? null;
  if (bias !== null) checkTensor(bias, fn, "bias");
  // torch's int[] arguments: padding='same', a float or an explicit None is a TypeError (undefined is the default)
  const arg = (name: "stride" | "padding" | "dilation" | "output_padding", dflt: number) => intTupleArg(fn, name, a[name] === undefined ? dflt : a[name], rank);
  const padding = arg("padding", 0);
  return convTranspose(fn, input, weight, bias, rank, {
    stride: arg("stride", 1),
    padBefore: padding,
    padAfter: padding,
    dilation: arg("dilation", 1),
    groups: a.groups ?? 1,
    outputPadding: arg("output_padding", 0),
  });
}

/** F.conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1) */
export function conv_transpose1d(input: Tensor, weight: Tensor, ...args: PyArgs<ConvTransposePositional, ConvTransposeOptions>): Tensor {
  return convTransposeN("conv_transpose1d", 1, input, weight, args);
}

/** F.conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1) */
export function conv_transpose2d(input: Tensor, weight: Tensor, ...args: PyArgs<ConvTransposePositional, ConvTransposeOptions>): Tensor {
  return convTransposeN("conv_transpose2d", 2, input, weight, args);
}

export interface UnfoldOptions {
  kernel_size?: Size;
  dilation?: Size;
  padding?: Size;
  stride?: Size;
}

/** F.unfold(input, kernel_size, dilation=1, padding=0, stride=1): sliding blocks [N, C*kh*kw, L]. */
export function unfold(input: Tensor, ...args: PyArgs<[kernel_size?: Size, dilation?: Size, padding?: Size, stride?: Size], UnfoldOptions>): Tensor {
  const fn = "unfold";
  checkTensor(input, fn);
  const a = parseArgs<UnfoldOptions>(fn, ["kernel_size", "dilation", "padding", "stride"], args);
  if (a.kernel_size === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'kernel_size'`);
  return unfoldOp(input, {
    kernel: ntuple(fn, "kernel_size", a.kernel_size, 2),
    dilation: ntuple(fn, "dilation", a.dilation ?? 1, 2),
    padding: ntuple(fn, "padding", a.padding ?? 0, 2),
    stride: ntuple(fn, "stride", a.stride ?? 1, 2),
  });
}

export interface FoldOptions extends UnfoldOptions {
  output_size?: Size;
}

/** F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1): sums sliding blocks into [N, C, H, W]. */
export function fold(
  input: Tensor,
  ...args: PyArgs<[output_size?: Size, kernel_size?: Size, dilation?: Size, padding?: Size, stride?: Size], FoldOptions>
): Tensor {
  const fn = "fold";
  checkTensor(input, fn);
  const a = parseArgs<FoldOptions>(fn, ["output_size", "kernel_size", "dilation", "padding", "stride"], args);
  if (a.output_size === undefined) throw new TypeError_(`${fn}() missing 2 required positional arguments: 'output_size' and 'kernel_size'`);
  if (a.kernel_size === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'kernel_size'`);
  return foldOp(input, ntuple(fn, "output_size", a.output_size, 2), {
    kernel: ntuple(fn, "kernel_size", a.kernel_size, 2),
    dilation: ntuple(fn, "dilation", a.dilation ?? 1, 2),
    padding: ntuple(fn, "padding", a.padding ?? 0, 2),
    stride: ntuple(fn, "stride", a.stride ?? 1, 2),
  });
}
