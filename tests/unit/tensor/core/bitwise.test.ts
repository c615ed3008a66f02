/**
 * Bitwise and integer ops against PyTorch 1.13 (scripts/fixtures/bitwise_special_random_fixtures.py,
 * tests/fixtures/torch/core/bitwise_special_random.json): bitwise_and / or / xor / not (int64 past 32 bits, bool,
 * scalars, broadcasting), shifts (1.13's masked shift counts), gcd / lcm, int64 floor_divide /
 * remainder / fmod with negative values, frexp, ldexp (values and gradients); then a float64
 * gradcheck of ldexp, in-place and operator forms, and the errors (which change nothing).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { checkOpCase, type StoredCase, type StoredTensor } from "../op_cases";
import { loadFixture } from "./fixtures";

const fx = loadFixture<{ inputs: Record<string, StoredTensor>; cases: Record<string, StoredCase> }>("bitwise_special_random.json");

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];
/** name -> [input names, fn]. Mirrors CASES in bitwise_special_random_fixtures.py (the bitwise section). */
export const bitwiseCases: Record<string, [string[], Fn]> = {
  bitwise_and: [["IA", "IB"], (a, b) => torch.bitwise_and(a, b)],
  bitwise_or: [["IA", "IB"], (a, b) => a.bitwise_or(b)],
  bitwise_xor: [["IA", "IB"], (a, b) => torch.bitwise_xor(a, b)],
  bitwise_not: [["IA"], (a) => torch.bitwise_not(a)],
  bitwise_bool: [["BA", "BB"], (a, b) => [a.__and__(b), a.__or__(b), a.__xor__(b), a.__invert__()]],
  bitwise_bool_long: [["BA", "IB"], (a, b) => torch.bitwise_and(a, b.narrow(0, 0, 4))],
  bitwise_scalar: [["IA"], (a) => [a.__and__(3), torch.bitwise_or(a, 8), a.__xor__(-1)]],
  bitwise_broadcast: [["ROW", "COL"], (a, b) => [a.bitwise_and(b), a.bitwise_or(b), a.bitwise_xor(b)]],
  left_shift: [["IB", "SH"], (a, b) => torch.bitwise_left_shift(a, b)],
  right_shift: [["IA", "SH"], (a, b) => a.bitwise_right_shift(b)],
  shift_masked: [["SHX", "SHN"], (a, b) => [a.__lshift__(b), a.__rshift__(b)]],
  shift_scalar: [["IA"], (a) => [a.__lshift__(2), a.__rshift__(1)]],
  gcd: [["IA", "IB"], (a, b) => torch.gcd(a, b)],
  lcm: [["IA", "IB"], (a, b) => a.lcm(b)],
  gcd_broadcast: [["ROW", "COL"], (a, b) => [torch.gcd(a, b), torch.lcm(a, b)]],
  floor_divide: [["IA", "IB"], (a, b) => torch.floor_divide(a, b)],
  remainder: [["IA", "IB"], (a, b) => torch.remainder(a, b)],
  fmod: [["IA", "IB"], (a, b) => torch.fmod(a, b)],
  div_trunc: [["IA", "IB"], (a, b) => torch.div(a, b, { rounding_mode: "trunc" })],
  int_scalar_ops: [["IA"], (a) => [torch.floor_divide(a, -3), a.remainder(-3), torch.fmod(a, -3), a.remainder(4)]],
  frexp: [["F"], (x) => torch.frexp(x)],
  frexp_f64: [["FD"], (x) => x.frexp()],
  ldexp: [["X", "E"], (x, e) => torch.ldexp(x, e)],
  ldexp_float_exp: [["X", "EF"], (x, e) => x.ldexp(e.round())],
  ldexp_long: [["E", "E"], (a, b) => torch.ldexp(a, b)],
};

describe("bitwise and integer ops match PyTorch 1.13 (bitwise_special_random.json)", () => {
  for (const [name, [names, fn]] of Object.entries(bitwiseCases)) {
    it(name, () => {
      const c = fx.cases[name];
      expect(c, `fixture case ${name}`).toBeDefined();
      // int64 beyond 2^24 is stored as float32 here: quotients of 2^40 keep float32's 7 digits.
      const f64 = fx.inputs[names[0]].dtype === "float64";
      checkOpCase(name, c, fx.inputs, names, fn, { out: f64 ? [0, 0] : [1e-6, 0], grad: [1e-5, 1e-6] });
    });
  }
});

describe("bitwise and integer ops: forms, gradients and errors", () => {
  const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });
  it("ldexp's gradients pass a float64 gradcheck (input and exponent)", () => {
    const x = torch.randn(5, { dtype: torch.float64 });
    const e = torch.tensor([0.5, -1.25, 2, 0, 3.5], { dtype: torch.float64 });
    expect(gradcheck((a, b) => torch.ldexp(a, b), [x, e])).toBe(true);
    expect(gradcheck((a) => a.ldexp(L([1, -2, 0, 3, 1])), [x])).toBe(true);
  });
  it("in-place forms write into self and bump its version", () => {
    const a = L([12, -7, 5]);
    const v = a._version;
    expect(a.bitwise_and_(L([10, 3, 4])).tolist()).toEqual([8, 1, 4]);
    expect(a.bitwise_or_(1).bitwise_xor_(L([3, 3, 3])).tolist()).toEqual([10, 2, 6]);
    expect(a.bitwise_left_shift_(2).bitwise_right_shift_(1).tolist()).toEqual([20, 4, 12]);
    expect(a.gcd_(L([8, 6, 9])).lcm_(L([3, 4, 2])).tolist()).toEqual([12, 4, 6]);
    expect(a.bitwise_not_().tolist()).toEqual([-13, -5, -7]);
    expect(a._version).toBeGreaterThan(v);
    expect(torch.tensor([1.5, -2]).ldexp_(torch.tensor([2, 1])).tolist()).toEqual([6, -4]);
  });
  it("frexp returns a named pair, mantissa * 2^exponent rebuilds the input", () => {
    const x = torch.tensor([0.1, -3, 1e-30, 12345.678], { dtype: torch.float64 });
    const r = torch.frexp(x);
    const [m, e] = r;
    expect(r.mantissa).toBe(m);
    expect(r.exponent).toBe(e);
    expect(e.dtype).toBe(torch.int32);
    expect(torch.ldexp(m, e).tolist()).toEqual(x.tolist());
  });
  it("floats and bools are refused where PyTorch has no kernel, with its message, and nothing changes", () => {
    const f = torch.tensor([1.0, 2.0]);
    expect(() => torch.bitwise_and(f, f)).toThrow(/"bitwise_and_cpu" not implemented for 'Float'/);
    expect(() => L([5]).bitwise_or(3.5)).toThrow(/"bitwise_or_cpu" not implemented for 'Float'/);
    expect(() => torch.bitwise_not(f.double())).toThrow(/"bitwise_not_cpu" not implemented for 'Double'/);
    expect(() => torch.bitwise_left_shift(f, f)).toThrow(/"lshift_cpu" not implemented for 'Float'/);
    expect(() => torch.bitwise_right_shift(torch.tensor([true]), torch.tensor([true]))).toThrow(/"rshift_cpu" not implemented for 'Bool'/);
    expect(() => torch.gcd(f, f)).toThrow(/"gcd_cpu" not implemented for 'Float'/);
    expect(() => torch.lcm(torch.tensor([true]), torch.tensor([true]))).toThrow(/"lcm_cpu" not implemented for 'Bool'/);
    expect(() => torch.frexp(L([1]))).toThrow(/torch.frexp\(\) only supports floating-point dtypes/);
    const a = L([1, 2]);
    expect(() => a.bitwise_and_(torch.tensor([1.5, 2]))).toThrow(/not implemented for 'Float'/);
    expect(a.tolist()).toEqual([1, 2]);
  });
  it("integer division, remainder and fmod by zero raise ZeroDivisionError; floats give inf / NaN", () => {
    const a = L([3, -4]);
    for (const f of [() => torch.floor_divide(a, L([1, 0])), () => torch.remainder(a, 0), () => torch.fmod(a, L([0])), () => torch.div(a, 0, { rounding_mode: "trunc" })]) {
      expect(f).toThrow(/ZeroDivisionError/);
    }
    expect((torch.fmod(torch.tensor([3, -4]), 0).tolist() as number[]).every(Number.isNaN)).toBe(true);
    expect(a.tolist()).toEqual([3, -4]);
    expect(Object.is(torch.remainder(L([-4]), 2).item(), 0)).toBe(true); // no -0 in integer results
  });
});
