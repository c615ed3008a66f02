/** Statistics composed from differentiable ops: var, std, logsumexp, norm. */
import { checkKeywordsAliased, parseArgs, type PyArgs } from "../args";
import { get_default_dtype } from "../default_dtype";
import { cppTypeName } from "../dtype";
import { RuntimeError } from "../errors";
import { normalizeDim } from "../shape";
import type { DimArg, Tensor, VarOptions } from "../tensor";
import { composite } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { matrixNorm, vectorNorm } from "./norm";
import { parseReduceArgs } from "./reduce";

interface ParsedVar {
  dims: number[] | null;
  keepdim: boolean;
  correction: number;
}

/** var(dim?, unbiased?, keepdim?) or var(dim, { unbiased | correction, keepdim }) or var({ ... }). */
function parseVarArgs(x: Tensor, a?: DimArg | VarOptions | null, b?: boolean | VarOptions, c?: boolean | VarOptions): ParsedVar {
  let opts: VarOptions = {};
  let dim: DimArg | null | undefined;
  let unbiased: boolean | undefined;
  let keepdim: boolean | undefined;
  if (a !== null && typeof a === "object" && !Array.isArray(a)) opts = a as VarOptions;
  else dim = a as DimArg | null | undefined;
  if (typeof b === "boolean") unbiased = b;
  else if (b) opts = { ...opts, ...b };
  if (typeof c === "boolean") keepdim = c;
  else if (c) opts = { ...opts, ...c };
  opts = checkKeywordsAliased("var", opts, ["dim", "unbiased", "correction", "keepdim"]);
  if (opts.dim !== undefined) dim = opts.dim;
  if (opts.keepdim !== undefined) keepdim = opts.keepdim;
  if (opts.unbiased !== undefined) unbiased = opts.unbiased;
  const correction = opts.correction ?? (unbiased === false ? 0 : 1);
  const { dims } = parseReduceArgs(x, dim ?? null);
  return { dims, keepdim: keepdim ?? false, correction };
}

export function var_(x: Tensor, a?: DimArg | VarOptions | null, b?: boolean | VarOptions, c?: boolean | VarOptions): Tensor {
  const { dims, keepdim, correction } = parseVarArgs(x, a, b, c);
  if (!x.dtype.is_floating_point) throw new RuntimeError("std and var only support floating point and complex dtypes");
  const n = dims ? dims.reduce((k, d) => k * x.shape[d], 1) : x.numel();
  return composite("VarBackward0", [x], (xx) => {
    const centered = xx.sub(xx.mean(dims ?? undefined, true));
    // PyTorch returns nan/inf when n - correction <= 0 (with a warning); so do we.
    return centered.mul(centered).sum(dims ?? undefined, keepdim).div(Math.max(n - correction, 0));
  });
}

export function std(x: Tensor, a?: DimArg | VarOptions | null, b?: boolean | VarOptions, c?: boolean | VarOptions): Tensor {
  return composite("StdBackward0", [x], (xx) => var_(xx, a, b, c).sqrt());
}

/** log(sum(exp(x))) over dims, shifted by the (constant) max for stability. */
export type LogsumexpArgs = PyArgs<[dim: DimArg, keepdim?: boolean], LogsumexpOptions>;
/** dim= / keepdim=, or NumPy's axis= / keepdims= (torch 1.13 takes both: x.logsumexp(axis=1)). */
type LogsumexpOptions = { dim?: DimArg; keepdim?: boolean; axis?: DimArg; keepdims?: boolean };

export function logsumexp(x: Tensor, ...args: LogsumexpArgs): Tensor {
  const a = parseArgs<{ dim?: DimArg; keepdim?: boolean }>("logsumexp", ["dim", "keepdim"], args);
  const keepdim = a.keepdim ?? false;
  const dims = parseReduceArgs(x, a.dim as DimArg).dims ?? undefined;
  // Integers reduce in the default float dtype, as torch's (uint8 x - max would wrap around).
  if (!x.dtype.is_floating_point) x = x.to(get_default_dtype());
  return composite("LogsumexpBackward0", [x], (xx) => {
    const m = no_grad(() => {
      const mm = xx.amax({ dim: dims, keepdim: true });
      return mm.masked_fill(mm.isinf(), 0);
    });
    const s = xx.sub(m).exp().sum(dims, true).log().add(m);
    return keepdim ? s : s.reshape(s.shape.filter((_, i) => !(dims ?? xx.shape.map((_, j) => j)).includes(i)));
  });
}

/**
 * torch.norm / Tensor.norm: p-norm over all elements or dims; p may be a number, Infinity,
 * "fro" (the 2-norm over the given dims) or "nuc" (the sum of singular values over two dims). See ./norm.
 */
export function norm(x: Tensor, p: number | "fro" | "nuc" = 2, dim?: DimArg | null, keepdim = false): Tensor {
  // torch.norm(p="nuc") is torch.nuclear_norm, whose SVD checks the dtype
  if (p === "nuc" && !x.dtype.is_floating_point) throw new RuntimeError(`linalg.svd: Expected a floating point or complex tensor as input. Got ${cppTypeName(x.dtype)}`);
  if (p === "nuc") {
    const dims = typeof dim === "number" ? [dim] : (dim ?? [-2, -1]);
    if (dims.length !== 2) throw new RuntimeError("nuclear norm requires a 'dim' argument of size 2");
    return matrixNorm(x, "nuc", dims, keepdim);
  }
  if (p !== "fro" && typeof p !== "number") throw new RuntimeError(`norm: unsupported p=${String(p)}`);
  // p="fro" over a list of dims is torch 1.13's frobenius_norm: at most two dims, and two different ones
  if (p === "fro" && Array.isArray(dim)) {
    if (dim.length > 2) throw new RuntimeError(`Expected at most 2 dimensions, but got ${dim.length} dimensions instead.`);
    if (dim.length === 2 && normalizeDim(dim[0], x.dim()) === normalizeDim(dim[1], x.dim())) {
      throw new RuntimeError(`Expected dims to be different, got [${dim.join(", ")}] instead`);
    }
  }
  return vectorNorm(x, p === "fro" ? 2 : p, dim, keepdim, "NormBackward1");
}
