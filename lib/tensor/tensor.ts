/**
 * The Tensor class: a strided view over a typed-array storage plus autograd state.
 * Methods delegate to op functions in ./ops (one file per op family, forward and backward
 * together), so this file stays a readable index of the Tensor API.
 */
import { checkKeywords, isOptions, parseArgs, type NumpyAliased, type PyArgs, type PyArgsExact } from "./args";
import { runBackward } from "./autograd/engine";
import { is_grad_enabled } from "./autograd/grad_mode";
import type { Node } from "./autograd/node";
import { CPU, checkDevice, isDeviceLike, type Device, type DeviceLike } from "./device";
import { allocStorage, bool, float32, float64, int32, int64, isDType, type DType, type Storage } from "./dtype";
import { RuntimeError, TypeError_, ValueError } from "./errors";
import { pyTypeName } from "./py_type_name";
import { formatTensor } from "./format";
import { iterateDim0 } from "./tensor_iteration";
import { tensorAsNumber } from "./tensor_primitive";
import type { Generator } from "./random";
import * as arithmetic from "./ops/arithmetic";
import * as activations from "./ops/activations";
import * as compare from "./ops/compare";
import * as copy from "./ops/copy";
import * as indexing from "./ops/indexing";
import * as inplace from "./ops/inplace";
import * as matmul from "./ops/matmul";
import * as minmax from "./ops/minmax";
import * as nanToNum from "./ops/nan_to_num";
import * as rearrange from "./ops/repeat";
import { resultType } from "./ops/util";
import * as reduce from "./ops/reduce";
import * as sampling from "./ops/sampling";
import * as scan from "./ops/scan";
import * as scatterOps from "./ops/scatter";
import * as scatterReduce from "./ops/scatter_reduce";
import * as shapeExtra from "./ops/shape_extra";
import * as statsExtra from "./ops/stats_extra";
import * as linalgOps from "./ops/linalg";
import * as sorting from "./ops/sort";
import * as softmax from "./ops/softmax";
import * as stats from "./ops/stats";
import * as triangular from "./ops/triangular";
import * as unary from "./ops/unary";
import * as uniq from "./ops/unique";
import { sizeOf } from "./size";
import * as views from "./ops/views";
import { viewDtype } from "./ops/view_dtype";
import { alphaFirst, valueFirst } from "./ops/deprecated_overloads";
import { scalarArg } from "./ops/scalar_arg";
import * as where from "./ops/where";
import * as dtypeInfo from "./ops/dtype_info";
import { installElementwiseMathMethods, round as roundDecimals } from "./api/elementwise_math";
import { installDtypeCreationMethods } from "./api/dtype_creation";
import { installInplaceMethods } from "./api/inplace";
import { installIndexingMethods } from "./api/indexing";
import { installRandomFillMethods } from "./api/random_fills";
import { installBitwiseMethods } from "./api/bitwise";
import { installSpecialFunctionMethods } from "./api/special_functions";
import { installComplexMethods } from "./complex";
import { UnsupportedDType } from "./dtype_unsupported";
import { ComplexDType, complexHooks } from "./complex_dtype";
import type { ComplexTensor } from "./complex_tensor";
import { bernoulliTensor_ } from "./ops/random_fills";
import { legacyConstructorDtype, legacyDefault } from "./ops/legacy_constructors";
import { checkRequiresGradOutsideInference, inferenceState } from "./inference_state";
import { warnNonLeafGradAccess } from "./autograd/grad_access_warning";
import { contiguousStrides, isContiguous, normalizeDim, numelOf, shapeFromArgs, sizesOf, type SizeArg } from "./shape";

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;
export type NestedArray = number | boolean | NestedArray[];
/** roll's keywords. */
interface RollOptions {
  shifts?: number | readonly number[];
  dims?: number | readonly number[] | null;
}

/** An index spec for `x.index(...)`: see ops/indexing.ts. */
export type IndexSpec = indexing.IndexSpec;
export type DimArg = number | readonly number[];
/** Keyword form for reductions: `x.sum({ dim: 1, keepdim: true })`. */
export interface ReduceOptions {
  dim?: DimArg;
  keepdim?: boolean;
  dtype?: DType;
  /** NumPy's name for dim, which torch 1.13 also takes (`x.sum(axis=1)`). */
  axis?: DimArg;
  /** NumPy's name for keepdim, which torch 1.13 also takes (`x.sum(1, keepdims=True)`). */
  keepdims?: boolean;
}
/** dim / keepdim by keyword, or by NumPy's names axis / keepdims as torch 1.13 takes them: `y_hat.argmax({ axis: 1 })`. */
type DimKeywords = { dim: number; keepdim?: boolean; keepdims?: boolean } | { axis: number; keepdim?: boolean; keepdims?: boolean };

/** x.max(other=y) / x.min(other=y): an options object holding only `other`, a tensor, with nothing after it. */
function isOtherKeyword(o: unknown, rest: unknown): o is { other: Tensor } {
  return rest === undefined && typeof o === "object" && o !== null && !(o instanceof Tensor) && Object.keys(o).length === 1 && (o as { other?: unknown }).other instanceof Tensor;
}
export interface VarOptions extends ReduceOptions {
  unbiased?: boolean;
  correction?: number;
}
/** Tensor.to({ device, dtype, non_blocking, copy }). */
export interface TensorToOptions {
  device?: DeviceLike | null;
  dtype?: DType | null;
  non_blocking?: boolean;
  copy?: boolean;
}
/** PyTorch's (values, indices) named tuple: read its fields, or destructure `const [values, indices] = x.topk(1)`. */
export interface MinMaxResult extends Iterable<Tensor> {
  values: Tensor;
  indices: Tensor;
  /** r[0] is r.values and r[1] is r.indices, as on PyTorch's named tuples. */
  readonly 0: Tensor;
  readonly 1: Tensor;
}
export type Hook = (grad: Tensor) => Tensor | void | undefined;
/** The parameters of an op after its input tensor (a method forwards them as they are). */
type Rest<F> = F extends (x: Tensor, ...rest: infer R) => unknown ? R : never;
type Rest2<F> = F extends (x: Tensor, y: never, ...rest: infer R) => unknown ? R : never;
type Second<F extends (...args: never[]) => unknown> = Parameters<F>[1];
export interface RemovableHandle {
  remove(): void;
}
/** Keyword form of a single optional dim: `x.squeeze({ dim: 1 })`. */
export interface DimOptions {
  dim?: number;
}
/** Keyword form of (dim, keepdim): `x.amax({ dim: 1, keepdim: true })`. */
export interface KeepdimOptions<D> {
  dim?: D;
  keepdim?: boolean;
  /** NumPy's name for dim, which torch 1.13 also takes (`mask.all(axis=2)`). */
  axis?: D;
  /** NumPy's name for keepdim, which torch 1.13 also takes. */
  keepdims?: boolean;
}
/** Tensor.norm's keywords: no axis / keepdims (torch 1.13 writes norm in Python, whose signature has neither). */
export interface NormOptions {
  p?: number | "fro" | "nuc";
  dim?: DimArg | null;
  keepdim?: boolean;
}
/** sort / argsort keywords (sorting is always stable here, so `stable` changes nothing). */
export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}
export interface TopkOptions {
  k?: number;
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}
export interface ScatterOptions {
  reduce?: "add" | "multiply";
  /** PyTorch's keyword forms: scatter_(0, idx, value=1) is scatter_(0, idx, { value: 1 }); or { src }. */
  src?: Tensor;
  value?: number;
}
export interface IndexAddOptions {
  alpha?: number;
}
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equal_nan?: boolean;
}
export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}
/** x.chunk(chunks=2, dim=1)'s keywords. */
export interface ChunkOptions {
  chunks: number;
  dim?: number;
}
/** x.split(split_size=2, dim=1)'s keywords. */
export interface SplitOptions {
  split_size: number | readonly number[];
  dim?: number;
}
export interface MultinomialOptions {
  num_samples?: number;
  replacement?: boolean;
  generator?: Generator;
}
export interface BernoulliOptions {
  p?: number;
  generator?: Generator;
}
export type UniqueOptions = uniq.UniqueOptions;
export interface BackwardOptions {
  retain_graph?: boolean;
  /** Record the backward pass so the gradients (in .grad) can be differentiated again. */
  create_graph?: boolean;
  gradient?: Tensor;
}

/** Version counter shared by a tensor and all of its views (detects in-place changes). */
export interface VersionCounter {
  v: number;
  lastOp: string | null;
}

let nextHookId = 0;

/** Tensor.cumsum() / cumprod() without dim: torch 1.13's argument parser lists the method's overloads. */
const CUM_METHOD_OVERLOADS = " * (int dim, *, torch.dtype dtype)\n * (name dim, *, torch.dtype dtype)\n";

/**
 * x.flip() / x.permute() / x.tile() / x.repeat() without their required argument: torch 1.13's argument parser raises
 * 'flip() missing 1 required positional arguments: "dims"' (the engine flipped nothing, or raised a RuntimeError).
 * The arguments are passed on (typed for shapeFromArgs, which also reads the { dims } keyword form).
 */
function requiredArg(args: readonly unknown[], fn: string, keyword: string): (number | readonly number[])[] {
  if (args.length === 0) throw new TypeError_(`${fn}() missing 1 required positional arguments: "${keyword}"`);
  return args as (number | readonly number[])[];
}

export class Tensor {
  /** Only the engine's constructor sets it: a Proxy or an object posing as a tensor lacks it (see isGenuineTensor). */
  readonly #genuine = true;
  static hasGenuineBrand(x: object): boolean {
    return #genuine in x;
  }
  /** Storage, shared between views. Internal: use tolist()/item()/data in user code. */
  _data: Storage;
  _ver: VersionCounter;
  _shape: readonly number[];
  _strides: readonly number[];
  _offset: number;
  dtype: DType;
  _requires_grad = false;
  /** Accumulated gradient (leaves, and non-leaves after retain_grad()): read and written as .grad. */
  _grad: Tensor | null = null;
  #gradFn: Node | null = null;
  _retains_grad = false;
  _hooks: Map<number, Hook> | null = null;
  /** For views: the tensor whose storage this views (used by in-place checks). */
  _base: Tensor | null = null;
  /**
   * For views made in grad mode: the storage version their grad_fn belongs to (-1 otherwise).
   * When an in-place op has since changed the base or another view, grad_fn is rebuilt from
   * the base's current node, as PyTorch regenerates a view's grad_fn after CopySlices.
   */
  _viewVersion = -1;

  /** The backward node that produced this tensor; null for leaves. */
  get grad_fn(): Node | null {
    const base = this._base;
    if (base && this._viewVersion >= 0 && this._viewVersion !== this._ver.v && base.grad_fn) {
      this.#gradFn = inplace.viewNodeOfBase(this, base);
      this._viewVersion = this._ver.v;
      this._requires_grad = true;
    }
    return this.#gradFn;
  }
  set grad_fn(node: Node | null) {
    this.#gradFn = node;
    if (this._viewVersion >= 0) this._viewVersion = this._ver.v;
  }

  /** Python's legacy `torch.Tensor([1, 2])` / `torch.Tensor(2, 3)` (ops/legacy_constructors.ts); prefer torch.tensor / torch.empty. */
  constructor(data?: NestedArray);
  /** torch.Tensor(t): t's data under a new tensor sharing its storage (NYU-DLSP20's r = torch.Tensor(t); r.resize_(3, 8)). */
  constructor(data: Tensor);
  constructor(...sizes: number[]);
  /** The engine's own: a strided view of `data`. */
  constructor(data: Storage, shape: readonly number[], dtype?: DType, strides?: readonly number[], offset?: number, ver?: VersionCounter);
  constructor(data?: unknown, shape?: unknown, dtype: unknown = float32, strides?: unknown, offset: unknown = 0, ver?: unknown) {
    // the legacy torch.Tensor(...): sizes, data, or either with a trailing options object (its keywords)
    // (the engine's own form is storage and a shape array: anything else, torch.Tensor(1, None) too, is the legacy one)
    if (!((data instanceof Float32Array || data instanceof Float64Array) && Array.isArray(shape))) {
      // eslint-disable-next-line prefer-rest-params
      const t = legacyDefault([...arguments]);
      [data, shape, dtype, strides, offset] = [t._data, t._shape, t.dtype, undefined, 0];
    }
    this._data = data as Storage;
    this._shape = sizeOf(shape as readonly number[]);
    this._strides = Object.freeze(strides ? (strides as readonly number[]).slice() : contiguousStrides(this._shape));
    this._offset = offset as number;
    if (dtype instanceof UnsupportedDType) dtype.refuse(); // torch.float16, bfloat16, qint8, ...: one clear error (dtype_unsupported.ts)
    this.dtype = dtype as DType;
    this._ver = (ver as VersionCounter | undefined) ?? { v: 0, lastOp: null };
    // Fresh storage made under torch.inference_mode is an inference tensor (x.is_inference()).
    if (inferenceState.depth > 0 && ver === undefined) inferenceState.tensors.add(this);
  }

  // ---- shape and metadata -------------------------------------------------------------
  get shape(): readonly number[] {
    return this._shape;
  }
  /** size() -> the shape; size(dim) or size({ dim }) (t.size(dim=1) in the docstring) -> one size. */
  size(): readonly number[];
  size(dim: number): number;
  size(options: { dim: number }): number;
  size(dim?: number | { dim?: number }): number | readonly number[] {
    if (typeof dim === "object" && dim !== null) dim = parseArgs<{ dim?: number }>("size", ["dim"], [dim]).dim;
    return dim === undefined ? this._shape : this._shape[normalizeDim(dim, this._shape.length)];
  }
  /** stride() -> the strides; stride(dim) or stride({ dim }) -> one stride. */
  stride(): readonly number[];
  stride(dim: number): number;
  stride(options: { dim: number }): number;
  stride(dim?: number | { dim?: number }): number | readonly number[] {
    if (typeof dim === "object" && dim !== null) dim = parseArgs<{ dim?: number }>("stride", ["dim"], [dim]).dim;
    return dim === undefined ? this._strides : this._strides[normalizeDim(dim, this._shape.length)];
  }
  storage_offset(): number {
    return this._offset;
  }
  dim(): number {
    return this._shape.length;
  }
  get ndim(): number {
    return this._shape.length;
  }
  /**
   * Python's len(t): the size of dim 0, so `for (let i = 0; i < t.length; i++)` walks the rows as
   * `for i in range(len(t))` does (without it the loop silently ran zero times). A 0-d tensor raises
   * torch's TypeError, as len() does.
   */
  get length(): number {
    if (this._shape.length === 0) throw new TypeError_("len() of a 0-d tensor");
    return this._shape[0];
  }
  /** len(t), spelled as the method Python calls. */
  __len__(): number {
    return this.length;
  }
  numel(): number {
    return numelOf(this._shape);
  }
  nelement(): number {
    return this.numel();
  }
  is_contiguous(): boolean {
    return isContiguous(this._shape, this._strides);
  }
  is_floating_point(): boolean {
    return this.dtype.is_floating_point;
  }
  get is_leaf(): boolean {
    return this.grad_fn === null;
  }
  /** The accumulated gradient; reading it on a non-leaf that does not retain it warns as PyTorch does. */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g === null && !this._retains_grad && !this.is_leaf) warnNonLeafGradAccess(this);
    return g;
  }
  set grad(g: Tensor | null) {
    this._grad = g;
  }
  /** A torch.device, as in torch (x.device.type is "cpu"; String(x.device) and `${x.device}` read "cpu"). */
  get device(): Device {
    return CPU;
  }
  /** PyTorch's version counter (bumped by in-place ops). */
  get _version(): number {
    return this._ver.v;
  }

  // ---- autograd -----------------------------------------------------------------------
  get requires_grad(): boolean {
    return this._requires_grad;
  }
  set requires_grad(flag: boolean) {
    // torch 1.13's attribute setter words its refusal of an integer dtype otherwise than requires_grad_()
    if (flag && this.is_leaf && !this.dtype.is_floating_point) throw new RuntimeError("only Tensors of floating point and complex dtype can require gradients");
    this.requires_grad_(flag);
  }
  /** requires_grad_(flag = true), or requires_grad_({ requires_grad }) as torch's keyword. */
  requires_grad_(flag: boolean | { requires_grad?: boolean } = true): this {
    if (typeof flag === "object" && flag !== null) {
      checkKeywords("requires_grad_", flag, ["requires_grad"]);
      flag = flag.requires_grad ?? true;
    }
    if (!this.is_leaf) {
      if (flag) return this;
      throw new RuntimeError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a " +
          "subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (flag && !this.dtype.is_floating_point) throw new RuntimeError("only Tensors of floating point dtype can require gradients");
    if (flag) checkRequiresGradOutsideInference(this); // torch 1.13: not on an inference tensor outside the mode
    this._requires_grad = flag;
    return this;
  }
  retain_grad(): void {
    if (!this._requires_grad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (!this.is_leaf) this._retains_grad = true;
  }
  get retains_grad(): boolean {
    return this._retains_grad;
  }
  /** Registers fn(grad) to run when this tensor's gradient is computed; it may return a replacement. */
  register_hook(fn: Hook): RemovableHandle {
    if (!this._requires_grad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
    if (!this._hooks) this._hooks = new Map();
    const id = nextHookId++;
    this._hooks.set(id, fn);
    return { remove: () => void this._hooks?.delete(id) };
  }
  /**
   * backward(gradient?, { retain_graph, create_graph }) or backward({ gradient, retain_graph, create_graph }).
   * Without a gradient the tensor must hold a single element.
   */
  backward(gradient?: Tensor | BackwardOptions | null, opts: BackwardOptions = {}): void {
    if (gradient && !(gradient instanceof Tensor)) {
      opts = gradient;
      gradient = opts.gradient;
    }
    checkKeywords("backward", opts, ["gradient", "retain_graph", "create_graph"]);
    if (!this._requires_grad) {
      throw new RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn");
    }
    let g = gradient as Tensor | undefined | null;
    if (!g) {
      if (this.numel() !== 1) {
        throw new RuntimeError(
          `grad can be implicitly created only for scalar outputs (this tensor has shape [${this._shape.join(", ")}]); ` +
            "call .sum() or .mean() first, or pass a gradient of the same shape: backward(torch.ones_like(y))",
        );
      }
      g = copy.onesLike(this);
    } else if (g._shape.join() !== this._shape.join()) {
      throw new RuntimeError(`Mismatch in shape: grad_output[0] has a shape of torch.Size([${g._shape.join(", ")}]) and output[0] has a shape of torch.Size([${this._shape.join(", ")}]).`);
    }
    runBackward([this], [opts.create_graph ? g : g.detach()], { retain_graph: opts.retain_graph, create_graph: opts.create_graph });
  }
  /** A tensor sharing storage but cut from the graph. */
  detach(): Tensor {
    return copy.detach(this);
  }
  detach_(): this {
    this.grad_fn = null;
    this._requires_grad = false;
    return this;
  }
  /** Like PyTorch's `.data`: a detached alias of the same storage; assigning replaces the storage. */
  get data(): Tensor {
    return this.detach();
  }
  set data(t: Tensor) {
    // torch 1.13's checks on `x.data = v` (a learner's `x_variable.data = [1, 2]` or `= None`)
    if (!(t instanceof Tensor)) throw new TypeError_(`Variable data has to be a tensor, but got ${pyTypeName(t)}`);
    if (this.requires_grad && !t.dtype.is_floating_point) throw new RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype");
    this._data = t._data;
    this._shape = t._shape;
    this._strides = t._strides;
    this._offset = t._offset;
    this.dtype = t.dtype;
    this._ver = t._ver;
  }

  // ---- conversion ---------------------------------------------------------------------
  /**
   * The value of a one-element tensor: a number, or for a bool tensor a boolean (torch's item() gives a
   * Python bool there); Number(x.item()) is 0 / 1 for a bool tensor. Typed number unless the context asks
   * for a boolean: `loss.item() * 2`, `.toFixed()`, `expect(a.item()).toBeGreaterThan(b.item())` and
   * `let last: number | null = loss.item()` type-check, and so do `const ok: boolean = mask.all().item()`
   * and `mask.any().item<boolean>()` (a context that is neither, `const s: string = t.item()`, is an error).
   */
  item<T = number>(): T extends number | boolean ? T : number {
    // torch 1.13's message and class (torch 2 says "a Tensor with N elements cannot be converted to Scalar", a RuntimeError)
    if (this.numel() !== 1) throw new ValueError("only one element tensors can be converted to Python scalars");
    const v = this._data[this._offset];
    return (this.dtype === bool ? v !== 0 : v) as T extends number | boolean ? T : number;
  }
  tolist(): NestedArray {
    return copy.tolist(this);
  }
  clone(): Tensor {
    return copy.clone(this);
  }
  contiguous(): Tensor {
    return this.is_contiguous() ? this : copy.clone(this);
  }
  /**
   * to(dtype) / to(device, dtype?) / to(other) / to({ device, dtype, copy }): the device must be
   * the CPU (torch.device("cpu"), "cpu"); a GPU device is a clear error (see ../device.ts).
   * to(torch.complex64 / complex128): the complex tensor x + 0j (complex_tensor.ts).
   */
  to(dtype: ComplexDType, ...rest: (DeviceLike | boolean | null | undefined)[]): ComplexTensor;
  to(...args: (DType | DeviceLike | Tensor | boolean | null | undefined | TensorToOptions)[]): Tensor;
  to(...args: (DType | DeviceLike | Tensor | boolean | null | undefined | TensorToOptions)[]): never {
    let dtype: DType = this.dtype;
    let copyAlways = false;
    for (const a of args) {
      if (a === null || a === undefined || typeof a === "boolean") continue;
      if (isDType(a)) dtype = a;
      else if (a instanceof Tensor) dtype = a.dtype;
      else if (isDeviceLike(a)) checkDevice(a);
      else {
        for (const k of Object.keys(a)) {
          if (!["device", "dtype", "non_blocking", "copy", "memory_format"].includes(k)) throw new TypeError_(`to() got an unexpected keyword argument '${k}'`);
        }
        const o = a as TensorToOptions;
        checkDevice(o.device);
        if (o.dtype) dtype = o.dtype;
        copyAlways = Boolean(o.copy);
      }
    }
    if (dtype instanceof ComplexDType) return complexHooks.toComplex(this, dtype) as never;
    if (copyAlways && dtype === this.dtype) return copy.clone(this) as never;
    return copy.to(this, dtype) as never;
  }
  /** type() -> the legacy name ("torch.FloatTensor"); type(dtype | "torch.DoubleTensor") -> the converted tensor. */
  type(): string;
  type(dtype: DType | string | ((...args: never[]) => Tensor)): Tensor;
  /** x.type(dtype=torch.float64), as torch 1.13 takes it (non_blocking is moot here: one device). */
  type(options: { dtype: DType | string | ((...args: never[]) => Tensor); non_blocking?: boolean }): Tensor;
  type(options: { dtype?: null; non_blocking?: boolean }): string;
  type(arg?: DType | string | ((...args: never[]) => Tensor) | { dtype?: DType | string | ((...args: never[]) => Tensor) | null; non_blocking?: boolean }): Tensor | string {
    let dtype = arg;
    if (isOptions(arg)) {
      checkKeywords("type", arg, ["dtype", "non_blocking"]);
      dtype = arg.dtype ?? undefined;
    }
    if (dtype === undefined) return dtypeInfo.typeName(this.dtype);
    // x.type(torch.LongTensor): the legacy constructor stands for its dtype, as the class in PyTorch.
    const target = typeof dtype === "string" ? dtypeInfo.dtypeOfTypeName(dtype) : legacyConstructorDtype(dtype) ?? dtype;
    if (!isDType(target)) throw new TypeError_(`type(): expected a dtype, a type name such as "torch.FloatTensor" or a legacy type such as torch.FloatTensor, got ${String(dtype)}`);
    return copy.to(this, target);
  }
  float(): Tensor {
    return copy.to(this, float32);
  }
  double(): Tensor {
    return copy.to(this, float64);
  }
  long(): Tensor {
    return copy.to(this, int64);
  }
  /** torch.int32, as PyTorch's .int(). */
  int(): Tensor {
    return copy.to(this, int32);
  }
  bool(): Tensor {
    return copy.to(this, bool);
  }
  cpu(): Tensor {
    return this;
  }
  /**
   * The values as a typed array. As PyTorch's numpy() shares memory with the tensor, a contiguous
   * tensor's array is a view of its storage (t.add_(1) shows in it); a strided one gets a copy.
   */
  numpy(opts?: { force?: boolean }): Storage {
    checkKeywords("numpy", opts, ["force"]); // force=True: detached first, as torch 1.13's numpy(force=True)
    if (opts?.force && this.requires_grad) return this.detach().numpy();
    if (this.requires_grad) throw new RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    const c = this.contiguous();
    return c._data.subarray(c._offset, c._offset + this.numel());
  }
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return formatTensor(this);
  }
  /**
   * A tensor where JS wants a primitive. As a number (`+t`, `t * 2`, `t > 0.5`, `Math.max(...t)`,
   * `Math.round(loss)`, `(a, b) => a - b`) a one-element tensor is its value, as Python's float(t)
   * (a bool gives 0 / 1); any other raises torch's ValueError instead of a silent NaN / false.
   * As a string or in `+` with a string ("default": `"loss " + loss`, `${loss}`) it is toString(),
   * so printing keeps showing tensor(...). The number side is tensor_primitive.ts.
   */
  [Symbol.toPrimitive](hint: "number" | "string" | "default"): number | string {
    return hint === "number" ? tensorAsNumber(this) : this.toString(); // toString: Parameter prints its own
  }
  /** `for (const row of t)`, `[...t]`, `const [a, b] = t`: dim 0's views, as PyTorch's __iter__ (tensor_iteration.ts). */
  [Symbol.iterator](): Iterator<Tensor> {
    return iterateDim0(this);
  }

  // ---- views and shape ops ------------------------------------------------------------
  /**
   * view(...shape) / view(shape): the same storage in another shape. view(dtype) / view({ dtype }): the same
   * storage read as another dtype, torch's bit reinterpretation where this engine's storage allows it (ops/view_dtype.ts).
   */
  view(dtype: DType | { dtype: DType }): Tensor;
  view(...shape: (SizeArg | readonly SizeArg[])[]): Tensor;
  /** x.view(size=(2, 3)), torch 1.13's keyword (not shape=, which it refuses). */
  view(options: { size: SizeArg | readonly SizeArg[] }): Tensor;
  view(...shape: (SizeArg | readonly SizeArg[] | DType | { dtype: DType } | { size: SizeArg | readonly SizeArg[] })[]): Tensor {
    const only = shape.length === 1 ? shape[0] : undefined;
    if (isDType(only)) return viewDtype(this, only);
    if (isOptions(only) && "dtype" in only) {
      checkKeywords("view", only, ["dtype"]);
      return viewDtype(this, only.dtype as DType);
    }
    return views.view(this, shapeFromArgs(shape as (SizeArg | readonly SizeArg[])[], "view", "size"));
  }
  view_as(other: Tensor): Tensor {
    return views.view(this, other._shape);
  }
  reshape(...shape: (SizeArg | readonly SizeArg[])[]): Tensor;
  /** x.reshape(shape=(2, 3)), torch 1.13's keyword. */
  reshape(options: { shape: SizeArg | readonly SizeArg[] }): Tensor;
  reshape(...shape: (SizeArg | readonly SizeArg[] | { shape: SizeArg | readonly SizeArg[] })[]): Tensor {
    return views.reshapeAlias(this, shapeFromArgs(shape as (SizeArg | readonly SizeArg[])[], "reshape", "shape"));
  }
  reshape_as(other: Tensor): Tensor {
    return views.reshapeAlias(this, other._shape);
  }
  flatten(...args: PyArgs<[start_dim?: number, end_dim?: number], { start_dim?: number; end_dim?: number }>): Tensor {
    const a = parseArgs<{ start_dim?: number; end_dim?: number }>("flatten", ["start_dim", "end_dim"], args);
    return views.flatten(this, a.start_dim ?? 0, a.end_dim ?? -1);
  }
  unflatten(dim: number, sizes: readonly SizeArg[]): Tensor {
    return views.unflatten(this, dim, sizesOf(sizes, "unflatten", "sizes"));
  }
  squeeze(...args: PyArgs<[dim?: number], DimOptions>): Tensor {
    return views.squeeze(this, parseArgs<DimOptions>("squeeze", ["dim"], args).dim);
  }
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  swapaxes(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  permute(...dims: (number | readonly number[] | { dims: number | readonly number[] })[]): Tensor {
    return views.permute(this, shapeFromArgs(requiredArg(dims, "permute", "dims"), "permute", "dims"));
  }
  t(): Tensor {
    return views.t(this);
  }
  get T(): Tensor {
    return views.permute(this, this._shape.map((_, i) => this._shape.length - 1 - i));
  }
  get mT(): Tensor {
    return views.transpose(this, -2, -1);
  }
  expand(...shape: (SizeArg | readonly SizeArg[])[]): Tensor;
  /** x.expand(size=(4, 3)), torch 1.13's keyword. */
  expand(options: { size: SizeArg | readonly SizeArg[] }): Tensor;
  expand(...shape: (SizeArg | readonly SizeArg[] | { size: SizeArg | readonly SizeArg[] })[]): Tensor {
    return views.expand(this, shapeFromArgs(shape as (SizeArg | readonly SizeArg[])[], "expand", "size"));
  }
  expand_as(other: Tensor): Tensor {
    return views.expand(this, other._shape);
  }
  repeat(...sizes: (number | readonly number[] | { repeats: number | readonly number[] })[]): Tensor {
    return views.repeat(this, shapeFromArgs(requiredArg(sizes, "repeat", "repeats"), "repeat", "repeats"));
  }
  /** repeat(), padding a short list of sizes with leading 1s. */
  tile(...dims: (number | readonly number[] | { dims: number | readonly number[] })[]): Tensor {
    return rearrange.tile(this, shapeFromArgs(requiredArg(dims, "tile", "dims"), "tile", "dims"));
  }
  flip(...dims: (number | readonly number[] | { dims: number | readonly number[] })[]): Tensor {
    return rearrange.flip(this, shapeFromArgs(requiredArg(dims, "flip", "dims"), "flip", "dims"));
  }
  fliplr(): Tensor {
    return rearrange.flip(this, [1]);
  }
  flipud(): Tensor {
    return rearrange.flip(this, [0]);
  }
  /** Cyclic shift along dims (or of the flattened tensor without dims). */
  roll(...args: PyArgs<[shifts?: number | readonly number[], dims?: number | readonly number[] | null], RollOptions>): Tensor {
    // shifts may come by keyword too: torch.roll(x, shifts=(2, 1), dims=(0, 1))
    const { shifts, dims } = parseArgs<RollOptions>("roll", ["shifts", "dims"], args);
    if (shifts === undefined) throw new TypeError_(`roll() missing 1 required positional arguments: "shifts"`);
    return rearrange.roll(this, shifts, dims);
  }
  chunk(chunks: number, ...args: PyArgs<[dim?: number], DimOptions>): Tensor[];
  /** x.chunk(chunks=2, dim=1), torch.chunk(x, chunks=2) */
  chunk(options: ChunkOptions): Tensor[];
  chunk(...args: unknown[]): Tensor[] {
    const a = parseArgs<ChunkOptions>("chunk", ["chunks", "dim"], args);
    if (a.chunks === undefined) throw new TypeError_("chunk() missing 1 required positional argument: 'chunks'");
    return indexing.chunk(this, a.chunks, a.dim ?? 0);
  }
  split(split_size: number | readonly number[], ...args: PyArgsExact<[dim?: number], DimOptions>): Tensor[];
  /** x.split(split_size=2, dim=1) */
  split(options: SplitOptions): Tensor[];
  split(...args: unknown[]): Tensor[] {
    const a = parseArgs<SplitOptions>("split", ["split_size", "dim"], args);
    if (a.split_size === undefined) throw new TypeError_("split() missing 1 required positional argument: 'split_size'");
    return indexing.split(this, a.split_size, a.dim ?? 0);
  }
  unbind(...args: PyArgs<[dim?: number], DimOptions>): Tensor[] {
    return indexing.unbind(this, parseArgs<DimOptions>("unbind", ["dim"], args).dim ?? 0);
  }

  // ---- indexing -----------------------------------------------------------------------
  /**
   * PyTorch-style indexing, `x[0, 1:3, ::2]` is `x.index(0, "1:3", "::2")`:
   * numbers select, "a:b:c" strings (or torch.slice(a, b, c)) slice, null or ":" keeps a dim,
   * "..." is an ellipsis, "None"/"newaxis" inserts a dim, a long tensor or number[] picks
   * indices along one dim, a bool tensor masks. Basic indexing returns views, so
   * `x.index(0, ":").fill_(1)` writes into x.
   */
  index(...specs: IndexSpec[]): Tensor {
    return indexing.index(this, specs);
  }
  /** Alias of index(). */
  get(...specs: IndexSpec[]): Tensor {
    return indexing.index(this, specs);
  }
  /**
   * `x[specs] = value` is `x.index_put_(specs, value)` (in place, returns x); specs as for
   * index(), several index tensors broadcast together. accumulate adds (`x[idx] += v` with
   * repeated indices counted each time).
   */
  index_put_(specs: readonly IndexSpec[], value: TensorLike, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>): this {
    if (value === undefined) throw new TypeError_("index_put_() missing 1 required positional argument: 'values'");
    const a = parseArgs<{ accumulate?: boolean }>("index_put_", ["accumulate"], args);
    return inplace.index_put_(this, specs, value, a.accumulate ?? false);
  }
  /** Out-of-place index_put_: a copy with value written (or added) at specs. */
  index_put(specs: readonly IndexSpec[], value: TensorLike, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>): Tensor {
    if (value === undefined) throw new TypeError_("index_put() missing 1 required positional argument: 'values'");
    const a = parseArgs<{ accumulate?: boolean }>("index_put", ["accumulate"], args);
    return indexing.index_put(this, specs, value, a.accumulate ?? false);
  }
  select(dim: number, index: number): Tensor {
    return indexing.select(this, dim, index);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return indexing.narrow(this, dim, start, length);
  }
  index_select(dim: number, index: Tensor | readonly number[]): Tensor {
    return indexing.index_select(this, dim, index);
  }
  /** gather(dim, index), or by keyword as torch's gather(dim=1, index=idx) (sparse_grad is accepted: a dense gradient here). */
  gather(dim: number, index: Tensor): Tensor;
  gather(dim: number, options: { index: Tensor; sparse_grad?: boolean }): Tensor;
  gather(options: NumpyAliased<{ dim: number; index: Tensor; sparse_grad?: boolean }>): Tensor;
  gather(...args: unknown[]): Tensor {
    if (args.length === 2 && !isOptions(args[1])) return indexing.gather(this, args[0] as number, args[1] as Tensor);
    const a = parseArgs<{ dim: number; index: Tensor; sparse_grad?: boolean }>("gather", ["dim", "index", "sparse_grad"], args);
    if (a.dim === undefined || a.index === undefined) throw new TypeError_(`gather() missing 1 required positional argument: '${a.dim === undefined ? "dim" : "index"}'`);
    return indexing.gather(this, a.dim, a.index);
  }
  /** Copy with src (tensor or number) written at index along dim; { reduce: "add" | "multiply" } combines. */
  scatter(dim: number, index: Tensor, src: TensorLike | ScatterOptions, ...args: PyArgs<[reduce?: "add" | "multiply"], ScatterOptions>): Tensor;
  /** x.scatter(0, index=idx, value=1), x.scatter(dim=0, index=idx, src=s) */
  scatter(dim: number, options: ScatterOptions & { index: Tensor }): Tensor;
  scatter(options: ScatterOptions & { dim: number; index: Tensor }): Tensor;
  scatter(dim: unknown, index?: unknown, src?: unknown, ...args: unknown[]): Tensor {
    const a = indexing.scatterOperands("scatter", dim, index, src, args);
    return indexing.scatter(this, a.dim, a.index, a.src, a.reduce);
  }
  scatter_(dim: number, index: Tensor, src: TensorLike | ScatterOptions, ...args: PyArgs<[reduce?: "add" | "multiply"], ScatterOptions>): this;
  /** x.scatter_(0, index=idx, value=1), x.scatter_(dim=0, index=idx, src=s) */
  scatter_(dim: number, options: ScatterOptions & { index: Tensor }): this;
  scatter_(options: ScatterOptions & { dim: number; index: Tensor }): this;
  scatter_(dim: unknown, index?: unknown, src?: unknown, ...args: unknown[]): this {
    const a = indexing.scatterOperands("scatter_", dim, index, src, args);
    return inplace.apply_(this, "scatter_", (old) => indexing.scatter(old, a.dim, a.index, a.src, a.reduce), [a.src]);
  }
  scatter_add(dim: number, index: Tensor, src: Tensor): Tensor {
    return indexing.scatter_add(this, dim, index, src);
  }
  scatter_add_(dim: number, index: Tensor, src: Tensor): this {
    return inplace.apply_(this, "scatter_add_", (old) => indexing.scatter_add(old, dim, index, src), [src]);
  }
  /** Copy with alpha * source added at the positions index names along dim. */
  index_add(dim: number, index: Tensor, source: Tensor, ...args: PyArgs<[alpha?: number], IndexAddOptions>): Tensor {
    return scatterOps.index_add(this, dim, index, source, parseArgs<IndexAddOptions>("index_add", ["alpha"], args).alpha ?? 1);
  }
  index_add_(dim: number, index: Tensor, source: Tensor, ...args: PyArgs<[alpha?: number], IndexAddOptions>): this {
    const alpha = parseArgs<IndexAddOptions>("index_add_", ["alpha"], args).alpha ?? 1;
    return inplace.apply_(this, "index_add_", (old) => scatterOps.index_add(old, dim, index, source, alpha), [source]);
  }
  /** Copy with src combined into index's positions along dim: reduce "sum" | "prod" | "mean" | "amax" | "amin", { include_self }. */
  scatter_reduce(dim: number, index: Tensor, src: Tensor, ...args: scatterReduce.ScatterReduceArgs): Tensor {
    const a = scatterReduce.parseScatterReduce("scatter_reduce", args);
    return scatterReduce.scatter_reduce(this, dim, index, src, a.reduce, a.include_self);
  }
  scatter_reduce_(dim: number, index: Tensor, src: Tensor, ...args: scatterReduce.ScatterReduceArgs): this {
    const a = scatterReduce.parseScatterReduce("scatter_reduce_", args);
    return inplace.apply_(this, "scatter_reduce_", (old) => scatterReduce.scatter_reduce(old, dim, index, src, a.reduce, a.include_self), [src]);
  }
  /** [n, dim] long coordinates of the nonzero entries; { as_tuple: true } gives one 1-D tensor per dim. */
  nonzero(opts?: { as_tuple?: false }): Tensor;
  nonzero(opts: { as_tuple: true }): Tensor[];
  nonzero(opts: { as_tuple?: boolean }): Tensor | Tensor[];
  nonzero(opts: { as_tuple?: boolean } = {}): Tensor | Tensor[] {
    return indexing.nonzero(this, opts.as_tuple ?? false);
  }
  argwhere(): Tensor {
    return indexing.nonzero(this) as Tensor;
  }
  masked_select(mask: Tensor): Tensor {
    return indexing.masked_select(this, mask);
  }
  masked_fill(mask: Tensor, value: TensorLike): Tensor {
    return where.masked_fill(this, mask, value);
  }
  /** x.where(condition, other), either by keyword too (x.where(condition=c, other=y)). */
  where(...args: PyArgs<[condition: Tensor, other: TensorLike], { condition?: Tensor; other?: TensorLike }>): Tensor {
    const { condition, other } = parseArgs<{ condition: Tensor; other: TensorLike }>("where", ["condition", "other"], args);
    if (condition === undefined) throw new TypeError_("where() missing 1 required positional argument: 'condition'");
    if (other === undefined) throw new TypeError_("where() missing 1 required positional argument: 'other'");
    return where.where(condition, this, other);
  }

  // ---- arithmetic ---------------------------------------------------------------------
  // add / sub / mul / div / matmul with a complex other return a complex tensor (complex_tensor.ts). Their implementation
  // signatures (hidden from callers) return never so that these overloads and tensor_operand_keywords.ts's keyword
  // overloads are all compatible with them.
  /** Also torch 1.13's deprecated add(Number alpha, Tensor other), with its warning (ops/deprecated_overloads.ts). */
  add(other: ComplexTensor, opts?: { alpha?: number | Tensor }): ComplexTensor;
  add(other: TensorLike, opts?: { alpha?: number | Tensor }): Tensor;
  add(other: unknown, opts?: { alpha?: number | Tensor }): never {
    // a complex other: alphaFirst returns null for it and ops/arithmetic.ts hands it to complex_tensor.ts
    const old = alphaFirst("add", other as TensorLike, opts);
    return (old ? arithmetic.add(this, old[0], { alpha: old[1] }) : arithmetic.add(this, other as TensorLike, opts)) as never;
  }
  /** Also the deprecated sub(Number alpha, Tensor other). */
  sub(other: ComplexTensor, opts?: { alpha?: number | Tensor }): ComplexTensor;
  sub(other: TensorLike, opts?: { alpha?: number | Tensor }): Tensor;
  sub(other: unknown, opts?: { alpha?: number | Tensor }): never {
    const old = alphaFirst("sub", other as TensorLike, opts);
    return (old ? arithmetic.sub(this, old[0], { alpha: old[1] }) : arithmetic.sub(this, other as TensorLike, opts)) as never;
  }
  rsub(other: TensorLike, opts?: { alpha?: number | Tensor }): Tensor {
    return arithmetic.rsub(this, other, opts);
  }
  mul(other: ComplexTensor): ComplexTensor;
  mul(other: TensorLike): Tensor;
  mul(other: unknown): never {
    return arithmetic.mul(this, other as TensorLike) as never; // a complex other: ops/arithmetic.ts hands it to complex_tensor.ts
  }
  div(other: ComplexTensor, opts?: { rounding_mode?: null }): ComplexTensor;
  div(other: TensorLike, opts?: { rounding_mode?: "trunc" | "floor" | null }): Tensor;
  div(other: unknown, opts?: { rounding_mode?: "trunc" | "floor" | null }): never {
    return arithmetic.div(this, other as TensorLike, opts) as never; // a complex other: ops/arithmetic.ts hands it to complex_tensor.ts
  }
  true_divide(other: TensorLike): Tensor {
    return arithmetic.div(this, other);
  }
  floor_divide(other: TensorLike): Tensor {
    return arithmetic.div(this, other, { rounding_mode: "floor" });
  }
  remainder(other: TensorLike): Tensor {
    return arithmetic.remainder(this, other);
  }
  fmod(other: TensorLike): Tensor {
    return arithmetic.fmod(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return arithmetic.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return arithmetic.checkedExtremum("maximum", this, other, 1);
  }
  minimum(other: TensorLike): Tensor {
    return arithmetic.checkedExtremum("minimum", this, other, 1);
  }
  neg(): Tensor {
    return unary.neg(this);
  }
  negative(): Tensor {
    return unary.neg(this);
  }
  exp(): Tensor {
    return unary.exp(this);
  }
  expm1(): Tensor {
    return unary.expm1(this);
  }
  log(): Tensor {
    return unary.log(this);
  }
  log2(): Tensor {
    return unary.log2(this);
  }
  log1p(): Tensor {
    return unary.log1p(this);
  }
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  rsqrt(): Tensor {
    return unary.rsqrt(this);
  }
  square(): Tensor {
    return unary.square(this);
  }
  reciprocal(): Tensor {
    return unary.reciprocal(this);
  }
  abs(): Tensor {
    return unary.abs(this);
  }
  sign(): Tensor {
    return unary.sign(this);
  }
  sin(): Tensor {
    return unary.sin(this);
  }
  cos(): Tensor {
    return unary.cos(this);
  }
  erf(): Tensor {
    return unary.erf(this);
  }
  floor(): Tensor {
    return unary.floor(this);
  }
  ceil(): Tensor {
    return unary.ceil(this);
  }
  /** round() half to even; round({ decimals }) at 10^-decimals (keyword-only, as PyTorch's). */
  round(...args: PyArgs<[], { decimals?: number }>): Tensor {
    return roundDecimals(this, ...args);
  }
  trunc(): Tensor {
    return unary.trunc(this);
  }
  clamp(min?: Parameters<typeof unary.clamp>[1], max?: Parameters<typeof unary.clamp>[2]): Tensor {
    return unary.clamp(this, min, max, { name: "clamp", method: true });
  }
  clip(min?: number | null, max?: number | null): Tensor {
    return unary.clamp(this, min, max, { name: "clip", method: true });
  }
  clamp_min(min: number): Tensor {
    return unary.clampBound(this, min, "min");
  }
  clamp_max(max: number): Tensor {
    return unary.clampBound(this, max, "max");
  }

  // ---- comparisons and logic (bool masks) ----------------------------------------------
  gt(other: TensorLike): Tensor {
    return compare.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return compare.ge(this, other);
  }
  lt(other: TensorLike): Tensor {
    return compare.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return compare.le(this, other);
  }
  eq(other: TensorLike): Tensor {
    return compare.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return compare.ne(this, other);
  }
  greater(other: TensorLike): Tensor {
    return compare.gt(this, other);
  }
  less(other: TensorLike): Tensor {
    return compare.lt(this, other);
  }
  logical_not(): Tensor {
    return compare.logical_not(this);
  }
  logical_and(other: TensorLike): Tensor {
    return compare.logical_and(this, other);
  }
  logical_or(other: TensorLike): Tensor {
    return compare.logical_or(this, other);
  }
  logical_xor(other: TensorLike): Tensor {
    return compare.logical_xor(this, other);
  }
  isnan(): Tensor {
    return compare.isnan(this);
  }
  isinf(): Tensor {
    return compare.isinf(this);
  }
  isfinite(): Tensor {
    return compare.isfinite(this);
  }
  /** All true: every dtype here is real (PyTorch's isreal is false only for complex values with an imaginary part). */
  isreal(): Tensor {
    const out = new Tensor(allocStorage(bool, this.numel()), this.shape, bool);
    out._data.fill(1);
    return out;
  }
  equal(other: Tensor): boolean {
    return compare.equal(this, other);
  }
  allclose(other: Tensor, opts?: { rtol?: number; atol?: number; equal_nan?: boolean }): boolean {
    return compare.allclose(this, other, opts);
  }
  isclose(other: Tensor, ...args: PyArgs<[rtol?: number, atol?: number, equal_nan?: boolean], CloseOptions>): Tensor {
    return compare.isclose(this, other, parseArgs<CloseOptions>("isclose", ["rtol", "atol", "equal_nan"], args));
  }
  /** NaN -> nan (0), +inf -> posinf (largest finite), -inf -> neginf (lowest finite). */
  nan_to_num(...args: PyArgs<[nan?: number, posinf?: number | null, neginf?: number | null], NanToNumOptions>): Tensor {
    const a = parseArgs<NanToNumOptions>("nan_to_num", ["nan", "posinf", "neginf"], args);
    return nanToNum.nan_to_num(this, a.nan ?? 0, a.posinf, a.neginf);
  }
  any(...args: PyArgs<[dim?: number, keepdim?: boolean], KeepdimOptions<number>>): Tensor {
    const a = parseArgs<KeepdimOptions<number>>("any", ["dim", "keepdim"], args);
    return compare.any(this, a.dim, a.keepdim ?? false);
  }
  all(...args: PyArgs<[dim?: number, keepdim?: boolean], KeepdimOptions<number>>): Tensor {
    const a = parseArgs<KeepdimOptions<number>>("all", ["dim", "keepdim"], args);
    return compare.all(this, a.dim, a.keepdim ?? false);
  }

  // ---- activations --------------------------------------------------------------------
  relu(): Tensor {
    return activations.relu(this);
  }
  relu6(): Tensor {
    return activations.hardtanh(this, 0, 6);
  }
  sigmoid(): Tensor {
    return activations.sigmoid(this);
  }
  tanh(): Tensor {
    return activations.tanh(this);
  }
  leaky_relu(...args: PyArgs<[negative_slope?: number], { negative_slope?: number }>): Tensor {
    return activations.leaky_relu(this, parseArgs<{ negative_slope?: number }>("leaky_relu", ["negative_slope"], args).negative_slope ?? 0.01);
  }
  elu(...args: PyArgs<[alpha?: number], { alpha?: number }>): Tensor {
    return activations.elu(this, parseArgs<{ alpha?: number }>("elu", ["alpha"], args).alpha ?? 1);
  }
  selu(): Tensor {
    return activations.selu(this);
  }
  gelu(opts?: { approximate?: "none" | "tanh" }): Tensor {
    return activations.gelu(this, opts);
  }
  silu(): Tensor {
    return activations.silu(this);
  }
  softplus(...args: PyArgs<[beta?: number, threshold?: number], { beta?: number; threshold?: number }>): Tensor {
    const a = parseArgs<{ beta?: number; threshold?: number }>("softplus", ["beta", "threshold"], args);
    return activations.softplus(this, a.beta ?? 1, a.threshold ?? 20);
  }
  hardtanh(...args: PyArgs<[min_val?: number, max_val?: number], { min_val?: number; max_val?: number }>): Tensor {
    const a = parseArgs<{ min_val?: number; max_val?: number }>("hardtanh", ["min_val", "max_val"], args);
    return activations.hardtanh(this, a.min_val ?? -1, a.max_val ?? 1);
  }
  /** softmax(dim, dtype?) / softmax(dim, { dtype }): with dtype the input is cast to it first. */
  softmax(dim: number | { dim: number; dtype?: DType | null } | { axis: number; dtype?: DType | null }, ...dtype: [] | [dtype: DType | null] | [options: { dtype?: DType | null }]): Tensor {
    softmax.checkDimGiven("softmax", dim, dtype, true);
    return softmax.softmax(this, dim, ...dtype);
  }
  log_softmax(dim: number | { dim: number; dtype?: DType | null } | { axis: number; dtype?: DType | null }, ...dtype: [] | [dtype: DType | null] | [options: { dtype?: DType | null }]): Tensor {
    softmax.checkDimGiven("log_softmax", dim, dtype, true);
    return softmax.log_softmax(this, dim, ...dtype);
  }

  // ---- reductions ---------------------------------------------------------------------
  sum(dim?: DimArg | ReduceOptions | null, keepdim?: boolean | ReduceOptions, opts?: ReduceOptions): Tensor {
    return reduce.sum(this, dim, keepdim, opts);
  }
  mean(dim?: DimArg | ReduceOptions | null, keepdim?: boolean | ReduceOptions, opts?: ReduceOptions): Tensor {
    return reduce.mean(this, dim, keepdim, opts);
  }
  prod(dim?: number | ReduceOptions | null, keepdim?: boolean | ReduceOptions, opts?: ReduceOptions): Tensor {
    return reduce.prod(this, dim, keepdim, opts);
  }
  /** max() -> scalar tensor; max(dim, keepdim?) -> { values, indices }; max(other) -> maximum. */
  max(): Tensor;
  max(dim: number | DimKeywords, keepdim?: boolean | { keepdim?: boolean; keepdims?: boolean }): MinMaxResult;
  max(other: Tensor | { other: Tensor }): Tensor;
  max(dim?: number | Tensor | DimKeywords | { other: Tensor }, keepdim?: boolean | { keepdim?: boolean; keepdims?: boolean }): Tensor | MinMaxResult {
    if (dim instanceof Tensor) return arithmetic.maximum(this, dim);
    // x.max(other=y): the elementwise overload by keyword
    if (isOtherKeyword(dim, keepdim)) return arithmetic.maximum(this, dim.other);
    return minmax.max(this, dim as number | DimKeywords | undefined, keepdim);
  }
  min(): Tensor;
  min(dim: number | DimKeywords, keepdim?: boolean | { keepdim?: boolean; keepdims?: boolean }): MinMaxResult;
  min(other: Tensor | { other: Tensor }): Tensor;
  min(dim?: number | Tensor | DimKeywords | { other: Tensor }, keepdim?: boolean | { keepdim?: boolean; keepdims?: boolean }): Tensor | MinMaxResult {
    if (dim instanceof Tensor) return arithmetic.minimum(this, dim);
    if (isOtherKeyword(dim, keepdim)) return arithmetic.minimum(this, dim.other);
    return minmax.min(this, dim as number | DimKeywords | undefined, keepdim);
  }
  amax(...args: PyArgs<[dim?: DimArg, keepdim?: boolean], KeepdimOptions<DimArg>>): Tensor {
    const a = parseArgs<KeepdimOptions<DimArg>>("amax", ["dim", "keepdim"], args);
    return minmax.amax(this, a.dim, a.keepdim ?? false);
  }
  amin(...args: PyArgs<[dim?: DimArg, keepdim?: boolean], KeepdimOptions<DimArg>>): Tensor {
    const a = parseArgs<KeepdimOptions<DimArg>>("amin", ["dim", "keepdim"], args);
    return minmax.amin(this, a.dim, a.keepdim ?? false);
  }
  argmax(dim?: number | null | { dim?: number; axis?: number; keepdim?: boolean; keepdims?: boolean }, keepdim: boolean | { keepdim?: boolean; keepdims?: boolean } = false): Tensor {
    return minmax.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | null | { dim?: number; axis?: number; keepdim?: boolean; keepdims?: boolean }, keepdim: boolean | { keepdim?: boolean; keepdims?: boolean } = false): Tensor {
    return minmax.argmin(this, dim, keepdim);
  }
  var(dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions): Tensor {
    return stats.var_(this, dim, unbiased, keepdim);
  }
  std(dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions): Tensor {
    return stats.std(this, dim, unbiased, keepdim);
  }
  logsumexp(...args: stats.LogsumexpArgs): Tensor {
    // torch 1.13 has no all-dims logsumexp: x.logsumexp() is its argument parser's error (torch.logsumexp(x) in torch.ts)
    if (args.length === 0 || args[0] === undefined) {
      throw new TypeError_("logsumexp() received an invalid combination of arguments - got (), but expected one of:\n * (tuple of ints dim, bool keepdim)\n * (tuple of names dim, bool keepdim)\n");
    }
    return stats.logsumexp(this, ...args);
  }
  norm(...args: PyArgsExact<[p?: number | "fro" | "nuc", dim?: DimArg | null, keepdim?: boolean], NormOptions>): Tensor {
    const a = parseArgs<NormOptions>("norm", ["p", "dim", "keepdim"], args);
    // p defaults to "fro", as torch.norm's: the 2-norm, with frobenius_norm's checks on a list of dims
    return stats.norm(this, a.p ?? "fro", a.dim, a.keepdim ?? false);
  }
  /** cumsum(dim) / cumsum(dim, { dtype }) / cumsum({ dim, dtype }): with dtype the input is cast to it first. */
  cumsum(...args: PyArgs<[dim: number], { dim?: number; axis?: number; dtype?: DType | null }> | [dim: number | { dim: number; dtype?: DType | null }]): Tensor {
    if (isDType(args[1])) throw reduce.keywordOnlyDtype("cumsum");
    const a = parseArgs<{ dim?: number; dtype?: DType | null }>("cumsum", ["dim", "dtype"], args);
    if (a.dim === undefined) throw new TypeError_(`cumsum() received an invalid combination of arguments - got (), but expected one of:\n${CUM_METHOD_OVERLOADS}`);
    return reduce.cumsum(this, a.dim, a.dtype);
  }
  /** cumprod(dim) / cumprod({ dim, dtype }), or NumPy's axis as torch 1.13 takes it (the Annotated Diffusion Model's torch.cumprod(alphas, axis=0)). */
  cumprod(...args: PyArgs<[dim: number], { dim?: number; axis?: number; dtype?: DType }>): Tensor {
    if (args.length > 1 && args[1] !== undefined && !isOptions(args[1])) throw reduce.keywordOnlyDtype("cumprod"); // (dim, *, dtype) in torch 1.13
    const a = parseArgs<{ dim?: number; dtype?: DType }>("cumprod", ["dim", "dtype"], args);
    if (a.dim === undefined) throw new TypeError_(`cumprod() received an invalid combination of arguments - got (), but expected one of:\n${CUM_METHOD_OVERLOADS}`);
    return scan.cumprod(this, a.dim, a.dtype);
  }
  /** { values, indices } sorted along dim (default -1); NaN last (first when descending); equal values in torch's order, or kept in order with stable. */
  sort(...args: PyArgs<[dim?: number, descending?: boolean], SortOptions>): MinMaxResult {
    const a = parseArgs<SortOptions>("sort", ["dim", "descending", "stable"], args);
    return sorting.sort(this, a.dim ?? -1, a.descending ?? false, a.stable ?? false);
  }
  argsort(...args: PyArgs<[dim?: number, descending?: boolean], SortOptions>): Tensor {
    const a = parseArgs<SortOptions>("argsort", ["dim", "descending", "stable"], args);
    return sorting.argsort(this, a.dim ?? -1, a.descending ?? false, a.stable ?? false);
  }
  /** { values, indices } of the k largest (largest=false: smallest) along dim, in sorted order. */
  topk(k: number | TopkOptions, ...args: PyArgs<[dim?: number, largest?: boolean, sorted?: boolean], TopkOptions>): MinMaxResult {
    const a = parseArgs<TopkOptions>("topk", ["dim", "largest", "sorted", "k"], typeof k === "object" ? [k] : args);
    const kk = typeof k === "number" ? k : a.k;
    if (kk === undefined) throw new TypeError_("topk() missing required argument 'k'");
    return sorting.topk(this, kk, a.dim ?? -1, a.largest ?? true, a.sorted ?? true);
  }
  tril(...args: PyArgs<[diagonal?: number], { diagonal?: number }>): Tensor {
    return triangular.tril(this, parseArgs<{ diagonal?: number }>("tril", ["diagonal"], args).diagonal ?? 0);
  }
  triu(...args: PyArgs<[diagonal?: number], { diagonal?: number }>): Tensor {
    return triangular.triu(this, parseArgs<{ diagonal?: number }>("triu", ["diagonal"], args).diagonal ?? 0);
  }
  /**
   * Sorted unique values; with return_inverse / return_counts, [values, inverse?, counts?]. Typed by overload:
   * without either flag the result is one Tensor (torch.unique(labels).size(0) type-checks), with one a Tensor[].
   */
  unique(sorted?: boolean | (UniqueOptions & { return_inverse?: false; return_counts?: false })): Tensor;
  unique(sorted: boolean, return_inverse: false, return_counts?: false, dim?: number | null): Tensor;
  unique(sorted: boolean, options: { return_inverse?: false; return_counts?: false; dim?: number | null }): Tensor;
  unique(options: UniqueOptions & ({ return_inverse: true } | { return_counts: true })): Tensor[];
  unique(...args: PyArgsExact<[sorted?: boolean, return_inverse?: boolean, return_counts?: boolean, dim?: number | null], UniqueOptions>): Tensor | Tensor[];
  unique(...args: unknown[]): Tensor | Tensor[] {
    return uniq.unique(this, parseArgs<UniqueOptions>("unique", ["sorted", "return_inverse", "return_counts", "dim"], args));
  }
  bincount(...args: PyArgs<[weights?: Tensor | null, minlength?: number], { weights?: Tensor | null; minlength?: number }>): Tensor {
    const a = parseArgs<{ weights?: Tensor | null; minlength?: number }>("bincount", ["weights", "minlength"], args);
    return uniq.bincount(this, a.weights, a.minlength ?? 0);
  }
  /** Samples category indices from rows of non-negative weights (seeded; PyTorch's draws). */
  multinomial(num_samples: number, ...args: PyArgs<[replacement?: boolean], MultinomialOptions>): Tensor;
  /** torch.multinomial(probs, num_samples=1, replacement=True, generator=g), as makemore-style samplers write it. */
  multinomial(options: MultinomialOptions & { num_samples: number }): Tensor;
  multinomial(...args: unknown[]): Tensor {
    const a = parseArgs<MultinomialOptions>("multinomial", ["num_samples", "replacement", "generator"], args);
    if (a.num_samples === undefined) throw new TypeError_("multinomial() missing 1 required positional argument: 'num_samples'");
    return sampling.multinomial(this, a.num_samples, a.replacement ?? false, a.generator);
  }
  /** 0/1 draws with this tensor's entries as probabilities (or a scalar p for every entry). */
  bernoulli(...args: PyArgs<[p?: number], BernoulliOptions>): Tensor {
    const a = parseArgs<BernoulliOptions>("bernoulli", ["p", "generator"], args);
    return sampling.bernoulli(this, a.p, a.generator);
  }

  // ---- linear algebra -----------------------------------------------------------------
  matmul(other: ComplexTensor): ComplexTensor;
  matmul(other: Tensor): Tensor;
  matmul(other: unknown): never {
    return matmul.matmul(this, other as Tensor) as never; // a complex other: ops/matmul.ts hands it to complex_tensor.ts
  }
  mm(other: Tensor): Tensor {
    return matmul.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return matmul.bmm(this, other);
  }
  mv(vec: Tensor): Tensor {
    return matmul.matmul(this, vec);
  }
  dot(other: Tensor): Tensor {
    return matmul.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return matmul.outer(this, other);
  }

  // ---- API breadth a2: more shape, indexing and diagonal ops (ops/shape_extra.ts) -----------
  diag(...args: Rest<typeof shapeExtra.diag>): Tensor {
    return shapeExtra.diag(this, ...args);
  }
  diagonal(...args: Rest<typeof shapeExtra.diagonal>): Tensor {
    return shapeExtra.diagonal(this, ...args);
  }
  diag_embed(...args: Rest<typeof shapeExtra.diag_embed>): Tensor {
    return shapeExtra.diag_embed(this, ...args);
  }
  diagflat(...args: Rest<typeof shapeExtra.diagflat>): Tensor {
    return shapeExtra.diagflat(this, ...args);
  }
  trace(): Tensor {
    return shapeExtra.trace(this);
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeExtra.movedim(this, source, destination);
  }
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeExtra.movedim(this, source, destination);
  }
  swapdims(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  ravel(): Tensor {
    return shapeExtra.ravel(this);
  }
  broadcast_to(size: readonly number[]): Tensor {
    return shapeExtra.broadcast_to(this, size);
  }
  rot90(...args: Rest<typeof shapeExtra.rot90>): Tensor {
    return shapeExtra.rot90(this, ...args);
  }
  tensor_split(indices_or_sections: Second<typeof shapeExtra.tensor_split>, ...args: Rest2<typeof shapeExtra.tensor_split>): Tensor[] {
    return shapeExtra.tensor_split(this, indices_or_sections, ...args);
  }
  take(index: Tensor): Tensor {
    return shapeExtra.take(this, index);
  }
  take_along_dim(indices: Second<typeof shapeExtra.take_along_dim>, ...args: Rest2<typeof shapeExtra.take_along_dim>): Tensor {
    return shapeExtra.take_along_dim(this, indices, ...args);
  }
  repeat_interleave(...args: Rest<typeof shapeExtra.repeat_interleave>): Tensor {
    return shapeExtra.repeat_interleave(this, ...args);
  }
  kron(other: Tensor): Tensor {
    return shapeExtra.kron(this, other);
  }
  inner(other: Tensor): Tensor {
    return shapeExtra.inner(this, other);
  }
  cross(other: Second<typeof shapeExtra.cross>, ...args: Rest2<typeof shapeExtra.cross>): Tensor {
    return shapeExtra.cross(this, other, ...args);
  }
  slice_scatter(src: Second<typeof shapeExtra.slice_scatter>, ...args: Rest2<typeof shapeExtra.slice_scatter>): Tensor {
    return shapeExtra.slice_scatter(this, src, ...args);
  }
  /** unfold(dimension, size, step): sliding windows as a new last dim (a view). */
  unfold(dimension: number, size: number, step: number): Tensor {
    return shapeExtra.unfold(this, dimension, size, step);
  }
  as_strided(size: readonly number[], stride: readonly number[], storage_offset?: number | null): Tensor {
    return shapeExtra.as_strided(this, size, stride, storage_offset);
  }
  /** Conjugate transpose: the transpose for real tensors (H of a matrix, mH of the last two dims). */
  get H(): Tensor {
    if (this.dim() !== 2) throw new RuntimeError(`tensor.H is only supported on matrices (2-D tensors). Got ${this.dim()}-D tensor.`);
    return views.transpose(this, 0, 1);
  }
  get mH(): Tensor {
    return views.transpose(this, -2, -1);
  }

  // ---- API breadth a2: more reductions and statistics (ops/stats_extra.ts) ------------------
  /** median() -> the lower median; median(dim, keepdim?) -> (values, indices). */
  median(): Tensor;
  median(...args: PyArgs<[dim: number, keepdim?: boolean], { dim?: number; keepdim?: boolean }>): MinMaxResult;
  median(...args: unknown[]): Tensor | MinMaxResult {
    return statsExtra.median(this, ...(args as [number]));
  }
  nanmedian(): Tensor;
  nanmedian(...args: PyArgs<[dim: number, keepdim?: boolean], { dim?: number; keepdim?: boolean }>): MinMaxResult;
  nanmedian(...args: unknown[]): Tensor | MinMaxResult {
    return statsExtra.nanmedian(this, ...(args as [number]));
  }
  mode(...args: Rest<typeof statsExtra.mode>): MinMaxResult {
    return statsExtra.mode(this, ...args);
  }
  kthvalue(k: number, ...args: Rest2<typeof statsExtra.kthvalue>): MinMaxResult {
    return statsExtra.kthvalue(this, k, ...args);
  }
  msort(): Tensor {
    return statsExtra.msort(this);
  }
  quantile(...args: Rest<typeof statsExtra.quantile>): Tensor {
    return statsExtra.quantile(this, ...args);
  }
  nanquantile(...args: Rest<typeof statsExtra.nanquantile>): Tensor {
    return statsExtra.nanquantile(this, ...args);
  }
  nansum(...args: Rest<typeof statsExtra.nansum>): Tensor {
    statsExtra.nanPositionals("nansum", args, 0);
    return statsExtra.nansum(this, ...args);
  }
  nanmean(...args: Rest<typeof statsExtra.nanmean>): Tensor {
    statsExtra.nanPositionals("nanmean", args, 0);
    return statsExtra.nanmean(this, ...args);
  }
  count_nonzero(...args: Rest<typeof statsExtra.count_nonzero>): Tensor {
    return statsExtra.count_nonzero(this, ...args);
  }
  aminmax(...args: Rest<typeof statsExtra.aminmax>): ReturnType<typeof statsExtra.aminmax> {
    return statsExtra.aminmax(this, ...args);
  }
  cummax(...args: Rest<typeof statsExtra.cummax>): MinMaxResult {
    return statsExtra.cummax(this, ...args);
  }
  cummin(...args: Rest<typeof statsExtra.cummin>): MinMaxResult {
    return statsExtra.cummin(this, ...args);
  }
  logcumsumexp(...args: Rest<typeof statsExtra.logcumsumexp>): Tensor {
    return statsExtra.logcumsumexpMethod(this, ...args);
  }
  diff(...args: Rest<typeof statsExtra.diff>): Tensor {
    return statsExtra.diff(this, ...args);
  }
  histc(...args: Rest<typeof statsExtra.histc>): Tensor {
    return statsExtra.histc(this, ...args);
  }
  histogram(...args: Rest<typeof statsExtra.histogram>): ReturnType<typeof statsExtra.histogram> {
    return statsExtra.histogram(this, ...args);
  }
  unique_consecutive(...args: Rest<typeof statsExtra.unique_consecutive>): Tensor | Tensor[] {
    return statsExtra.unique_consecutive(this, ...args);
  }
  cov(...args: Rest<typeof statsExtra.cov>): Tensor {
    return statsExtra.cov(this, ...args);
  }
  corrcoef(): Tensor {
    return statsExtra.corrcoef(this);
  }
  dist(other: Tensor, ...args: Rest2<typeof statsExtra.dist>): Tensor {
    return statsExtra.dist(this, other, ...args);
  }

  // ---- API breadth a2: linear algebra methods (ops/linalg.ts) ------------------------------
  det(): Tensor {
    return linalgOps.det(this);
  }
  logdet(): Tensor {
    return linalgOps.logdet(this);
  }
  slogdet(): ReturnType<typeof linalgOps.slogdet> {
    return linalgOps.slogdet(this);
  }
  inverse(): Tensor {
    return linalgOps.inv(this);
  }
  pinverse(...args: Rest<typeof linalgOps.pinv>): Tensor {
    return linalgOps.pinv(this, ...args);
  }
  /** Tensor.cholesky(upper=False): torch.cholesky's method form (deprecated in 1.13, its error says "cholesky:"). */
  cholesky(...args: Rest<typeof linalgOps.choleskyOld>): Tensor {
    return linalgOps.choleskyOld(this, ...args);
  }
  svd(...args: Rest<typeof linalgOps.svdOld>): ReturnType<typeof linalgOps.svdOld> {
    return linalgOps.svdOld(this, ...args);
  }
  matrix_power(n: number): Tensor {
    return linalgOps.matrix_power(this, n);
  }
  matrix_exp(): Tensor {
    return linalgOps.matrix_exp(this);
  }
  triangular_solve(A: Tensor, ...args: Rest2<typeof linalgOps.triangular_solve>): ReturnType<typeof linalgOps.triangular_solve> {
    return linalgOps.triangular_solve(this, A, ...args);
  }
  qr(...args: Rest<typeof linalgOps.qrOld>): ReturnType<typeof linalgOps.qrOld> {
    return linalgOps.qrOld(this, ...args);
  }
  cholesky_solve(L: Tensor, ...args: Rest2<typeof linalgOps.cholesky_solve>): Tensor {
    return linalgOps.cholesky_solve(this, L, ...args);
  }
  cholesky_inverse(...args: Rest<typeof linalgOps.cholesky_inverse>): Tensor {
    return linalgOps.cholesky_inverse(this, ...args);
  }
  addmv(mat: Tensor, vec: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
    return linalgOps.addmv(this, mat, vec, opts ?? {});
  }
  addr(vec1: Tensor, vec2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
    return linalgOps.addr(this, vec1, vec2, opts ?? {});
  }
  baddbmm(batch1: Tensor, batch2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
    return linalgOps.baddbmm(this, batch1, batch2, opts ?? {});
  }
  addbmm(batch1: Tensor, batch2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
    return linalgOps.addbmm(this, batch1, batch2, opts ?? {});
  }
  vdot(other: Tensor): Tensor {
    return linalgOps.vdot(this, other);
  }
  ger(vec2: Tensor): Tensor {
    return this.outer(vec2);
  }
  adjoint(): Tensor {
    return this.mH;
  }
  diagonal_scatter(src: Tensor, ...args: Rest2<typeof shapeExtra.diagonal_scatter>): Tensor {
    return shapeExtra.diagonal_scatter(this, src, ...args);
  }
  select_scatter(src: Tensor, dim: number, index: number): Tensor {
    return shapeExtra.select_scatter(this, src, dim, index);
  }
  hsplit(sections: number | readonly number[]): Tensor[] {
    return shapeExtra.hsplit(this, sections);
  }
  vsplit(sections: number | readonly number[]): Tensor[] {
    return shapeExtra.vsplit(this, sections);
  }
  dsplit(sections: number | readonly number[]): Tensor[] {
    return shapeExtra.dsplit(this, sections);
  }

  // ---- in place -------------------------------------------------------------------------
  /** Also the deprecated add_(Number alpha, Tensor other) of pre-1.5 optimizers: p.data.add_(-lr, d_p). */
  add_(other: TensorLike, opts?: { alpha?: number | Tensor }): this {
    const old = alphaFirst("add_", other, opts);
    if (old) return inplace.add_(this, old[0], old[1]);
    const alpha = scalarArg("add_", "alpha", opts?.alpha ?? 1); // a 0-dim tensor stands for its value
    arithmetic.checkAlpha(resultType(this, other), alpha);
    return inplace.add_(this, other, Number(alpha));
  }
  /** Also the deprecated sub_(Number alpha, Tensor other). */
  sub_(other: TensorLike, opts?: { alpha?: number | Tensor }): this {
    const old = alphaFirst("sub_", other, opts);
    arithmetic.checkBoolSub(this, old ? old[0] : other);
    if (old) return inplace.add_(this, old[0], -old[1], "sub_");
    const alpha = scalarArg("sub_", "alpha", opts?.alpha ?? 1);
    arithmetic.checkAlpha(resultType(this, other), alpha);
    return inplace.add_(this, other, -Number(alpha), "sub_");
  }
  mul_(other: TensorLike): this {
    return inplace.binary_(this, other, "mul");
  }
  /** x.div_(other, rounding_mode=None): a rounding mode keeps the dtype, so x.div_(2, { rounding_mode: "floor" }) works on int64. */
  div_(other: TensorLike, opts?: { rounding_mode?: "trunc" | "floor" | null }): this {
    if (opts?.rounding_mode !== undefined && opts.rounding_mode !== null) {
      return inplace.unary_(this, "div_", (x) => arithmetic.div(x, other, opts));
    }
    return inplace.binary_(this, other, "div");
  }
  pow_(exponent: TensorLike): this {
    return inplace.binary_(this, exponent, "pow");
  }
  /** self += value * t1 * t2 (optimizers); also the deprecated addcmul_(Number value, Tensor tensor1, Tensor tensor2). */
  addcmul_(t1: Tensor, t2: Tensor, opts?: { value?: number | Tensor }): this {
    const old = valueFirst("addcmul_", t1, t2, opts);
    if (old) return inplace.addcmul_(this, old[0], old[1], old[2]);
    return inplace.addcmul_(this, t1, t2, scalarArg("addcmul_", "value", opts?.value ?? 1) as number);
  }
  /** self += value * t1 / t2 (optimizers); also the deprecated addcdiv_(Number value, Tensor tensor1, Tensor tensor2). */
  addcdiv_(t1: Tensor, t2: Tensor, opts?: { value?: number | Tensor }): this {
    const old = valueFirst("addcdiv_", t1, t2, opts);
    if (old) return inplace.addcdiv_(this, old[0], old[1], old[2]);
    return inplace.addcdiv_(this, t1, t2, scalarArg("addcdiv_", "value", opts?.value ?? 1) as number);
  }
  /** self += weight * (end - self); weight a number (the optimizers' fused path) or a tensor. */
  lerp_(end: Tensor, weight: number | Tensor): this {
    if (weight instanceof Tensor) return inplace.apply_(this, "lerp_", (x) => x.lerp(end, weight), [end, weight]);
    return inplace.lerp_(this, end, weight);
  }
  zero_(): this {
    return inplace.fill_(this, 0, "zero_");
  }
  fill_(value: number | boolean | Tensor): this {
    return inplace.fill_(this, value, "fill_");
  }
  copy_(src: TensorLike): this {
    return inplace.copy_(this, src);
  }
  clamp_(min?: Parameters<typeof unary.clamp>[1], max?: Parameters<typeof unary.clamp>[2]): this {
    unary.checkClampInplace(this, min, max);
    return inplace.unary_(this, "clamp_", (x) => unary.clamp(x, min, max, { name: "clamp_", method: true }));
  }
  relu_(): this {
    return inplace.unary_(this, "relu_", (x) => activations.relu(x));
  }
  neg_(): this {
    return inplace.unary_(this, "neg_", (x) => unary.neg(x));
  }
  sqrt_(): this {
    return inplace.unary_(this, "sqrt_", (x) => unary.sqrt(x));
  }
  exp_(): this {
    return inplace.unary_(this, "exp_", (x) => unary.exp(x));
  }
  masked_fill_(mask: Tensor, value: TensorLike): this {
    return inplace.unary_(this, "masked_fill_", (x) => where.masked_fill(x, mask, value, true));
  }
  uniform_(...args: PyArgs<[from?: number | Tensor, to?: number | Tensor], { from?: number | Tensor; to?: number | Tensor; generator?: Generator }>): this {
    const a = parseArgs<{ from?: number | Tensor; to?: number | Tensor; generator?: Generator }>("uniform_", ["from", "to", "generator"], args);
    return inplace.uniform_(this, inplace.floatArg("uniform_", "from", 1, a.from, args) ?? 0, inplace.floatArg("uniform_", "to", 2, a.to, args) ?? 1, a.generator);
  }
  normal_(...args: PyArgs<[mean?: number | Tensor, std?: number | Tensor], { mean?: number | Tensor; std?: number | Tensor; generator?: Generator }>): this {
    const a = parseArgs<{ mean?: number | Tensor; std?: number | Tensor; generator?: Generator }>("normal_", ["mean", "std", "generator"], args);
    return inplace.normal_(this, inplace.floatArg("normal_", "mean", 1, a.mean, args) ?? 0, inplace.floatArg("normal_", "std", 2, a.std, args) ?? 1, a.generator);
  }
  /** p a number, or a tensor of probabilities broadcast to this tensor (ops/random_fills.ts). */
  bernoulli_(...args: PyArgs<[p?: number | Tensor], { p?: number | Tensor; generator?: Generator }>): this {
    const a = parseArgs<{ p?: number | Tensor; generator?: Generator }>("bernoulli_", ["p", "generator"], args);
    if (a.p instanceof Tensor) return bernoulliTensor_(this, a.p, a.generator);
    return inplace.bernoulli_(this, a.p ?? 0.5, a.generator);
  }
  /** Marks the tensor as modified in place (bumps the version counter). */
  _bump(op: string): void {
    if (is_grad_enabled() && this._requires_grad && this.is_leaf) {
      throw new RuntimeError(`a leaf Variable that requires grad is being used in an in-place operation (${op}).`);
    }
    this._ver.v++;
    this._ver.lastOp = op;
  }
}

// More methods live with their families' torch functions in api/ (one install per family; the
// class's own methods above win). Complex's real-tensor helpers are in complex.ts.
installElementwiseMathMethods(Tensor.prototype);
installDtypeCreationMethods(Tensor.prototype);
installInplaceMethods(Tensor.prototype);
installIndexingMethods(Tensor.prototype);
installRandomFillMethods(Tensor.prototype);
installComplexMethods(Tensor.prototype);
installBitwiseMethods(Tensor.prototype);
installSpecialFunctionMethods(Tensor.prototype);

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * True only for a tensor the engine constructed: unlike `instanceof`, a Proxy wrapped around a
 * tensor or an object whose prototype was set to Tensor.prototype fails it. The grader uses it
 * so that nothing posing as a tensor reaches an assertion.
 */
export function isGenuineTensor(x: unknown): x is Tensor {
  return typeof x === "object" && x !== null && Tensor.hasGenuineBrand(x);
}
