/**
 * torch.* functions given a sparse COO first argument (non_tensor_input.ts hands them here through sparseHooks):
 * the ones with a sparse form compute it (torch.mm / spmm / matmul, add / sub / mul / div / neg, t / transpose,
 * numel, clone / detach); every other function, and every F.* / torch.linalg.* ... one, raises one clear error
 * naming it instead of reading a dense storage the sparse tensor does not have.
 */
import { parseArgs } from "../args";
import { RuntimeError } from "../errors";
import { Tensor } from "../tensor";
import { refuseOnSparse, sparseHooks } from "./brand";
import { SparseCooTensor } from "./sparse_coo";

type Call = (s: SparseCooTensor, rest: unknown[]) => unknown;

const method = (name: string): Call => (s, rest) => (s as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...rest);

const TORCH: Record<string, Call> = {
  mm: method("mm"),
  matmul: method("matmul"),
  spmm: method("mm"),
  add: method("add"),
  sub: method("sub"),
  mul: method("mul"),
  div: method("div"),
  neg: method("neg"),
  t: method("t"),
  transpose: (s, rest) => {
    const a = parseArgs<{ dim0: number; dim1: number }>("transpose", ["dim0", "dim1"], rest);
    return s.transpose(a.dim0!, a.dim1!);
  },
  numel: (s) => s.numel(),
  clone: (s) => s.clone(),
  detach: (s) => s.detach(),
};

sparseHooks.call = (prefix, name, args) => {
  const [first, ...rest] = args;
  const fn = prefix === "torch" ? TORCH[name] : undefined;
  if (!fn || !(first instanceof SparseCooTensor)) return refuseOnSparse(`${prefix}.${name}()`);
  return { value: fn(first, rest) };
};

/** dense + alpha * sparse (or -): dense, as torch; no broadcasting (torch's message), the gradient reaches the values through to_dense. */
sparseHooks.denseAdd = (input, other, alpha, op) => {
  const s = other as SparseCooTensor;
  if (!(input instanceof Tensor)) return refuseOnSparse(`torch.${op}(number, sparse)`);
  if (input.shape.length !== s.shape.length || input.shape.some((d, i) => d !== s.shape[i])) {
    throw new RuntimeError(
      `${op}: expected 'self' and 'other' to have same size, but self has size [${input.shape.join(", ")}] while other has size ` +
        `[${s.shape.join(", ")}] (FYI: dense-sparse addition does not currently support broadcasting)`,
    );
  }
  const dense = s.to_dense();
  return alpha === undefined ? input[op](dense) : input[op](dense, { alpha: alpha as number });
};
