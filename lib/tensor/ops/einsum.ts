/**
 * torch.einsum(equation, ...operands): Einstein summation.
 *
 *   "ij,jk->ik" matmul · "bij,bjk->bik" batched · "ii->i" diagonal · "ii" trace
 *   "...ij,...jk" batch dims by ellipsis · "ij" (no arrow) implicit output: the letters that
 *   appear once, in alphabetical order, after the ellipsis dims.
 *
 * Computed as torch 1.13's ATen einsum computes it, op for op, so the graph a learner inspects is torch's
 * (`grad_fn` ViewBackward0 <- PermuteBackward0 <- ViewBackward0 <- BmmBackward0 for a contraction, MulBackward0
 * when nothing is summed, SumBackward1 for one operand summed, PermuteBackward0 for a pure transposition) and
 * so are the result's strides: each operand is aligned to [output dims, contracted dims] (a repeated letter takes
 * its diagonal, a missing one is unsqueezed, then one permute), and the operands are combined left to right,
 * each pair as one batched matmul (sumproductPair). Everything is built from differentiable ops, so autograd
 * comes for free.
 */
import { isOptions, parseArgs } from "../args";
import { complexHooks, isComplexTensor } from "../complex_dtype";
import type { ComplexTensor } from "../complex_tensor";
import { cppTypeName, refuseBool } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { numelOf } from "../shape";
import { Tensor } from "../tensor";

/* Labels are single characters; the ellipsis dims get private labels "0", "1", ... */
const LETTER = /^[a-zA-Z]$/;

/**
 * ATen's scan of the input subscripts, in its order: spaces skipped, a comma past the last operand raises at once,
 * and a label outside [a-zA-Z] is reported by its index in the equation as written (spaces counted), as a learner
 * meets it when handing einops' axis names ('b l d_in, d_in n -> ...') to torch.einsum. Dots are left to parseTerm.
 */
function checkLhsLabels(equation: string, numOps: number): void {
  const arrowAt = equation.indexOf("->");
  const lhs = arrowAt >= 0 ? equation.slice(0, arrowAt) : equation;
  let op = 0;
  for (let i = 0; i < lhs.length; i++) {
    const ch = lhs[i];
    if (ch === " " || ch === ".") continue;
    if (ch === ",") {
      if (++op >= numOps) throw new RuntimeError("einsum(): fewer operands were provided than specified in the equation");
    } else if (!LETTER.test(ch)) {
      throw new RuntimeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
    }
  }
}

function parseTerm(term: string, t: Tensor, which: number): { labels: string[]; ellipsisRank: number } {
  const parts = term.split("...");
  if (parts.length > 2) throw new RuntimeError(`einsum(): more than one ellipsis ("...") in operand ${which}`);
  for (const ch of parts.join("")) {
    if (!LETTER.test(ch)) throw new RuntimeError(`einsum(): invalid subscript given at index ${term.indexOf(ch)} in the equation string, subscripts must be in [a-zA-Z] (operand ${which}: "${term}")`);
  }
  const named = parts.join("").length;
  if (parts.length === 1) {
    if (named !== t.dim()) {
      throw new RuntimeError(`einsum(): the number of subscripts in the equation (${named}) does not match the number of dimensions (${t.dim()}) for operand ${which} and no ellipsis was given`);
    }
    return { labels: [...parts[0]], ellipsisRank: 0 };
  }
  const ellipsisRank = t.dim() - named;
  if (ellipsisRank < 0) {
    throw new RuntimeError(`einsum(): the number of subscripts in the equation (${named}) is more than the number of dimensions (${t.dim()}) for operand ${which}`);
  }
  return { labels: [...parts[0], ...ellipsisLabels(ellipsisRank), ...parts[1]], ellipsisRank };
}

/** Private labels of the last `rank` ellipsis dims (right-aligned so they broadcast). */
function ellipsisLabels(rank: number, maxRank = rank): string[] {
  return Array.from({ length: rank }, (_, i) => String(maxRank - rank + i));
}

/**
 * An operand's labels with repeats dropped and the size of each (checking, as torch, that a repeated
 * label has one size): what the size checks read before any diagonal is taken.
 */
function uniqueLabels(t: Tensor, labels: readonly string[]): { labels: string[]; shape: number[] } {
  const unique: string[] = [];
  const shape: number[] = [];
  labels.forEach((l, i) => {
    const at = unique.indexOf(l);
    if (at < 0) {
      unique.push(l);
      shape.push(t.shape[i]);
    } else if (shape[at] !== t.shape[i]) {
      throw new RuntimeError(`einsum(): subscript ${l} is repeated for operand but the sizes don't match, ${shape[at]} != ${t.shape[i]}`);
    }
  });
  return { labels: unique, shape };
}

/**
 * torch's sumproduct_pair (aten/src/ATen/native/Linear.cpp): (left * right).sum(sumDims, keepdim=True) for two
 * operands aligned to the same dims, as permute -> reshape -> bmm -> view -> permute, or a plain mul when nothing
 * is summed. Written op for op like ATen's so the recorded graph is torch's (ViewBackward0 <- PermuteBackward0 <-
 * ViewBackward0 <- BmmBackward0, or MulBackward0), and so are the result's strides.
 */
function sumproductPair(left: Tensor, right: Tensor, sumDims: readonly number[]): Tensor {
  // torch's sumproduct_pair multiplies when nothing is summed (dtypes promote, bool stays bool), else goes through bmm
  if (sumDims.length === 0) return left.mul(right);
  if (left.dtype !== right.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(left.dtype)} but found ${cppTypeName(right.dtype)}`); // its bmm's text
  refuseBool(left.dtype, "bmm"); // torch's bmm has no bool kernel
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  let sumSize = 1;
  for (let i = 0; i < left.dim(); i++) {
    const sl = left.shape[i] !== 1;
    const sr = right.shape[i] !== 1;
    if (sumDims.includes(i)) {
      // a summed dim present in one operand only is summed there at once
      if (sl && sr) sumSize *= left.shape[i];
      else if (sl) left = left.sum(i, true);
      else if (sr) right = right.sum(i, true);
    } else if (sl && sr) lro.push(i);
    else if (sl) lo.push(i);
    else ro.push(i);
  }
  const size = (t: Tensor, dims: number[]): number => numelOf(dims.map((d) => t.shape[d]));
  const outSize = [...lro.map((d) => left.shape[d]), ...lo.map((d) => left.shape[d]), ...sumDims.map(() => 1), ...ro.map((d) => right.shape[d])];
  const lperm = [...lro, ...lo, ...sumDims, ...ro];
  const rperm = [...lro, ...sumDims, ...ro, ...lo];
  const operm: number[] = [];
  lperm.forEach((d, i) => (operm[d] = i));
  const l = left.permute(lperm).reshape([size(left, lro), size(left, lo), sumSize]);
  const r = right.permute(rperm).reshape([size(left, lro), sumSize, size(right, ro)]);
  return l.bmm(r).view(outSize).permute(operm);
}

/** A sublist of einsum's second format: dims as integers in [0, 52), "..." for an ellipsis. */
type Sublist = readonly (number | "...")[];

/**
 * einsum(op1, sublist1, op2, sublist2, ..., [sublist_out]) as an equation and operands: integers are
 * letters (0-25 a-z, 26-51 A-Z, torch's mapping), "..." stands for Python's Ellipsis.
 */
function fromSublists(args: readonly unknown[]): [string, Tensor[]] {
  const letter = (d: unknown): string => {
    if (d === "...") return "...";
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d >= 52) throw new RuntimeError(`einsum(): subscript in subscript list is not within the valid range [0, 52)`);
    return String.fromCharCode(d < 26 ? 97 + d : 65 + d - 26);
  };
  for (const a of args) {
    if (a instanceof Tensor || Array.isArray(a)) continue;
    if (isOptions(a)) parseArgs("einsum", [], [a]); // raises Python's "unexpected keyword argument"
    throw new TypeError_(`einsum(): expected a tensor or a list of subscripts, got ${String(a)}`);
  }
  const operands: Tensor[] = [];
  const terms: string[] = [];
  let i = 0;
  for (; i + 1 < args.length && args[i] instanceof Tensor; i += 2) {
    operands.push(args[i] as Tensor);
    terms.push((args[i + 1] as Sublist).map(letter).join(""));
  }
  const out = i < args.length ? `->${(args[i] as Sublist).map(letter).join("")}` : "";
  return [terms.join(",") + out, operands];
}

/** torch.einsum(equation, *operands) or einsum(equation, [operands]), or the sublist form; complex operands give a complex result. */
export function einsum(equation: string | Tensor, ...args: (Tensor | readonly Tensor[] | Sublist)[]): Tensor;
export function einsum(equation: string, ...args: (Tensor | ComplexTensor)[] | [readonly (Tensor | ComplexTensor)[]]): ComplexTensor;
export function einsum(equation: string | Tensor, ...args: (Tensor | ComplexTensor | readonly (Tensor | ComplexTensor)[] | Sublist)[]): Tensor | ComplexTensor {
  // torch.einsum(As, [..., 0, 1], Bs, [..., 1, 2], [..., 0, 2]): the sublist format
  if (equation instanceof Tensor) return einsum(...fromSublists([equation, ...(args as (Tensor | Sublist)[])]));
  if (typeof equation !== "string") throw new TypeError_("einsum(): the first argument must be the equation string");
  const tensors: Tensor[] = args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly Tensor[])] : (args as Tensor[]);
  if (tensors.length === 0) throw new RuntimeError("einsum(): must provide at least one operand");
  if (tensors.some(isComplexTensor)) return complexHooks.einsum(equation, tensors) as ComplexTensor; // complex_tensor.ts
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError_(`einsum(): operand ${i} must be a Tensor`);
  });
  checkLhsLabels(equation, tensors.length);
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(",");
  if (terms.length !== tensors.length) {
    throw new RuntimeError(`einsum(): ${terms.length > tensors.length ? "fewer" : "more"} operands were provided than specified in the equation`);
  }
  const parsed = terms.map((term, i) => parseTerm(term, tensors[i], i));
  const maxRank = Math.max(0, ...parsed.map((p) => p.ellipsisRank));
  // Ellipsis labels are right-aligned across operands so "...ij,...jk" broadcasts like matmul.
  const operands = parsed.map((p) => p.labels.map((l) => (LETTER.test(l) ? l : String(Number(l) + maxRank - p.ellipsisRank))));
  const sizes = new Map<string, number>();
  operands.forEach((labels, k) => {
    const op = uniqueLabels(tensors[k], labels);
    op.labels.forEach((l, i) => {
      const s = op.shape[i];
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, s);
      else if (s !== 1 && s !== prev) {
        // torch 1.13's two messages (the missing space before "has" is theirs); an ellipsis dim is
        // counted within the operand's own ellipsis
        throw new RuntimeError(LETTER.test(l)
          ? `einsum(): subscript ${l} has size ${s} for operand ${k} which does not broadcast with previously seen size ${prev}`
          : `einsum(): dimension ${Number(l) - maxRank + parsed[k].ellipsisRank} covered by ellipsis in operand ${k}has size ${s} ` +
            `which does not broadcast with previously seen ellipsis with size ${prev} for the respective dimension`);
      }
    });
  });
  const ellipsis = ellipsisLabels(maxRank);
  let output: string[];
  if (arrow >= 0) {
    const rhs = eq.slice(arrow + 2);
    const parts = rhs.split("...");
    if (parts.length > 2) throw new RuntimeError("einsum(): more than one ellipsis in the output");
    for (const ch of parts.join("")) {
      if (!LETTER.test(ch)) throw new RuntimeError(`einsum(): invalid subscript ${ch} in the output`);
      if (!sizes.has(ch)) throw new RuntimeError(`einsum(): output subscript ${ch} does not appear in the equation for any input operand`);
    }
    if (new Set(parts.join("")).size !== parts.join("").length) throw new RuntimeError("einsum(): output subscript appears more than once in the output");
    // Without "..." in the output the ellipsis dims are summed.
    output = parts.length === 2 ? [...parts[0], ...ellipsis, ...parts[1]] : [...parts[0]];
  } else {
    const counts = new Map<string, number>();
    for (const term of terms) for (const ch of term.replace("...", "")) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    output = [...ellipsis, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  }
  // torch's plan (ATen's einsum, no path given): every operand is aligned to the dims [output..., contracted...]
  // (its diagonal taken for a repeated label, unsqueezed where a label is missing, then permuted), the operands
  // are multiplied left to right by sumproduct_pair, summing a dim once no other operand has it, and the summed
  // (now size-1) dims are viewed away; a single operand sums them.
  const ellipsisInOutput = arrow < 0 || eq.slice(arrow + 2).includes("...");
  const contracted = [...sizes.keys()].filter((l) => LETTER.test(l) && !output.includes(l)).sort(); // ATen's label order: A-Z, then a-z
  const order = [...output, ...(ellipsisInOutput ? [] : ellipsis), ...contracted];
  const permIndex = new Map(order.map((l, i) => [l, i]));
  const outNum = output.length;
  const dimCounts = order.map(() => 0);
  const ops: Tensor[] = operands.map((labels, k) => {
    let op = tensors[k];
    const perm = order.map(() => -1);
    let dim = 0;
    for (const l of labels) {
      const p = permIndex.get(l)!;
      if (perm[p] === -1) {
        if (op.shape[dim] !== 1) dimCounts[p]++;
        perm[p] = dim++;
      } else {
        // a repeated label: its diagonal, moved to where the label first appeared
        op = op.diagonal(0, perm[p], dim).movedim(-1, perm[p]);
      }
    }
    for (let p = 0; p < perm.length; p++) {
      if (perm[p] === -1) {
        op = op.unsqueeze(dim);
        perm[p] = dim++;
      }
    }
    return op.permute(perm);
  });
  while (ops.length > 1) {
    let a = ops.shift()!;
    let b = ops.shift()!;
    const sumDims: number[] = [];
    const aSum: number[] = [];
    const bSum: number[] = [];
    for (let d = outNum; d < order.length; d++) {
      if (a.shape[d] !== 1 && b.shape[d] !== 1) {
        if (--dimCounts[d] === 1) {
          sumDims.push(d);
          dimCounts[d] = 0;
        }
      } else if (dimCounts[d] === 1) {
        if (a.shape[d] !== 1) {
          aSum.push(d);
          dimCounts[d] = 0;
        } else if (b.shape[d] !== 1) {
          bSum.push(d);
          dimCounts[d] = 0;
        }
      }
    }
    if (aSum.length > 0) a = a.sum(aSum, true);
    if (bSum.length > 0) b = b.sum(bSum, true);
    ops.unshift(sumproductPair(a, b, sumDims));
  }
  if (order.length > outNum) {
    const dims = order.slice(outNum).map((_, i) => outNum + i);
    return tensors.length > 1 ? ops[0].view(ops[0].shape.slice(0, outNum)) : ops[0].sum(dims);
  }
  return ops[0];
}
