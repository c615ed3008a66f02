/**
 * Matrix products whose shapes do not fit raise torch 1.13's RuntimeError, word for word: the
 * messages learners meet first ("mat1 and mat2 shapes cannot be multiplied (64x784 and 128x10)")
 * and search for. matmul names the product it folds the call into, as torch does. Every case of
 * tests/fixtures/torch/core/matmul_errors.json (scripts/fixtures/matmul_errors_fixtures.py),
 * with the call built from ones tensors of the same shapes.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

type Case = { call: [string, ...number[][]]; error: [string, string] | null };
const cases = loadFixture<Record<string, Case>>("matmul_errors.json");

const FNS: Record<string, (...xs: Tensor[]) => Tensor> = {
  mm: (a, b) => torch.mm(a, b),
  matmul: (a, b) => torch.matmul(a, b),
  addmm: (c, a, b) => torch.addmm(c, a, b),
  bmm: (a, b) => torch.bmm(a, b),
  mv: (a, b) => torch.mv(a, b),
  dot: (a, b) => torch.dot(a, b),
  linear: (x, w) => F.linear(x, w),
};

function thrown(f: () => unknown): [string, string] | null {
  try {
    f();
    return null;
  } catch (e) {
    return [(e as Error).name, (e as Error).message.split("\n")[0]];
  }
}

describe("matrix product shape errors, as torch 1.13 words them", () => {
  it("the fixture has every case", () => expect(Object.keys(cases).length).toBe(31));
  for (const [name, { call, error }] of Object.entries(cases)) {
    it(name, () => {
      const [fn, ...shapes] = call;
      const operands = shapes.map((s) => torch.ones(s));
      expect(thrown(() => FNS[fn](...operands))).toEqual(error);
      // the method form says the same
      if (fn === "matmul") expect(thrown(() => operands[0].matmul(operands[1]))).toEqual(error);
    });
  }
});
