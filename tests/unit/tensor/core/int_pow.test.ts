/**
 * Integer powers as torch 1.13 computes them: a tensor exponent below zero is c10's powi (1 for a base of 1, +-1 for
 * -1, else 0), a Python-int exponent below zero is refused. Expected values are torch 1.13's, from
 *   L = lambda v, dt=torch.int64: torch.tensor(v, dtype=dt)
 *   L([2, 1, -1, -1, 0, 3]) ** L([-1, -5, -3, -2, -1, 2]);  L([-2, 1, -1], torch.int8) ** L([-2, -1, -1], torch.int8)
 *   L([2]) ** -1;  torch.tensor([True]) ** -2;  torch.tensor([True, False]) ** 2
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { raised } from "../tutorials/helpers";

const L = (v: number[], dtype = torch.int64) => torch.tensor(v, { dtype });

describe("integer pow", () => {
  it("a negative tensor exponent gives c10's powi values, in the integer dtype", () => {
    const r = L([2, 1, -1, -1, 0, 3]).pow(L([-1, -5, -3, -2, -1, 2]));
    expect(String(r.dtype)).toBe("torch.int64");
    expect(r.tolist()).toEqual([0, 1, -1, 1, 0, 9]);
    const r8 = L([-2, 1, -1], torch.int8).pow(L([-2, -1, -1], torch.int8));
    expect([String(r8.dtype), r8.tolist()]).toEqual(["torch.int8", [0, 1, -1]]);
  });

  it("a negative number exponent is refused for integer and bool bases; bool to a power is int64", () => {
    const msg = ["RuntimeError", "Integers to negative integer powers are not allowed."];
    expect(raised(() => L([2]).pow(-1))).toEqual(msg);
    expect(raised(() => torch.tensor([true]).pow(-2))).toEqual(msg);
    const b = torch.tensor([true, false]).pow(2);
    expect([String(b.dtype), b.tolist()]).toEqual(["torch.int64", [1, 0]]);
    expect(L([2]).pow(-1.5).item()).toBeCloseTo(0.3536, 4);
  });
});
