/**
 * Named tensors (a prototype feature in PyTorch 1.13) are not implemented: a tensor here never has
 * dimension names. What code that merely reads or clears names does works as in PyTorch with
 * unnamed tensors: x.names is [null, null, ...] (torch's (None, None, ...)), x.rename(null) and
 * x.refine_names(null, ...) give a view of x. Giving a dimension a name raises one clear error
 * saying so. Supporting names would need a names field carried by every view and op, PyTorch's
 * name-inference rules per op (unification for broadcasting, propagation for reductions), the
 * named forms of dim arguments (x.sum("C")) and align_to / align_as / flatten / unflatten with names.
 */
import { parseArgs } from "../args";
import { NotImplementedError, RuntimeError } from "../errors";
import type { Tensor } from "../tensor";

interface NamedTensorMethods {
  /** Always [null, ...] (one per dimension): tensors here are unnamed. */
  readonly names: (string | null)[];
  rename(...names: unknown[]): Tensor;
  refine_names(...names: unknown[]): Tensor;
  align_to(...names: unknown[]): Tensor;
  align_as(other: Tensor): Tensor;
}

declare module "../tensor" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends NamedTensorMethods {}
}

function refuse(fn: string): never {
  throw new NotImplementedError(
    `${fn}: named tensors (a prototype feature in PyTorch) are not supported by Gradbook's tensor engine; every tensor is unnamed (x.names is [null, ...]). ` +
      "Index dimensions by number (x.sum(1)) and keep their meaning in a comment or a variable name.",
  );
}

/** rename(null) / refine_names(null, ...) / rename({}) only clear or keep "no names": a view of x, as torch returns. */
function keepUnnamed(x: Tensor, fn: string, names: unknown[]): Tensor {
  const flat = names.length === 1 && Array.isArray(names[0]) ? (names[0] as unknown[]) : names;
  const onlyNone = flat.every((n) => n === null || n === undefined || n === "...");
  const emptyMap = flat.length === 1 && typeof flat[0] === "object" && flat[0] !== null && Object.keys(flat[0]).length === 0;
  if (!onlyNone && !emptyMap) refuse(fn);
  const clearAll = fn === "rename" && names.length === 1 && (names[0] === null || emptyMap); // rename(None): drop every name
  if (!clearAll && !flat.includes("...") && flat.length !== x.dim()) {
    const none = (n: number) => new Array<string>(n).fill("None").join(", ");
    if (fn === "refine_names") {
      throw new RuntimeError(`refine_names: cannot coerce Tensor[${none(x.dim())}] to Tensor[${none(flat.length)}] because they have a different number of dims (${x.dim()} and ${flat.length} respectively).`);
    }
    throw new RuntimeError(`Number of names (${flat.length}) and number of dimensions in tensor (${x.dim()}) do not match. Attempted to create a tensor with names [${none(flat.length)}]`);
  }
  return x.view(x.shape);
}

export function installNamedTensors(proto: object): void {
  Object.defineProperty(proto, "names", {
    get(this: Tensor) {
      return new Array<string | null>(this.dim()).fill(null);
    },
    configurable: true,
    enumerable: false,
  });
  const methods: Omit<NamedTensorMethods, "names"> & ThisType<Tensor> = {
    rename(...names: unknown[]) {
      return keepUnnamed(this, "rename", names);
    },
    refine_names(...names: unknown[]) {
      return keepUnnamed(this, "refine_names", names);
    },
    align_to(...names: unknown[]) {
      void names;
      return refuse("align_to");
    },
    align_as(other: Tensor, ...rest: unknown[]) {
      parseArgs<object>("align_as", [], rest);
      void other;
      return refuse("align_as");
    },
  };
  for (const [k, v] of Object.entries(methods)) {
    if (Object.prototype.hasOwnProperty.call(proto, k)) continue;
    Object.defineProperty(proto, k, { value: v, writable: true, configurable: true, enumerable: false });
  }
}
