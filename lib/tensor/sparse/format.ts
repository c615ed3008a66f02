/**
 * repr of a sparse COO tensor, as torch 1.13's _tensor_str for layout=torch.sparse_coo:
 *   tensor(indices=tensor([[0, 1],
 *                          [1, 0]]),
 *          values=tensor([1., 2.]),
 *          size=(2, 2), nnz=2, layout=torch.sparse_coo)
 * The bodies are the dense formatter's, indented past their prefixes; an empty one is `[]` with its size; the
 * suffixes start on a line of their own and wrap at the line width (dtype shown as for a dense tensor).
 */
import { get_default_dtype } from "../default_dtype";
import { bool, int64 } from "../dtype";
import { addSuffixes, formatData, pyTuple } from "../format";
import type { Tensor } from "../tensor";

const INDENT = "tensor(".length;

function body(t: Tensor, prefix: string): string {
  const s = formatData(t.detach(), INDENT + prefix.length);
  return t.numel() === 0 ? `${s}, size=${pyTuple(t.shape)}` : s;
}

export function formatSparseCoo(indices: Tensor, values: Tensor, size: readonly number[], gradFn: string | null, requiresGrad: boolean): string {
  const text = `indices=tensor(${body(indices, "indices=tensor(")}),\n${" ".repeat(INDENT)}values=tensor(${body(values, "values=tensor(")})`;
  const suffixes = [`size=${pyTuple(size)}`, `nnz=${values.shape[0]}`];
  const dt = values.dtype;
  if (dt !== get_default_dtype() && dt !== int64 && dt !== bool) suffixes.push(`dtype=${dt}`);
  suffixes.push("layout=torch.sparse_coo");
  if (gradFn) suffixes.push(`grad_fn=<${gradFn}>`);
  else if (requiresGrad) suffixes.push("requires_grad=True");
  return addSuffixes("tensor(" + text, suffixes, INDENT, true);
}
