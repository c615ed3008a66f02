/**
 * Pooling: F.max_pool1d/2d (return_indices gives [output, indices]), F.avg_pool1d/2d,
 * F.adaptive_avg_pool1d/2d, F.adaptive_max_pool1d/2d. PyTorch's positional order; stride
 * defaults to kernel_size.
 */
import { parseArgs, type PyArgs } from "../../args";
import { RuntimeError, TypeError_, ValueError } from "../../errors";
import { is_grad_enabled } from "../../autograd/grad_mode";
import { adaptiveAvgPool, adaptiveMaxPool, avgPool, checkPoolDtype, maxPool, poolOutSize, wrongPoolRank, type PoolParams } from "../../ops/pool";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { checkTensor } from "./_util";
import { ntuple, type Size } from "./conv";

export interface MaxPoolOptions {
  kernel_size?: Size;
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceil_mode?: boolean;
  return_indices?: boolean;
}

type MaxPoolPositional = [kernel_size?: Size, stride?: Size | null, padding?: Size, dilation?: Size, ceil_mode?: boolean, return_indices?: boolean];
type MaxPoolWithIndices = MaxPoolOptions & { return_indices: true };
type PositionalValue = Size | boolean | null | undefined;
const MAXPOOL_NAMES = ["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"] as const;

/** stride=None (or an empty tuple) means stride = kernel_size. */
function strideOr(fn: string, stride: Size | null | undefined, kernel: number[], r: number): number[] {
  if (stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0)) return kernel.slice();
  return ntuple(fn, "stride", stride, r);
}

function required<T>(fn: string, name: string, v: T | undefined): T {
  if (v === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: '${name}'`);
  return v;
}

function maxPoolN(fn: string, rank: number, input: Tensor, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  checkTensor(input, fn);
  const a = parseArgs<MaxPoolOptions>(fn, MAXPOOL_NAMES, args);
  // torch's max_pool1d runs its own kernel, with return_indices max_pool2d's: they name it when refusing a dtype
  checkPoolDtype(fn === "max_pool1d" && a.return_indices ? "max_pool2d" : fn, input);
  // with return_indices torch runs max_pool1d_with_indices, whose rank check has its own text
  if (fn === "max_pool1d" && a.return_indices && input.dim() !== 2 && input.dim() !== 3) throw wrongPoolRank("max_pool1d_with_indices", input, 1);
  const kernel = ntuple(fn, "kernel_size", required(fn, "kernel_size", a.kernel_size), rank);
  const params = {
    kernel,
    stride: strideOr(fn, a.stride, kernel, rank),
    padding: ntuple(fn, "padding", a.padding ?? 0, rank),
    dilation: ntuple(fn, "dilation", a.dilation ?? 1, rank),
    ceil_mode: a.ceil_mode ?? false,
  };
  if (fn === "max_pool1d" && !a.return_indices && !(input.requires_grad && is_grad_enabled())) {
    checkMaxPool1d(input, params);
    const empty = emptyMaxPool1d(input, params);
    if (empty) return empty;
  }
  const res = maxPool(fn, input, rank, params);
  return a.return_indices ? res : res[0];
}

/**
 * torch 1.13's max_pool1d fast path (no gradient or indices wanted) checks its arguments itself (check_max_pool1d),
 * with messages of its own ("max_pool1d() padding must be non-negative, but got -1"); it allows an empty output but
 * not a negative one. The other paths run max_pool2d's checks (ops/pool.ts's checkPoolArgs).
 */
function checkMaxPool1d(input: Tensor, p: PoolParams): void {
  if (input.dim() !== 2 && input.dim() !== 3) throw wrongPoolRank("max_pool1d", input, 1);
  const [k, s, pad, d] = [p.kernel[0], p.stride[0], p.padding[0], p.dilation[0]];
  if (!(k > 0)) throw new RuntimeError(`max_pool1d() kernel_size must be greater than zero, but got ${k}`);
  if (!(s > 0)) throw new RuntimeError(`max_pool1d() stride must be greater than zero, but got ${s}`);
  if (pad < 0) throw new RuntimeError(`max_pool1d() padding must be non-negative, but got ${pad}`);
  if (pad > Math.trunc(k / 2)) throw new RuntimeError(`max_pool1d() padding should be at most half of kernel size, but got padding=${pad} and kernel_size=${k}`);
  if (!(d > 0)) throw new RuntimeError(`max_pool1d() dilation must be greater than zero, but got ${d}`);
  const out = poolOutSize(input.shape[input.dim() - 1], k, pad, s, d, p.ceil_mode);
  if (out < 0) throw new RuntimeError(`max_pool1d() Invalid computed output size: ${out}`);
}

/**
 * torch 1.13's max_pool1d has a fast path, taken when no gradient or indices are wanted, that returns
 * an empty result where the window does not fit (kernel longer than the padded input); every other
 * path raises "Output size is too small". A learner's no-grad evaluation sees the empty tensor there.
 */
function emptyMaxPool1d(input: Tensor, p: PoolParams): Tensor | null {
  if (input.requires_grad && is_grad_enabled()) return null;
  if (input.dim() !== 2 && input.dim() !== 3) return null;
  const length = input.shape[input.dim() - 1];
  if (length === 0 || p.kernel[0] <= 0 || p.stride[0] <= 0 || p.dilation[0] <= 0) return null;
  if (p.padding[0] < 0 || p.padding[0] > Math.floor(p.kernel[0] / 2)) return null;
  if (poolOutSize(length, p.kernel[0], p.padding[0], p.stride[0], p.dilation[0], p.ceil_mode) >= 1) return null;
  return empty([...input.shape.slice(0, -1), 0], input.dtype);
}

/**
 * F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False).
 * With return_indices: [output, indices], indices flat within each input plane (for max_unpool2d).
 */
export function max_pool2d(input: Tensor, ...args: [...PositionalValue[], MaxPoolWithIndices]): [Tensor, Tensor];
export function max_pool2d(input: Tensor, ...args: PyArgs<MaxPoolPositional, MaxPoolOptions>): Tensor;
export function max_pool2d(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return maxPoolN("max_pool2d", 2, input, args);
}

/** F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False) */
export function max_pool1d(input: Tensor, ...args: [...PositionalValue[], MaxPoolWithIndices]): [Tensor, Tensor];
export function max_pool1d(input: Tensor, ...args: PyArgs<MaxPoolPositional, MaxPoolOptions>): Tensor;
export function max_pool1d(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return maxPoolN("max_pool1d", 1, input, args);
}

/** F.max_pool2d_with_indices: always [output, indices]. */
export function max_pool2d_with_indices(input: Tensor, ...args: PyArgs<MaxPoolPositional, MaxPoolOptions>): [Tensor, Tensor] {
  const a = parseArgs<MaxPoolOptions>("max_pool2d_with_indices", MAXPOOL_NAMES, args);
  return maxPoolN("max_pool2d_with_indices", 2, input, [{ ...a, return_indices: true }]) as [Tensor, Tensor];
}

/** F.max_pool1d_with_indices: always [output, indices]. */
export function max_pool1d_with_indices(input: Tensor, ...args: PyArgs<MaxPoolPositional, MaxPoolOptions>): [Tensor, Tensor] {
  const a = parseArgs<MaxPoolOptions>("max_pool1d_with_indices", MAXPOOL_NAMES, args);
  return maxPoolN("max_pool1d_with_indices", 1, input, [{ ...a, return_indices: true }]) as [Tensor, Tensor];
}

export interface AvgPoolOptions {
  kernel_size?: Size;
  stride?: Size | null;
  padding?: Size;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

function avgPoolN(fn: string, rank: number, input: Tensor, a: Partial<AvgPoolOptions>): Tensor {
  checkTensor(input, fn);
  const kernel = ntuple(fn, "kernel_size", required(fn, "kernel_size", a.kernel_size), rank);
  return avgPool(fn, input, rank, {
    kernel,
    stride: strideOr(fn, a.stride, kernel, rank),
    padding: ntuple(fn, "padding", a.padding ?? 0, rank),
    dilation: new Array<number>(rank).fill(1),
    ceil_mode: a.ceil_mode ?? false,
    count_include_pad: a.count_include_pad ?? true,
    divisor_override: a.divisor_override ?? null,
  });
}

/** F.avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None) */
export function avg_pool2d(
  input: Tensor,
  ...args: PyArgs<
    [kernel_size?: Size, stride?: Size | null, padding?: Size, ceil_mode?: boolean, count_include_pad?: boolean, divisor_override?: number | null],
    AvgPoolOptions
  >
): Tensor {
  const a = parseArgs<AvgPoolOptions>("avg_pool2d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"], args);
  return avgPoolN("avg_pool2d", 2, input, a);
}

export type AvgPool1dOptions = Omit<AvgPoolOptions, "divisor_override">;

/** F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True) */
export function avg_pool1d(
  input: Tensor,
  ...args: PyArgs<[kernel_size?: Size, stride?: Size | null, padding?: Size, ceil_mode?: boolean, count_include_pad?: boolean], AvgPool1dOptions>
): Tensor {
  const a = parseArgs<AvgPool1dOptions>("avg_pool1d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"], args);
  return avgPoolN("avg_pool1d", 1, input, a);
}

/** An output size: an int, or a tuple whose null entries keep the input's size. */
export type AdaptiveSize = number | null | readonly (number | null)[];

function adaptiveSize(fn: string, v: AdaptiveSize | undefined, r: number): (number | null)[] {
  const s = required(fn, "output_size", v);
  if (s === null) return new Array<number | null>(r).fill(null);
  if (typeof s === "number") return new Array<number>(r).fill(s);
  if (Array.isArray(s) && (s.length === r || s.length === 1)) return s.length === r ? s.slice() : new Array<number | null>(r).fill(s[0] as number | null);
  throw new TypeError_(`${fn}(): argument 'output_size' must be an int or a tuple of ${r} ints (or None)`);
}

export interface AdaptiveOptions {
  output_size?: AdaptiveSize;
  return_indices?: boolean;
}

/** F.adaptive_avg_pool2d(input, output_size): output_size int, [h, w], with null keeping that input size. */
export function adaptive_avg_pool2d(input: Tensor, ...args: PyArgs<[output_size?: AdaptiveSize], { output_size?: AdaptiveSize }>): Tensor {
  const fn = "adaptive_avg_pool2d";
  checkTensor(input, fn);
  const a = parseArgs<{ output_size?: AdaptiveSize }>(fn, ["output_size"], args);
  const out = a.output_size;
  if (Array.isArray(out)) {
    // torch 1.13's Python side (_list_with_default) wants more input dims than output entries; C++ then two entries
    if (input.dim() <= out.length) throw new ValueError(`Input dimension should be at least ${out.length + 1}`);
    if (out.length !== 2) throw new RuntimeError(`${fn}: output_size must be 2`);
  }
  return adaptiveAvgPool(fn, input, 2, adaptiveSize(fn, out, 2));
}

/** F.adaptive_avg_pool1d(input, output_size) */
export function adaptive_avg_pool1d(input: Tensor, ...args: PyArgs<[output_size?: AdaptiveSize], { output_size?: AdaptiveSize }>): Tensor {
  const fn = "adaptive_avg_pool1d";
  checkTensor(input, fn);
  const a = parseArgs<{ output_size?: AdaptiveSize }>(fn, ["output_size"], args);
  return adaptiveAvgPool(fn, input, 1, adaptiveSize(fn, a.output_size, 1));
}

type AdaptiveMaxWithIndices = AdaptiveOptions & { return_indices: true };

function adaptiveMaxN(fn: string, rank: number, input: Tensor, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  checkTensor(input, fn);
  const a = parseArgs<AdaptiveOptions>(fn, ["output_size", "return_indices"], args);
  const res = adaptiveMaxPool(fn, input, rank, adaptiveSize(fn, a.output_size, rank));
  return a.return_indices ? res : res[0];
}

/** F.adaptive_max_pool2d(input, output_size, return_indices=False) */
export function adaptive_max_pool2d(input: Tensor, ...args: [...(AdaptiveSize | boolean | undefined)[], AdaptiveMaxWithIndices]): [Tensor, Tensor];
export function adaptive_max_pool2d(input: Tensor, ...args: PyArgs<[output_size?: AdaptiveSize, return_indices?: boolean], AdaptiveOptions>): Tensor;
export function adaptive_max_pool2d(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return adaptiveMaxN("adaptive_max_pool2d", 2, input, args);
}

/** F.adaptive_max_pool1d(input, output_size, return_indices=False) */
export function adaptive_max_pool1d(input: Tensor, ...args: [...(AdaptiveSize | boolean | undefined)[], AdaptiveMaxWithIndices]): [Tensor, Tensor];
export function adaptive_max_pool1d(input: Tensor, ...args: PyArgs<[output_size?: AdaptiveSize, return_indices?: boolean], AdaptiveOptions>): Tensor;
export function adaptive_max_pool1d(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return adaptiveMaxN("adaptive_max_pool1d", 1, input, args);
}
