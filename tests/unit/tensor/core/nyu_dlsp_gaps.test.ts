/**
 * Gaps found by the NYU-DLSP20 probe (tests/unit/tensor/tutorials/nyu_dlsp.test.ts). Also below: x[:, 0::2] = v into a
 * leaf that requires grad is refused naming the view, as torch (15-transformer), and an autograd.Function with several
 * outputs calls backward once (extra/b-custom_grads' MySplit). First, torch 1.13's deprecated
 * scalar-first overloads, which extra/optimization.ipynb's Optim subclasses use (p.data.add_(-lr, d_p),
 * m.mul_(momentum).add_(1 - momentum, grad), v.mul_(alpha).addcmul_(1 - alpha, grad, grad),
 * p.data.addcdiv_(-step_size, m, denom)). The engine took the tensor for an options object: add_(-0.1, g) added
 * -0.1, sub_(2, g) subtracted 1 (both silently wrong), add(2, g) raised a keyword TypeError and addcmul_(v, a, b)
 * crashed. The forms run (with torch's UserWarning) but stay out of the types: the calls cast (`as never`). Values from torch (the fixture's "gaps" section: scripts/fixtures/nyu_dlsp_fixtures.py) or computed by it.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, tutorialFixture, type TJ } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: { deprecated_value_first: TJ[] } }>("nyu_dlsp.json").gaps;
const o = () => torch.tensor([2.0, 3.0]);

let warn: MockInstance;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());
const warned = () => warn.mock.calls.map((c) => String(c[0]));

describe("deprecated (Number alpha, Tensor other) overloads of add / sub", () => {
  it("add_ / sub_ scale the tensor by the leading number, as torch 1.13", () => {
    expect(torch.ones(2).add_(-0.1, o() as never).tolist()).toEqual([Math.fround(0.8), Math.fround(0.7)]);
    expect(torch.ones(2).sub_(2, o() as never).tolist()).toEqual([-3, -5]);
    expect(warned()).toEqual([
      "UserWarning: This overload of add_ is deprecated:\n\tadd_(Number alpha, Tensor other)\n" +
        "Consider using one of the following signatures instead:\n\tadd_(Tensor other, *, Number alpha)",
      "UserWarning: This overload of sub_ is deprecated:\n\tsub_(Number alpha, Tensor other)\n" +
        "Consider using one of the following signatures instead:\n\tsub_(Tensor other, *, Number alpha)",
    ]);
  });

  it("x.add / x.sub and torch.add / torch.sub (input, Number alpha, Tensor other)", () => {
    expect(torch.ones(2).add(2, o() as never).tolist()).toEqual([5, 7]);
    expect(torch.ones(2).sub(2, o() as never).tolist()).toEqual([-3, -5]);
    expect((torch.add as (...a: unknown[]) => ReturnType<typeof torch.add>)(torch.ones(2), 2, o()).tolist()).toEqual([5, 7]);
    expect((torch.sub as (...a: unknown[]) => ReturnType<typeof torch.sub>)(torch.ones(2), 2, o()).tolist()).toEqual([-3, -5]);
    expect(warned()).toContain(
      "UserWarning: This overload of add is deprecated:\n\tadd(Tensor input, Number alpha, Tensor other, *, Tensor out)\n" +
        "Consider using one of the following signatures instead:\n\tadd(Tensor input, Tensor other, *, Number alpha, Tensor out)",
    );
  });

  it("the gradient flows to the other operand scaled by alpha", () => {
    const g = o().requires_grad_();
    torch.ones(2).add(3, g as never).sum().backward();
    expect(g.grad!.tolist()).toEqual([3, 3]);
  });

  it("a momentum buffer updated the old way equals the keyword form", () => {
    const grad = torch.tensor([0.5, -1.5]);
    const m1 = torch.tensor([1.0, 2.0]).mul_(0.7).add_(1 - 0.7, grad as never);
    const m2 = torch.tensor([1.0, 2.0]).mul_(0.7).add_(grad, { alpha: 1 - 0.7 });
    expect(m1.tolist()).toEqual(m2.tolist());
  });
});

describe("deprecated (Number value, Tensor tensor1, Tensor tensor2) overloads of addcmul / addcdiv", () => {
  const t1 = () => torch.tensor([1.0, 2.0, 3.0]);
  it("addcmul_ / addcdiv_ / torch.addcmul / x.addcdiv give torch's values", () => {
    const [p, q, r, s] = gaps.deprecated_value_first;
    expectT(torch.ones(3).addcmul_(0.3 as never, t1(), torch.tensor([2.0, 2.0, 2.0]) as never), p, 1e-6);
    expectT(torch.ones(3).addcdiv_(-0.5 as never, t1(), torch.tensor([2.0, 4.0, 4.0]) as never), q, 1e-6);
    expectT(torch.addcmul(torch.ones(3), 0.3 as never, t1(), torch.tensor([2.0, 2.0, 2.0]) as never), r, 1e-6);
    expectT(torch.ones(3).addcdiv(2.0 as never, t1(), torch.tensor([2.0, 4.0, 4.0]) as never), s, 1e-6);
    expect(warned()).toContain(
      "UserWarning: This overload of addcmul_ is deprecated:\n\taddcmul_(Number value, Tensor tensor1, Tensor tensor2)\n" +
        "Consider using one of the following signatures instead:\n\taddcmul_(Tensor tensor1, Tensor tensor2, *, Number value)",
    );
    expect(warned()).toContain(
      "UserWarning: This overload of addcmul is deprecated:\n\taddcmul(Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, Tensor out)\n" +
        "Consider using one of the following signatures instead:\n\taddcmul(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value, Tensor out)",
    );
  });

  it("the keyword forms still work and do not warn", () => {
    expect(torch.ones(3).addcmul_(t1(), t1(), { value: 2 }).tolist()).toEqual([3, 9, 19]);
    expect(torch.ones(3).addcmul(t1(), t1(), 2).tolist()).toEqual([3, 9, 19]);
    expect(warned()).toEqual([]);
  });
});

describe("assigning numbers and slices into a leaf that requires grad", () => {
  // torch 1.13: E[:, 0::2] = v is view.copy_(v), refused as "a view of a leaf Variable that requires grad is being used in
  // an in-place operation." (the engine's text is torch's, without the op's name)
  const VIEW = /^a view of a leaf Variable that requires grad is being used in an in-place operation\.$/;
  it("is refused naming the view, as 15-transformer's create_sinusoidal_embeddings meets it", () => {
    const E = torch.zeros(4, 4, { requires_grad: true });
    expect(() => E.index_put_([":", "0::2"], torch.ones(4, 2))).toThrow(VIEW);
    expect(() => E.index_put_([0], 1)).toThrow(VIEW);
  });
  it("index tensors still name the leaf itself (torch's index_put_ on the leaf), and no_grad allows both", () => {
    const E = torch.zeros(4, 4, { requires_grad: true });
    expect(() => E.index_put_([torch.tensor([0, 1], { dtype: torch.long })], 1)).toThrow(/^a leaf Variable that requires grad/);
    torch.no_grad(() => E.index_put_([":", "0::2"], torch.ones(4, 2)));
    expect(E.sum().item()).toBe(8);
  });
});

describe("an autograd.Function with several outputs calls backward once (extra/b-custom_grads' MySplit)", () => {
  // torch 1.13 gives the Function one node: backward(ctx, g1, g2) runs once with every output's gradient. The engine
  // ran it once per output, the other gradient zero (MySplit printed four lines instead of two).
  const calls: [number[] | null, number[] | null][] = [];
  class S extends torch.autograd.Function {
    static forward(ctx: { set_materialize_grads(v: boolean): void }, x: Tensor, mat: boolean) {
      ctx.set_materialize_grads(mat);
      return [x.clone(), x.mul(2)];
    }
    static backward(_ctx: unknown, g1: Tensor | null, g2: Tensor | null) {
      calls.push([g1 && (g1.tolist() as number[]), g2 && (g2.tolist() as number[])]);
      return [(g1 ?? torch.zeros(2)).add(g2 ? g2.mul(2) : 0), null];
    }
  }
  const run = (mat: boolean, loss: (a: Tensor, b: Tensor) => Tensor) => {
    calls.length = 0;
    const x = torch.tensor([1.0, -2.0], { requires_grad: true });
    const [a, b] = S.apply(x, mat) as Tensor[];
    loss(a, b).sum().backward();
    return [calls.slice(), x.grad!.tolist()];
  };
  it("both outputs used: one call with both gradients (torch: [([1, 1], [1, 1])], grad [3, 3])", () => {
    expect(run(true, (a, b) => a.add(b))).toEqual([[[[1, 1], [1, 1]]], [3, 3]]);
  });
  it("one output used: zeros for the other, printed as torch's 0. (not -0.)", () => {
    expect(run(true, (a) => a.mul(3))).toEqual([[[[3, 3], [0, 0]]], [3, 3]]);
    expect(Object.is((calls[0][1] as number[])[1], 0)).toBe(true);
  });
  it("after set_materialize_grads(false) the unused output's gradient is None", () => {
    expect(run(false, (_a, b) => b.mul(3))).toEqual([[[null, [3, 3]]], [6, 6]]);
  });
  it("each output shows the Function's node name", () => {
    const [a, b] = S.apply(torch.ones(2, { requires_grad: true }), true) as Tensor[];
    expect([a.grad_fn!.name(), b.grad_fn!.name()]).toEqual(["SBackward", "SBackward"]);
  });
});
