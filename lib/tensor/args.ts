/**
 * Python-style arguments, written once for every function and constructor of the engine:
 * PyTorch's positional order, and a trailing options object for anything passed by keyword.
 *
 *   export function leaky_relu(input: Tensor, ...args: PyArgs<[negative_slope?: number, inplace?: boolean], LeakyReLUOptions>)
 *   const a = parseArgs<LeakyReLUOptions>("leaky_relu", ["negative_slope", "inplace"], args);
 *
 * `PyArgs` is the type: any prefix of the positional list, then optionally the options object.
 * The editor expands it into one signature per form, with the real parameter names
 * (`leaky_relu(input, negative_slope, options?)`, `leaky_relu(input, options?)`, ...).
 * `parseArgs` is the run-time half: it merges both forms into one typed record and raises
 * Python's TypeErrors for unknown keywords, too many positionals and a value given twice.
 */
import { TypeError_ } from "./errors";

/** Every prefix of the tuple P, shortest last: [a, b] | [a] | []. Labels are kept. */
type Prefixes<P extends unknown[]> = P extends [...infer Init extends unknown[], unknown] ? P | Prefixes<Init> : [];

/** Appends an optional options object to each tuple of a union. */
type WithOptions<T extends unknown[], O> = T extends unknown ? [...T, options?: O] : never;

/**
 * The call forms of a Python signature: P lists the positional parameters in PyTorch's order
 * (a labelled tuple, every element optional), O the keyword arguments (usually a superset of
 * P's names plus keyword-only ones such as `generator`). A `dim` / `keepdim` keyword may also be
 * written with NumPy's name, axis / keepdims (NumpyAliased), as parseArgs takes it at run time.
 */
export type PyArgs<P extends unknown[], O> = WithOptions<Prefixes<Required<P>>, NumpyAliased<O>>;

/**
 * PyArgs without the NumPy aliases: the functions torch 1.13 writes in Python (PYTHON_LEVEL below:
 * x.split(1, axis=0), F.normalize(x, axis=1) and nn.Softmax(axis=1) raise its TypeError).
 */
export type PyArgsExact<P extends unknown[], O> = WithOptions<Prefixes<Required<P>>, O>;

/**
 * The options O with NumPy's axis= for its dim= and keepdims= for its keepdim= (numpyAliases below, at
 * run time: torch 1.13's C++ argument parser takes them for every dim / keepdim parameter): x.median({ axis: 1 }),
 * x.nansum(1, { keepdims: true }). A required dim may be given as a required axis instead. Not for options
 * that have their own axis / keepdims, nor for softmax's (their _stacklevel marks F.softmax's Python version).
 */
export type NumpyAliased<O> = O extends unknown ? ("_stacklevel" extends keyof O ? O : KeepdimsAlias<AxisAlias<O>>) : never;
type AxisAlias<O> = "dim" extends keyof O
  ? "axis" extends keyof O ? O
  : Partial<Pick<O, "dim">> extends Pick<O, "dim"> ? O & { axis?: O["dim"] } : O | (Omit<O, "dim"> & { axis: O["dim"] })
  : O;
type KeepdimsAlias<O> = O extends unknown ? ("keepdim" extends keyof O ? ("keepdims" extends keyof O ? O : O & { keepdims?: O["keepdim"] }) : O) : never;

/**
 * True for a plain options object `{ ... }`. Instances of classes are values, not options: a
 * tensor, a dtype (`F.softmax(x, 1, 3, torch.float64)`) or a generator passed positionally.
 * Checked by shape rather than `=== Object.prototype`, so objects from another realm count.
 */
export function isOptions(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Resolves "positional or keyword" arguments: `names` in positional order (keyword-only names
 * may follow), `args` as passed. Returns the given values by name; absent ones stay undefined,
 * so callers write their defaults as `a.p ?? 0.5`.
 */
export function parseArgs<O extends object>(fn: string, names: readonly (keyof O & string)[], args: readonly unknown[]): Partial<O> {
  const out: Record<string, unknown> = {};
  let positional = args.length;
  if (positional > 0 && isOptions(args[positional - 1])) {
    positional--;
    const given = numpyAliases(fn, args[positional] as Record<string, unknown>, names);
    for (const [k, v] of Object.entries(given)) {
      if (!(names as readonly string[]).includes(k)) {
        throw new TypeError_(`${fn}() got an unexpected keyword argument '${k}' (accepted: ${names.join(", ")})`);
      }
      out[k] = v;
    }
  }
  if (positional > names.length) {
    throw new TypeError_(`${fn}() takes at most ${names.length} positional arguments after the input but ${positional} were given`);
  }
  for (let i = 0; i < positional; i++) {
    if (args[i] === undefined) continue;
    if (names[i] in out) throw new TypeError_(`${fn}() got multiple values for argument '${names[i]}'`);
    out[names[i]] = args[i];
  }
  return out as Partial<O>;
}

/**
 * Functions torch 1.13 writes in Python (torch/functional.py, torch/_tensor.py, torch.nn.functional,
 * nn modules), whose signatures do not take NumPy's axis / keepdims. Every other function with a `dim`
 * or `keepdim` parameter goes through torch's C++ argument parser, which does.
 */
const PYTHON_LEVEL = new Set([
  "split", "norm", "unique", "unique_consecutive", "normalize", "gumbel_softmax", "glu", "softmin", "unflatten", "tensordot",
  "Softmax", "Softmin", "LogSoftmax", "GLU", "CosineSimilarity", "Unflatten", "Flatten",
  "weight_norm", "spectral_norm", "PairwiseDistance",
]);

/**
 * NumPy's keyword names, as torch 1.13's C++ argument parser accepts them for any parameter named dim /
 * keepdim: `y_hat.argmax(axis=1)`, `A.cumsum(axis=0)`, `X.sum(1, keepdims=True)`, `torch.cat(xs, axis=0)`.
 * Returns opts with axis renamed dim and keepdims renamed keepdim when `names` has dim / keepdim and not
 * the NumPy name (opts itself when there is nothing to rename); both spellings at once raise as torch's
 * parser does. Functions torch defines in Python (PYTHON_LEVEL) keep rejecting them.
 */
export function numpyAliases(fn: string, opts: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  if (!("axis" in opts) && !("keepdims" in opts)) return opts;
  // F.softmax / log_softmax / softmin (their _stacklevel parameter marks torch.nn.functional's Python versions)
  if (PYTHON_LEVEL.has(fn) || names.includes("_stacklevel")) return opts;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    const to = k === "axis" ? "dim" : k === "keepdims" ? "keepdim" : null;
    if (to === null || !names.includes(to) || names.includes(k)) {
      out[k] = v;
      continue;
    }
    if (to in opts) throw new TypeError_(`${fn}() received an invalid combination of arguments - got both '${to}' and its NumPy alias '${k}'`);
    out[to] = v;
  }
  return out;
}

/** checkKeywords after numpyAliases: the options to read (opts itself when nothing was renamed). */
export function checkKeywordsAliased<T extends object>(fn: string, opts: T, allowed: readonly string[]): T {
  const o = numpyAliases(fn, opts as Record<string, unknown>, allowed) as T;
  checkKeywords(fn, o, allowed);
  return o;
}

/**
 * Raises Python's TypeError for a keyword `fn` does not take, for functions that read their
 * options object directly: `x.var({ unbaised: false })` must not quietly compute the unbiased one.
 */
export function checkKeywords(fn: string, opts: object | null | undefined, allowed: readonly string[]): void {
  if (!opts) return;
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new TypeError_(`${fn}() got an unexpected keyword argument '${k}' (accepted: ${allowed.join(", ")})`);
  }
}

/**
 * parseArgs for a signature that starts with required parameters, which PyTorch code may also pass
 * by keyword (`nn.Conv2d(1, 16, kernel_size=3)`, `nn.Linear(in_features=784, out_features=20)`):
 * `names` lists every parameter in positional order; the first `required` of them must be given,
 * one way or the other, else Python's "missing ... required positional argument" TypeError.
 */
export function parseArgsRequired<O extends object>(fn: string, names: readonly (keyof O & string)[], required: number, args: readonly unknown[]): Partial<O> {
  const out = parseArgs<O>(fn, names, args);
  const missing = names.slice(0, required).filter((n) => (out as Record<string, unknown>)[n] === undefined);
  if (missing.length > 0) {
    const list = missing.map((n) => `'${n}'`).join(missing.length === 2 ? " and " : ", ");
    throw new TypeError_(`${fn}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${list}`);
  }
  return out;
}

/**
 * For functions that take only their tensor input (F.sigmoid(input)): anything after it raises
 * Python's TypeError (an unknown keyword, or too many positionals) instead of being dropped as
 * a JS function drops extra arguments. `extra` is the rest parameter, empty on every valid call.
 */
export function checkNoMoreArgs(fn: string, extra: readonly unknown[]): void {
  if (extra.length > 0) parseArgs<object>(fn, [], extra);
}
