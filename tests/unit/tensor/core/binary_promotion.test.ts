/**
 * Result dtypes of binary ops over every pair of real dtypes, the second operand a vector or a 0-d tensor, against
 * torch 1.13 (scripts/fixtures/binary_promotion_fixtures.py): the promoted dtype, or torch's error class and message
 * where it refuses (bool pow / remainder / fmod / rounded division, integer hypot, a 0-d tensor in cat, ...).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType } from "../../../../lib/tensor/dtype";
import { loadFixture } from "./fixtures";

const expected = loadFixture<Record<string, string>>("binary_promotion.json");
const dtypes: Record<string, DType> = {
  float32: torch.float32, float64: torch.float64, int64: torch.int64, int32: torch.int32, int16: torch.int16, int8: torch.int8, uint8: torch.uint8, bool: torch.bool,
};
const operand = (dt: string, vector: boolean): Tensor => (vector ? torch.tensor([1, 2, 3]) : torch.tensor(2)).to(dtypes[dt]);
const ops: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  add: (a, b) => a.add(b), sub: (a, b) => a.sub(b), mul: (a, b) => a.mul(b), div: (a, b) => a.div(b),
  floordiv: (a, b) => torch.div(a, b, { rounding_mode: "floor" }), pow: (a, b) => a.pow(b), remainder: (a, b) => a.remainder(b),
  maximum: (a, b) => torch.maximum(a, b), atan2: (a, b) => torch.atan2(a, b), eq: (a, b) => a.eq(b),
  where: (a, b) => torch.where(torch.tensor([true, false, true]), a, b), cat: (a, b) => torch.cat([a, b]), bitand: (a, b) => a.bitwise_and(b),
  logical_and: (a, b) => torch.logical_and(a, b), hypot: (a, b) => torch.hypot(a, b), fmod: (a, b) => torch.fmod(a, b),
  copysign: (a, b) => torch.copysign(a, b), minimum: (a, b) => torch.minimum(a, b),
};

describe("binary ops' result dtypes", () => {
  it("match torch 1.13 for every dtype pair, vector and 0-d second operands, errors included", () => {
    const wrong: string[] = [];
    for (const [key, want] of Object.entries(expected)) {
      const [op, a, b, vector] = key.split("|");
      let got: string;
      try {
        got = String(ops[op](operand(a, true), operand(b, vector === "1")).dtype);
      } catch (e) {
        got = `ERR ${(e as Error).name}: ${(e as Error).message.split("\n")[0]}`;
      }
      if (got !== want) wrong.push(`${key}: torch ${want}, ours ${got}`);
    }
    expect(Object.keys(expected).length).toBe(18 * 8 * 8 * 2);
    expect(wrong).toEqual([]);
  });
});
