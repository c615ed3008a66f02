/**
 * Three PyTorch 1.13 behaviours tutorial snippets rely on (issue 12):
 *  - sizes given as one-element integer tensors (what iterating an int64 tensor yields): torch.zeros(...t),
 *    x.view(r0, r1), torch.ones(torch.tensor(3)); float / multi-element tensors raise torch's TypeError;
 *  - in-place writes into the outputs of unbind / split / chunk (and views of them) refused in grad mode when
 *    the input requires grad, allowed under no_grad or when nothing requires grad;
 *  - writes with a source of another dtype: index_put_ / x[idx] = src, the scatter family, index_copy_,
 *    index_add_ and masked_scatter_ raise as torch does; slices, copy_, masked_fill_ and index_fill_ cast.
 * Values and messages from torch 1.13 (tests/fixtures/torch/core/compat_gaps12.json,
 * scripts/fixtures/compat_gaps12_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, loadFixture } from "./fixtures";

type Flat = { shape: number[]; data: number[] };
type Err = [string, string] | null;
type Result = { error: Err; value: Flat | null; dtype: string | null; unchanged?: boolean };
const ref = loadFixture<{
  sizes: Record<string, Result> &
    Record<"randn(*t) after manual_seed(0)" | "rand(r0, r1) after manual_seed(0)" | "randint(0, 5, (r0, r1)) after manual_seed(0)" | "randperm(tensor(5)) after manual_seed(0)", Flat>;
  multi_output_views: Record<string, Result> &
    Record<"rows made in grad mode, written under no_grad" | "rows written in place" | "out-of-place rows grad", Flat>;
  source_dtype: Record<string, Result>;
}>("compat_gaps12.json");

/** Runs fn and checks it against torch's {error, value, dtype}. */
function expectResult(fn: () => Tensor, want: Result, label: string): void {
  if (want.error) {
    let caught: unknown = null;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught, `${label} should raise`).toBeInstanceOf(Error);
    expect((caught as Error).name, label).toBe(want.error[0]);
    // The engine may prefix the op's name (zeros(): ...); torch's message must be all there.
    expect((caught as Error).message, label).toContain(want.error[1]);
    return;
  }
  const v = fn();
  expect(v.shape, label).toEqual(want.value!.shape);
  expect(v.dtype.name, label).toBe(want.dtype);
  expectClose(v, want.value!.data, 1e-6, 1e-7, label);
}

describe("sizes given as one-element integer tensors", () => {
  const t = torch.tensor([2, 3], { dtype: torch.int64 });
  const [r0, r1] = t; // 0-d int64 tensors, as torch's iteration yields
  const x = torch.arange(6, { dtype: torch.float32 });
  const f = torch.tensor(3.0);
  const cases: Record<string, () => Tensor> = {
    "zeros(*t)": () => torch.zeros(...t),
    "zeros(r0, r1)": () => torch.zeros(r0, r1),
    "zeros([r0, r1])": () => torch.zeros([r0, r1]),
    "zeros(r0, 4, dtype=int64)": () => torch.zeros(r0, 4, { dtype: torch.int64 }),
    "ones(tensor(3))": () => torch.ones(torch.tensor(3, { dtype: torch.int64 })),
    "ones(tensor([3]), 2)": () => torch.ones(torch.tensor([3], { dtype: torch.int64 }), 2),
    "ones(tensor(True), 3)": () => torch.ones(torch.tensor(true), 3),
    "ones(uint8 2, 3)": () => torch.ones(torch.tensor(2, { dtype: torch.uint8 }), 3),
    "empty(*t)": () => torch.empty(...t).zero_(),
    "full((r0, 2), 1.5)": () => torch.full([r0, 2] as never, 1.5),
    "view(*t)": () => x.view(...t),
    "view(r1, r0)": () => x.view(r1, r0),
    "reshape(r1, 2)": () => x.reshape(r1, 2),
    "reshape(-1, r0)": () => x.reshape(-1, r0),
    "expand(r0, 3)": () => torch.ones(1, 3).expand(r0, 3),
    "permute(tensor(1), 0)": () => x.view(2, 3).permute(torch.tensor(1, { dtype: torch.int64 }) as never, 0),
    "repeat(r0, 1)": () => x.view(2, 3).repeat(r0 as never, 1),
    "new_zeros(*t)": () => x.new_zeros(...t),
    "zeros(tensor(-1), 3)": () => torch.zeros(torch.tensor(-1, { dtype: torch.int64 }), 3),
    "zeros(3, float)": () => torch.zeros(3, f),
    "ones(2, float)": () => torch.ones(2, f),
    "zeros([2, float])": () => torch.zeros([2, f]),
    "zeros(2, tensor([3.]))": () => torch.zeros(2, torch.tensor([3.0])),
    "view(3, float)": () => x.view(3, torch.tensor(2.0)),
    "view(2, tensor([3, 1]))": () => x.view(2, torch.tensor([3, 1], { dtype: torch.int64 })),
    "reshape(3, float)": () => x.reshape(3, torch.tensor(2.0)),
    "reshape(float)": () => x.reshape(torch.tensor(6.0)),
    "expand(float)": () => torch.ones(1, 3).expand(torch.tensor(2.0), 3),
    "expand(2, float)": () => torch.ones(1, 3).expand(2, torch.tensor(3.0)),
    "randn(2, float)": () => torch.randn(2, f),
    "rand(2, float)": () => torch.rand(2, f),
    "eye(r0, r1)": () => torch.eye(r0, r1),
    "eye(float)": () => torch.eye(f),
    "randperm(float)": () => torch.randperm(f),
    "randint(0, 5, (2, float))": () => torch.randint(0, 5, [2, f] as never),
    "arange(r1)": () => torch.arange(r1),
    "arange(tensor(3.))": () => torch.arange(f),
    "arange(tensor(2.5))": () => torch.arange(torch.tensor(2.5)),
    "arange(tensor(1), tensor(7), tensor(2))": () =>
      torch.arange(torch.tensor(1, { dtype: torch.int64 }), torch.tensor(7, { dtype: torch.int64 }), torch.tensor(2, { dtype: torch.int64 })),
    "arange(tensor(True))": () => torch.arange(torch.tensor(true)),
    "arange(tensor([1, 2]))": () => torch.arange(torch.tensor([1, 2], { dtype: torch.int64 })),
    "unflatten(0, (r0, -1))": () => x.unflatten(0, [r0, -1]),
    "unflatten(0, (2, float))": () => x.unflatten(0, [2, f]),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(name, () => expectResult(fn, ref.sizes[name], name));
  }
  it("every fixture case is exercised", () => {
    const fixtureCases = Object.keys(ref.sizes).filter((k) => !k.includes("manual_seed"));
    expect(Object.keys(cases).sort()).toEqual(fixtureCases.sort());
  });

  it("random creation with tensor sizes draws torch's stream", () => {
    const state = torch.get_rng_state();
    try {
      torch.manual_seed(0);
      const a = torch.randn(...t);
      expect(a.shape).toEqual([2, 3]);
      expectClose(a, ref.sizes["randn(*t) after manual_seed(0)"].data, 1e-6, 1e-7, "randn");
      torch.manual_seed(0);
      expectClose(torch.rand(r0, r1), ref.sizes["rand(r0, r1) after manual_seed(0)"].data, 1e-6, 1e-7, "rand");
      torch.manual_seed(0);
      const ri = torch.randint(0, 5, [r0, r1] as never);
      expect(ri.shape).toEqual([2, 3]);
      expect(ri.reshape(-1).tolist()).toEqual(ref.sizes["randint(0, 5, (r0, r1)) after manual_seed(0)"].data);
      torch.manual_seed(0);
      expect(torch.randperm(torch.tensor(5, { dtype: torch.int64 })).tolist()).toEqual(ref.sizes["randperm(tensor(5)) after manual_seed(0)"].data);
    } finally {
      torch.set_rng_state(state);
    }
  });

  it("a refused size changes nothing and raises before any allocation", () => {
    const y = torch.arange(6, { dtype: torch.float32 });
    expect(() => y.view(3, torch.tensor(2.0))).toThrowError(ref.sizes["view(3, float)"].error![1]);
    expect(y.shape).toEqual([6]);
  });
});

describe("in-place writes into the outputs of multi-view functions (unbind, split, chunk)", () => {
  const a = (): Tensor => torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], { requires_grad: true });
  const plain = (): Tensor => a().detach();
  const cases: Record<string, () => Tensor> = {
    "mul(2).unbind(0)[0].add_(1)": () => a().mul(2).unbind(0)[0].add_(1),
    "mul(2).unbind(0)[1].mul_(3)": () => a().mul(2).unbind(0)[1].mul_(3),
    "mul(2).unbind(1)[2].zero_()": () => a().mul(2).unbind(1)[2].zero_(),
    "leaf.unbind(0)[0].add_(1)": () => a().unbind(0)[0].add_(1),
    "list(leaf)[1].copy_(zeros(3))": () => [...a()][1].copy_(torch.zeros(3)),
    "list(mul(2))[0].fill_(7)": () => [...a().mul(2)][0].fill_(7),
    "mul(2).unbind(0)[0].view(3).add_(1)": () => a().mul(2).unbind(0)[0].view(3).add_(1),
    "mul(2).unbind(0)[1].unsqueeze(0).sub_(1)": () => a().mul(2).unbind(0)[1].unsqueeze(0).sub_(1),
    "mul(2).split(1)[0].add_(1)": () => a().mul(2).split(1)[0].add_(1),
    "mul(2).split([1, 2], 1)[1].add_(1)": () => a().mul(2).split([1, 2], 1)[1].add_(1),
    "mul(2).chunk(2)[1].add_(1)": () => a().mul(2).chunk(2)[1].add_(1),
    "leaf.split(1)[1].div_(2)": () => a().split(1)[1].div_(2),
    "no_grad: leaf.unbind(0)[0].add_(1)": () => torch.no_grad(() => a().unbind(0)[0].add_(1)),
    "no_grad: mul(2).unbind(0)[1].add_(1)": () => torch.no_grad(() => a().mul(2).unbind(0)[1].add_(1)),
    "no_grad: leaf.split(1)[0].add_(1)": () => torch.no_grad(() => a().split(1)[0].add_(1)),
    "plain.unbind(0)[0].add_(1)": () => plain().unbind(0)[0].add_(1),
    "plain.split(1)[1].mul_(3)": () => plain().split(1)[1].mul_(3),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(name, () => expectResult(fn, ref.multi_output_views[name], name));
  }

  it("a refused write changes nothing (the base keeps its values and its graph)", () => {
    const x = a();
    const y = x.mul(2);
    const before = y.tolist();
    expect(() => y.unbind(0)[0].add_(1)).toThrowError(ref.multi_output_views["mul(2).unbind(0)[0].add_(1)"].error![1]);
    expect(y.tolist()).toEqual(before);
    expect(y.grad_fn?.name()).toBe("MulBackward0");
  });

  it("rows made in grad mode may be written under no_grad; rows of a plain tensor write through", () => {
    const rows = a().mul(2).unbind(0);
    torch.no_grad(() => rows[1].add_(1));
    expectClose(rows[1], ref.multi_output_views["rows made in grad mode, written under no_grad"].data, 1e-6, 1e-7, "row");
    const y = torch.zeros(2, 3);
    [...y].forEach((row, i) => row.add_(i + 1));
    expectClose(y, ref.multi_output_views["rows written in place"].data, 1e-6, 1e-7, "rows written");
  });

  it("the out-of-place workaround keeps the gradient", () => {
    const x = a();
    const rows = x.mul(2).unbind(0).map((row, i) => row.mul(i + 2));
    torch.stack(rows).sum().backward();
    expectClose(x.grad!, ref.multi_output_views["out-of-place rows grad"].data, 1e-6, 1e-7, "grad");
  });
});

describe("writes with a source of another dtype", () => {
  const il = (): Tensor => torch.tensor([0, 2], { dtype: torch.int64 });
  const mask = (): Tensor => torch.tensor([true, false, true, false]);
  const first = (s: Tensor): Tensor => s.select(0, 0);
  const ops: Record<string, (x: Tensor, s: Tensor) => Tensor> = {
    "index_put_": (x, s) => x.index_put_([il()], s),
    "index_put": (x, s) => x.index_put([il()], s),
    "index_put_ accumulate": (x, s) => x.index_put_([il()], s, true),
    "x[il] = src": (x, s) => x.index_put_([il()], s),
    "x[mask] = src": (x, s) => x.index_put_([mask()], s),
    "x[0:2] = src": (x, s) => x.index_put_(["0:2"], s),
    "x[1] = src[0]": (x, s) => x.index_put_([1], first(s)),
    "x[mask] = src[0]": (x, s) => x.index_put_([mask()], first(s)),
    "x[il] = src[0]": (x, s) => x.index_put_([il()], first(s)),
    "index_put_ mask, src[0]": (x, s) => x.index_put_([mask()], first(s)),
    "index_put_ mask, src[0] accumulate": (x, s) => x.index_put_([mask()], first(s), { accumulate: true }),
    "scatter_": (x, s) => x.scatter_(0, il(), s),
    "scatter": (x, s) => x.scatter(0, il(), s),
    "scatter_add_": (x, s) => x.scatter_add_(0, il(), s),
    "scatter_add": (x, s) => x.scatter_add(0, il(), s),
    "scatter_reduce_ sum": (x, s) => x.scatter_reduce_(0, il(), s, "sum"),
    "index_copy_": (x, s) => x.index_copy_(0, il(), s),
    "index_copy": (x, s) => x.index_copy(0, il(), s),
    "index_add_": (x, s) => x.index_add_(0, il(), s),
    "index_add": (x, s) => x.index_add(0, il(), s),
    "masked_scatter_": (x, s) => x.masked_scatter_(mask(), s),
    "masked_scatter": (x, s) => x.masked_scatter(mask(), s),
    "copy_ of a slice": (x, s) => x.narrow(0, 0, 2).copy_(s),
    "masked_fill_ src[0]": (x, s) => x.masked_fill_(mask(), first(s)),
    "index_fill_ src[0]": (x, s) => x.index_fill_(0, il(), first(s)),
  };
  const dsts = { Float: torch.float32, Long: torch.int64, Double: torch.float64 };
  const srcs: Record<string, () => Tensor> = {
    Long: () => torch.tensor([5, 7], { dtype: torch.int64 }),
    Float: () => torch.tensor([1.5, 2.5]),
    Double: () => torch.tensor([1.5, 2.5], { dtype: torch.float64 }),
    Bool: () => torch.tensor([true, false]),
  };
  const start = [0.25, -1.0, 3.0, 4.0];
  for (const [op, fn] of Object.entries(ops)) {
    it(op, () => {
      for (const [dn, dt] of Object.entries(dsts)) {
        for (const [sn, src] of Object.entries(srcs)) {
          const key = `${op} ${dn}<-${sn}`;
          const want = ref.source_dtype[key];
          expect(want, key).toBeDefined();
          const x = torch.tensor(start).to(dt);
          const before = x.tolist();
          expectResult(() => fn(x, src()), want, key);
          if (want.error) {
            expect(want.unchanged, key).toBe(true);
            expect(x.tolist(), `${key}: a refused write changes nothing`).toEqual(before);
          }
        }
      }
    });
  }
  it("every fixture case is exercised", () => {
    expect(Object.keys(ref.source_dtype)).toHaveLength(Object.keys(ops).length * 3 * 4);
  });
});
