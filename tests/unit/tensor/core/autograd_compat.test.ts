/**
 * Autograd's PyTorch-compatibility gaps batch 5 of the tutorials found: grad_fn.name() is a method, an
 * inference tensor cannot be saved for backward, and grad_fn shows what it saved (_saved_self / _saved_other /
 * _saved_result, as the Autograd mechanics note reads them). Values and messages from torch 1.13
 * (tests/fixtures/torch/core/autograd_compat.json, scripts/fixtures/autograd_compat_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, loadFixture } from "./fixtures";

type Err = [string, string];
type Flat = { shape: number[]; data: number[] };
const ref = loadFixture<{
  grad_fn: { mul: string; name_is_method: boolean; next: [string | null, number][]; chain: string[] };
  inference: {
    z_is_inference: boolean; view_is_inference: boolean; refused: Record<string, Err>; inplace_error: Err;
    inplace_after: [Flat, number, string]; add_grad: Flat; cat_grad: Flat; clone_grad: Flat;
  };
  saved: {
    mul: boolean[]; mul_const: boolean[]; mul_scalar: number; div: boolean[]; pow: boolean[];
    result: Record<string, [boolean, boolean, boolean, string, boolean]>; freed: Err;
  };
}>("autograd_compat.json");

/** The error fn throws, as [type name, message]; fails when it throws nothing. */
function caught(fn: () => unknown): Err {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return expect.fail("expected an error") as never;
}

describe("grad_fn.name()", () => {
  it("is a method giving PyTorch's node names, along next_functions too", () => {
    const a = torch.tensor([1, 2, 3], { requires_grad: true });
    const y = a.mul(2);
    expect(typeof y.grad_fn!.name === "function").toBe(ref.grad_fn.name_is_method);
    expect(y.grad_fn!.name()).toBe(ref.grad_fn.mul);
    expect(y.grad_fn!.next_functions.map(([f, i]) => [f === null ? null : f.name(), i])).toEqual(ref.grad_fn.next);
    const chain: string[] = [];
    for (let n = y.exp().mul(a).sum().grad_fn; n; n = n.next_functions[0]?.[0] ?? null) chain.push(n.name());
    expect(chain).toEqual(ref.grad_fn.chain);
    expect(String(y.grad_fn)).toBe("<MulBackward0>"); // torch adds " object at 0x...", an address
  });
});

describe("inference tensors saved for backward", () => {
  class Scale extends torch.autograd.Function {
    static override forward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, x: Tensor, w: Tensor): Tensor {
      ctx.save_for_backward(w);
      return x.mul(w);
    }
    static override backward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, g: Tensor): [Tensor, null] {
      const [w] = ctx.saved_tensors;
      return [g.mul(w), null];
    }
  }

  const setup = () => {
    const a = torch.tensor([0.5, -1, 2], { requires_grad: true });
    const z = torch.inference_mode(() => torch.tensor([2, 3, 4]).mul(1.5));
    return { a, z };
  };

  it("are refused by every op that would save one, with PyTorch's message", () => {
    const { a, z } = setup();
    expect([z.is_inference(), torch.is_inference_mode_enabled()]).toEqual([ref.inference.z_is_inference, false]);
    const ops: Record<string, () => unknown> = {
      "z.mul(a)": () => z.mul(a),
      "a.mul(z)": () => a.mul(z),
      "a.div(z)": () => a.div(z),
      "z.div(a)": () => z.div(a),
      "a.pow(z)": () => a.pow(z),
      "matmul(z, a)": () => torch.matmul(z, a),
      "z[0:2].mul(a[0:2])": () => z.index("0:2").mul(a.index("0:2")),
      "Scale.apply(a, z)": () => Scale.apply(a, z),
    };
    expect(Object.keys(ops).sort()).toEqual(Object.keys(ref.inference.refused).sort());
    for (const [name, op] of Object.entries(ops)) expect(caught(op), name).toEqual(ref.inference.refused[name]);
    // The tutorial's form: the error comes from the op, not later from backward.
    expect(caught(() => z.mul(a).sum().backward())).toEqual(ref.inference.refused["z.mul(a)"]);
    expect(a.grad).toBeNull();
  });

  it("an in-place op refusing one leaves its tensor as it was", () => {
    const { a, z } = setup();
    const b = a.clone();
    expect(caught(() => b.mul_(z))).toEqual(ref.inference.inplace_error);
    const [values, version, gradFn] = ref.inference.inplace_after;
    expectClose(b, values.data, 0, 0, "b after the refused mul_");
    expect([b._version, b.grad_fn!.name()]).toEqual([version, gradFn]);
    b.sum().backward(); // its graph is intact
    expect(a.grad!.tolist()).toEqual([1, 1, 1]);
  });

  it("ops that save nothing take one, and a clone is a normal tensor autograd can save", () => {
    const { a, z } = setup();
    a.add(z).sum().backward();
    expectClose(a.grad!, ref.inference.add_grad.data, 0, 0, "add");
    a.grad = null;
    torch.cat([a, z]).pow(2).sum().backward();
    expectClose(a.grad!, ref.inference.cat_grad.data, 1e-6, 0, "cat");
    a.grad = null;
    const c = z.clone();
    expect(c.is_inference()).toBe(false);
    c.mul(a).sum().backward();
    expectClose(a.grad!, ref.inference.clone_grad.data, 1e-6, 0, "clone");
  });
});

describe("grad_fn._saved_self / _saved_other / _saved_result", () => {
  const setup = () => ({
    x: torch.tensor([0.5, 1, 2], { requires_grad: true }),
    w: torch.tensor([3, -1, 0.25], { requires_grad: true }),
    c: torch.tensor([2, 4, 8]),
  });

  it("are the op's saved inputs themselves, null where the op saved none", () => {
    const { x, w, c } = setup();
    const y = x.mul(w);
    expect([y.grad_fn!._saved_self === x, y.grad_fn!._saved_other === w]).toEqual(ref.saved.mul);
    const z = x.mul(c);
    expect([z.grad_fn!._saved_self === null, z.grad_fn!._saved_other === c]).toEqual(ref.saved.mul_const);
    expect(x.mul(2).grad_fn!._saved_other!.item()).toBe(ref.saved.mul_scalar);
    const q = x.div(w);
    expect([q.grad_fn!._saved_self === x, q.grad_fn!._saved_other === w]).toEqual(ref.saved.div);
    expect([x.pow(3).grad_fn!._saved_self === x]).toEqual(ref.saved.pow);
  });

  it("_saved_result equals the output and shares its node, as another tensor object", () => {
    const { x } = setup();
    const ops: Record<string, (t: Tensor) => Tensor> = { exp: (t) => t.exp(), sigmoid: (t) => t.sigmoid(), tanh: (t) => t.tanh() };
    expect(Object.keys(ops).sort()).toEqual(Object.keys(ref.saved.result).sort());
    for (const [name, op] of Object.entries(ops)) {
      const e = op(x);
      const s = e.grad_fn!._saved_result!;
      expect([s.equal(e), s === e, s.requires_grad, s.grad_fn!.name(), e.grad_fn === s.grad_fn], name).toEqual(ref.saved.result[name]);
    }
  });

  it("raise PyTorch's error once backward has freed them", () => {
    const { x } = setup();
    const e = x.exp();
    e.sum().backward();
    const [type, message] = caught(() => e.grad_fn!._saved_result);
    // PyTorch's sentence up to its advice, which here names the engine's own keyword form
    expect([type, message.slice(0, 200)]).toEqual([ref.saved.freed[0], ref.saved.freed[1].slice(0, 200)]);
  });
});
