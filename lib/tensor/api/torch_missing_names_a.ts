/**
 * torch 1.13 top-level names that are thin forms of ops the engine has:
 *   - the *_copy family (alias_copy ... view_copy): the view op's result as a fresh tensor (writing to
 *     it leaves the input unchanged; the gradient flows back through the view); the sparse-only
 *     indices_copy / values_copy / *_indices_copy are refused as the other sparse names;
 *   - torch.X_(input, ...) in-place forms (acosh_ ... erfc_, conj_physical_, addmv_, resize_as_, feature_dropout_);
 *   - torch.fill, empty_strided, as_strided_scatter, constant_pad_nd and feature_dropout.
 * Spread into torch by ./index.ts.
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import type { DType } from "../dtype";
import { IndexError, NotImplementedError, RuntimeError, TypeError_ } from "../errors";
import { sizeOf } from "../size";
import * as nn from "../nn/index";
import { featureDropout } from "../nn/functional/dropout_extra";
import { default_generator } from "../random";
import { Tensor } from "../tensor";
import { as_strided } from "../ops/shape_extra";
import { empty } from "../ops/util";
import { sliceDim } from "../ops/indexing";
import { no_grad } from "../autograd/grad_mode";
import { get_default_dtype } from "../default_dtype";
import { refuseSparse } from "./alias_methods";

const F = nn.functional;

const pyType = (v: unknown): string =>
  v === null || v === undefined ? "NoneType" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "bool" : typeof v === "string" ? "str" : Array.isArray(v) ? "list" : "object";

function input(fn: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError_(`${fn}(): argument 'input' (position 1) must be Tensor, not ${pyType(x)}`);
  return x;
}

/** torch's message for missing required arguments of a native function (its plural is as torch 1.13 prints it). */
function required<O extends object>(fn: string, a: Partial<O>, names: readonly (keyof O & string)[]): void {
  const missing = names.filter((n) => a[n] === undefined);
  if (missing.length > 0) {
    throw new TypeError_(`${fn}() missing ${missing.length} required positional argument${missing.length === 1 ? "s" : ""}: ${missing.map((n) => `"${n}"`).join(", ")}`);
  }
}

/** Positional-or-keyword `names`, then keyword-only `kwOnly`; the first `req` names are required. */
function args<O extends object>(fn: string, names: readonly (keyof O & string)[], req: number, rest: readonly unknown[], kwOnly: readonly (keyof O & string)[] = []): Partial<O> {
  const positional = rest.length > 0 && isOptions(rest[rest.length - 1]) ? rest.length - 1 : rest.length;
  if (kwOnly.length > 0 && positional > names.length) {
    throw new TypeError_(`${fn}() takes ${names.length} positional argument${names.length === 1 ? "" : "s"} but ${positional} were given`);
  }
  const a = parseArgs<O>(fn, [...names, ...kwOnly], rest);
  required<O>(fn, a, names.slice(0, req));
  return a;
}

export type Size = readonly number[];
const copy = (t: Tensor): Tensor => t.clone();

/** torch.X_copy: the view op X as a fresh tensor. */
export const copyForms = {
  /** torch.alias_copy(input): a copy (alias is the identity view). */
  alias_copy: (x: Tensor, ...rest: unknown[]): Tensor => (args("alias_copy", [], 0, rest), copy(input("alias_copy", x))),
  /** torch.as_strided_copy(input, size, stride, storage_offset=None). */
  as_strided_copy: (x: Tensor, ...rest: PyArgs<[size: Size, stride: Size, storage_offset?: number | null], { size?: Size; stride?: Size; storage_offset?: number | null }>): Tensor => {
    const a = args<{ size: Size; stride: Size; storage_offset: number | null }>("as_strided_copy", ["size", "stride", "storage_offset"], 2, rest);
    return copy(as_strided(input("as_strided_copy", x), a.size as Size, a.stride as Size, a.storage_offset ?? null));
  },
  /** torch.detach_copy(input): a copy that does not require grad. */
  detach_copy: (x: Tensor, ...rest: unknown[]): Tensor => (args("detach_copy", [], 0, rest), input("detach_copy", x).detach().clone()),
  /** torch.diagonal_copy(input, offset=0, dim1=0, dim2=1). */
  diagonal_copy: (x: Tensor, ...rest: PyArgs<[offset?: number, dim1?: number, dim2?: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor => {
    const a = args<{ offset: number; dim1: number; dim2: number }>("diagonal_copy", ["offset", "dim1", "dim2"], 0, rest);
    return copy(input("diagonal_copy", x).diagonal(a.offset ?? 0, a.dim1 ?? 0, a.dim2 ?? 1));
  },
  /** torch.expand_copy(input, size, *, implicit=False). */
  expand_copy: (x: Tensor, ...rest: PyArgs<[size: Size], { size?: Size; implicit?: boolean }>): Tensor => {
    const a = args<{ size: Size; implicit: boolean }>("expand_copy", ["size"], 1, rest, ["implicit"]);
    return copy(input("expand_copy", x).expand(a.size as number[]));
  },
  /** torch.permute_copy(input, dims). */
  permute_copy: (x: Tensor, ...rest: PyArgs<[dims: Size], { dims?: Size }>): Tensor => {
    const a = args<{ dims: Size }>("permute_copy", ["dims"], 1, rest);
    return copy(input("permute_copy", x).permute(a.dims as number[]));
  },
  /** torch.select_copy(input, dim, index). */
  select_copy: (x: Tensor, ...rest: PyArgs<[dim: number, index: number], { dim?: number; index?: number }>): Tensor => {
    const a = args<{ dim: number; index: number }>("select_copy", ["dim", "index"], 2, rest);
    const t = input("select_copy", x);
    const d = (a.dim as number) < 0 ? (a.dim as number) + t.dim() : (a.dim as number);
    const n = t.shape[d];
    const index = a.index as number;
    if (n !== undefined && (index >= n || index < -n)) {
      throw new IndexError(`select(): index ${index} out of range for tensor of size [${t.shape.join(", ")}] at dimension ${d}`);
    }
    return copy(t.select(a.dim as number, index));
  },
  /** torch.slice_copy(input, dim=0, start=None, end=None, step=1). */
  slice_copy: (x: Tensor, ...rest: PyArgs<[dim?: number, start?: number | null, end?: number | null, step?: number], { dim?: number; start?: number | null; end?: number | null; step?: number }>): Tensor => {
    const a = args<{ dim: number; start: number | null; end: number | null; step: number }>("slice_copy", ["dim", "start", "end", "step"], 0, rest);
    return copy(sliceDim(input("slice_copy", x), a.dim ?? 0, a.start ?? null, a.end ?? null, a.step ?? 1));
  },
  /** torch.split_copy(input, split_size, dim=0). */
  split_copy: (x: Tensor, ...rest: PyArgs<[split_size: number, dim?: number], { split_size?: number; dim?: number }>): Tensor[] => {
    const a = args<{ split_size: number; dim: number }>("split_copy", ["split_size", "dim"], 1, rest);
    return input("split_copy", x).split(a.split_size as number, a.dim ?? 0).map(copy);
  },
  /** torch.split_with_sizes_copy(input, split_sizes, dim=0). */
  split_with_sizes_copy: (x: Tensor, ...rest: PyArgs<[split_sizes: Size, dim?: number], { split_sizes?: Size; dim?: number }>): Tensor[] => {
    const a = args<{ split_sizes: Size; dim: number }>("split_with_sizes_copy", ["split_sizes", "dim"], 1, rest);
    return input("split_with_sizes_copy", x).split(a.split_sizes as number[], a.dim ?? 0).map(copy);
  },
  /** torch.squeeze_copy(input, dim=None). */
  squeeze_copy: (x: Tensor, ...rest: PyArgs<[dim?: number | null], { dim?: number | null }>): Tensor => {
    const a = args<{ dim: number | null }>("squeeze_copy", ["dim"], 0, rest);
    const t = input("squeeze_copy", x);
    return copy(a.dim === undefined || a.dim === null ? t.squeeze() : t.squeeze(a.dim));
  },
  /** torch.t_copy(input). */
  t_copy: (x: Tensor, ...rest: unknown[]): Tensor => (args("t_copy", [], 0, rest), copy(input("t_copy", x).t())),
  /** torch.transpose_copy(input, dim0, dim1). */
  transpose_copy: (x: Tensor, ...rest: PyArgs<[dim0: number, dim1: number], { dim0?: number; dim1?: number }>): Tensor => {
    const a = args<{ dim0: number; dim1: number }>("transpose_copy", ["dim0", "dim1"], 2, rest);
    return copy(input("transpose_copy", x).transpose(a.dim0 as number, a.dim1 as number));
  },
  /** torch.unbind_copy(input, dim=0). */
  unbind_copy: (x: Tensor, ...rest: PyArgs<[dim?: number], { dim?: number }>): Tensor[] => {
    const a = args<{ dim: number }>("unbind_copy", ["dim"], 0, rest);
    return input("unbind_copy", x).unbind(a.dim ?? 0).map(copy);
  },
  /** torch.unfold_copy(input, dimension, size, step). */
  unfold_copy: (x: Tensor, ...rest: PyArgs<[dimension: number, size: number, step: number], { dimension?: number; size?: number; step?: number }>): Tensor => {
    const a = args<{ dimension: number; size: number; step: number }>("unfold_copy", ["dimension", "size", "step"], 3, rest);
    return copy(input("unfold_copy", x).unfold(a.dimension as number, a.size as number, a.step as number));
  },
  /** torch.unsqueeze_copy(input, dim). */
  unsqueeze_copy: (x: Tensor, ...rest: PyArgs<[dim: number], { dim?: number }>): Tensor => {
    const a = args<{ dim: number }>("unsqueeze_copy", ["dim"], 1, rest);
    return copy(input("unsqueeze_copy", x).unsqueeze(a.dim as number));
  },
  /** torch.view_copy(input, size) or view_copy(input, dtype). */
  view_copy: (x: Tensor, ...rest: PyArgs<[size: Size | DType], { size?: Size; dtype?: DType }>): Tensor => {
    const a = parseArgs<{ size: Size | DType; dtype: DType }>("view_copy", ["size"], rest);
    const target = a.size ?? a.dtype;
    if (target === undefined) required<{ size: Size }>("view_copy", {}, ["size"]);
    return copy(input("view_copy", x).view(target as never));
  },
  ...(Object.fromEntries(
    ["indices_copy", "values_copy", "ccol_indices_copy", "col_indices_copy", "crow_indices_copy", "row_indices_copy"].map((name) => [name, () => refuseSparse(`torch.${name}()`)]),
  ) as Record<"indices_copy" | "values_copy" | "ccol_indices_copy" | "col_indices_copy" | "crow_indices_copy" | "row_indices_copy", (...args: unknown[]) => never>),
};

const UNARY_INPLACE = ["acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asinh_", "atanh_", "erfc_"] as const;

export interface DropoutT { p?: number; train?: boolean }
function featureDropoutForm(fn: string, inplace: boolean) {
  return (x: Tensor, ...rest: PyArgs<[p: number, train: boolean], DropoutT>): Tensor => {
    const a = args<DropoutT>(fn, ["p", "train"], 2, rest);
    const t = input(fn, x);
    const p = a.p as number;
    if (!a.train || p === 0 || t.numel() === 0) return t;
    if (!(p >= 0 && p <= 1)) throw new RuntimeError(`dropout probability has to be between 0 and 1, but got ${p}`);
    if (!inplace) return featureDropout(t, p, default_generator, false);
    // The same draws as the out-of-place form (one per (sample, channel)), applied with mul_.
    const scale = p === 1 ? 0 : featureDropout(no_grad(() => t.detach().new_ones(t.shape.slice())), p, default_generator, false);
    return t.mul_(scale);
  };
}

export type FillValue = number | boolean | Tensor;

/** torch.X_(input, ...) in-place forms and the other thin forms. */
export const missingNamesA = {
  ...copyForms,
  ...(Object.fromEntries(
    UNARY_INPLACE.map((name) => [name, (x: Tensor, ...rest: unknown[]): Tensor => {
      parseArgs<object>(name, [], rest);
      return (input(name, x) as unknown as Record<string, () => Tensor>)[name]();
    }]),
  ) as Record<(typeof UNARY_INPLACE)[number], (input: Tensor) => Tensor>),
  /** torch.conj_physical_(input): real tensors are their own conjugate (input, unchanged). */
  conj_physical_: (x: Tensor, ...rest: unknown[]): Tensor => (parseArgs<object>("conj_physical_", [], rest), input("conj_physical_", x)),
  /**
   * torch.as_strided_(input, size, stride, storage_offset=None): input itself, re-strided over its storage (offset
   * kept when None). Tensors that require grad and are not leaves are refused (no autograd re-wiring here).
   */
  as_strided_: (x: Tensor, ...rest: PyArgs<[size: Size, stride: Size, storage_offset?: number | null], { size?: Size; stride?: Size; storage_offset?: number | null }>): Tensor => {
    const a = args<{ size: Size; stride: Size; storage_offset: number | null }>("as_strided_", ["size", "stride", "storage_offset"], 2, rest);
    const t = input("as_strided_", x);
    const size = a.size as Size;
    const stride = a.stride as Size;
    const offset = a.storage_offset ?? t._offset;
    if (size.length !== stride.length) throw new RuntimeError("mismatch in length of strides and shape");
    if (size.some((v) => v < 0) || stride.some((v) => v < 0)) throw new RuntimeError("as_strided: Negative strides and sizes are not supported");
    const need = size.some((v) => v === 0) ? 0 : offset + 1 + size.reduce((acc, v, i) => acc + (v - 1) * stride[i], 0);
    if (need > t._data.length) {
      const b = t.dtype.itemsize;
      throw new RuntimeError(`setStorage: sizes [${size.join(", ")}], strides [${stride.join(", ")}], storage offset ${offset}, and itemsize ${b} requiring a storage size of ${need * b} are out of bounds for storage of size ${t._data.length * b}`);
    }
    if (t.requires_grad && !t.is_leaf) throw new NotImplementedError("as_strided_(): re-striding a tensor that is part of an autograd graph is not supported here; use torch.as_strided(input, ...) (a view) instead");
    t._bump("as_strided_");
    const self = t as unknown as { _shape: readonly number[]; _strides: readonly number[]; _offset: number };
    self._shape = sizeOf(size);
    self._strides = Object.freeze(size.map((_, i) => stride[i]));
    self._offset = offset;
    return t;
  },
  /** torch.addmv_(input, mat, vec, *, beta=1, alpha=1). */
  addmv_: (x: Tensor, mat: Tensor, vec: Tensor, opts?: { beta?: number; alpha?: number }): Tensor => input("addmv_", x).addmv_(mat, vec, ...(opts === undefined ? [] : [opts]) as []),
  /** torch.resize_as_(input, the_template, *, memory_format=None). */
  resize_as_: (x: Tensor, ...rest: PyArgs<[the_template: Tensor], { the_template?: Tensor; memory_format?: unknown }>): Tensor => {
    const a = args<{ the_template: Tensor; memory_format: unknown }>("resize_as_", ["the_template"], 1, rest, ["memory_format"]);
    return input("resize_as_", x).resize_as_(a.the_template as Tensor);
  },
  /** torch.feature_dropout(input, p, train): whole channels (dim 1) zeroed, the rest scaled by 1 / (1 - p). */
  feature_dropout: featureDropoutForm("feature_dropout", false),
  feature_dropout_: featureDropoutForm("feature_dropout_", true),
  /** torch.fill(input, value): a new tensor of input's shape and dtype filled with value (zero gradient to input). */
  fill: (x: Tensor, ...rest: PyArgs<[value: FillValue], { value?: FillValue }>): Tensor => {
    const a = args<{ value: FillValue }>("fill", ["value"], 1, rest);
    return input("fill", x).clone().fill_(a.value as number);
  },
  /** torch.empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False). */
  empty_strided: (...rest: PyArgs<[size: Size, stride: Size], { size?: Size; stride?: Size; dtype?: DType | null; layout?: unknown; device?: unknown; requires_grad?: boolean; pin_memory?: boolean }>): Tensor => {
    type O = { size: Size; stride: Size; dtype: DType | null; layout: unknown; device: unknown; requires_grad: boolean; pin_memory: boolean };
    const a = args<O>("empty_strided", ["size", "stride"], 2, rest, ["dtype", "layout", "device", "requires_grad", "pin_memory"]);
    const size = a.size as Size;
    const stride = a.stride as Size;
    if (size.length !== stride.length) throw new RuntimeError(`dimensionality of sizes (${size.length}) must match dimensionality of strides (${stride.length})`);
    if (size.some((s) => s < 0)) throw new RuntimeError(`Trying to create tensor with negative dimension ${size.find((s) => s < 0)}: [${size.join(", ")}]`);
    const storage = size.some((s) => s === 0) ? 0 : 1 + size.reduce((acc, s, i) => acc + (s - 1) * stride[i], 0);
    const base = empty([storage], a.dtype ?? get_default_dtype());
    const out = new Tensor(base._data, size, base.dtype, stride, 0);
    return a.requires_grad ? out.requires_grad_(true) : out;
  },
  /** torch.as_strided_scatter(input, src, size, stride, storage_offset=None): a copy of input with input.as_strided(...) = src. */
  as_strided_scatter: (x: Tensor, src: Tensor, ...rest: PyArgs<[size: Size, stride: Size, storage_offset?: number | null], { size?: Size; stride?: Size; storage_offset?: number | null }>): Tensor => {
    const a = args<{ size: Size; stride: Size; storage_offset: number | null }>("as_strided_scatter", ["size", "stride", "storage_offset"], 2, rest);
    const out = input("as_strided_scatter", x).clone();
    const target = as_strided(out, a.size as Size, a.stride as Size, a.storage_offset ?? null);
    if (target.shape.join() !== src.shape.join()) {
      throw new RuntimeError(`expected src to have a size equal to the slice of self. src size = [${src.shape.join(", ")}], slice size = [${target.shape.join(", ")}]`);
    }
    target.copy_(src);
    return out;
  },
  /** torch.constant_pad_nd(input, pad, value=0): F.pad(input, pad, "constant", value). */
  constant_pad_nd: (x: Tensor, ...rest: PyArgs<[pad: Size, value?: number], { pad?: Size; value?: number }>): Tensor => {
    const a = args<{ pad: Size; value: number }>("constant_pad_nd", ["pad", "value"], 1, rest);
    const t = input("constant_pad_nd", x);
    const pad = a.pad as Size;
    if (pad.length % 2 !== 0) throw new RuntimeError(`Length of pad must be even but instead it equals ${pad.length}`);
    if (pad.length / 2 > t.dim()) {
      throw new RuntimeError(`Length of pad should be no more than twice the number of dimensions of the input. Pad length is ${pad.length}while the input has ${t.dim()}dimensions.`);
    }
    return F.pad(t, pad as number[], "constant", a.value ?? 0);
  },
};
