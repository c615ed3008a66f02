/**
 * PyTorch's `out=` keyword for the torch.* functions that have it in PyTorch:
 * `torch.matmul(a, b, { out: y })` and `torch.add(a, b, { alpha: 2, out: y })` write the result into
 * y (and return y), as `torch.matmul(a, b, out=y)` does. Without this wrapper the option would be
 * ignored and y silently left as it was.
 *
 * PyTorch's rules: out= records no graph, so it is refused while grad mode is on and an argument
 * (or out) requires grad; the result must be castable to out's dtype (float -> long is refused);
 * an out of another shape is resized (a view, which cannot be resized here, is refused). Every
 * check runs before anything is written, so a refused call changes nothing.
 */
import { isOptions } from "../args";
import { is_grad_enabled, no_grad } from "../autograd/grad_mode";
import { allocStorage, cppTypeName } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { checkNonTensorInput, INPUT_CHECKED, InputMode, inputMode } from "../non_tensor_input";
import { contiguousStrides, numelOf } from "../shape";
import { Tensor } from "../tensor";
import { can_cast } from "./dtype_utils";
import { sizeOf } from "../size";

/** The keyword every wrapped function accepts in its trailing options object. */
export interface OutOption {
  out?: Tensor | null;
}

/** T, or T with `out` when T is an object type (distributes over unions: the options member gains `out`). */
type OrWithOut<T> = T | (T extends object ? T & OutOption : never);
type OutInOptions<A extends unknown[]> = { [K in keyof A]: OrWithOut<A[K]> };

/** fn's own call forms, with `out` allowed in its options object, or as a trailing `{ out }` when it has none. */
export type WithOut<F> = F extends (...args: infer A) => infer R ? F & ((...args: OutInOptions<A>) => R) & ((...args: [...A, OutOption]) => R) : never;

const typeName = (v: unknown): string => (v === null ? "NoneType" : Array.isArray(v) ? "list" : typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v);

function anyRequiresGrad(v: unknown): boolean {
  if (v instanceof Tensor) return v.requires_grad;
  if (Array.isArray(v)) return v.some(anyRequiresGrad);
  return false;
}

/** PyTorch's short dtype names in cast errors ("Float", "Double", "Long", "Bool"). */
const scalarName = (t: Pick<Tensor, "dtype">): string => cppTypeName(t.dtype);

/** Writes `result` into `out` (resizing a non-view out of another shape) and returns out. */
function writeOut(name: string, result: Tensor, out: Tensor): Tensor {
  if (!can_cast(result.dtype, out.dtype)) {
    throw new RuntimeError(`result type ${scalarName(result)} can't be cast to the desired output type ${scalarName(out)}`);
  }
  const same = result.shape.length === out.shape.length && result.shape.every((s, i) => s === out.shape[i]);
  if (!same) {
    if (out._base !== null) {
      throw new RuntimeError(`${name}(): out is a view of shape [${out.shape.join(", ")}] and cannot be resized to [${result.shape.join(", ")}]; pass a tensor of that shape`);
    }
    // resize_: fresh contiguous storage of the result's shape (the old values are not kept).
    out._data = allocStorage(out.dtype, numelOf(result.shape));
    out._shape = sizeOf(result.shape);
    out._strides = contiguousStrides(result.shape);
    out._offset = 0;
  }
  no_grad(() => out.copy_(result));
  return out;
}

/**
 * fn with PyTorch's out= keyword (see the file comment). `creation`: a factory (torch.rand(2, 2, out=c)),
 * whose result takes out's dtype unless a dtype is given, so float64 draws are float64 draws, as PyTorch's.
 */
export function withOut<F extends (...args: never[]) => unknown>(name: string, fn: F, creation = false): WithOut<F> {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  // torch.add("a", x): torch's TypeError (../non_tensor_input.ts), unless fn checks already; one instanceof on the fast path
  const input = INPUT_CHECKED.has(fn) ? InputMode.None : inputMode("torch", name);
  const wrapped = (...args: unknown[]): unknown => {
    if (input !== InputMode.None && !(args[0] instanceof Tensor)) {
      const complex = checkNonTensorInput("torch", name, input, args);
      if (complex) return complex.value;
    }
    const last = args[args.length - 1];
    if (args.length === 0 || !isOptions(last) || !("out" in last)) return call(...args);
    const { out, ...rest } = last;
    const callArgs = args.slice(0, -1);
    if (creation && out instanceof Tensor) {
      if (rest.dtype === undefined || rest.dtype === null) rest.dtype = out.dtype;
      else if (rest.dtype !== out.dtype) {
        const dtypeName = (d: unknown) => scalarName({ dtype: d } as Pick<Tensor, "dtype">);
        throw new RuntimeError(`dtype ${dtypeName(rest.dtype)} does not match dtype of out parameter (${scalarName(out)})`);
      }
    }
    if (Object.keys(rest).length > 0) callArgs.push(rest);
    if (out === undefined || out === null) return call(...callArgs);
    if (!(out instanceof Tensor)) throw new TypeError_(`${name}(): argument 'out' must be Tensor, not ${typeName(out)}`);
    if (is_grad_enabled() && (out.requires_grad || callArgs.some(anyRequiresGrad))) {
      throw new RuntimeError(`${name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
    }
    const result = call(...callArgs);
    if (!(result instanceof Tensor)) throw new TypeError_(`${name}(): out= is only supported where the result is one tensor`);
    return writeOut(name, result, out);
  };
  if (input !== InputMode.None || INPUT_CHECKED.has(fn)) INPUT_CHECKED.add(wrapped);
  return wrapped as unknown as WithOut<F>;
}

/** Wraps each named function of `ns` (those PyTorch gives an out= keyword); names absent from ns are skipped. */
export function withOutAll<T extends Record<string, unknown>, K extends keyof T & string>(ns: T, names: readonly K[], creation = false): { [P in K]: WithOut<T[P]> } {
  const out = {} as { [P in K]: WithOut<T[P]> };
  for (const n of names) if (typeof ns[n] === "function") out[n] = withOut(n, ns[n] as (...args: never[]) => unknown, creation) as WithOut<T[typeof n]>;
  return out;
}
