/**
 * Gaps the loeber / pytorch-beginner probe found (tutorials/loeber_beginner.test.ts), each against torch 1.13's
 * behaviour (messages as torch prints them; values from tests/fixtures/torch/tutorials/loeber_beginner.json there).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";

const long = { dtype: torch.long };
const thrown = (fn: () => unknown): [string, string] | null => {
  try {
    fn();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  return null;
};

describe("addmm's dtype checks (Linear on a long or float64 batch)", () => {
  it("mat1 / mat2 of different dtypes, then a bias of another dtype, raise torch 1.13's messages before any shape check", () => {
    const lin = new nn.Linear(3, 2);
    expect(thrown(() => lin(torch.tensor([[1, 2, 3]], long)))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => lin(torch.zeros([4, 2, 3], { dtype: torch.float64 })))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => new nn.LSTM(3, 4)(torch.zeros([2, 1, 3], { dtype: torch.float64 })))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => torch.addmm(torch.zeros(2), torch.zeros([2, 3], long), torch.zeros(4, 2)))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => torch.addmm(torch.zeros(2), torch.zeros(2, 3), torch.zeros([3, 2], { dtype: torch.float64 })))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => torch.addmm(torch.zeros([2], { dtype: torch.float64 }), torch.zeros(2, 3), torch.zeros(3, 2)))).toEqual(["RuntimeError", "self and mat2 must have the same dtype"]);
    expect(thrown(() => F.linear(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros([2], { dtype: torch.float64 })))).toEqual(["RuntimeError", "self and mat2 must have the same dtype"]);
    expect(torch.addmm(torch.zeros([2], long), torch.ones([2, 3], long), torch.ones([3, 2], long)).tolist()).toEqual([[3, 3], [3, 3]]);
  });
});
