/**
 * The issue 12 ops called both ways, PyTorch's positional order and a trailing options object
 * (keyword arguments; keyword-only ones such as dtype and generator always in it), as in
 * call_forms.test.ts: both forms must agree, and where given, match
 * a known value (so both cannot be wrong the same way). Random calls run from the same seed.
 */
import { describe, expect, it } from "vitest";
import { torch, Tensor } from "../../../../lib/tensor/index";

type Result = Tensor | Tensor[] | { values: Tensor; indices: Tensor };
interface Form {
  name: string;
  positional: () => Result;
  options: () => Result;
  expected?: unknown;
}

const x = () => torch.tensor([[3, -1, 2], [0, 5, -4]]);
const v = () => torch.tensor([2, -1, 3, 0.5]);
const L = (a: number[] | number[][]) => torch.tensor(a, { dtype: torch.long });
const probs = () => torch.tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]);

const forms: Form[] = [
  { name: "Tensor.sort", positional: () => x().sort(1, true), options: () => x().sort({ dim: 1, descending: true }), expected: [[[3, 2, -1], [5, 0, -4]], [[0, 2, 1], [1, 0, 2]]] },
  { name: "torch.sort (mixed)", positional: () => torch.sort(x(), 0, true), options: () => torch.sort(x(), 0, { descending: true, stable: true }) },
  { name: "torch.argsort", positional: () => torch.argsort(x(), 0, true), options: () => torch.argsort(x(), { dim: 0, descending: true }), expected: [[0, 1, 0], [1, 0, 1]] },
  { name: "Tensor.topk", positional: () => x().topk(1, 0, false, true), options: () => x().topk(1, { dim: 0, largest: false, sorted: true }), expected: [[[0, -1, -4]], [[1, 0, 1]]] },
  { name: "torch.topk (k as keyword)", positional: () => torch.topk(x(), 2), options: () => torch.topk(x(), { k: 2 }) },
  { name: "Tensor.cumprod", positional: () => x().cumprod(1), options: () => x().cumprod({ dim: 1 }), expected: [[3, -3, -6], [0, 0, -0]] },
  { name: "torch.cumprod dtype", positional: () => torch.cumprod(x(), 0, { dtype: torch.float64 }), options: () => torch.cumprod(x(), { dim: 0, dtype: torch.float64 }) },
  { name: "Tensor.tril", positional: () => x().tril(1), options: () => x().tril({ diagonal: 1 }), expected: [[3, -1, 0], [0, 5, -4]] },
  { name: "torch.triu", positional: () => torch.triu(x(), -1), options: () => torch.triu(x(), { diagonal: -1 }) },
  { name: "torch.tril_indices", positional: () => torch.tril_indices(3, 3, -1), options: () => torch.tril_indices(3, 3, { offset: -1 }), expected: [[1, 2, 2], [0, 0, 1]] },
  { name: "torch.triu_indices dtype", positional: () => torch.triu_indices(2, 3, 1, { dtype: torch.float32 }), options: () => torch.triu_indices(2, 3, { offset: 1, dtype: torch.float32 }) },
  { name: "Tensor.scatter reduce", positional: () => x().scatter(1, L([[0, 0], [2, 2]]), torch.ones(2, 2), "add"), options: () => x().scatter(1, L([[0, 0], [2, 2]]), torch.ones(2, 2), { reduce: "add" }), expected: [[5, -1, 2], [0, 5, -2]] },
  { name: "Tensor.scatter_ reduce", positional: () => x().scatter_(1, L([[1], [1]]), 2, "multiply"), options: () => x().scatter_(1, L([[1], [1]]), 2, { reduce: "multiply" }), expected: [[3, -2, 2], [0, 10, -4]] },
  { name: "torch.index_add alpha", positional: () => torch.index_add(x(), 1, L([2, 2]), torch.ones(2, 2), 0.5), options: () => torch.index_add(x(), 1, L([2, 2]), torch.ones(2, 2), { alpha: 0.5 }), expected: [[3, -1, 3], [0, 5, -3]] },
  { name: "Tensor.index_add_ alpha", positional: () => x().index_add_(0, L([1]), torch.ones(1, 3), -1), options: () => x().index_add_(0, L([1]), torch.ones(1, 3), { alpha: -1 }) },
  { name: "Tensor.index_put_ accumulate", positional: () => x().index_put_([L([0, 0])], torch.ones(3), true), options: () => x().index_put_([L([0, 0])], torch.ones(3), { accumulate: true }), expected: [[5, 1, 4], [0, 5, -4]] },
  { name: "torch.index_put accumulate", positional: () => torch.index_put(x(), [L([1]), L([2])], torch.tensor(1), true), options: () => torch.index_put(x(), [L([1]), L([2])], torch.tensor(1), { accumulate: true }), expected: [[3, -1, 2], [0, 5, -3]] },
  { name: "Tensor.roll", positional: () => x().roll(1, 1), options: () => x().roll(1, { dims: 1 }), expected: [[2, 3, -1], [-4, 0, 5]] },
  { name: "torch.roll flat", positional: () => torch.roll(x(), -1, null), options: () => torch.roll(x(), -1, { dims: null }), expected: [[-1, 2, 0], [5, -4, 3]] },
  { name: "Tensor.flip varargs or list", positional: () => x().flip(0, 1), options: () => x().flip([0, 1]), expected: [[-4, 5, 0], [2, -1, 3]] },
  { name: "Tensor.tile varargs or list", positional: () => v().tile(2), options: () => v().tile([2]) },
  { name: "Tensor.norm", positional: () => x().norm(1, 1, true), options: () => x().norm({ p: 1, dim: 1, keepdim: true }), expected: [[6], [9]] },
  { name: "torch.norm fro", positional: () => torch.norm(x(), "fro", [0, 1]), options: () => torch.norm(x(), { p: "fro", dim: [0, 1] }) },
  { name: "torch.linalg.norm", positional: () => torch.linalg.norm(x(), Infinity, null, true), options: () => torch.linalg.norm(x(), { ord: Infinity, keepdim: true }), expected: [[9]] },
  { name: "torch.linalg.vector_norm", positional: () => torch.linalg.vector_norm(v(), 1, 0, false, { dtype: torch.float64 }), options: () => torch.linalg.vector_norm(v(), { ord: 1, dim: 0, keepdim: false, dtype: torch.float64 }), expected: 6.5 },
  { name: "torch.linalg.matrix_norm", positional: () => torch.linalg.matrix_norm(x(), 1, [-2, -1], true), options: () => torch.linalg.matrix_norm(x(), { ord: 1, dim: [-2, -1], keepdim: true }), expected: [[6]] },
  { name: "Tensor.bincount", positional: () => L([0, 2, 2]).bincount(torch.tensor([1, 0.5, 0.25]), 4), options: () => L([0, 2, 2]).bincount({ weights: torch.tensor([1, 0.5, 0.25]), minlength: 4 }), expected: [1, 0, 0.75, 0] },
  { name: "torch.unique", positional: () => torch.unique(L([3, 1, 3]), true, true, true), options: () => torch.unique(L([3, 1, 3]), { return_inverse: true, return_counts: true }), expected: [[1, 3], [1, 0, 1], [1, 2]] },
  { name: "Tensor.unique dim", positional: () => L([[1, 2], [0, 1], [1, 2]]).unique(true, false, true, 0), options: () => L([[1, 2], [0, 1], [1, 2]]).unique({ dim: 0, return_counts: true }), expected: [[[0, 1], [1, 2]], [1, 2]] },
  { name: "torch.isclose", positional: () => torch.isclose(v(), v().add(0.01), 0, 0.02, false), options: () => torch.isclose(v(), v().add(0.01), { rtol: 0, atol: 0.02, equal_nan: false }), expected: [true, true, true, true] },
  { name: "Tensor.nan_to_num", positional: () => torch.tensor([NaN, Infinity, -Infinity]).nan_to_num(1, 2, -3), options: () => torch.tensor([NaN, Infinity, -Infinity]).nan_to_num({ nan: 1, posinf: 2, neginf: -3 }), expected: [1, 2, -3] },
  { name: "torch.multinomial", positional: () => torch.multinomial(probs(), 4, true), options: () => torch.multinomial(probs(), 4, { replacement: true }) },
  { name: "Tensor.multinomial generator", positional: () => probs().multinomial(2, false, { generator: new torch.Generator(3) }), options: () => probs().multinomial(2, { replacement: false, generator: new torch.Generator(3) }) },
  { name: "torch.bernoulli p", positional: () => torch.bernoulli(torch.zeros(6), 0.5), options: () => torch.bernoulli(torch.zeros(6), { p: 0.5 }) },
  { name: "bernoulli generator (method and function)", positional: () => probs().bernoulli({ generator: new torch.Generator(5) }), options: () => torch.bernoulli(probs(), { generator: new torch.Generator(5) }) },
  { name: "torch.einsum varargs or list", positional: () => torch.einsum("ij,kj->ik", x(), x()), options: () => torch.einsum("ij,kj->ik", [x(), x()]), expected: [[14, -13], [-13, 41]] },
];

function describeResult(r: Result): unknown {
  if (r instanceof Tensor) return r.tolist();
  if (Array.isArray(r)) return r.map(describeResult);
  return [r.values.tolist(), r.indices.tolist()];
}

function run(f: () => Result): unknown {
  torch.manual_seed(7);
  return describeResult(f());
}

describe("issue 12 ops, positionally and with an options object", () => {
  it.each(forms.map((f) => [f.name, f] as const))("%s", (_, form) => {
    const positional = run(form.positional);
    expect(run(form.options)).toEqual(positional);
    expect(JSON.stringify(positional)).not.toMatch(/null|NaN|\[object Object\]/);
    if (form.expected !== undefined) expect(positional).toEqual(form.expected);
  });

  it("an unknown keyword is a TypeError naming it", () => {
    expect(() => x().sort({ dims: 1 } as never)).toThrow(/sort\(\) got an unexpected keyword argument 'dims'/);
    expect(() => torch.topk(x(), 1, { largest: true, smallest: false } as never)).toThrow(/unexpected keyword argument 'smallest'/);
  });
});
