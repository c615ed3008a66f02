/**
 * Gaps the neuromatch_w1 probe found (tutorials/neuromatch_w1.test.ts: NeuromatchAcademy/course-content-dl week 1),
 * each against torch 1.13 (scripts/fixtures/neuromatch_w1_fixtures.py, "gaps" section):
 * - torch.dot (and vdot, and a 1-D @ 1-D matmul) of two dtypes returned the promoted product (W1D1's dot_product with
 *   an int64 and a float32 vector gave tensor(82.)); torch 1.13 does not promote there: "dot : expected both vectors
 *   to have same dtype, but found Long and Float" (before the size check). A bool dot raises "\"dot\" not implemented
 *   for 'Bool'" as torch's.
 * - The factories' negative-size error named the op ("zeros(): Trying to create tensor with negative dimension ..."),
 *   where torch's text names none; torch.randint with a negative size raised JavaScript's RangeError
 *   ("Invalid typed array length: -3") instead of that RuntimeError.
 * - torch.linspace's start / end were typed as numbers only, and a tensor went through JavaScript's number coercion:
 *   W1D3's torch.linspace(torch.min(x_train), torch.max(x_train), 1000) did not typecheck, and a one-element 1-d tensor
 *   was taken where torch 1.13 raises "linspace(): argument 'end' (position 2) must be Number, not Tensor". A 0-dim
 *   tensor now stands for its value (as torch's Scalar), any other tensor raises torch's TypeError.
 * - torch.randint without a size (np.random.choice(n, k) translated as torch.randint(n)) raised "random_ expects 'from'
 *   to be less than 'to', but got from=10 >= to=undefined" (a RuntimeError); torch 1.13's parser raises a TypeError:
 *   "invalid combination of arguments" for randint(10), "argument 'size' (position 2) must be tuple of ints, not int"
 *   for randint(0, 10), 'missing 1 required positional arguments: "size"' with keywords only.
 * - More of torch's argument-parser words: linspace / logspace without steps say 'missing 1 required positional
 *   arguments: "steps"' (the engine had Python's "argument: 'steps'"), randperm() lists its overloads (the engine said
 *   "argument 'n' (position 1) must be int, not NoneType"), and randint with a tensor for the size raises torch's
 *   TypeErrors (the engine took the tensor for an options object: "unexpected keyword argument '_data'").
 * - nn.Sequential(nn.Linear(2, 16), nn.ReLU, ...) (the class, not an instance) raised the engine's "Sequential: argument
 *   1 is not a Module (got function)"; torch's add_module says "torch.nn.modules.activation.ReLU is not a Module
 *   subclass" (torch.typename of a class: its module path). One non-module argument (nn.Sequential(nn.ReLU), a number, a
 *   tensor) was read as a dict of named layers: an empty Sequential, or the tensor's fields added as layers.
 * - A child slot registered as None (nn.Sequential(layer, None), add_module("x", None)) was left out of the module's
 *   print; torch's __repr__ walks _modules and prints "(1): None".
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("neuromatch_w1.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const long = { dtype: torch.int64 };

describe("neuromatch_w1 gaps", () => {
  it("dot / vdot / 1-D matmul refuse two dtypes (before the size check) and bool, as torch 1.13", () => {
    expect([
      raised(() => torch.dot(torch.tensor([3, 5, 7], long), torch.tensor([2.0, 4.0, 8.0]))),
      raised(() => torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], { dtype: torch.float64 }))),
      raised(() => torch.vdot(torch.tensor([1, 2], { dtype: torch.int32 }), torch.tensor([1, 2], long))),
      raised(() => torch.tensor([1, 2], long).matmul(torch.tensor([1.0, 2.0]))),
      raised(() => torch.dot(torch.tensor([true, false]), torch.tensor([true, true]))),
      raised(() => torch.dot(torch.tensor([1, 2], long), torch.tensor([1.0, 2.0, 3.0]))),
    ]).toEqual(gaps.dot_dtypes);
    expect(String(torch.dot(torch.tensor([3, 5, 7], long), torch.tensor([2, 4, 8], long)))).toBe("tensor(82)");
  });

  it("a negative size raises torch's text, naming no op, from every factory and randint", () => {
    expect([
      raised(() => torch.zeros(-1)),
      raised(() => torch.ones(2, -3)),
      raised(() => torch.rand(-1, 4)),
      raised(() => torch.randn(-2)),
      raised(() => torch.empty(3, -1)),
      raised(() => torch.randint(0, 10, [-3])),
      raised(() => torch.randint(5, [2, -1])),
    ]).toEqual(gaps.negative_sizes);
  });

  it("linspace takes 0-dim tensors for start and end (torch.min / torch.max), and refuses other tensors as torch", () => {
    const x_train = torch.tensor([[0.5], [2.0], [-1.0]]);
    expectT(torch.linspace(torch.min(x_train), torch.max(x_train), 4), gaps.linspace_tensor_ends[0], 1e-7);
    expect(String(torch.linspace(torch.tensor(1, long), torch.tensor(3, long), 3))).toBe(gaps.linspace_tensor_ends[1]);
    expect(raised(() => torch.linspace(torch.tensor(0.0), torch.tensor([2.0]), 3))).toEqual(gaps.linspace_tensor_ends[2]);
    expect(raised(() => torch.linspace(torch.tensor([0.0, 1.0]), 1.0, 3))).toEqual(gaps.linspace_tensor_ends[3]);
  });

  it("randint without a size raises torch 1.13's TypeErrors", () => {
    const randint = torch.randint as unknown as (...args: unknown[]) => unknown; // the learner's call, outside the types
    expect([raised(() => randint(10)), raised(() => randint(0, 10)), raised(() => randint(10, { dtype: torch.int32 })), raised(() => randint({ low: 0, high: 10 }))])
      .toEqual(gaps.randint_without_size.slice(0, 4));
    expect(String(torch.randint(3, [2], { generator: new torch.Generator().manual_seed(0) }))).toBe(gaps.randint_without_size[4]);
  });

  it("linspace / logspace without steps, randperm() and randint with a tensor size raise torch's parser errors", () => {
    const call = (f: unknown, ...args: unknown[]) => () => (f as (...a: unknown[]) => unknown)(...args); // outside the types
    expect([raised(call(torch.linspace, 0, 1)), raised(call(torch.logspace, 0, 1)), raised(call(torch.randperm)),
      raised(call(torch.randint, 10, torch.tensor([2, 3], long))), raised(call(torch.randint, 0, 10, torch.tensor([2, 3], long)))]).toEqual(gaps.parser_errors);
  });

  it("a layer class (no parentheses) or another non-module in nn.Sequential raises torch's TypeError", () => {
    const loose = (...args: unknown[]) => () => new nn.Sequential(...(args as nn.Module[]));
    expect([raised(loose(new nn.Linear(2, 16), nn.ReLU, new nn.Linear(16, 2))), raised(loose(nn.ReLU)),
      raised(() => new nn.Sequential().add_module("act", nn.LeakyReLU as unknown as nn.Module)), raised(loose(3)), raised(loose(torch.ones(2)))]).toEqual(gaps.sequential_class);
    expect(String(new nn.Sequential({ fc: new nn.Linear(1, 1) }))).toBe("Sequential(\n  (fc): Linear(in_features=1, out_features=1, bias=True)\n)");
  });

  it("prints a child registered as None, as torch's __repr__", () => {
    expect(String(new nn.Sequential(new nn.Linear(1, 1), null as unknown as nn.Module))).toBe(gaps.none_child_repr[0]);
  });
});
