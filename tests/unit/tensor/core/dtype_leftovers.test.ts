/**
 * Three dtype gaps a PyTorch tutorial translated to the engine hits, checked against torch 1.13
 * (scripts/fixtures/dtype_leftovers_fixtures.py, tests/fixtures/torch/core/dtype_leftovers.json):
 *   - item() of a bool tensor is a JS boolean (torch's Python bool), tolist() gives booleans at every depth;
 *   - dtype= of sum, prod, mean, nansum, cumsum, cumprod, softmax and log_softmax (torch.*, Tensor methods, F.*):
 *     the input is cast to dtype first and the gradient flows back through the cast;
 *   - Tensor.view(dtype): torch's checks for different element sizes, and the views this engine's storage allows
 *     (it stores values, not bits: lib/tensor/ops/view_dtype.ts); the others raise an error naming the pair.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType, NestedArray } from "../../../../lib/tensor/core";
import { expectClose, loadFixture } from "./fixtures";

type DTypeName = "float32" | "float64" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";
interface TD { shape: number[]; dtype: DTypeName; data: number[] }
interface Reduction {
  fn: "sum" | "prod" | "mean" | "nansum" | "cumsum" | "cumprod" | "softmax" | "log_softmax";
  values: NestedArray; dtype_in: DTypeName; args: (number | boolean | number[])[]; kwargs: Record<string, unknown>; dtype: DTypeName;
  result: { out: TD; grad?: TD } | { error: string; message: string };
}
interface ViewCase {
  values: NestedArray; dtype: DTypeName; cut: null | "t" | "[1:5]" | "[:, :4]"; target: DTypeName;
  error?: string; out?: TD; stride?: number[]; same_values?: boolean; shares?: boolean;
}
interface Fixture {
  items: { values: NestedArray; dtype: DTypeName; item: number | boolean; item_type: "bool" | "int" | "float" }[];
  predicates: Record<"gt" | "eq" | "any" | "all" | "isclose" | "isnan" | "max_of_bool", boolean>;
  tolists: { values: NestedArray; dtype: DTypeName; tolist: NestedArray }[];
  reductions: Reduction[];
  keyword_only: Record<"sum" | "prod" | "cumsum", boolean>;
  positional_softmax: TD;
  views: ViewCase[];
  view_requires_grad: { same: boolean; int32: boolean };
}
const fx = loadFixture<Fixture>("dtype_leftovers.json");

const dt = (n: DTypeName): DType => torch[n];
const make = (values: NestedArray, d: DTypeName): Tensor => torch.tensor(values, { dtype: dt(d) });

function expectTensor(got: Tensor, want: TD, label: string): void {
  expect(got.dtype.name, `${label}: dtype`).toBe(want.dtype);
  expect([...got.shape], `${label}: shape`).toEqual(want.shape);
  const exact = !want.dtype.startsWith("float");
  expectClose(got, want.data, exact ? 0 : want.dtype === "float64" ? 1e-12 : 1e-6, exact ? 0 : 1e-7, label);
}

describe("item() of a bool tensor is a JS boolean, as torch's Python bool", () => {
  it.each(fx.items.map((c) => [`${JSON.stringify(c.values)} ${c.dtype}`, c] as const))("%s", (_n, c) => {
    const v = make(c.values, c.dtype).item<number | boolean>();
    expect(typeof v).toBe(c.item_type === "bool" ? "boolean" : "number");
    expect(v).toBe(c.item);
  });

  it("the one-element results of comparisons, any / all, isclose, isnan and max of a bool tensor", () => {
    const got = {
      gt: torch.tensor([2]).gt(1).item<boolean>(),
      eq: torch.tensor(1).eq(2).item<boolean>(),
      any: torch.tensor([0, 1]).any().item<boolean>(),
      all: torch.tensor([0, 1]).all().item<boolean>(),
      isclose: torch.isclose(torch.tensor(1), torch.tensor(1 + 1e-9)).item<boolean>(),
      isnan: torch.tensor(NaN).isnan().item<boolean>(),
      max_of_bool: torch.tensor([false, true]).max().item<boolean>(),
    };
    expect(got).toStrictEqual(fx.predicates);
  });

  it("Number(x.item()), arithmetic and truthiness still see 0 / 1; other dtypes' items stay numbers", () => {
    const yes = torch.tensor([true]);
    const no = torch.tensor(false);
    expect(Number(yes.item())).toBe(1);
    expect(Number(no.item())).toBe(0);
    expect(+yes).toBe(1); // Symbol.toPrimitive, Python's float(t)
    expect(yes.item() ? "y" : "n").toBe("y");
    expect(no.item() ? "y" : "n").toBe("n");
    const sum = torch.tensor([true, true, false]).sum().item();
    expect(sum).toBe(2); // sum of a bool tensor is int64: a number
    expect(typeof torch.tensor([1, 0], { dtype: torch.uint8 }).max().item()).toBe("number");
    // a bool tensor's value where the engine reads it as a scalar
    expect(torch.zeros(2).fill_(torch.tensor(true)).tolist()).toEqual([1, 1]);
    expect(torch.tensor([torch.tensor(true), torch.tensor(false)]).tolist()).toEqual([true, false]);
    expect(torch.tensor([false]).is_nonzero()).toBe(false);
    expect(torch.tensor([true]).is_nonzero()).toBe(true);
  });

  it("types: a number by default, a boolean where the context asks for one", () => {
    const loss = torch.tensor(0.5);
    const doubled: number = loss.item() * 2;
    const ok: boolean = torch.tensor([1, 2]).gt(0).all().item();
    const either: number | boolean = torch.tensor([true]).item();
    let last: number | null = null;
    last = loss.item(); // a union context with number stays number
    expect(torch.tensor(2).item()).toBeGreaterThan(loss.item());
    // @ts-expect-error neither a number nor a boolean (tsc checks this line)
    const wrong: string = loss.item();
    expect([doubled, ok, either, loss.item().toFixed(1), last, typeof wrong]).toEqual([1, true, true, "0.5", 0.5, "number"]);
  });

  it.each(fx.tolists.map((c) => [JSON.stringify(c.values), c] as const))("tolist() of bool %s gives booleans at every depth", (_n, c) => {
    expect(make(c.values, c.dtype).tolist()).toStrictEqual(c.tolist);
  });
});

/** The call forms of one reduction case: options last, dim (and keepdim) by keyword, and F.* / positional dtype for softmax. */
function forms(c: Reduction): [string, (x: Tensor) => Tensor][] {
  const dtype = dt(c.dtype);
  const opts = { ...c.kwargs, dtype };
  const call = (f: unknown, ...a: unknown[]): Tensor => (f as (...b: unknown[]) => Tensor)(...a);
  const Ffn = (F as unknown as Record<string, unknown>)[c.fn];
  const out: [string, (x: Tensor) => Tensor][] = [
    [`torch.${c.fn}(x, ..., { dtype })`, (x) => call(torch[c.fn], x, ...c.args, opts)],
    [`x.${c.fn}(..., { dtype })`, (x) => call(x[c.fn].bind(x), ...c.args, opts)],
  ];
  const names = c.fn === "softmax" || c.fn === "log_softmax" || c.fn.startsWith("cum") ? ["dim"] : ["dim", "keepdim"];
  if (c.args.length > 0) {
    const byName = Object.fromEntries(c.args.map((a, i) => [names[i], a]));
    out.push([`torch.${c.fn}(x, { dim, ..., dtype })`, (x) => call(torch[c.fn], x, { ...byName, ...opts })]);
    out.push([`x.${c.fn}({ dim, ..., dtype })`, (x) => call(x[c.fn].bind(x), { ...byName, ...opts })]);
  }
  if (c.fn === "softmax" || c.fn === "log_softmax") {
    out.push([`F.${c.fn}(x, dim, { dtype })`, (x) => call(Ffn, x, ...c.args, opts)]);
    out.push([`F.${c.fn}(x, { dim, dtype })`, (x) => call(Ffn, x, { dim: c.args[0], dtype })]);
    out.push([`F.${c.fn}(x, dim, 3, dtype)`, (x) => call(Ffn, x, c.args[0], 3, dtype)]);
    out.push([`x.${c.fn}(dim, dtype)`, (x) => call(x[c.fn].bind(x), c.args[0], dtype)]);
    out.push([`torch.${c.fn}(x, dim, dtype)`, (x) => call(torch[c.fn], x, c.args[0], dtype)]);
  }
  return out;
}

describe("dtype= of reductions and scans: the input is cast to dtype first (torch 1.13)", () => {
  const cases = fx.reductions.flatMap((c, i) => forms(c).map(([form, f]) => [`#${i} ${form} ${c.dtype_in} -> ${c.dtype} ${JSON.stringify(c.args)}`, c, f] as const));

  it("covers every function, with errors and gradients", () => {
    expect(new Set(fx.reductions.map((c) => c.fn))).toEqual(new Set(["sum", "prod", "mean", "nansum", "cumsum", "cumprod", "softmax", "log_softmax"]));
    expect(fx.reductions.filter((c) => "error" in c.result).length).toBeGreaterThanOrEqual(6);
    expect(fx.reductions.filter((c) => "grad" in c.result).length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)("%s", (_n, c, f) => {
    const x = make(c.values, c.dtype_in);
    if ("error" in c.result) {
      expect(() => f(x)).toThrow(c.result.message);
      return;
    }
    const want = c.result;
    if (want.grad) x.requires_grad_(true);
    const r = f(x);
    expectTensor(r, want.out, "out");
    if (!want.grad) return;
    const w = torch.linspace(0.5, 1.5, r.numel(), { dtype: r.dtype }).reshape(r.shape.slice());
    r.mul(w).sum().backward();
    expectTensor(x.grad!, want.grad, "grad");
  });

  it("dtype is keyword-only for sum / prod / mean / cumsum, as torch's TypeError says", () => {
    expect(fx.keyword_only).toEqual({ sum: true, prod: true, cumsum: true });
    const x = torch.ones(2);
    expect(() => torch.sum(x, 0, false, torch.float64 as never)).toThrow("sum() received an invalid combination of arguments");
    expect(() => x.prod(0, false, torch.float64 as never)).toThrow("prod() received an invalid combination of arguments");
    expect(() => x.mean(0, false, torch.float64 as never)).toThrow("mean() received an invalid combination of arguments");
    expect(() => torch.cumsum(x, 0, torch.float64 as never)).toThrow("cumsum() received an invalid combination of arguments");
    expect(() => x.cumsum(0, torch.float64 as never)).toThrow("cumsum() received an invalid combination of arguments");
    expectTensor(torch.softmax(make([[1.5, -2.5, 0.7], [3.25, 2.0, -0.5]], "float32"), 1, torch.float64), fx.positional_softmax, "softmax positional dtype");
  });

  it("unknown keywords still raise, and a bad call changes nothing", () => {
    const x = torch.tensor([1, 2]);
    expect(() => x.cumsum(0, { dtype: torch.float64, zzz_unknown: 1 } as never)).toThrow("cumsum() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => torch.cumsum(x, 0, { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
    expect(() => x.softmax(0, { zzz_unknown: 1 } as never)).toThrow("softmax() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => x.log_softmax({ dim: 0, zzz_unknown: 1 } as never)).toThrow("log_softmax() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => torch.nansum(x, { dtype: torch.float64, zzz_unknown: 1 } as never)).toThrow("nansum() got an unexpected keyword argument 'zzz_unknown'");
    expect(x.tolist()).toEqual([1, 2]);
  });

  it("the gradient passes through the cast: x.grad keeps x's dtype and the output's node is the op's", () => {
    const x = torch.tensor([[1, 2], [3, 4]], { requires_grad: true });
    const y = torch.cumsum(x, 1, { dtype: torch.float64 });
    expect(y.grad_fn!.name()).toBe("CumsumBackward0");
    y.sum().backward();
    expect(x.grad!.dtype).toBe(torch.float32);
    expect(x.grad!.tolist()).toEqual([[2, 1], [2, 1]]);
    expect(torch.sum(x, { dtype: torch.float64 }).grad_fn!.name()).toBe("SumBackward0");
  });
});

/** The case's input, cut as the fixture says (transposed, a slice). */
function input(c: ViewCase): Tensor {
  const t = make(c.values, c.dtype);
  if (c.cut === "t") return t.t();
  if (c.cut === "[1:5]") return t.index("1:5");
  if (c.cut === "[:, :4]") return t.index(null, ":4");
  return t;
}

describe("Tensor.view(dtype)", () => {
  const viewable = fx.views.filter((c) => !c.error && c.same_values);
  const reinterpreting = fx.views.filter((c) => !c.error && !c.same_values);

  it("has cases of each kind", () => {
    expect(fx.views.filter((c) => c.error).length).toBeGreaterThanOrEqual(5);
    expect(viewable.length).toBeGreaterThanOrEqual(6);
    expect(reinterpreting.length).toBeGreaterThanOrEqual(6);
  });

  it.each(fx.views.filter((c) => c.error).map((c) => [`${c.dtype} ${c.cut ?? ""} as ${c.target}`, c] as const))("torch's error: %s", (_n, c) => {
    expect(() => input(c).view(dt(c.target))).toThrow(c.error!);
  });

  it.each(viewable.map((c) => [`${JSON.stringify(c.values)} ${c.dtype} ${c.cut ?? ""} as ${c.target}`, c] as const))("a view sharing storage: %s", (_n, c) => {
    const x = input(c);
    for (const v of [x.view(dt(c.target)), x.view({ dtype: dt(c.target) })]) {
      expectTensor(v, c.out!, "view");
      expect([...v.stride()]).toEqual(c.stride);
      expect(v._data).toBe(x._data); // the same memory, as torch's (shares: data_ptr equal)
      expect(c.shares).toBe(true);
    }
  });

  it.each(reinterpreting.map((c) => [`${JSON.stringify(c.values)} ${c.dtype} ${c.cut ?? ""} as ${c.target}`, c] as const))("a clear error where the bits would change the values: %s", (_n, c) => {
    const x = input(c);
    const before = x.tolist();
    const oneByte = ["bool", "uint8", "int8"];
    const message = oneByte.includes(c.dtype) && oneByte.includes(c.target) ? `view(): viewing this torch.${c.dtype} tensor as torch.${c.target} would change its values` : `view(): viewing torch.${c.dtype} as torch.${c.target} reinterprets the bits, which this engine cannot do`;
    expect(() => x.view(dt(c.target))).toThrow(message);
    expect(x.tolist()).toEqual(before);
  });

  it("a view of a bool mask as uint8 sees writes through it, and never requires grad", () => {
    const mask = torch.tensor([false, false, true]);
    const bytes = mask.view(torch.uint8);
    mask.index_put_([torch.tensor([0], { dtype: torch.long })], torch.tensor(true));
    expect(bytes.tolist()).toEqual([1, 0, 1]);
    const p = torch.ones(2, { requires_grad: true });
    expect({ same: p.view(torch.float32).requires_grad, int32: false }).toEqual(fx.view_requires_grad);
    expect(() => p.view(torch.int32)).toThrow("reinterprets the bits");
  });

  it("shapes still work, and view() with other keywords raises", () => {
    expect([...torch.arange(6).view(2, 3).shape]).toEqual([2, 3]);
    expect([...torch.arange(6).view([3, 2]).shape]).toEqual([3, 2]);
    expect(() => torch.ones(2).view({ dtype: torch.int8, zzz_unknown: 1 } as never)).toThrow("view() got an unexpected keyword argument 'zzz_unknown'");
  });
});
