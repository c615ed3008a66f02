/**
 * torch.testing against PyTorch 1.13 (tests/fixtures/torch/testing_namespace.json, written by
 * scripts/fixtures/testing_fixtures.py): assert_close's outcome and message word for word for
 * each case, assert_allclose's looser defaults, and make_tensor's draws from the same seed.
 * Also the build and runtime answers of runtime_info.ts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../../../fixtures/torch/testing_namespace.json", import.meta.url)), "utf8")) as {
  assert_close: Record<string, string>;
  make_tensor: Record<string, { values: unknown; contiguous: boolean; requires_grad: boolean }>;
};

const { assert_close, assert_allclose, make_tensor } = torch.testing;
const t = torch.tensor;
const f64 = { dtype: torch.float64 };
const i64 = { dtype: torch.int64 };

const CASES: Record<string, () => void> = {
  one_of_three: () => assert_close(t([1, 2, 3]), t([1, 2.5, 3])),
  zero_dim: () => assert_close(t(1), t(1.5)),
  int_exact: () => assert_close(t([1, 2], i64), t([1, 3], i64)),
  dtype: () => assert_close(t([1, 2]), t([1, 2], f64)),
  dtype_unchecked: () => assert_close(t([1, 2]), t([1, 3], f64), { check_dtype: false }),
  tensor_vs_list: () => assert_close(t([1, 2]), [1, 2]),
  sequence_item: () => assert_close([t(1), t(2)], [t(1), t(3)]),
  mapping_item: () => assert_close({ a: t([[1, 2]]) }, { a: t([[1, 2.1]]) }),
  mapping_keys: () => assert_close({ a: 1, c: 2 }, { b: 1, c: 2 }),
  nan_default: () => assert_close(t([1, NaN]), t([1, NaN])),
  nan_equal: () => assert_close(t([1, NaN]), t([1, NaN]), { equal_nan: true }),
  equality: () => assert_close(t([1, 2]), t([1, 2.01]), { rtol: 0, atol: 0 }),
  within_given: () => assert_close(t([1, 2]), t([1, 2.01]), { rtol: 0, atol: 0.02 }),
  rtol_only: () => assert_close(t([1, 2]), t([1, 2]), { rtol: 0.1 }),
  shape: () => assert_close(torch.ones(3), torch.ones(2)),
  booleans: () => assert_close(true, false),
  none: () => assert_close(null, 1.5),
  rel_inf: () => assert_close(t([0, 1]), t([1, 0])),
  custom_msg: () => assert_close(t([1, 2]), t([1, 3]), { msg: "custom" }),
  scalars: () => assert_close(1.0, 1.5),
  scalars_close: () => assert_close(1.0, 1.0 + 1e-9),
  bool_tensors: () => assert_close(t([true, false]), t([true, true])),
  allclose: () => assert_allclose(t([1, 2]), [1, 2.5]),
  allclose_ok: () => assert_allclose(t([1, 2]), [1, 2.00005]),
  infinities: () => assert_close(t([Infinity, -1]), t([Infinity, -1])),
  inf_sign: () => assert_close(t([Infinity]), t([-Infinity])),
  percent_tie: () => assert_close(torch.ones(16), t([1, ...Array<number>(15).fill(2)])),
  sequence_length: () => assert_close([1, 2], [1, 2, 3]),
  nested: () => assert_close({ w: [t([1]), t([2, 3])] }, { w: [t([1]), t([2, 3.5])] }),
  grad_ignored: () => assert_close(t([1, 2], { requires_grad: true }), t([1, 2])),
};

function outcome(fn: () => void): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe("torch.testing.assert_close", () => {
  it("covers every fixture case", () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(fixture.assert_close).sort());
  });
  for (const [name, want] of Object.entries(fixture.assert_close)) {
    it(`${name}: ${want.split("\n")[0]}`, () => {
      expect(outcome(CASES[name])).toBe(want);
    });
  }

  it("passes the generated message to a msg function and raises what it returns", () => {
    expect(outcome(() => assert_close(t([1, 2]), t([1, 3]), { msg: (m) => `step 3: ${m.split("\n")[0]}` }))).toBe("AssertionError: step 3: Tensor-likes are not close!");
  });

  it("compares a model's outputs within tolerances, as a lesson's check does", () => {
    torch.manual_seed(0);
    const w = torch.randn(4, 3);
    const x = torch.randn(5, 4);
    const viaMatmul = x.matmul(w);
    const viaSum = x.unsqueeze(2).mul(w.unsqueeze(0)).sum(1);
    expect(() => assert_close(viaMatmul, viaSum)).not.toThrow();
    expect(() => assert_close(viaMatmul, viaSum.add(1e-3))).toThrow(/Tensor-likes are not close!\n\nMismatched elements: 15 \/ 15 \(100\.0%\)/);
  });
});

describe("torch.testing.make_tensor", () => {
  const draw = (shape: number[], opts: Parameters<typeof make_tensor>[1]): Tensor => {
    torch.manual_seed(0);
    return make_tensor(shape, opts);
  };
  const CALLS: Record<string, () => Tensor> = {
    float: () => draw([2, 3], { dtype: torch.float32, device: "cpu" }),
    float64_range: () => draw([4], { dtype: torch.float64, device: "cpu", low: -1, high: 2 }),
    int64: () => draw([5], { dtype: torch.int64, device: "cpu" }),
    int64_range: () => draw([5], { dtype: torch.int64, device: "cpu", low: 0.5, high: 3.5 }),
    uint8: () => draw([5], { dtype: torch.uint8, device: "cpu" }),
    bool: () => draw([6], { dtype: torch.bool, device: "cpu" }),
    noncontiguous: () => draw([2, 3], { dtype: torch.float32, device: "cpu", noncontiguous: true }),
    requires_grad: () => draw([2], { dtype: torch.float32, device: "cpu", requires_grad: true }),
    exclude_zero: () => draw([12], { dtype: torch.int64, device: "cpu", low: -1, high: 1, exclude_zero: true }),
  };
  for (const [name, want] of Object.entries(fixture.make_tensor)) {
    it(`${name}: PyTorch's values from the same seed`, () => {
      const got = CALLS[name]();
      expect(got.tolist()).toEqual(want.values);
      expect(got.is_contiguous()).toBe(want.contiguous);
      expect(got.requires_grad).toBe(want.requires_grad);
    });
  }

  it("takes the shape as separate sizes too, and refuses a missing dtype or an integral requires_grad", () => {
    torch.manual_seed(0);
    expect(make_tensor(2, 3, { dtype: torch.float32 }).tolist()).toEqual(fixture.make_tensor.float.values);
    expect(() => make_tensor(2, 3, {} as never)).toThrow(/missing required keyword argument 'dtype'/);
    expect(() => make_tensor([2], { dtype: torch.int64, requires_grad: true })).toThrow("make_tensor: requires_grad must be False for integral dtype");
    expect(() => make_tensor([2], { dtype: torch.float32, low: 2, high: 1 })).toThrow("make_tensor: low must be weakly less than high!");
  });
});

describe("build and runtime answers", () => {
  it("reports a CPU-only 1.13.1 build", () => {
    expect(torch.__version__).toBe("1.13.1");
    expect(torch.version.cuda).toBeNull();
    expect(torch.has_cuda).toBe(false);
    expect(torch.backends.cuda.is_built()).toBe(false);
  });

  it("records the float32 matmul precision, ignoring an unknown one", () => {
    const before = torch.get_float32_matmul_precision();
    expect(before).toBe("highest");
    torch.set_float32_matmul_precision("high");
    expect(torch.get_float32_matmul_precision()).toBe("high");
    torch.set_float32_matmul_precision("fastest");
    expect(torch.get_float32_matmul_precision()).toBe("high");
    torch.set_float32_matmul_precision(before);
  });

  it("takes the TF32 flags nanoGPT-style scripts set", () => {
    torch.backends.cuda.matmul.allow_tf32 = true;
    torch.backends.cudnn.allow_tf32 = true;
    expect(torch.backends.cuda.matmul.allow_tf32).toBe(true);
    torch.backends.cuda.matmul.allow_tf32 = false;
  });

  it("validates interop threads as PyTorch does", () => {
    expect(torch.get_num_interop_threads()).toBe(1);
    expect(() => torch.set_num_interop_threads(0)).toThrow("set_num_interop_threads expects a positive integer");
    expect(torch.set_flush_denormal(true)).toBe(false);
  });
});
