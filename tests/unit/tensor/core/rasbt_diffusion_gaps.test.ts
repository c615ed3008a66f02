/**
 * Engine gaps the rasbt/machine-learning-book + Annotated Diffusion probe found (tutorials/rasbt_diffusion.test.ts),
 * checked against torch 1.13 (scripts/fixtures/rasbt_diffusion_fixtures.py, the "gaps" entry of
 * tests/fixtures/torch/tutorials/rasbt_diffusion.json).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";

const FIX = fileURLToPath(new URL("../../../fixtures/torch/tutorials/rasbt_diffusion.json", import.meta.url));
type Err = [string, string];
const gaps = (JSON.parse(readFileSync(FIX, "utf8")) as { gaps: { index_errors: Record<string, Err>; take_negative: { shape: number[]; data: number[] }; chunk_errors: Record<string, Err>; index_select_errors: Record<string, Err>; embedding_errors: Record<string, Err>; shape_errors: Record<string, Err>; index_select_int32: { shape: number[]; data: number[] } } }).gaps;

function thrown(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message]; // the Python exception's name (TypeError_ reports TypeError)
  }
  return null;
}

describe("gather / scatter family: an index outside [0, size) along dim is torch's RuntimeError (negatives too)", () => {
  const L = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });
  const x34 = () => torch.arange(12, { dtype: torch.float32 }).reshape(3, 4); // torch.arange(12.0)
  const cases: Record<string, () => unknown> = {
    gather_past_end: () => torch.arange(20, { dtype: torch.float32 }).gather(-1, L([3, 20])),
    gather_negative: () => torch.arange(20, { dtype: torch.float32 }).gather(-1, L([3, -1])),
    gather_2d: () => x34().gather(1, L([[0, 5]])),
    gather_dim0: () => x34().gather(0, L([[0, -4]])),
    scatter: () => x34().scatter(1, L([[0, 5]]), 1.0),
    scatter_negative: () => x34().scatter(1, L([[0, -1]]), 1.0),
    scatter_inplace: () => x34().scatter_(1, L([[0, -1]]), torch.ones(1, 2)),
    scatter_reduce_arg: () => x34().scatter_(1, L([[0, 5]]), torch.ones(1, 2), { reduce: "add" }),
    scatter_add: () => x34().scatter_add(1, L([[0, 5]]), torch.ones(1, 2)),
    scatter_add_negative: () => x34().scatter_add_(1, L([[0, -1]]), torch.ones(1, 2)),
    scatter_reduce: () => x34().scatter_reduce(1, L([[0, 5]]), torch.ones(1, 2), "sum"),
    scatter_reduce_negative: () => x34().scatter_reduce(1, L([[0, -1]]), torch.ones(1, 2), "amax"),
    take_along_dim: () => torch.take_along_dim(x34(), L([[0, 4]]), 1),
    take_along_dim_negative: () => torch.take_along_dim(x34(), L([[0, -1]]), 1),
    take_along_dim_flat: () => torch.take_along_dim(x34(), L([12])),
    take_along_dim_flat_negative: () => torch.take_along_dim(x34(), L([-1])),
    take_along_dim_int32: () => torch.take_along_dim(x34(), torch.tensor([[0, 1]], { dtype: torch.int32 }), 1),
    take_along_dim_float: () => torch.take_along_dim(x34(), torch.tensor([[1.0]]), 1),
    take_along_dim_flat_int32: () => torch.take_along_dim(x34(), torch.tensor([1], { dtype: torch.int32 })),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(name, () => expect(thrown(fn)).toEqual(gaps.index_errors[name]));
  }
  it("a scatter_ with a bad index changes nothing", () => {
    const x = x34();
    expect(thrown(() => x.scatter_(1, L([[0, -1]]), torch.full([1, 2], 100.0)))).not.toBeNull();
    expect(x.tolist()).toEqual(x34().tolist());
  });
  it("torch.take still reads negative indices from the end", () => {
    const t: Tensor = torch.take(x34(), L([-1, 0]));
    expect(t.tolist()).toEqual(gaps.take_negative.data);
  });
});

describe("chunk: chunks must be a positive int and the input at least 1-D (torch 1.13's errors; chunk(0) returned the whole tensor)", () => {
  const cases: Record<string, () => unknown> = {
    zero: () => torch.rand(2, 6).chunk(0, { dim: 1 }),
    negative: () => torch.chunk(torch.rand(2, 6), -1, 1),
    scalar_input: () => torch.tensor(1.0).chunk(2),
    float_chunks: () => torch.rand(2, 6).chunk(2.5, 1),
  };
  for (const [name, fn] of Object.entries(cases)) it(name, () => expect(thrown(fn)).toEqual(gaps.chunk_errors[name]));
  it("chunk(3, dim=1) still splits", () => expect(torch.rand(2, 6).chunk(3, { dim: 1 }).map((t) => t.shape)).toEqual([[2, 2], [2, 2], [2, 2]]));
});

describe("index_select: no index read from the end, torch 1.13's messages (dim 1: its dim-1 kernel's), the dtype checked first", () => {
  const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });
  const x34 = () => torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
  const cases: Record<string, () => unknown> = {
    d0_1d: () => torch.arange(5, { dtype: torch.float32 }).index_select(0, L([5])),
    d0_negative: () => torch.arange(5, { dtype: torch.float32 }).index_select(0, L([-1])),
    d0_2d: () => x34().index_select(0, L([3])),
    d1: () => x34().index_select(1, L([4])),
    d1_negative: () => x34().index_select(-1, L([-2])),
    d1_3d: () => torch.zeros(2, 3, 4).index_select(1, L([3])),
    d2_3d: () => torch.zeros(2, 3, 4).index_select(2, L([-1])),
    d1_int32: () => x34().index_select(1, torch.tensor([4], { dtype: torch.int32 })),
    float_index: () => x34().index_select(1, torch.tensor([0.0])),
    bool_index: () => x34().index_select(1, torch.tensor([true])),
  };
  for (const [name, fn] of Object.entries(cases)) it(name, () => expect(thrown(fn)).toEqual(gaps.index_select_errors[name]));
  it("an int32 index selects", () => expect(x34().index_select(1, torch.tensor([3, 0], { dtype: torch.int32 })).reshape(-1).tolist()).toEqual(gaps.index_select_int32.data));
  it("x[:, idx] still reads a negative index from the end", () => expect(x34().index(":", L([-1])).reshape(-1).tolist()).toEqual([3, 7, 11]));
});

describe("torch.cumprod / x.cumprod take NumPy's axis in their types too (runtime already did; cumsum's types had it)", () => {
  it("torch.cumprod(alphas, { axis: 0 }) as the Annotated Diffusion Model's alphas_cumprod", () => {
    const alphas = torch.tensor([0.5, 0.5, 0.25]);
    expect(torch.cumprod(alphas, { axis: 0 }).tolist()).toEqual([0.5, 0.25, 0.0625]);
    expect(alphas.cumprod({ axis: 0 }).tolist()).toEqual([0.5, 0.25, 0.0625]);
  });
});

describe("Embedding's errors in torch 1.13's words (a token id past the vocabulary; float ids)", () => {
  const L = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });
  const cases: Record<string, () => unknown> = {
    past_end: () => new nn.Embedding(5, 3)(L([1, 5])),
    negative: () => F.embedding(L([[1, -1]]), torch.rand(5, 3)),
    float_ids: () => new nn.Embedding(5, 3)(torch.tensor([1.0])),
  };
  for (const [name, fn] of Object.entries(cases)) it(name, () => expect(thrown(fn)).toEqual(gaps.embedding_errors[name]));
});

describe("cat / gather / scatter shape errors and multinomial's, in torch 1.13's words (no engine suffix or op prefix)", () => {
  const L = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });
  const cases: Record<string, () => unknown> = {
    cat_sizes: () => torch.cat([torch.rand(2, 3, 4, 4), torch.rand(2, 5, 2, 2)], { dim: 1 }),
    cat_dims: () => torch.cat([torch.rand(2, 3), torch.rand(2, 3, 1)]),
    gather_dims: () => torch.rand(20).gather(-1, L([[1]])),
    gather_size: () => torch.rand(3, 4).gather(0, L([[0, 0, 0, 0, 0]])),
    scatter_dims: () => torch.rand(3, 4).scatter(1, L([1]), 1.0),
    scatter_add_dims: () => torch.rand(3, 4).scatter_add(1, L([1]), torch.ones(1)),
    multinomial_zero: () => torch.multinomial(torch.tensor([0.0, 0.0]), 1),
  };
  for (const [name, fn] of Object.entries(cases)) it(name, () => expect(thrown(fn)).toEqual(gaps.shape_errors[name]));
});
