/**
 * Memory formats and layouts (PyTorch 1.13): torch.contiguous_format, channels_last,
 * channels_last_3d, preserve_format (instances of torch.memory_format), torch.strided and
 * torch.sparse_coo (torch.layout), x.layout (always torch.strided: no sparse tensors here).
 *
 * channels_last is a performance hint in PyTorch with identical values; what a program can see is
 * the strides. Here the explicit conversions give PyTorch's strides: x.contiguous({ memory_format:
 * torch.channels_last }), x.to({ memory_format }), x.clone({ memory_format }) and the *_like /
 * empty creators return an NHWC-ordered tensor viewed as NCHW (stride (HWC, 1, WC, C), as
 * PyTorch's), *_like and clone keep that layout under preserve_format (random *_like fill memory
 * order, so seeded values equal PyTorch's), and is_contiguous({ memory_format }) applies c10's
 * rule to the actual strides. Other ops return contiguous results (PyTorch would often propagate
 * channels_last): same values, different strides. Module.to({ memory_format }) converts the 4-D
 * (and 5-D) parameters and buffers as PyTorch's does (a 5-D one with channels_last raises, as there).
 */
import { RuntimeError, TypeError_ } from "./errors";
import { record } from "./autograd/function";
import { no_grad } from "./autograd/grad_mode";
import { Tensor } from "./tensor";

// The typed forms of what installMemoryFormats / installModuleMemoryFormat add at run time, so the
// Channels Last tutorial's lines type-check in the editor: x.to({ memory_format }),
// x.contiguous({ memory_format }) or x.contiguous(torch.channels_last), x.is_contiguous(...),
// x.clone({ memory_format }) and model.to({ memory_format }). The argument is optional here: the
// declarations the editor loads (scripts/gen-engine-types.mjs) leave out a class method that has
// overloads elsewhere (TypeScript emits it as their implementation), so these are the only
// signatures a cell sees; required, x.clone() was flagged "Expected 1 arguments".
declare module "./tensor" {
  interface TensorToOptions {
    memory_format?: memory_format;
  }
  interface Tensor {
    contiguous(memory_format?: memory_format | { memory_format?: memory_format }): Tensor;
    is_contiguous(options?: { memory_format?: memory_format }): boolean;
    clone(options?: { memory_format?: memory_format }): Tensor;
  }
}
declare module "./nn/placement" {
  interface ToOptions {
    memory_format?: memory_format;
  }
}

/** Only the engine makes these (PyTorch: "cannot create 'torch.memory_format' instances"). */
const INTERNAL = Symbol("memory_format.internal");

export class memory_format {
  constructor(
    readonly name: string,
    token?: symbol,
  ) {
    if (token !== INTERNAL) throw new TypeError_("cannot create 'torch.memory_format' instances");
  }
  toString(): string {
    return `torch.${this.name}`;
  }
}
export const contiguous_format = new memory_format("contiguous_format", INTERNAL);
export const channels_last = new memory_format("channels_last", INTERNAL);
export const channels_last_3d = new memory_format("channels_last_3d", INTERNAL);
export const preserve_format = new memory_format("preserve_format", INTERNAL);

export class layout {
  constructor(
    readonly name: string,
    token?: symbol,
  ) {
    if (token !== INTERNAL) throw new TypeError_("cannot create 'torch.layout' instances");
  }
  toString(): string {
    return `torch.${this.name}`;
  }
}
export const strided = new layout("strided", INTERNAL);
export const sparse_coo = new layout("sparse_coo", INTERNAL);
export const sparse_csr = new layout("sparse_csr", INTERNAL);

/** c10's is_channels_last(_3d) contiguity: strides follow C, W, H(, D), N order, skipping size-1 dims. */
function channelsLastContiguous(t: Tensor, rank: 4 | 5): boolean {
  if (t.dim() !== rank) return false;
  const order = rank === 4 ? [1, 3, 2, 0] : [1, 4, 3, 2, 0];
  const strides = t.stride();
  let expected = 1;
  for (const d of order) {
    const size = t.shape[d];
    if (size !== 1) {
      if (strides[d] !== expected) return false;
      expected *= size;
    }
  }
  return true;
}

function checkFormat(fn: string, f: unknown): memory_format {
  if (!(f instanceof memory_format)) throw new TypeError_(`${fn}(): argument 'memory_format' must be torch.memory_format, not ${f === null ? "NoneType" : typeof f}`);
  return f;
}

/** Channels-last permutation of a rank-4 or rank-5 tensor (to NHWC / NDHWC) and back. */
const toLast = (r: number) => (r === 4 ? [0, 2, 3, 1] : [0, 2, 3, 4, 1]);
const fromLast = (r: number) => (r === 4 ? [0, 3, 1, 2] : [0, 4, 1, 2, 3]);

function rankFor(f: memory_format, t: Tensor): 4 | 5 | null {
  if (f === channels_last) {
    if (t.dim() !== 4) throw new RuntimeError("required rank 4 tensor to use channels_last format");
    return 4;
  }
  if (f === channels_last_3d) {
    if (t.dim() !== 5) throw new RuntimeError("required rank 5 tensor to use channels_last_3d format");
    return 5;
  }
  return null;
}

/** The channels-last rank a preserve_format result keeps (input strided as channels last but not plain contiguous), or null. */
function preservedRank(t: Tensor): 4 | 5 | null {
  if (t.is_contiguous()) return null;
  if (channelsLastContiguous(t, 4)) return 4;
  if (channelsLastContiguous(t, 5)) return 5;
  return null;
}

/** Runs `make` on the channels-last-ordered shape and views the result back, so memory (and random fill) order is NHWC. */
function inLastOrder(t: Tensor, rank: number, make: (shaped: Tensor) => Tensor): Tensor {
  return make(t.permute(toLast(rank))).permute(fromLast(rank));
}

/**
 * A copy of t laid out by `lay` (run outside the graph on a detached t), recorded as ONE node, as torch 1.13 records
 * clone(memory_format=...) / contiguous(memory_format=...) (CloneBackward0) and to(memory_format=...) (_to_copy,
 * ToCopyBackward0), not as the permute / clone / permute the layout is made of. The gradient passes through
 * (converted back to t's dtype, as ToCopyBackward0); a non-floating result is outside the graph, as torch's.
 */
function copyNode(t: Tensor, name: "CloneBackward0" | "ToCopyBackward0", lay: (d: Tensor) => Tensor): Tensor {
  const out = no_grad(() => lay(t.detach()));
  out._base = null;
  if (!out.dtype.is_floating_point) return out;
  return record(out, name, [t], (g) => [g.dtype === t.dtype ? g : g.to(t.dtype)], [], true);
}

const isOptions = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;

/** Splits memory_format out of a trailing options object. */
function takeFormat(args: unknown[]): { rest: unknown[]; format: memory_format | undefined } {
  const last = args[args.length - 1];
  if (!isOptions(last) || !("memory_format" in last)) return { rest: args, format: undefined };
  const { memory_format: f, ...others } = last;
  const rest = args.slice(0, -1);
  if (Object.keys(others).length > 0) rest.push(others);
  return { rest, format: f === undefined || f === null ? undefined : (f as memory_format) };
}

type Method = (this: Tensor, ...a: unknown[]) => unknown;

/** Installs memory_format handling on Tensor.contiguous / is_contiguous / clone / to and the layout getter. */
export function installMemoryFormats(proto: Record<string, unknown>): void {
  const orig = (k: string) => proto[k] as Method;
  const contiguous = orig("contiguous");
  const isContiguous = orig("is_contiguous");
  const clone = orig("clone");
  const to = orig("to");
  proto.contiguous = function (this: Tensor, ...args: unknown[]) {
    if (args.length === 0) return contiguous.call(this);
    const { rest, format } = takeFormat(args);
    const f = rest.length > 0 && rest[0] instanceof memory_format ? (rest.shift() as memory_format) : format;
    if (f === undefined) return contiguous.call(this, ...rest);
    const rank = rankFor(checkFormat("contiguous", f), this);
    if (rank === null) return contiguous.call(this, ...rest);
    if (channelsLastContiguous(this, rank)) return this;
    return copyNode(this, "CloneBackward0", (d) => inLastOrder(d, rank, (p) => contiguous.call(p, ...rest) as Tensor));
  };
  proto.is_contiguous = function (this: Tensor, ...args: unknown[]) {
    if (args.length === 0) return isContiguous.call(this);
    const { rest, format } = takeFormat(args);
    // memory_format is keyword-only in torch 1.13: x.is_contiguous(torch.channels_last) raises, as any positional
    const positional = rest.filter((a) => a !== undefined && !isOptions(a)).length;
    if (positional > 0) throw new TypeError_(`is_contiguous() takes 0 positional arguments but ${positional} ${positional === 1 ? "was" : "were"} given`);
    const f = format;
    if (f === undefined) return isContiguous.call(this, ...rest);
    checkFormat("is_contiguous", f);
    if (f === channels_last) return channelsLastContiguous(this, 4);
    if (f === channels_last_3d) return channelsLastContiguous(this, 5);
    return isContiguous.call(this, ...rest);
  };
  proto.clone = function (this: Tensor, ...args: unknown[]) {
    const { rest, format } = takeFormat(args);
    const f = format ?? preserve_format;
    checkFormat("clone", f);
    const rank = f === preserve_format ? preservedRank(this) : rankFor(f, this);
    if (rank === null) return clone.call(this, ...rest);
    return copyNode(this, "CloneBackward0", (d) => inLastOrder(d, rank, (p) => clone.call(p.contiguous(), ...rest) as Tensor));
  };
  proto.to = function (this: Tensor, ...args: unknown[]) {
    const { rest, format } = takeFormat(args);
    const out = to.call(this, ...rest) as Tensor;
    // A copy in another layout is one _to_copy (ToCopyBackward0): the conversion, then the layout, on a detached input.
    const relaid = (layout: (c: Tensor) => Tensor): Tensor => copyNode(this, "ToCopyBackward0", (d) => layout(to.call(d, ...rest) as Tensor));
    if (format === undefined || checkFormat("to", format) === preserve_format) {
      // A converted copy keeps a channels-last input's layout, as PyTorch's preserve_format.
      const kept = out === this ? null : preservedRank(this);
      return kept === null || channelsLastContiguous(out, kept) ? out : relaid((c) => inLastOrder(c, kept, (p) => contiguous.call(p) as Tensor));
    }
    if (format === contiguous_format) return out.is_contiguous() ? out : relaid((c) => contiguous.call(c) as Tensor);
    const rank = rankFor(format, out)!;
    return channelsLastContiguous(out, rank) ? out : relaid((c) => inLastOrder(c, rank, (p) => contiguous.call(p) as Tensor));
  };
  // The dtype shorthands keep a channels-last input's layout too (torch's preserve_format), as one ToCopyBackward0.
  for (const name of ["float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool"]) {
    const convert = proto[name] as Method | undefined;
    if (typeof convert !== "function") continue;
    proto[name] = function (this: Tensor, ...args: unknown[]) {
      const out = convert.call(this, ...args) as Tensor;
      const kept = out === this ? null : preservedRank(this);
      if (kept === null || channelsLastContiguous(out, kept)) return out;
      return copyNode(this, "ToCopyBackward0", (d) => inLastOrder(convert.call(d, ...args) as Tensor, kept, (p) => contiguous.call(p) as Tensor));
    };
  }
  Object.defineProperty(proto, "layout", { get: () => strided, configurable: true, enumerable: false });
}

declare module "./tensor" {
  interface Tensor {
    /** x.layout: torch.strided (the engine's tensors are dense), installed above; typed so `x.layout` compiles. */
    readonly layout: layout;
  }
}

/** Wraps a *_like creator: memory_format (or preserve_format on a channels-last input) creates in NHWC order. */
export function likeWithFormat<F extends (x: Tensor, ...a: never[]) => Tensor>(fn: F, name: string): F {
  const wrapped = (x: Tensor, ...args: unknown[]): Tensor => {
    const { rest, format } = takeFormat(args);
    const f = format ?? preserve_format;
    checkFormat(name, f);
    if (!(x instanceof Tensor)) return (fn as unknown as (...a: unknown[]) => Tensor)(x, ...rest);
    const rank = f === preserve_format ? preservedRank(x) : rankFor(f, x);
    if (rank === null) return (fn as unknown as (...a: unknown[]) => Tensor)(x, ...rest);
    return inLastOrder(x, rank, (p) => (fn as unknown as (...a: unknown[]) => Tensor)(p, ...rest));
  };
  return wrapped as unknown as F;
}

/** torch.empty(*size, memory_format=...): an NHWC-ordered tensor viewed as NCHW for channels_last. */
export function emptyWithFormat<F extends (...a: never[]) => Tensor>(fn: F): F {
  const wrapped = (...args: unknown[]): Tensor => {
    const { rest, format } = takeFormat(args);
    const out = (fn as unknown as (...a: unknown[]) => Tensor)(...rest);
    if (format === undefined || checkFormat("empty", format) === contiguous_format) return out;
    if (format === preserve_format) throw new RuntimeError("unsupported memory format Preserve");
    const rank = rankFor(format, out)!;
    return inLastOrder(out, rank, (p) => p.contiguous());
  };
  return wrapped as unknown as F;
}

/** Module.to(..., { memory_format }): PyTorch converts the module's 4-D and 5-D tensors with t.to(memory_format). */
export function installModuleMemoryFormat(proto: Record<string, unknown>): void {
  const to = proto.to as (this: object, ...a: unknown[]) => unknown;
  proto.to = function (this: { _apply_to_tensors(fn: (t: Tensor) => Tensor): unknown }, ...args: unknown[]) {
    const { rest, format } = takeFormat(args);
    const out = to.call(this, ...rest);
    if (format === undefined) return out;
    checkFormat("to", format);
    if (format === preserve_format || format === contiguous_format) return out;
    this._apply_to_tensors((t) => (t.dim() === 4 || t.dim() === 5 ? ((t as unknown as { contiguous(o: object): Tensor }).contiguous({ memory_format: format })) : t));
    return out;
  };
}

export const memoryFormatNames = { memory_format, contiguous_format, channels_last, channels_last_3d, preserve_format, layout, strided, sparse_coo, sparse_csr };
