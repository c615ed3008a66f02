import { describe, expect, it } from "vitest";
import { AssertionError, expect as check, formatNumber, unflattenIndex } from "@/lib/grading/assertions";
import { F, nn, torch, type Tensor } from "@/lib/tensor";

/** The AssertionError message a failing expectation throws. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    return (error as Error).message;
  }
  throw new Error("expected the assertion to fail, but it passed");
}

describe("expect.shape", () => {
  it("passes on the right shape and names both shapes otherwise", () => {
    check.shape(torch.zeros([2, 3]), [2, 3]);
    expect(messageOf(() => check.shape(torch.zeros([3, 2]), [2, 3]))).toBe("expected shape [2, 3] but got [3, 2]");
  });
  it("says when there is no tensor at all", () => {
    expect(messageOf(() => check.shape(undefined, [2]))).toMatch(/expected a tensor of shape \[2\] but got undefined \(did the function return a value\?\)/);
  });
});

describe("expect.allclose", () => {
  it("passes within tolerance, including plain arrays and numbers", () => {
    check.allclose(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 3.00001]));
    check.allclose(torch.tensor([[1, 2]]), [[1, 2]]);
    check.allclose(0.1 + 0.2, 0.3);
  });
  it("names the first differing index with expected and actual values", () => {
    const actual = torch.tensor([[1, 2, 3], [4, 5, 6]]);
    const expected = torch.tensor([[1, 2, 3], [4, 5.5, 7]]);
    expect(messageOf(() => check.allclose(actual, expected))).toBe(
      "values differ at index [1, 1]: expected 5.5 but got 5 (2 of 6 elements differ, largest difference 1); tolerance: atol=1e-8, rtol=0.00001",
    );
  });
  it("uses the rtol and atol it is given", () => {
    check.allclose(torch.tensor([1.0]), torch.tensor([1.05]), { rtol: 0.1 });
    check.allclose(torch.tensor([0.0]), torch.tensor([0.01]), { atol: 0.02 });
    expect(messageOf(() => check.allclose(torch.tensor([1.0]), torch.tensor([1.05]), { rtol: 0.01 }))).toBe("values differ at index [0]: expected 1.05 but got 1; tolerance: atol=1e-8, rtol=0.01");
  });
  it("reports a shape mismatch before comparing values", () => {
    expect(messageOf(() => check.allclose(torch.zeros([3]), torch.zeros([4])))).toBe("values: expected shape [4] but got [3]");
  });
  it("treats NaN as different unless equal_nan is set", () => {
    expect(messageOf(() => check.allclose(torch.tensor([NaN]), torch.tensor([NaN])))).toMatch(/expected nan but got nan/);
    check.allclose(torch.tensor([NaN]), torch.tensor([NaN]), { equal_nan: true });
  });
  it("says what came back when it is not a tensor", () => {
    expect(messageOf(() => check.allclose(undefined, torch.zeros([2]), { what: "leaky_relu(x)" }))).toBe(
      "leaky_relu(x): expected a tensor of shape [2] but got undefined (did the function return a value?)",
    );
  });
});

describe("expect.equal and expect.true", () => {
  it("compares nested values and says where they differ", () => {
    check.equal({ a: [1, 2], b: "x" }, { a: [1, 2], b: "x" });
    expect(messageOf(() => check.equal({ a: [1, 2] }, { a: [1, 3] }))).toBe(".a[1]: expected 3 but got 2");
    expect(messageOf(() => check.equal([1], [1, 2], "row lengths"))).toBe("row lengths: value: expected an array of length 2 but got length 1");
  });
  it("compares tensors exactly", () => {
    check.equal(torch.tensor([1, 2]), torch.tensor([1, 2]));
    expect(messageOf(() => check.equal(torch.tensor([1, 2]), torch.tensor([1, 2.0001])))).toMatch(/differ at index \[1\]/);
  });
  it("fails expect.true with the author's message", () => {
    check.true(1 < 2, "never shown");
    expect(messageOf(() => check.true(false, "the loss should go down"))).toBe("the loss should go down");
  });
});

describe("expect.throws", () => {
  it("passes when the error mentions what is asked", () => {
    check.throws(() => {
      throw new Error("shape mismatch in matmul");
    }, /shape/);
    check.throws(() => torch.zeros([2, 3]).matmul(torch.zeros([2, 3])), "mat");
  });
  it("fails when nothing is thrown, or the wrong thing", () => {
    expect(messageOf(() => check.throws(() => 1, /negative/))).toBe("expected an error mentioning /negative/, but the call returned normally");
    expect(
      messageOf(() =>
        check.throws(() => {
          throw new TypeError("oops");
        }, /negative/),
      ),
    ).toBe('expected an error mentioning /negative/, but got "TypeError: oops"');
  });
});

describe("expect.gradcheck", () => {
  it("passes for a correct differentiable function", () => {
    check.gradcheck((x) => x.mul(x).sum(), [torch.randn([4], { dtype: torch.float64 })]);
    check.gradcheck((x) => F.leaky_relu(x, 0.2), [torch.tensor([-1.5, -0.3, 0.7, 2.0], { dtype: torch.float64 })]);
  });
  it("names the index where autograd and finite differences disagree", () => {
    // A "gradient" that is wrong on purpose: detach the negative side, so it gets no gradient.
    const wrong = (x: Tensor) => torch.where(x.gt(0), x, x.detach().mul(0.2));
    const message = messageOf(() => check.gradcheck(wrong, [torch.tensor([1.0, -2.0, 3.0], { dtype: torch.float64 })]));
    expect(message).toMatch(/^gradient of input 0 \(shape \[3\]\) is wrong at index \[1\]: autograd gives 0 but finite differences give -?0\.\d+ \(input value -2\)$/);
  });
  it("says when the output is cut from the graph", () => {
    expect(messageOf(() => check.gradcheck((x) => x.detach().mul(2), [torch.randn([3])]))).toMatch(/no grad_fn/);
  });
});

describe("expect.trains", () => {
  const data = (): [Tensor, Tensor] => {
    torch.manual_seed(1);
    const x = torch.randn([64, 2]);
    const y = x.select(1, 0).add(x.select(1, 1)).gt(0).to(torch.int64);
    return [x, y];
  };
  it("passes when the model reaches the accuracy within the steps", () => {
    const report = check.trains({ build: () => new nn.Linear(2, 2), data: data(), steps: 60, seed: 0, min_accuracy: 0.9, lr: 0.1 });
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
  });
  it("repeats exactly with the same seed", () => {
    const run = () => check.trains({ build: () => new nn.Linear(2, 2), data: data(), steps: 5, seed: 3, min_accuracy: 0, lr: 0.05 });
    expect(run()).toEqual(run());
  });
  it("says what accuracy was reached, in how many steps, with which seed", () => {
    const message = messageOf(() => check.trains({ build: () => new nn.Linear(2, 2), data: data(), steps: 1, seed: 0, min_accuracy: 1.01, lr: 1e-6 }));
    expect(message).toMatch(/^expected to train to at least 101% accuracy within 1 steps with seed 0, but reached [\d.]+% \(final loss [\d.]+, last training loss [\d.]+\)$/);
  });
  it("refuses something that is not a model", () => {
    expect(messageOf(() => check.trains({ build: () => undefined as never, data: data(), steps: 1, min_accuracy: 0.5 }))).toMatch(/expected a model .* but got undefined/);
  });
});

describe("helpers", () => {
  it("unflattens row-major indices", () => {
    expect(unflattenIndex(5, [2, 3])).toEqual([1, 2]);
    expect(unflattenIndex(0, [4])).toEqual([0]);
  });
  it("formats numbers briefly", () => {
    expect(formatNumber(0.30000000000000004)).toBe("0.3");
    expect(formatNumber(1e-7)).toBe("1.0000e-7");
    expect(formatNumber(-Infinity)).toBe("-inf");
  });
  it("cannot be modified by check code", () => {
    expect(Object.isFrozen(check)).toBe(true);
  });
});
