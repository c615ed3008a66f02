/**
 * torch.* functions given a sparse COO first argument (non_tensor_input.ts hands them here through sparseHooks):
 * the ones with a sparse form compute it (torch.mm / spmm / matmul, add / sub / mul / div / neg, t / transpose,
 * numel, clone / detach); every other function, and every F.* / torch.linalg.* ... one, raises one clear error
 * naming it instead of reading a dense storage the sparse tensor does not have.
 */
import { parseArgs } from "../args";
import { RuntimeError } from "../errors";
import { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse, sparseHooks } from "./brand";
import { mulSparseDense, SPARSE_UNARY } from "./elementwise";
import { hspmm, sparseAddmm } from "./mm";
import { refuseOnCsr, SparseCsrTensor } from "./csr";
import { named, SparseCooTensor } from "./sparse_coo";
import { couldNotRun, sparseDivisionError } from "./torch_errors";

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
  negative: method("neg"),
  true_divide: method("true_divide"),
  floor_divide: method("floor_divide"),
  pow: method("pow"),
  deg2rad: method("deg2rad"),
  rad2deg: method("rad2deg"),
  conj: method("conj"),
  positive: method("positive"),
  ...Object.fromEntries(Object.keys(SPARSE_UNARY).map((op) => [op, method(op)])),
  sum: () => {
    throw couldNotRun("aten::sum.dim_IntList");
  },
  softmax: () => {
    throw couldNotRun("aten::_softmax");
  },
  log_softmax: () => {
    throw couldNotRun("aten::_log_softmax");
  },
  hspmm: (s, rest) => hspmm(s, parseArgs<{ mat2: unknown }>("hspmm", ["mat2"], rest).mat2, "hspmm"),
  smm: (s, rest) => hspmm(s, parseArgs<{ mat2: unknown }>("smm", ["mat2"], rest).mat2, "smm"),
  t: method("t"),
  transpose: (s, rest) => {
    const a = parseArgs<{ dim0: number; dim1: number }>("transpose", ["dim0", "dim1"], rest);
    return s.transpose(a.dim0!, a.dim1!);
  },
  numel: (s) => s.numel(),
  clone: (s) => s.clone(),
  detach: (s) => s.detach(),
};

/** torch.* with a CSR first argument (csr.ts). */
const TORCH_CSR: Record<string, (c: SparseCsrTensor, rest: unknown[]) => unknown> = {
  mm: (c, rest) => c.mm(parseArgs<{ mat2: Tensor }>("mm", ["mat2"], rest).mat2!),
  matmul: (c, rest) => c.matmul(parseArgs<{ other: Tensor }>("matmul", ["other"], rest).other!),
  sum: (c, rest) => (rest.length ? refuseOnCsr("torch.sum() with a dim") : c.sum()),
  numel: (c) => c.numel(),
  clone: (c) => c.clone(),
  detach: (c) => c.detach(),
};

sparseHooks.call = (prefix, name, args) => {
  const [first, ...rest] = args;
  if (first instanceof SparseCsrTensor) {
    const csrFn = prefix === "torch" ? TORCH_CSR[name] : undefined;
    return csrFn ? { value: csrFn(first, rest) } : refuseOnCsr(`${prefix}.${name}()`);
  }
  const fn = prefix === "torch" ? TORCH[name] : undefined;
  if (!fn || !(first instanceof SparseCooTensor)) return refuseOnSparse(`${prefix}.${name}()`);
  return { value: fn(first, rest) };
};

/** dense + alpha * sparse (or -): dense, as torch; no broadcasting (torch's message), the gradient reaches the values through to_dense. */
sparseHooks.denseAdd = (input, other, alpha, op) => {
  if (other instanceof SparseCsrTensor) return refuseOnCsr(`Tensor.${op}(dense, sparse CSR)`);
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

/** dense * sparse: sparse, as sparse * dense (the product commutes; torch gives the same entries). */
sparseHooks.denseMul = (input, other) => {
  if (!(input instanceof Tensor)) return refuseOnSparse("torch.mul(number, sparse)");
  if (other instanceof SparseCsrTensor) return refuseOnCsr("Tensor.mul(dense, sparse CSR)");
  return input.dim() === 0 ? (other as SparseCooTensor).mul(input) : mulSparseDense(other as SparseCooTensor, input);
};

/** A dense binary op given a sparse second operand: torch's division error, or one clear refusal naming the op. */
sparseHooks.denseOperand = (op, other) => {
  if (other instanceof SparseCsrTensor) return refuseOnCsr(`${op}(dense, sparse CSR)`);
  if (op === "div" || op === "true_divide") throw sparseDivisionError((other as SparseCooTensor).shape);
  return refuseOnSparse(`${op}(dense, sparse)`);
};

/** torch.addmm(input, S, D, beta=, alpha=) with a sparse mat1: AddmmBackward0 (refused when S requires grad). */
sparseHooks.addmm = (input, mat1, mat2, beta, alpha) => {
  if (!(input instanceof Tensor) || isSparseCoo(input)) return refuseOnSparse("addmm() with a sparse input");
  if (mat1 instanceof SparseCsrTensor) {
    const prod = mat1.mm(mat2 as Tensor);
    return named(input.mul(beta).add(alpha === 1 ? prod : prod.mul(alpha)), "AddmmBackward0");
  }
  return sparseAddmm(input, mat1 as SparseCooTensor, mat2, beta, alpha, "AddmmBackward0");
};

/** dense @ sparse (ops/matmul.ts mm): torch 1.13 has no kernel for a COO mat2; D @ CSR is dense, (CSR^T @ D^T)^T. */
sparseHooks.denseMm = (a, b) => {
  if (!(b instanceof SparseCsrTensor)) throw couldNotRun("aten::sparse_dim", "CPU");
  const prod = b.to_sparse().t().mm((a as Tensor).t()) as Tensor;
  return named(prod.t(), "MmBackward0");
};
