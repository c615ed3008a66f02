/**
 * The Tensor-method arity checks (ops/fixed_arity.ts installTensorArityChecks) and the shape
 * methods' keyword form (shape.ts shapeFromArgs): what they refuse, with PyTorch 1.13's
 * messages, and what they still let through (values unchanged, checked against torch 1.13 by
 * hand: x.view(size=(3, 2)) is x.view(3, 2), x.permute(dims=(1, 0)) is x.t()).
 */
import { describe, expect, it } from "vitest";
import { Tensor, nn, torch } from "../../../../lib/tensor/index";
import { FIXED_ARITY, TENSOR_ONLY_FIXED_ARITY, installedArityChecks, tensorMethodArities } from "../../../../lib/tensor/ops/fixed_arity";

type Loose = Record<string, (...a: unknown[]) => unknown>;
const x = () => torch.arange(6).float().reshape(2, 3);
const loose = (t: Tensor) => t as unknown as Loose;

describe("Tensor method arity checks", () => {
  it("derives the method table from torch's (minus self) and the method-only one", () => {
    const table = tensorMethodArities();
    expect(table.exp).toBe(0);
    expect(table.atan2).toBe(FIXED_ARITY.atan2 - 1);
    expect(table.narrow).toBe(3);
    expect(table.mul_).toBe(TENSOR_ONLY_FIXED_ARITY.mul_);
    // One check per method name; later installers (memory_format.ts's clone / contiguous) may wrap a check in turn.
    expect(installedArityChecks.length).toBeGreaterThan(250);
    expect(new Set(installedArityChecks.map((c) => c.name)).size).toBe(installedArityChecks.length);
    const byName = new Map(installedArityChecks.map((c) => [c.name, c.checked]));
    for (const name of ["exp", "atan2", "mul_", "transpose", "clamp", "add_", "eq"]) expect((Tensor.prototype as unknown as Loose)[name]).toBe(byName.get(name));
  });

  it("an unknown keyword raises PyTorch's TypeError and changes nothing", () => {
    const t = x();
    expect(() => loose(t).exp({ zzz_unknown: 1 })).toThrow("exp() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => loose(t).atan2(x(), { zzz_unknown: 1 })).toThrow("atan2() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => loose(t).mul_(2, { alpha: 2 })).toThrow("mul_() got an unexpected keyword argument 'alpha'");
    expect(t.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(() => loose(t).transpose(0, 1, { zzz_unknown: 1 })).toThrow("transpose() got an unexpected keyword argument 'zzz_unknown'");
  });

  it("an extra positional raises with PyTorch's wording", () => {
    expect(() => loose(x()).exp(1)).toThrow("Tensor.exp() takes no arguments (1 given)");
    expect(() => loose(x()).dim(0)).toThrow("Tensor.dim() takes no arguments (1 given)");
    expect(() => loose(x()).atan2(x(), 1)).toThrow("atan2() takes 1 positional argument but 2 were given");
  });

  it("trailing undefined and an empty options object pass, with unchanged values", () => {
    const t = x();
    expect(loose(t).exp(undefined)).toBeInstanceOf(Tensor);
    expect((loose(t).neg({}) as Tensor).tolist()).toEqual([[-0, -1, -2], [-3, -4, -5]]);
    expect((loose(t).transpose(0, 1, undefined) as Tensor).shape).toEqual([3, 2]);
    expect(t.mul(2).tolist()).toEqual([[0, 2, 4], [6, 8, 10]]);
  });

  it("torch.* in-place forms reach the method's check", () => {
    expect(() => (torch as unknown as Loose).exp_(x(), { zzz_unknown: 1 })).toThrow("exp_() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => (torch as unknown as Loose).eq(x(), x(), { zzz_unknown: 1 })).toThrow("eq() got an unexpected keyword argument 'zzz_unknown'");
  });
});

describe("Tensor methods with keywords (TENSOR_METHOD_KEYWORDS)", () => {
  it("read their keywords as before and refuse any other", () => {
    const t = x();
    expect((loose(t).clamp({ min: 1, max: 4 }) as Tensor).tolist()).toEqual([[1, 1, 2], [3, 4, 4]]);
    expect((loose(t).clamp(1, { max: 4 }) as Tensor).tolist()).toEqual([[1, 1, 2], [3, 4, 4]]);
    expect(() => loose(t).clamp(1, { max: 4, zzz_unknown: 1 })).toThrow("clamp() got an unexpected keyword argument 'zzz_unknown'");
    const y = x();
    loose(y).add_(t, { alpha: 2 });
    expect(y.tolist()).toEqual([[0, 3, 6], [9, 12, 15]]);
    expect(() => loose(y).add_(t, { alpah: 2 })).toThrow("add_() got an unexpected keyword argument 'alpah'");
    expect(y.tolist()).toEqual([[0, 3, 6], [9, 12, 15]]);
    expect((loose(t).cumsum({ dim: 1 }) as Tensor).tolist()).toEqual([[0, 1, 3], [3, 7, 12]]);
    expect(() => loose(t).softmax(1, { zzz_unknown: 1 })).toThrow("softmax() got an unexpected keyword argument 'zzz_unknown'");
  });

  it("an options object in an operand slot of a fixed-signature method raises instead of being read as the operand", () => {
    const t = x();
    expect(() => loose(t).mul_({ zzz_unknown: 1 })).toThrow("mul_() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => loose(t).fill_({ val: 1 })).toThrow("fill_() got an unexpected keyword argument 'val'");
    expect(t.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    // torch 1.13's t.fill_(value=1): the operand by its name is read (ops/fixed_arity.ts OPERAND_NAMES)
    expect((loose(x()).fill_({ value: 1 }) as Tensor).tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    // div_ takes torch's rounding_mode (cs224n_gaps.test.ts); another keyword is refused rather than silently ignored.
    expect(() => loose(t).div_(2, { zzz_unknown: "floor" })).toThrow("div_() got an unexpected keyword argument 'zzz_unknown'");
  });
});

describe("torch.* functions (withFixedArityAll: FIXED_ARITY, TORCH_ONLY_FIXED_ARITY, TORCH_KEYWORDS)", () => {
  const T = torch as unknown as Loose;
  it("refuse an options object in an operand slot or an unknown keyword", () => {
    expect(() => T.narrow(x(), 0, { zzz_unknown: 1 })).toThrow("narrow() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => T.hstack([x(), x()], { zzz_unknown: 1 })).toThrow("hstack() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => T.clamp(x(), { min: 1, zzz_unknown: 1 })).toThrow("clamp() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => T.nextafter(x(), x(), { zzz_unknown: 1 })).toThrow("nextafter() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => T.elu(x(), { alpha: 2 })).toThrow("elu() got an unexpected keyword argument 'alpha'");
  });

  it("keep their accepted keywords and out=", () => {
    expect((T.clamp(x(), 1, { max: 4 }) as Tensor).tolist()).toEqual([[1, 1, 2], [3, 4, 4]]);
    const out = torch.empty(2, 6);
    T.hstack([x(), x()], { out });
    expect(out.tolist()).toEqual([[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    expect((T.cumsum(x(), { dim: 1 }) as Tensor).tolist()).toEqual([[0, 1, 3], [3, 7, 12]]);
  });
});

describe("nn.init operand-only functions", () => {
  it("refuse extra arguments; constant_ keeps val", () => {
    const I = nn.init as unknown as Loose;
    expect(() => I.zeros_(torch.ones(2), { zzz_unknown: 1 })).toThrow("zeros_() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => I.constant_(torch.ones(2), 3, { zzz_unknown: 1 })).toThrow("constant_() got an unexpected keyword argument 'zzz_unknown'");
    expect((I.constant_(torch.ones(2), { val: 3 }) as Tensor).tolist()).toEqual([3, 3]);
    expect((I.ones_(torch.zeros(2)) as Tensor).tolist()).toEqual([1, 1]);
  });
});

describe("shape methods: keyword form and unknown keywords", () => {
  it("take PyTorch's keyword (size, shape, dims, repeats)", () => {
    const t = x();
    expect((loose(t).view({ size: [3, 2] }) as Tensor).tolist()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect((loose(t).reshape({ shape: [6] }) as Tensor).tolist()).toEqual([0, 1, 2, 3, 4, 5]);
    expect((loose(t).permute({ dims: [1, 0] }) as Tensor).tolist()).toEqual(t.t().tolist());
    expect((loose(t).flip({ dims: [0] }) as Tensor).tolist()).toEqual([[3, 4, 5], [0, 1, 2]]);
    expect((loose(t).repeat({ repeats: [1, 2] }) as Tensor).shape).toEqual([2, 6]);
    expect((loose(t).expand({ size: [2, 2, 3] }) as Tensor).shape).toEqual([2, 2, 3]);
    expect((loose(t).tile({ dims: [2] }) as Tensor).shape).toEqual([2, 6]);
  });

  it("refuse another keyword or the keyword twice", () => {
    expect(() => loose(x()).view([3, 2], { zzz_unknown: 1 })).toThrow("view() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => loose(x()).reshape(3, 2, { size: [6] })).toThrow("reshape() got an unexpected keyword argument 'size'");
    expect(() => loose(x()).permute(1, 0, { dims: [1, 0] })).toThrow("permute() got multiple values for argument 'dims'");
    expect(() => loose(x()).view("a")).toThrow("expected a shape given as numbers or one array");
  });
});
