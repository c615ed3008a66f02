/**
 * torch 1.13 top-level names that are thin forms of other ops (lib/tensor/api/torch_missing_names_a.ts), checked
 * against torch 1.13 (scripts/fixtures/torch_missing_names_a_fixtures.py, tests/fixtures/torch/core/torch_missing_names_a.json):
 * the *_copy family (values, gradients, and a fresh result: writing to it leaves the input unchanged), the sparse-only
 * *_copy names refused, constant_pad_nd, fill, as_strided_scatter, torch.acosh_ ... erfc_ / conj_physical_ / addmv_ /
 * resize_as_, feature_dropout(_) with torch's mask draws, empty_strided, and torch's errors.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType } from "../../../../lib/tensor/core";
import { expectClose, loadFixture } from "./fixtures";

interface TD { shape: number[]; dtype: DType["name"]; data: number[] }
type Err = [string, string] | null;
type Arg = unknown;
interface Case { name: string; shape: number[]; args: Arg[]; kw: Record<string, Arg>; error?: Err; is_list?: boolean; out?: TD[]; requires_grad?: boolean[]; backward_error?: Err; grad?: TD | null }
interface Fixture {
  cases: Case[];
  inplace: { name: string; x: number[]; out: TD; same: boolean; int_error: Err }[];
  addmv: { out: TD; same: boolean };
  resize_as: { shape: number[]; same: boolean };
  dropout: Record<string, TD | boolean>;
  dropout_errors: Record<string, Err>;
  empty_strided: { size: number[]; stride: number[]; dtype: string | null; out_shape: number[]; out_stride: number[]; out_dtype: string }[];
  as_strided_: { shape: number[]; args: unknown[]; kw: Record<string, unknown>; error: Err; same?: boolean; out?: TD; stride?: number[]; offset?: number }[];
  as_strided_leaf: Err;
  empty_strided_extra: { requires_grad: [boolean, boolean]; mismatch: Err; missing: Err; positional_dtype: Err };
}
const fx = loadFixture<Fixture>("torch_missing_names_a.json");
const T = torch as unknown as Record<string, (...a: unknown[]) => unknown>;
const dtypeOf = (name: string): DType => (torch as unknown as Record<string, DType>)[name];

function dec(v: Arg): unknown {
  if (v && typeof v === "object" && "tensor" in v) {
    const t = (v as { tensor: TD }).tensor;
    return torch.tensor(t.data, { dtype: dtypeOf(t.dtype) }).reshape(t.shape);
  }
  return v;
}
function X(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, { dtype: torch.float32 }).mul(0.5).sub(1).reshape(shape).requires_grad_();
}
function call(c: Case, x: Tensor): unknown {
  const kw = Object.fromEntries(Object.entries(c.kw).map(([k, v]) => [k, dec(v)]));
  return T[c.name](x, ...c.args.map(dec), ...(Object.keys(kw).length > 0 ? [kw] : []));
}
function expectErr(fn: () => unknown, e: Err): void {
  expect(e).not.toBeNull();
  let thrown: unknown = null;
  try { fn(); } catch (err) { thrown = err; }
  expect(thrown, `expected ${e![0]}: ${e![1]}`).toBeInstanceOf(Error);
  // The engine may add context after torch's message (view's "(input shape [2, 3])").
  expect((thrown as Error).message.startsWith(e![1]), `${(thrown as Error).message} starts with ${e![1]}`).toBe(true);
  expect((thrown as Error).name).toBe(e![0]);
}
function expectTD(t: Tensor, e: TD, label: string): void {
  expect([...t.shape], label).toEqual(e.shape);
  expect(t.dtype.name, label).toBe(e.dtype);
  expectClose(t, e.data, 1e-5, 1e-6, label);
}

describe("torch.*_copy, constant_pad_nd, fill, as_strided_scatter (torch 1.13)", () => {
  fx.cases.forEach((c, i) => {
    it(`${i}: ${c.name}(${JSON.stringify(c.args)}, ${JSON.stringify(c.kw)})`, () => {
      const x = X(c.shape);
      if (c.error) { expectErr(() => call(c, x), c.error); return; }
      const r = call(c, x);
      expect(Array.isArray(r)).toBe(c.is_list);
      const outs = (Array.isArray(r) ? r : [r]) as Tensor[];
      expect(outs.length).toBe(c.out!.length);
      outs.forEach((o, k) => expectTD(o, c.out![k], `out ${k}`));
      const before = x.tolist();
      if (c.name === "detach_copy") {
        // torch 1.13's output requires grad with no derivative (backward raises); the engine's is a plain copy.
        expect(c.backward_error?.[1]).toBe("derivative for aten::detach_copy is not implemented");
        expect(outs[0].requires_grad).toBe(false);
      } else {
        outs.forEach((o, k) => expect(o.requires_grad, `requires_grad ${k}`).toBe(c.requires_grad![k]));
        const loss = outs.filter((o) => o.requires_grad).map((o) => o.mul(o.numel() > 0 ? torch.linspace(0.5, 1.5, o.numel()).reshape([...o.shape]) : 0).sum())
          .reduce((a, b) => a.add(b), torch.zeros([]));
        loss.backward();
        expect(c.backward_error).toBeNull();
        if (c.grad) expectTD(x.grad!, c.grad, "grad");
        if (c.name === "as_strided_scatter") {
          // torch 1.13's backward here is wrong (no reference): W where x is kept, 0 where src was written.
          const w = torch.linspace(0.5, 1.5, x.numel()).reshape([...x.shape]);
          const kept = outs[0].detach().ne(torch.tensor(10)).logical_and(outs[0].detach().ne(torch.tensor(20)));
          expect(x.grad!.tolist()).toEqual(w.mul(kept).tolist());
        } else {
          expect(c.grad, "a reference gradient").toBeTruthy();
        }
      }
      // A fresh tensor, not a view: writing to the result leaves the input unchanged.
      torch.no_grad(() => { for (const o of outs) if (o.numel() > 0) o.fill_(123); });
      expect(x.tolist()).toEqual(before);
    });
  });

  it("the sparse-only *_copy names are refused with the sparse refusal", () => {
    for (const name of ["indices_copy", "values_copy", "ccol_indices_copy", "col_indices_copy", "crow_indices_copy", "row_indices_copy"]) {
      expect(() => T[name](torch.ones(2)), name).toThrow(`torch.${name}(): Gradbook's tensor engine stores dense tensors and sparse COO tensors only`);
    }
  });

  it("unknown keywords raise", () => {
    expect(() => T.diagonal_copy(torch.ones(2, 2), { offst: 1 })).toThrow(/unexpected keyword argument 'offst'/);
    expect(() => T.constant_pad_nd(torch.ones(2), [1, 1], { val: 1 })).toThrow(/unexpected keyword argument 'val'/);
  });
});

describe("torch.X_ in-place forms (torch 1.13)", () => {
  for (const c of fx.inplace) {
    it(c.name, () => {
      const x = torch.tensor(c.x);
      const r = T[c.name](x);
      expect(r === x).toBe(c.same);
      expectTD(x, c.out, c.name);
      expectErr(() => T[c.name](3), c.int_error);
    });
  }
  it("addmv_(input, mat, vec, { beta, alpha }) and resize_as_", () => {
    const x = torch.tensor([1, -1]);
    const r = T.addmv_(x, torch.tensor([[1, 2], [3, 4]]), torch.tensor([0.5, -1]), { beta: 2, alpha: 3 });
    expect(r === x).toBe(fx.addmv.same);
    expectTD(x, fx.addmv.out, "addmv_");
    const z = torch.zeros(6);
    expect(T.resize_as_(z, torch.ones(2, 3)) === z).toBe(fx.resize_as.same);
    expect([...z.shape]).toEqual(fx.resize_as.shape);
  });
});

describe("torch.as_strided_(input, size, stride, storage_offset=None) (torch 1.13)", () => {
  fx.as_strided_.forEach((c, i) => {
    it(`${i}: ${JSON.stringify(c.args)} ${JSON.stringify(c.kw)}`, () => {
      const x = torch.arange(6, { dtype: torch.float32 }).reshape(c.shape);
      const call = () => T.as_strided_(x, ...c.args, ...(Object.keys(c.kw).length > 0 ? [c.kw] : []));
      if (c.error) {
        const before = [[...x.shape], x.stride()];
        expectErr(call, c.error);
        expect([[...x.shape], x.stride()]).toEqual(before);
        return;
      }
      expect(call() === x).toBe(c.same);
      expectTD(x, c.out!, "as_strided_");
      expect(x.stride()).toEqual(c.stride);
      expect(x.storage_offset()).toBe(c.offset);
    });
  });
  it("torch.as_strided(x, size, stride, { storage_offset }) reads the keyword (it was taken as the offset itself)", () => {
    const x = torch.arange(6, { dtype: torch.float32 });
    expect((T.as_strided(x, [2, 2], [1, 2], { storage_offset: 1 }) as Tensor).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(() => T.as_strided(x, [2], [1], { offset: 1 })).toThrow(/unexpected keyword argument 'offset'/);
  });
  it("a leaf that requires grad raises torch's in-place error (the engine names the op before the final period)", () => {
    expect(() => T.as_strided_(torch.ones(6).requires_grad_(), [2], [1])).toThrow(fx.as_strided_leaf![1].replace(/\.$/, ""));
  });
});

describe("torch.feature_dropout(input, p, train) / feature_dropout_ (torch 1.13, seeded)", () => {
  const forms: Record<string, () => Tensor> = {
    fd: () => T.feature_dropout(torch.ones(2, 4, 3), 0.5, true) as Tensor,
    fd_kw: () => T.feature_dropout(torch.ones(3, 5), { p: 0.3, train: true }) as Tensor,
    fd_p1: () => T.feature_dropout(torch.ones(2, 2), 1.0, true) as Tensor,
    fd_eval: () => T.feature_dropout(torch.ones(2, 2), 0.5, false) as Tensor,
    fd_: () => T.feature_dropout_(torch.ones(2, 4, 3), 0.5, true) as Tensor,
  };
  for (const [key, fn] of Object.entries(forms)) {
    it(key, () => { torch.manual_seed(0); expectTD(fn(), fx.dropout[key] as TD, key); });
  }
  it("feature_dropout_ returns its input; the gradient of feature_dropout is the mask", () => {
    const x = torch.ones(2, 4, 3);
    torch.manual_seed(0);
    expect(T.feature_dropout_(x, 0.5, true) === x).toBe(fx.dropout.fd__same);
    const y = torch.ones(2, 4, 3).requires_grad_();
    torch.manual_seed(0);
    (T.feature_dropout(y, 0.5, true) as Tensor).sum().backward();
    expectTD(y.grad!, fx.dropout.fd as TD, "grad");
  });
  it("errors", () => {
    expectErr(() => T.feature_dropout(torch.ones(3), 0.5, true), fx.dropout_errors.one_dim);
    expectErr(() => T.feature_dropout(torch.ones(2, 2), 0.5), fx.dropout_errors.missing_train);
    expectErr(() => T.feature_dropout_(torch.ones(2, 2)), fx.dropout_errors.missing_both);
  });
});

describe("torch.empty_strided(size, stride, ...) (torch 1.13)", () => {
  for (const c of fx.empty_strided) {
    it(`${JSON.stringify(c.size)} ${JSON.stringify(c.stride)} ${c.dtype}`, () => {
      const t = (c.dtype ? T.empty_strided(c.size, c.stride, { dtype: dtypeOf(c.dtype) }) : T.empty_strided(c.size, c.stride)) as Tensor;
      expect([...t.shape]).toEqual(c.out_shape);
      expect(t.stride()).toEqual(c.out_stride);
      expect(t.dtype.name).toBe(c.out_dtype);
    });
  }
  it("requires_grad and errors", () => {
    const t = T.empty_strided([2], [1], { requires_grad: true }) as Tensor;
    expect([t.requires_grad, t.is_leaf]).toEqual(fx.empty_strided_extra.requires_grad);
    expectErr(() => T.empty_strided([2, 3], [1]), fx.empty_strided_extra.mismatch);
    expectErr(() => T.empty_strided([2, 3]), fx.empty_strided_extra.missing);
    expectErr(() => T.empty_strided([2, 3], [3, 1], torch.float64), fx.empty_strided_extra.positional_dtype);
  });
});
