/**
 * Iterating a tensor as PyTorch's Tensor.__iter__ does (issue 12): `for (const row of t)`, `[...t]`,
 * `Array.from(t)` and `const [a, b] = t` walk dim 0 and yield t.unbind(0)'s views; a 0-d tensor raises
 * "iteration over a 0-d tensor". Then what a tensor being iterable must not change: vitest's equality of
 * tensors, printing, torch.tensor of a list holding tensors (with the dtype torch infers from them),
 * paths that take "a tensor or an iterable of tensors", the notebook's display of a tensor.
 * Last, cosine_similarity saves what torch 1.13 saves (an inference-mode operand is accepted).
 * Values and messages from torch 1.13 (tests/fixtures/torch/core/tensor_iteration.json,
 * scripts/fixtures/tensor_iteration_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { formatValue } from "../../../../lib/kernel/display/format-value";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, loadFixture } from "./fixtures";

type Flat = { shape: number[]; data: number[] };
type Err = [string, string] | null;
const ref = loadFixture<{
  iteration: {
    rows: Flat[]; grad_fn: string[]; unbind_grad_fn: string[]; no_grad_grad_fn: boolean[]; loop_grad: Flat; add_mul_grad: Flat;
    unpack: Flat[]; empty_dim0: number; empty_dim1: number[][]; zero_d: Err; zero_d_list: Err; inplace_rows: Flat;
    rows_3d: Flat[]; rows_transposed: Flat[]; size_of: Record<string, { error: Err; value: number[] | null }>;
    join_a_tensor: Record<string, Err>; stack_rows: Flat;
  };
  tensor_of_tensors: Record<string, { error: Err; value: Flat | null; dtype: string | null }>;
  cosine_saved: Record<string, { name: string; y: Flat; error: Err; grad: Flat | null }> & { "broadcast dim=0": Flat; "tiny norm": { y: Flat; grad: Flat } };
  dataloader: { len: number; batches: Flat[]; shuffled: Flat[]; unbatched: Flat[]; zero_d: Err };
}>("tensor_iteration.json");
const it_ = ref.iteration;

const expectFlat = (t: Tensor, want: Flat, label = ""): void => {
  expect(t.shape, label).toEqual(want.shape);
  expectClose(t, want.data, 1e-6, 1e-7, label);
};
const X = (): Tensor => torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], { dtype: torch.float64, requires_grad: true });

describe("Tensor[Symbol.iterator]: dim 0's views, as torch's __iter__", () => {
  it("for..of, spread, Array.from and destructuring yield the rows", () => {
    const x = X();
    const rows: Tensor[] = [];
    for (const r of x) rows.push(r);
    expect(rows).toHaveLength(it_.rows.length);
    rows.forEach((r, i) => expectFlat(r, it_.rows[i], `row ${i}`));
    expect([...x].map((r) => r.tolist())).toEqual(rows.map((r) => r.tolist()));
    expect(Array.from(x).map((r) => r.tolist())).toEqual(rows.map((r) => r.tolist()));
    const [a, b] = torch.tensor([3.0, 4.0]);
    expectFlat(a, it_.unpack[0], "a");
    expectFlat(b, it_.unpack[1], "b");
    expect(a.dim()).toBe(0);
  });

  it("rows of a 3-d and of a transposed (non-contiguous) tensor", () => {
    [...torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4)].forEach((r, i) => expectFlat(r, it_.rows_3d[i], `3-d row ${i}`));
    const t = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3).t();
    const rows = [...t];
    expect(rows).toHaveLength(it_.rows_transposed.length);
    rows.forEach((r, i) => expectFlat(r, it_.rows_transposed[i], `transposed row ${i}`));
  });

  it("rows are views of the tensor's storage: writing through one shows in the tensor", () => {
    const y = torch.zeros(2, 3);
    let i = 0;
    for (const r of y) r.add_(++i);
    expectFlat(y, it_.inplace_rows);
    for (const r of y) expect(r._base).toBe(y);
  });

  it("grad_fn of each row is UnbindBackward0 (t.unbind(0) too); none under no_grad", () => {
    const x = X();
    expect([...x].map((r) => r.grad_fn?.name())).toEqual(it_.grad_fn);
    expect(x.unbind(0).map((r) => r.grad_fn?.name())).toEqual(it_.unbind_grad_fn);
    const none = torch.no_grad(() => [...x].map((r) => r.grad_fn === null));
    expect(none).toEqual(it_.no_grad_grad_fn);
  });

  it("gradients through a loop over the rows equal torch's", () => {
    const x = X();
    let s = torch.zeros(3, { dtype: torch.float64 });
    let i = 0;
    for (const r of x) s = s.add(r.mul(2).mul(++i).mul(r));
    s.sum().backward();
    expectFlat(x.grad!, it_.loop_grad, "s + 2 (i+1) r^2");
    const x2 = X();
    let s2 = torch.zeros(3, { dtype: torch.float64 });
    for (const r of x2) s2 = s2.add(r.mul(2));
    s2.sum().backward();
    expectFlat(x2.grad!, it_.add_mul_grad, "s.add(r.mul(2))");
  });

  it("gradcheck (float64) of functions that iterate their input", () => {
    const x = torch.tensor([[0.7, -1.3, 2.2], [5.1, 0.4, -0.9], [1.1, 0.6, -2.4]], { dtype: torch.float64 });
    const rowsProduct = (t: Tensor): Tensor => {
      let acc = torch.ones(3, { dtype: torch.float64 });
      for (const r of t) acc = acc.mul(r.sin().add(2));
      return acc;
    };
    expect(gradcheck(rowsProduct, [x])).toBe(true);
    const unpacked = (t: Tensor): Tensor => {
      const [a, b, c] = t;
      return a.mul(b).sub(c.exp());
    };
    expect(gradcheck(unpacked, [x])).toBe(true);
  });

  it("an empty dim 0 yields nothing; an empty dim 1 yields empty rows", () => {
    expect([...torch.zeros(0, 3)]).toHaveLength(it_.empty_dim0);
    expect([...torch.zeros(2, 0)].map((r) => r.shape)).toEqual(it_.empty_dim1);
  });

  it("a 0-d tensor raises torch's TypeError when iteration starts", () => {
    const z = torch.tensor(1.5);
    const [name, message] = it_.zero_d!;
    expect(name).toBe("TypeError");
    expect(() => z[Symbol.iterator]()).toThrowError(message);
    expect(() => [...z]).toThrowError(message);
    expect(() => Array.from(z)).toThrowError(it_.zero_d_list![1]);
    let caught: unknown = null;
    try {
      for (const r of z) void r;
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).name).toBe("TypeError");
    expect(z.tolist()).toBe(1.5); // changes nothing
  });

  it.each(Object.keys(it_.size_of))("torch.Size(%s tensor) iterates it as torch", (name) => {
    const cases: Record<string, () => readonly number[]> = {
      int64: () => torch.Size(torch.tensor([2, 3], { dtype: torch.int64 })),
      float: () => torch.Size(torch.tensor([2.0, 3.0])),
      list_0d_1d: () => torch.Size([torch.tensor(2, { dtype: torch.int64 }), torch.tensor([3], { dtype: torch.int64 })] as unknown as number[]),
      bool: () => torch.Size(torch.tensor([true, false])),
    };
    const want = it_.size_of[name];
    if (want.error) expect(cases[name]).toThrowError(want.error[1]);
    else expect(cases[name]()).toEqual(want.value);
  });

  it("an inference tensor's rows are inference tensors", () => {
    const z = torch.inference_mode(() => torch.ones(2, 3));
    expect([...z].map((r) => r.is_inference())).toEqual([true, true]);
  });
});

describe("what a tensor being iterable must not change", () => {
  it("vitest's toEqual / toStrictEqual still compare tensors as objects (shape and values), not as row lists", () => {
    const a = torch.tensor([[1, 2], [3, 4]]);
    expect(a).toEqual(torch.tensor([[1, 2], [3, 4]]));
    expect(a).toStrictEqual(torch.tensor([[1, 2], [3, 4]]));
    expect(a).not.toEqual(torch.tensor([[1, 2], [3, 5]]));
    // same rows, other dtype: iterable equality would call them equal (row by row)
    expect(a).not.toEqual(torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64 }));
    expect(torch.tensor([1, 2, 3, 4])).not.toEqual(torch.tensor([1, 2, 3, 4]).reshape(2, 2));
    // 0-d tensors, tensors inside arrays and objects, and a failing comparison's message (printing both)
    expect(torch.tensor(2)).toEqual(torch.tensor(2));
    expect({ w: [a, torch.tensor(1)] }).toEqual({ w: [torch.tensor([[1, 2], [3, 4]]), torch.tensor(1)] });
    expect(() => expect(a).toEqual(torch.tensor([[1, 2], [3, 5]]))).toThrowError(/deeply equal/);
  });

  it("printing and the notebook's display show the tensor, not a list of rows", () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    expect(String(t)).toBe("tensor([[1., 2.],\n        [3., 4.]])");
    expect(formatValue(t)).toBe(String(t));
    expect(formatValue([t])).toBe(`[${String(t)}]`);
    expect(formatValue({ w: t })).toBe(`{ w: ${String(t)} }`);
  });

  it("clip_grad_norm_ of a single tensor clips that tensor, not its rows", () => {
    const p = torch.tensor([[3.0, 0.0], [0.0, 4.0]], { requires_grad: true });
    p.grad = torch.tensor([[3.0, 0.0], [0.0, 4.0]]);
    const norm = nn.utils.clip_grad_norm_(p, 1.0);
    expectClose(norm, [5]);
    expectClose(p.grad, [0.6, 0, 0, 0.8], 1e-5, 1e-6);
  });

  it("stack and cat take a list of tensors (the rows, [...t]); a tensor where the list belongs is refused as torch", () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    expect(torch.stack([...t]).tolist()).toEqual(t.tolist());
    expect(torch.cat([...t]).tolist()).toEqual([1, 2, 3, 4]);
    expectFlat(torch.stack([...torch.arange(6, { dtype: torch.float32 }).reshape(2, 3)], 1), it_.stack_rows);
    const t6 = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    const ops: Record<string, (x: Tensor[]) => Tensor> = {
      cat: (x) => torch.cat(x), stack: (x) => torch.stack(x), hstack: (x) => torch.hstack(x), vstack: (x) => torch.vstack(x),
      dstack: (x) => torch.dstack(x), column_stack: (x) => torch.column_stack(x),
    };
    expect(Object.keys(ops).sort()).toEqual(Object.keys(it_.join_a_tensor).sort());
    for (const [name, want] of Object.entries(it_.join_a_tensor)) {
      expect(want![0]).toBe("TypeError");
      expect(() => ops[name](t6 as unknown as Tensor[]), name).toThrowError(want![1]);
    }
  });

  it("DataLoader(t): a tensor is a map-style dataset (len = dim 0, items = rows), batches as torch", () => {
    const { DataLoader } = torch.utils.data;
    const t = torch.arange(10, { dtype: torch.float32 }).reshape(5, 2);
    const want = ref.dataloader;
    const loader = new DataLoader(t, { batch_size: 2 });
    expect(loader.dataset).toBe(t);
    expect(loader.__len__()).toBe(want.len);
    const batches = [...loader] as Tensor[];
    expect(batches).toHaveLength(want.batches.length);
    batches.forEach((b, i) => expectFlat(b, want.batches[i], `batch ${i}`));
    const g = new torch.Generator().manual_seed(0);
    const shuffled = [...new DataLoader(t, { batch_size: 2, shuffle: true, generator: g })] as Tensor[];
    shuffled.forEach((b, i) => expectFlat(b, want.shuffled[i], `shuffled batch ${i}`));
    const rows = [...new DataLoader(t, { batch_size: null })] as Tensor[];
    rows.forEach((b, i) => expectFlat(b, want.unbatched[i], `row ${i}`));
    expect(() => [...new DataLoader(torch.tensor(1.0))]).toThrowError(want.zero_d![1]);
  });

  it.each(Object.keys(ref.tensor_of_tensors))("torch.tensor(list holding tensors): %s as torch", (name) => {
    const cases: Record<string, () => Tensor> = {
      "0d": () => torch.tensor([torch.tensor(1.5), torch.tensor(2.0)]),
      "1x1d": () => torch.tensor([torch.tensor([1.5]), torch.tensor([2.0])]),
      "2x1d": () => torch.tensor([torch.tensor([1.5, 2.0]), torch.tensor([2.0, 3.0])]),
      // (tensor()'s type takes tensors at the top level only; at run time they may sit at any depth, as in torch)
      nested_mixed: () => torch.tensor([[torch.tensor(1.0), 2.0]] as unknown as number[][]),
      f64: () => torch.tensor([torch.tensor(1.5, { dtype: torch.float64 }), torch.tensor(2.0, { dtype: torch.float64 })]),
      int64: () => torch.tensor([torch.tensor(1, { dtype: torch.int64 }), torch.tensor(2, { dtype: torch.int64 })]),
      bool: () => torch.tensor([torch.tensor(true), torch.tensor(false)]),
      f64_and_float: () => torch.tensor([torch.tensor(1.5, { dtype: torch.float64 }), 2.5]),
      int64_and_float: () => torch.tensor([torch.tensor(3, { dtype: torch.int64 }), 2.5]),
      bool_and_int64: () => torch.tensor([torch.tensor(true), torch.tensor(3, { dtype: torch.int64 })]),
      rows_of_a_tensor: () => torch.tensor([...torch.tensor([4.0, 5.0, 6.0])]),
    };
    const want = ref.tensor_of_tensors[name];
    expect(cases[name], `case ${name} missing here`).toBeDefined();
    if (want.error) {
      expect(cases[name]).toThrowError(want.error[1]);
      return;
    }
    const t = cases[name]();
    expect(String(t.dtype)).toBe(want.dtype);
    expectFlat(t, want.value!);
  });
});

describe("cosine_similarity saves what torch saves: an inference-mode operand is accepted", () => {
  const x = (): Tensor => torch.tensor([[0.5, 1.0, 2.0], [1.0, -2.0, 0.5]], { requires_grad: true });
  const z = (): Tensor => torch.inference_mode(() => torch.tensor([[2.0, 3.0, 4.0], [0.3, 0.2, -1.0]]).mul(1.5));
  const cases = Object.keys(ref.cosine_saved).filter((k) => k.includes(","));

  it.each(cases)("%s: values, node and gradient as torch", (label) => {
    const want = ref.cosine_saved[label];
    const a = x();
    const inf = z();
    const dim = Number(label.split("dim=")[1]);
    const y = label.startsWith("x,z") ? torch.nn.functional.cosine_similarity(a, inf, { dim }) : torch.nn.functional.cosine_similarity(inf, a, { dim });
    expect(y.grad_fn!.name()).toBe(want.name);
    expectFlat(y, want.y, "y");
    expect(want.error).toBeNull();
    y.sum().backward();
    expectFlat(a.grad!, want.grad!, "grad");
  });

  it("broadcasting along the reduced dim expands both operands first, as torch", () => {
    const a = torch.tensor([[1.0, 2.0, -0.5]]);
    const b = torch.tensor([[0.5, 1.0, 1.0], [2.0, -1.0, 0.25]]);
    expectFlat(torch.nn.functional.cosine_similarity(a, b, { dim: 0 }), ref.cosine_saved["broadcast dim=0"]);
  });

  it("a norm below eps is clamped as a value only (float64 value and gradient as torch)", () => {
    const t = torch.tensor([[1e-9, 2e-9, 0.0], [0.5, -1.0, 2.0]], { dtype: torch.float64, requires_grad: true });
    const u = torch.tensor([[1.0, 2.0, 3.0], [0.3, 0.2, -1.0]], { dtype: torch.float64 });
    const y = torch.nn.functional.cosine_similarity(t, u);
    y.sum().backward();
    const want = ref.cosine_saved["tiny norm"];
    expect(y.shape).toEqual(want.y.shape);
    expectClose(y, want.y.data, 1e-10, 1e-12, "y");
    expectClose(t.grad!, want.grad.data, 1e-10, 1e-6, "grad");
  });

  it("gradcheck (float64) of either operand and both, with a broadcast operand", () => {
    const a = torch.tensor([[0.7, -1.3, 2.2], [5.1, 0.4, -0.9]], { dtype: torch.float64 });
    const b = torch.tensor([[0.9, 2.1, -1.7], [1.6, -0.2, 0.3]], { dtype: torch.float64 });
    const row = torch.tensor([[0.4, -0.8, 1.9]], { dtype: torch.float64 });
    const cos = (p: Tensor, q: Tensor, dim = 1): Tensor => torch.nn.functional.cosine_similarity(p, q, { dim });
    expect(gradcheck((p, q) => cos(p, q), [a, b])).toBe(true);
    expect(gradcheck((q) => cos(a, q), [b])).toBe(true);
    expect(gradcheck((p) => cos(p, b, 0), [a])).toBe(true);
    expect(gradcheck((p, q) => cos(p, q, 0), [row, b])).toBe(true);
  });
});
