/**
 * Tensor methods PyTorch 1.13 has under a second name or only as an in-place form, each a
 * delegation (installed on Tensor.prototype by installAliasMethods, which ./index.ts
 * calls; a method the class already defines wins): divide / multiply / subtract / greater_ /
 * greater_equal / less_ / less_equal / not_equal (and _ forms), ndimension, swapaxes_ /
 * swapdims_, the in-place addbmm_ / addmv_ / addr_ / baddbmm_ / cumprod_ / copysign_ /
 * heaviside_ / float_power_ / erfc_ / asinh_ / acosh_ / atanh_ / arc*_ (through inplace.apply_,
 * so autograd records them like every in-place op), nextafter(_), the device and layout
 * questions of a CPU strided tensor (is_cpu, get_device() = -1, is_sparse / is_quantized /
 * is_meta = false), is_signed, is_same_size, legacy new(...), new_empty_strided, resize_ / resize_as_.
 */
import { checkKeywords, isOptions, parseArgs, parseArgsRequired, type PyArgs } from "../args";
import { allocStorage, bool, cppTypeName, float64, uint8, type DType } from "../dtype";
import { NotImplementedError, RuntimeError, TypeError_ } from "../errors";
import { chunk, split } from "../ops/indexing";
import { applyOp } from "../ops/inplace_extra";
import { nextafter } from "../ops/nextafter";
import type { Tensor, TensorLike } from "../tensor";
import { isSparseGrad } from "../autograd/sparse_grad";
import { denseToCsr, denseToSparse, hspmm, smm, sparse, sparse_coo_tensor, sparse_csr_tensor, spmm, type SparseCooTensor, type SparseCsrTensor } from "../sparse/index";
import { requiredShape } from "../shape";
import { Size, sizeOf } from "../size";

type M<K extends keyof Tensor> = Tensor[K];

export interface TensorAliasMethods {
  divide: M<"div">;
  divide_: M<"div_">;
  multiply: M<"mul">;
  multiply_: M<"mul_">;
  subtract: M<"sub">;
  subtract_: M<"sub_">;
  greater_: M<"gt_">;
  greater_equal: M<"ge">;
  greater_equal_: M<"ge_">;
  less_: M<"lt_">;
  less_equal: M<"le">;
  less_equal_: M<"le_">;
  not_equal: M<"ne">;
  not_equal_: M<"ne_">;
  /** dim(), under its old name. */
  ndimension(): number;
  swapaxes_(dim0: number, dim1: number): Tensor;
  swapdims_(dim0: number, dim1: number): Tensor;
  addbmm_(...args: Parameters<M<"addbmm">>): Tensor;
  addmv_(...args: Parameters<M<"addmv">>): Tensor;
  addr_(...args: Parameters<M<"addr">>): Tensor;
  baddbmm_(...args: Parameters<M<"baddbmm">>): Tensor;
  cumprod_(...args: Parameters<M<"cumprod">>): Tensor;
  copysign_(other: TensorLike): Tensor;
  heaviside_(values: Tensor): Tensor;
  /** In place; PyTorch requires self to be float64 (the result's dtype). */
  float_power_(exponent: TensorLike): Tensor;
  erfc_(): Tensor;
  asinh_(): Tensor;
  acosh_(): Tensor;
  atanh_(): Tensor;
  arcsinh_(): Tensor;
  arccosh_(): Tensor;
  arctanh_(): Tensor;
  arccos_(): Tensor;
  arcsin_(): Tensor;
  arctan_(): Tensor;
  arctan2_(other: Tensor): Tensor;
  nextafter(other: TensorLike): Tensor;
  nextafter_(other: TensorLike): Tensor;
  /** Always true: the engine's tensors live in CPU memory. */
  readonly is_cpu: boolean;
  readonly is_sparse: boolean;
  readonly is_quantized: boolean;
  readonly is_meta: boolean;
  /**
   * Changes the shape in place (resize_(2, 3) or resize_([2, 3])): the tensor becomes contiguous over
   * its storage from its offset, PyTorch's memory-order reinterpretation; a larger size grows the
   * storage (new elements are 0 here, uninitialised in PyTorch). Refused for tensors that require grad.
   */
  resize_(...sizes: (number | readonly number[] | { size: readonly number[] })[]): Tensor;
  /** resize_(other.shape). */
  resize_as_(the_template: Tensor): Tensor;
  /** False: the engine's tensors are dense CPU tensors (no MPS, XPU, IPU, Vulkan, MKL-DNN, nested or CSR layouts). */
  readonly is_mps: boolean;
  readonly is_xpu: boolean;
  readonly is_ipu: boolean;
  readonly is_vulkan: boolean;
  readonly is_mkldnn: boolean;
  readonly is_nested: boolean;
  readonly is_sparse_csr: boolean;
  /** The tensor itself (converted if a dtype is given): it is dense already (PyTorch returns self for a strided tensor). */
  to_dense(dtype?: DType | { dtype?: DType }): Tensor;
  /** The sparse COO tensor of the nonzero entries (sparse_dim = dim() by default), coalesced (sparse/construct.ts). */
  to_sparse(sparse_dim?: number | { sparse_dim?: number }): SparseCooTensor;
  to_sparse_coo(): SparseCooTensor;
  /** The 2-D matrix's nonzero entries in the sparse CSR layout (sparse/csr.ts). */
  to_sparse_csr(): SparseCsrTensor;
  /** Refused: the engine has no CSC, BSR, BSC layouts. */
  to_sparse_csc(...args: unknown[]): never;
  to_sparse_bsr(...args: unknown[]): never;
  to_sparse_bsc(...args: unknown[]): never;
  /** split(split_sizes, dim) with a list of sizes, under its ATen name. */
  split_with_sizes(...args: PyArgs<[split_sizes: readonly number[], dim?: number], { split_sizes?: readonly number[]; dim?: number }>): Tensor[];
  /** chunk / split / split_with_sizes: PyTorch's "unsafe" forms only skip a view check, so they are the same here. */
  unsafe_chunk(...args: PyArgs<[chunks: number, dim?: number], { chunks?: number; dim?: number }>): Tensor[];
  unsafe_split(...args: PyArgs<[split_size: number | readonly number[], dim?: number], { split_size?: number | readonly number[]; dim?: number }>): Tensor[];
  unsafe_split_with_sizes(...args: PyArgs<[split_sizes: readonly number[], dim?: number], { split_sizes?: readonly number[]; dim?: number }>): Tensor[];
  /** -1, PyTorch's answer for a CPU tensor. */
  get_device(): number;
  /** True unless bool (the engine has no unsigned dtypes). */
  is_signed(): boolean;
  is_same_size(other: Tensor): boolean;
  /** Legacy x.new(data) / x.new(...sizes) / x.new(): a tensor of x's dtype (uninitialised sizes come zeroed). */
  "new"(...args: unknown[]): Tensor;
  /** new_empty(size) (strides are the engine's own, contiguous). */
  new_empty_strided(size: readonly number[], stride: readonly number[], opts?: { dtype?: Tensor["dtype"]; requires_grad?: boolean }): Tensor;
}

declare module "../tensor" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends TensorAliasMethods {}
}

type AnyFn = (this: Tensor, ...args: never[]) => unknown;

/** Same method under another name. */
const alias = (name: string): AnyFn =>
  function (this: Tensor, ...args: unknown[]) {
    return (this as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);
  } as AnyFn;

/** In-place form of an out-of-place method, through inplace.apply_ (leaf check, version, autograd). */
const inplace = (op: string, name: string): AnyFn =>
  function (this: Tensor, ...args: unknown[]) {
    return applyOp(this, op, (x) => (x as unknown as Record<string, (...a: unknown[]) => Tensor>)[name](...args), ...args);
  } as AnyFn;

const methods: Record<string, AnyFn> = {
  divide: alias("div"), divide_: alias("div_"), multiply: alias("mul"), multiply_: alias("mul_"),
  subtract: alias("sub"), subtract_: alias("sub_"), greater_: alias("gt_"), greater_equal: alias("ge"), greater_equal_: alias("ge_"),
  less_: alias("lt_"), less_equal: alias("le"), less_equal_: alias("le_"), not_equal: alias("ne"), not_equal_: alias("ne_"),
  ndimension: alias("dim"), swapaxes_: alias("transpose_"), swapdims_: alias("transpose_"),
  addbmm_: inplace("addbmm_", "addbmm"), addmv_: inplace("addmv_", "addmv"), addr_: inplace("addr_", "addr"), baddbmm_: inplace("baddbmm_", "baddbmm"),
  cumprod_: inplace("cumprod_", "cumprod"), copysign_: inplace("copysign_", "copysign"), heaviside_: inplace("heaviside_", "heaviside"),
  erfc_: inplace("erfc_", "erfc"), asinh_: inplace("asinh_", "asinh"), acosh_: inplace("acosh_", "acosh"), atanh_: inplace("atanh_", "atanh"),
  arcsinh_: inplace("arcsinh_", "asinh"), arccosh_: inplace("arccosh_", "acosh"), arctanh_: inplace("arctanh_", "atanh"),
  arccos_: alias("acos_"), arcsin_: alias("asin_"), arctan_: alias("atan_"), arctan2_: alias("atan2_"),
  float_power_(this: Tensor, exponent: TensorLike) {
    if (this.dtype !== float64) {
      throw new RuntimeError(`the base given to float_power_ has dtype ${cppTypeName(this.dtype)} but the operation's result requires dtype Double`);
    }
    return applyOp(this, "float_power_", (x) => x.float_power(exponent), exponent);
  },
  nextafter(this: Tensor, other: TensorLike) {
    return nextafter(this, other);
  },
  nextafter_(this: Tensor, other: TensorLike) {
    return applyOp(this, "nextafter_", (x) => nextafter(x, other).to(this.dtype), other);
  },
  get_device() {
    return -1;
  },
  to_dense(this: Tensor, ...args: unknown[]) {
    const { dtype } = parseArgs<{ dtype: DType }>("to_dense", ["dtype"], args);
    if (dtype && dtype !== this.dtype) return this.to(dtype);
    // A sparse gradient (nn.Embedding(sparse=True)'s) gives a dense copy, as torch's to_dense.
    return isSparseGrad(this) ? this.clone() : this;
  },
  to_sparse(this: Tensor, sparse_dim?: number | { sparse_dim?: number }) {
    return denseToSparse(this, sparse_dim);
  },
  to_sparse_coo(this: Tensor, ...args: unknown[]) {
    if (args.length && isOptions(args[0])) checkKeywords("to_sparse_coo", args[0] as object, []);
    return denseToSparse(this);
  },
  to_sparse_csr(this: Tensor, ...args: unknown[]) {
    if (args.length && isOptions(args[0])) checkKeywords("to_sparse_csr", args[0] as object, []);
    return denseToCsr(this, denseToSparse);
  },
  ...Object.fromEntries(["to_sparse_csc", "to_sparse_bsr", "to_sparse_bsc"].map((name) => [name, () => refuseSparse(`Tensor.${name}()`)])),
  split_with_sizes(this: Tensor, ...args: unknown[]) {
    return splitAlias("split_with_sizes", this, args, true);
  },
  unsafe_chunk(this: Tensor, ...args: unknown[]) {
    const o = parseArgsRequired<{ chunks: number; dim: number }>("unsafe_chunk", ["chunks", "dim"], 1, args);
    return chunk(this, o.chunks!, o.dim ?? 0);
  },
  unsafe_split(this: Tensor, ...args: unknown[]) {
    return splitAlias("unsafe_split", this, args, false);
  },
  unsafe_split_with_sizes(this: Tensor, ...args: unknown[]) {
    return splitAlias("unsafe_split_with_sizes", this, args, true);
  },
  resize_(this: Tensor, ...sizes: (number | readonly number[] | { size: readonly number[] })[]) {
    const shape = requiredShape(sizes, "resize_"); // resize_(2, 3), resize_([2, 3]) or resize_(size=(2, 3))
    if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new RuntimeError("numel: integer multiplication overflow");
    if (this.requires_grad) throw new RuntimeError("cannot resize variables that require grad");
    const n = shape.reduce((a, b) => a * b, 1);
    const self = this as unknown as { _data: Tensor["_data"]; _shape: readonly number[]; _strides: readonly number[]; _offset: number; _ver: { v: number } };
    if (self._offset + n > self._data.length) {
      // Grow the storage, keeping what it held from the tensor's offset on (PyTorch keeps the whole storage).
      const grown = allocStorage(this.dtype, n);
      grown.set(self._data.subarray(self._offset, Math.min(self._data.length, self._offset + n)));
      self._data = grown;
      self._offset = 0;
    }
    self._shape = sizeOf(shape);
    const strides = new Array<number>(shape.length);
    for (let i = shape.length - 1, st = 1; i >= 0; i--) {
      strides[i] = st;
      st *= shape[i];
    }
    self._strides = Object.freeze(strides);
    self._ver.v++;
    return this;
  },
  resize_as_(this: Tensor, other: Tensor) {
    return this.resize_([...other.shape]);
  },
  is_signed(this: Tensor) {
    return this.dtype !== bool && this.dtype !== uint8; // unsigned: bool and uint8 (int8 / int16 / int32 / int64 are signed)
  },
  is_same_size(this: Tensor, other: Tensor) {
    return this.shape.length === other.shape.length && this.shape.every((s, i) => s === other.shape[i]);
  },
  new(this: Tensor, ...args: unknown[]) {
    if (args.length === 1 && args[0] instanceof Size) return this.new_zeros([...args[0]]); // x.new(x.size()): a size, as torch
    if (args.length === 1 && typeof args[0] === "object" && args[0] !== null) return this.new_tensor(args[0] as never);
    return this.new_zeros((args.length === 0 ? [0] : args) as never);
  },
  new_empty_strided(this: Tensor, size: readonly number[], stride: readonly number[], opts?: { dtype?: Tensor["dtype"]; requires_grad?: boolean }) {
    return this.new_empty(size as never, opts as never);
  },
};

const flags: Record<string, boolean> = {
  is_cpu: true, is_quantized: false, is_meta: false,
  is_mps: false, is_xpu: false, is_ipu: false, is_vulkan: false, is_mkldnn: false, is_nested: false, is_sparse_csr: false,
};

/** Compressed sparse layouts: a clear refusal where PyTorch would build or read a CSR / CSC / BSR / BSC tensor. */
export function refuseSparse(what: string): never {
  throw new NotImplementedError(
    `${what}: Gradbook's tensor engine stores dense tensors and sparse COO tensors only (torch.sparse_coo_tensor, x.to_sparse()): ` +
      "it has no compressed sparse layouts (CSR, CSC, BSR, BSC) and not this op. Use the COO layout or keep the tensor dense.",
  );
}

/** split under another name: (split_size | split_sizes, dim = 0), by position or keyword; `sizes` requires a list. */
function splitAlias(fn: string, x: Tensor, args: readonly unknown[], sizes: boolean): Tensor[] {
  const key = sizes ? "split_sizes" : "split_size";
  const o = parseArgsRequired<Record<string, unknown>>(fn, [key, "dim"], 1, args);
  const arg = o[key] as number | readonly number[];
  if (sizes && !Array.isArray(arg)) throw new TypeError_(`${fn}(): argument 'split_sizes' must be a list of ints, not ${typeof arg}`);
  return split(x, arg, (o.dim as number | undefined) ?? 0);
}

type SplitSizesArgs = PyArgs<[split_sizes: readonly number[], dim?: number], { split_sizes?: readonly number[]; dim?: number }>;

/** torch.* forms of the split aliases and the sparse constructors' refusals. */
export const denseOnlyFunctions = {
  split_with_sizes: (x: Tensor, ...args: SplitSizesArgs): Tensor[] => splitAlias("split_with_sizes", x, args, true),
  unsafe_chunk: (x: Tensor, ...args: PyArgs<[chunks: number, dim?: number], { chunks?: number; dim?: number }>): Tensor[] => {
    const o = parseArgsRequired<{ chunks: number; dim: number }>("unsafe_chunk", ["chunks", "dim"], 1, args);
    return chunk(x, o.chunks!, o.dim ?? 0);
  },
  unsafe_split: (x: Tensor, ...args: PyArgs<[split_size: number | readonly number[], dim?: number], { split_size?: number | readonly number[]; dim?: number }>): Tensor[] =>
    splitAlias("unsafe_split", x, args, false),
  unsafe_split_with_sizes: (x: Tensor, ...args: SplitSizesArgs): Tensor[] => splitAlias("unsafe_split_with_sizes", x, args, true),
  // torch.sparse_coo_tensor, torch.sparse (mm, sum, legacy constructors) and torch.spmm: sparse COO tensors (sparse/index.ts)
  sparse_coo_tensor,
  sparse,
  spmm,
  hspmm,
  smm,
  sparse_csr_tensor,
  ...(Object.fromEntries(
    ["sparse_csc_tensor", "sparse_bsr_tensor", "sparse_bsc_tensor", "sparse_compressed_tensor"].map((name) => [name, () => refuseSparse(`torch.${name}()`)]),
  ) as Record<"sparse_csc_tensor" | "sparse_bsr_tensor" | "sparse_bsc_tensor" | "sparse_compressed_tensor", (...args: unknown[]) => never>),
};


export function installAliasMethods(proto: object): void {
  for (const [name, fn] of Object.entries(methods)) {
    if (name in proto) continue; // a method the class (or another helper) already defines wins
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  for (const [name, value] of Object.entries(flags)) {
    if (name in proto) continue;
    Object.defineProperty(proto, name, { get: () => value, configurable: true, enumerable: false });
  }
  // Dense, except the sparse gradients nn.Embedding / nn.EmbeddingBag(sparse=True) give (autograd/sparse_grad.ts).
  if (!("is_sparse" in proto)) {
    Object.defineProperty(proto, "is_sparse", { get(this: Tensor) { return isSparseGrad(this); }, configurable: true, enumerable: false });
  }
}
