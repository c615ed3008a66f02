/**
 * torch.einsum(equation, ...operands): Einstein summation.
 *
 *   "ij,jk->ik" matmul · "bij,bjk->bik" batched · "ii->i" diagonal · "ii" trace
 *   "...ij,...jk" batch dims by ellipsis · "ij" (no arrow) implicit output: the letters that
 *   appear once, in alphabetical order, after the ellipsis dims.
 *
 * A letter repeated within one operand takes its diagonal (a strided view). Then operands are
 * combined left to right; each pair is one batched matmul (batch letters, kept letters of each
 * side, and contracted letters flattened to [B, M, K] @ [B, K, N]), so contractions run on the
 * matmul kernel. Letters no later operand or the output needs are summed out first. Everything
 * is built from differentiable ops, so autograd comes for free.
 */
import { isOptions, parseArgs } from "../args";
import { complexHooks, isComplexTensor } from "../complex_dtype";
import type { ComplexTensor } from "../complex_tensor";
import { bool, cppTypeName, refuseBool } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { numelOf } from "../shape";
import { Tensor } from "../tensor";
import { makeView } from "./views";
import { empty } from "./util";
import { no_grad } from "../autograd/grad_mode";

/** Labels are single characters; the ellipsis dims get private labels "0", "1", ... */
interface Operand {
  t: Tensor;
  labels: string[];
}

const LETTER = /^[a-zA-Z]$/;

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

/** Takes the diagonal over repeated labels of one operand (a view, differentiable). */
function diagonalize(t: Tensor, labels: string[]): Operand {
  const unique: string[] = [];
  const shape: number[] = [];
  const strides: number[] = [];
  labels.forEach((l, i) => {
    const at = unique.indexOf(l);
    if (at < 0) {
      unique.push(l);
      shape.push(t.shape[i]);
      strides.push(t._strides[i]);
    } else {
      if (shape[at] !== t.shape[i]) {
        throw new RuntimeError(`einsum(): subscript ${l} is repeated for operand but the sizes don't match, ${shape[at]} != ${t.shape[i]}`);
      }
      strides[at] += t._strides[i];
    }
  });
  if (unique.length === labels.length) return { t, labels };
  const view = makeView(t, shape, strides, t._offset, "DiagonalBackward0", (g) => {
    const z = empty(t.shape, g.dtype);
    const zs = z._strides;
    const diagStrides: number[] = unique.map(() => 0);
    labels.forEach((l, i) => (diagStrides[unique.indexOf(l)] += zs[i]));
    no_grad(() => new Tensor(z._data, shape, g.dtype, diagStrides, 0).copy_(g));
    return [z];
  });
  return { t: view, labels: unique };
}

/** Sums the given labels out of an operand. */
function sumOut(op: Operand, drop: (l: string) => boolean): Operand {
  const dims = op.labels.map((l, i) => (drop(l) ? i : -1)).filter((i) => i >= 0);
  if (dims.length === 0) return op;
  return { t: op.t.sum(dims), labels: op.labels.filter((l) => !drop(l)) };
}

/** Permutes (and broadcasts) an operand to the given label order and sizes. */
function arrange(op: Operand, order: readonly string[], sizes: Map<string, number>): Tensor {
  const perm = order.map((l) => op.labels.indexOf(l));
  // no node for an identity order: torch's einsum ends in its contraction's view (ViewBackward0), not a permute
  let t = perm.every((p, i) => p === i) ? op.t : op.t.permute(perm);
  const want = order.map((l) => sizes.get(l)!);
  if (want.some((s, i) => s !== t.shape[i])) t = t.expand(want);
  return t;
}

/** One pairwise contraction as a batched matmul. `keep` holds labels needed later. */
function contract(a: Operand, b: Operand, keep: Set<string>, sizes: Map<string, number>): Operand {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !inA.has(l));
  const sz = (ls: string[]): number => numelOf(ls.map((l) => sizes.get(l)!));
  const at = arrange(a, [...batch, ...aOnly, ...summed], sizes).reshape([sz(batch), sz(aOnly), sz(summed)]);
  const bt = arrange(b, [...batch, ...summed, ...bOnly], sizes).reshape([sz(batch), sz(summed), sz(bOnly)]);
  let prod: Tensor;
  // torch's sumproduct_pair multiplies when nothing is summed (dtypes promote, bool stays bool), else goes through bmm
  if (summed.length === 0 && (a.t.dtype !== b.t.dtype || a.t.dtype === bool)) prod = at.mul(bt);
  else if (a.t.dtype !== b.t.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(a.t.dtype)} but found ${cppTypeName(b.t.dtype)}`); // its bmm's text
  else {
    refuseBool(a.t.dtype, "bmm"); // torch's bmm has no bool kernel
    prod = at.matmul(bt);
  }
  const labels = [...batch, ...aOnly, ...bOnly];
  const shape = labels.map((l) => sizes.get(l)!);
  return { t: prod.is_contiguous() ? prod.view(shape) : prod.reshape(shape), labels };
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
  const operands = parsed.map((p, i) => {
    const labels = p.labels.map((l) => (LETTER.test(l) ? l : String(Number(l) + maxRank - p.ellipsisRank)));
    return diagonalize(tensors[i], labels);
  });
  const sizes = new Map<string, number>();
  operands.forEach((op, k) => {
    op.labels.forEach((l, i) => {
      const s = op.t.shape[i];
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
  // Combine left to right; a label stays while the output or a later operand uses it.
  const outSet = new Set(output);
  const neededAfter = (k: number): Set<string> => {
    const s = new Set(outSet);
    for (let j = k; j < operands.length; j++) for (const l of operands[j].labels) s.add(l);
    return s;
  };
  let acc = sumOut(operands[0], (l) => !neededAfter(1).has(l));
  for (let k = 1; k < operands.length; k++) {
    const keep = neededAfter(k + 1);
    const rhs = sumOut(operands[k], (l) => !keep.has(l) && !acc.labels.includes(l));
    acc = sumOut(acc, (l) => !keep.has(l) && !rhs.labels.includes(l));
    acc = contract(acc, rhs, keep, sizes);
  }
  const result = arrange(acc, output, new Map(output.map((l) => [l, acc.t.shape[acc.labels.indexOf(l)]])));
  // torch returns a pure transposition ("ij->ji") as its permuted view (PermuteBackward0, not contiguous)
  return result;
}
