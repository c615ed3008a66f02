/**
 * Engine gaps found by the graphs_embeddings probe (tutorials/graphs_embeddings.test.ts), with torch 1.13's values
 * from tests/fixtures/torch/tutorials/graphs_embeddings.json ("gaps"):
 *   - F.logsigmoid's gradient at 0 was 1 (min(x, 0) - log1p(exp(-|x|)): clamp passes 1 at its bound, |x| gives 0),
 *     torch's is sigmoid(-0) = 0.5; word2vec's negative-sampling loss starts with zero output embeddings, so every
 *     score is 0 and Andras7's SkipGramModel trained on doubled gradients.
 *   - F.hardswish's gradient at -3 and 3 was 0 and 1; torch's hardswish_backward gives x / 3 + 0.5 on [-3, 3]
 *     (and its second derivative stays 0 at -3 and 3).
 *   - Message passing over an edge list: index_add with a float or bool index named no dtype ("Expected dtype int64
 *     for index"; torch: "Expected dtype int32/int64 for index but got: Float"), scatter_reduce's index check said
 *     "scatter_reduce(): ..." (torch: "scatter(): ...") and its reduce check added ", got max" after torch's
 *     sentence; torch's once-only 'scatter_reduce() is in beta' UserWarning was missing (index_reduce's too).
 *   - Calling an instance of a torch.autograd.Function subclass (the legacy style: pygcn's SparseMM()(adj, support))
 *     raised JavaScript's "... is not a function"; torch 1.13 raises its "Legacy autograd function with non-static
 *     forward method is deprecated. ..." RuntimeError, for new-style subclasses too.
 *   - Ties in gradients (a sweep of special points after logsigmoid): median() / nanmedian() of all entries gave the
 *     whole gradient to one of the tied entries (torch splits it among them, or among the NaNs when the result is
 *     NaN; MedianBackward0 / NanmedianBackward0); clamp with tensor bounds split it with the bound at a tie
 *     (maximum / minimum), where torch's ClampBackward0 gives it to x when min <= x <= max.
 *   - abs's gradient at 0 (and at NaN) was 0 whatever came in; torch's grad * sign(x) makes an infinite incoming gradient
 *     NaN there, so |x| ** 0.5 and rsqrt(|x|) at 0 have a NaN gradient in torch (values printed by /usr/bin/python3,
 *     torch 1.13.1, for the same calls).
 *   - torch.sparse was missing (pygcn's torch.sparse.FloatTensor, pyGAT's torch.sparse.mm): mm of dense operands
 *     is mm as in torch; the constructors and sparse-only functions are refused by name.
 */
import { describe, expect, it, vi } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { tutorialFixture } from "../tutorials/helpers";

type Curve = { x: number[]; y: number[]; grad: number[]; gradgrad: number[] };
type Err = [string, string];
const gaps = tutorialFixture<{ gaps: Record<string, unknown> }>("graphs_embeddings.json").gaps as {
  logsigmoid: Curve; hardswish: Curve; sparse_mm: { shape: number[]; data: number[] }; sparse_mm_shapes: Err;
  index_add_float: Err; index_add_bool: Err; scatter_reduce_max: Err; scatter_reduce_float_idx: Err;
  scatter_reduce_amax: { shape: number[]; data: number[] }; scatter_reduce_warning: string[]; index_reduce_warning: string[];
  function_instance_call: Err; function_instance_isinstance: boolean;
  median: Record<"median" | "median_nan" | "nanmedian", { x: string[]; value: string; node: string; grad: number[] }>;
  clamp_tensor: Record<"min" | "max" | "both", { node: string; out: number[]; grads: (number[] | null)[] }>;
};
const thrown = (fn: () => unknown): Err | null => {
  try {
    fn();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  return null;
};

const near = (a: number[], e: number[], label: string, skip: number[] = []) =>
  a.forEach((v, i) => {
    if (!skip.includes(i)) expect(Math.abs(v - e[i]), `${label} at ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e[i])));
  });

function curve(fn: (x: ReturnType<typeof torch.tensor>) => ReturnType<typeof torch.tensor>, x: number[]) {
  const t = torch.tensor(x, { requires_grad: true });
  const y = fn(t);
  const gx = torch.autograd.grad(y.sum(), t, { create_graph: true })[0]!;
  const ggx = torch.autograd.grad(gx.sum(), t)[0]!;
  return { y: y.tolist() as number[], grad: gx.tolist() as number[], gradgrad: ggx.tolist() as number[], gx };
}

describe("graphs_embeddings gaps", () => {
  it("F.logsigmoid: values, gradient sigmoid(-x) (0.5 at 0) and second derivative, finite far out", () => {
    const e = gaps.logsigmoid;
    const r = curve((t) => F.logsigmoid(t), e.x);
    near(r.y, e.y, "value");
    near(r.grad, e.grad, "grad");
    near(r.gradgrad, e.gradgrad, "gradgrad");
    expect(r.gx.grad_fn).not.toBeNull();
    // the module form and torch's 0.5 at exactly zero
    const z = torch.zeros(3, { requires_grad: true });
    F.logsigmoid(z).sum().backward();
    expect(z.grad!.tolist()).toEqual([0.5, 0.5, 0.5]);
  });

  it("F.hardswish: gradient x / 3 + 0.5 on the closed interval [-3, 3], second derivative 1/3 on the open one, as torch", () => {
    const e = gaps.hardswish;
    const r = curve((t) => F.hardswish(t), e.x);
    near(r.y, e.y, "value");
    near(r.grad, e.grad, "grad");
    near(r.gradgrad, e.gradgrad, "gradgrad");
    // the bounds term adds nothing at the infinities: torch 1.13 gives tensor([nan, inf]) (-inf * 0 at the left)
    expect(F.hardswish(torch.tensor([-Infinity, Infinity])).tolist()).toEqual([NaN, Infinity]);
  });

  it("torch.sparse: mm of dense operands is mm; FloatTensor and the sparse-only functions are refused by name", () => {
    const a = torch.arange(6).float().reshape(2, 3);
    const out = torch.sparse.mm(a, torch.ones(3, 2));
    expect(out.shape).toEqual(gaps.sparse_mm.shape);
    expect(out.flatten().tolist()).toEqual(gaps.sparse_mm.data);
    expect(torch.sparse.mm(a, { mat2: torch.ones(3, 2) }).flatten().tolist()).toEqual(gaps.sparse_mm.data);
    expect(() => torch.sparse.mm(a, a)).toThrow(gaps.sparse_mm_shapes[1]);
    const indices = torch.tensor([[0, 1], [1, 0]], { dtype: torch.long });
    // the legacy constructors and torch.sparse.sum are sparse COO tensors now (tests/unit/tensor/sparse/)
    expect(torch.sparse.FloatTensor(indices, torch.ones(2), [2, 2]).to_dense().tolist()).toEqual([[0, 1], [1, 0]]);
    // torch.sparse.softmax / addmm are built now (tests/unit/tensor/sparse/): given a dense tensor and a list they still raise.
    for (const name of ["softmax", "addmm"] as const) {
      expect(() => (torch.sparse[name] as (...a: unknown[]) => unknown)(indices, torch.ones(2), [2, 2]), name).toThrow();
    }
  });

  it("message passing: index_add / scatter_reduce index and reduce errors, the beta warning once, amax without self", () => {
    const x = torch.ones(3, 2);
    const dst = torch.tensor([0, 1, 0], { dtype: torch.long });
    expect(thrown(() => torch.zeros(2, 2).index_add(0, dst.float(), x))).toEqual(gaps.index_add_float);
    expect(thrown(() => torch.zeros(2, 2).index_add_(0, dst.bool(), x))).toEqual(gaps.index_add_bool);
    const idx = dst.unsqueeze(1).expand(3, 2);
    expect(thrown(() => torch.zeros(2, 2).scatter_reduce(0, idx, x, "max" as never))).toEqual(gaps.scatter_reduce_max);
    expect(thrown(() => torch.zeros(2, 2).scatter_reduce(0, idx.float(), x, { reduce: "amax" }))).toEqual(gaps.scatter_reduce_float_idx);
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const weights = torch.tensor([[1.0], [2.0], [3.0]]);
      const out = torch.zeros(2, 2).scatter_reduce(0, idx, x.mul(weights), { reduce: "amax", include_self: false });
      torch.zeros(2, 2).scatter_reduce(0, idx, x, "sum");
      expect(out.flatten().tolist()).toEqual(gaps.scatter_reduce_amax.data);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(gaps.scatter_reduce_warning.map((m) => `UserWarning: ${m}`));
      // index_reduce, built on scatter_reduce here, shows its own (torch 1.13: the same sentence naming index_reduce)
      torch.zeros(3).index_reduce(0, torch.tensor([0, 1], { dtype: torch.long }), torch.ones(2), "prod");
      expect(warn.mock.calls.map((c) => String(c[0])).slice(1)).toEqual([gaps.index_reduce_warning[0]].map((m) => `UserWarning: ${m}`));
    } finally {
      warn.mockRestore();
    }
  });

  it("calling a Function instance raises torch's legacy-function RuntimeError; the instance is still an instance", () => {
    class SparseMM extends torch.autograd.Function {
      tag = "legacy";
      forward(matrix1: Tensor, matrix2: Tensor): Tensor {
        return torch.mm(matrix1, matrix2);
      }
    }
    class Double extends torch.autograd.Function {
      static override forward(_ctx: unknown, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: unknown, grad: Tensor): Tensor {
        return grad.mul(2);
      }
    }
    const call = (f: unknown, ...a: Tensor[]) => (f as (...t: Tensor[]) => Tensor)(...a);
    const legacy = new SparseMM();
    expect(thrown(() => call(legacy, torch.ones(2, 2), torch.ones(2, 2)))).toEqual(gaps.function_instance_call);
    expect(thrown(() => call(new Double(), torch.ones(2)))).toEqual(gaps.function_instance_call);
    expect(new Double() instanceof torch.autograd.Function).toBe(gaps.function_instance_isinstance);
    expect(legacy instanceof SparseMM && legacy.tag === "legacy").toBe(true);
    expect(legacy.forward(torch.ones(1, 1), torch.ones(1, 1)).item()).toBe(1);
    // the new style is unchanged
    const x = torch.ones(2, { requires_grad: true });
    Double.apply(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it("median() / nanmedian() of all entries split the gradient among tied entries (NaNs when the result is NaN)", () => {
    for (const [name, e] of Object.entries(gaps.median)) {
      const x = torch.tensor(e.x.map(Number), { requires_grad: true });
      const m = name === "nanmedian" ? x.nanmedian() : x.median();
      m.backward();
      expect(String(m.item()), name).toBe(e.value === "nan" ? "NaN" : String(Number(e.value)));
      expect(m.grad_fn!.name(), name).toBe(e.node);
      expect(x.grad!.tolist(), name).toEqual(e.grad);
    }
    // along a dim one index still gets it, as torch
    const y = torch.tensor([[1.0, 1, 0]], { requires_grad: true });
    y.median(1).values.sum().backward();
    expect(y.grad!.tolist()).toEqual([[1, 0, 0]]);
  });

  it("clamp with tensor bounds: ClampBackward0, x keeps the gradient at a tie with a bound, min / max where they bind", () => {
    for (const [which, e] of Object.entries(gaps.clamp_tensor)) {
      const x = torch.tensor([-2.0, -1, 0, 0, 1, 1, 2], { requires_grad: true });
      const lo = torch.tensor([0.0, -1, 0, 1, 1, 2, 2], { requires_grad: true });
      const hi = torch.tensor([1.0, 1, 0, 0.5, 1, 3, -5], { requires_grad: true });
      const o = which === "min" ? torch.clamp(x, { min: lo }) : which === "max" ? torch.clamp(x, { max: hi }) : torch.clamp(x, lo, hi);
      expect(o.grad_fn!.name(), which).toBe(e.node);
      expect(o.tolist(), which).toEqual(e.out);
      o.mul(torch.arange(1, 8)).sum().backward();
      expect([x, lo, hi].map((t) => t.grad?.tolist() ?? null), which).toEqual(e.grads);
    }
  });

  it("abs's gradient is grad * sign(x): an infinite incoming gradient at 0 gives NaN, as |x| ** 0.5 and rsqrt(|x|) at 0 show", () => {
    const x = torch.tensor([0, -0, NaN, 1, -2], { requires_grad: true });
    x.abs().backward(torch.tensor([Infinity, Infinity, 1, NaN, 3]));
    expect(x.grad!.tolist()).toEqual([NaN, NaN, 0, NaN, -3]);
    const y = torch.tensor([0.0, 4], { requires_grad: true });
    y.abs().pow(0.5).sum().backward();
    expect(y.grad!.tolist()).toEqual([NaN, 0.25]);
    const z = torch.tensor([0.0], { requires_grad: true });
    z.abs().rsqrt().sum().backward();
    expect(z.grad!.tolist()).toEqual([NaN]);
  });
});
