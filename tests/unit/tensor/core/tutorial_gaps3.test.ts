/**
 * What the third batch of tutorial translations (tests/unit/tensor/tutorials/*3.test.ts) needed
 * from the engine: torch.autograd.function.once_differentiable, custom Functions returning surplus
 * None gradients (accepted by torch 1.13, surplus tensors still rejected), and torch.nn.grad's
 * conv{1,2,3}d_input / conv{1,2,3}d_weight (values vs torch 1.13 in the conv-BN tutorial test;
 * here: their own gradients, their errors and conv3d).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "./fixtures";

const { Function } = torch.autograd;
const { once_differentiable } = torch.autograd.function;
type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;

class Twice extends Function {
  static forward(_ctx: Ctx, x: Tensor): Tensor {
    return x.mul(2);
  }
  static backward = once_differentiable((_ctx: Ctx, g: Tensor | null) => g!.mul(2));
}

describe("torch.autograd.function.once_differentiable", () => {
  it("a plain backward works and leaves no graph behind", () => {
    const x = torch.tensor([1.0, -2.0], { requires_grad: true });
    Twice.apply(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
    const [g] = torch.autograd.grad(Twice.apply(x).sum(), x);
    expect(g!.requires_grad).toBe(false);
  });

  it("under create_graph with a grad-requiring grad_output, differentiating the gradient raises torch's message", () => {
    const x = torch.tensor([1.0, -2.0], { requires_grad: true });
    // torch 1.13: only grad outputs that require grad make the result differentiable at all.
    const [g0] = torch.autograd.grad(Twice.apply(x).sum(), x, { create_graph: true });
    expect(g0!.requires_grad).toBe(false);
    const go = torch.ones([2], { requires_grad: true });
    const [g] = torch.autograd.grad(Twice.apply(x), x, go, { create_graph: true });
    expect(g!.tolist()).toEqual([2, 2]);
    expect(g!.requires_grad).toBe(true);
    expect(() => g!.sum().backward()).toThrow("trying to differentiate twice a function that was marked with @once_differentiable");
    expect(x.grad).toBeNull();
    expect(go.grad).toBeNull();
  });
});

describe("autograd.grad runs only the nodes on a path to the requested inputs", () => {
  it("gradgradcheck of a once_differentiable Function reports a Jacobian mismatch, as torch 1.13 (the DelayedError is not on the path)", () => {
    const x = torch.rand([2], { dtype: torch.float64, requires_grad: true });
    expect(() => torch.autograd.gradgradcheck(Twice.apply, [x])).toThrow(/Jacobian mismatch for output 0 with respect to input 1/);
  });
  it("a branch leading to no requested input is not run (its hooks do not fire)", () => {
    const a = torch.tensor([1.0, 2.0], { requires_grad: true });
    const b = torch.tensor([3.0, 4.0], { requires_grad: true });
    const ea = a.exp();
    let fired = 0;
    ea.register_hook((g) => {
      fired++;
      return g;
    });
    const y = ea.sum().add(b.mul(2).sum());
    const [gb] = torch.autograd.grad(y, [b], { retain_graph: true });
    expect(gb!.tolist()).toEqual([2, 2]);
    expect(fired).toBe(0);
    torch.autograd.grad(y, [a]);
    expect(fired).toBe(1);
  });
});

describe("custom Function backward: the number of gradients", () => {
  class Mul extends Function {
    static forward(_ctx: Ctx, x: Tensor, w: Tensor): Tensor {
      return x.mul(w);
    }
  }
  it("surplus None gradients are dropped, as torch 1.13 does", () => {
    class M extends Mul {
      static backward(_ctx: Ctx, g: Tensor | null): (Tensor | null)[] {
        return [g, g, null, null];
      }
    }
    const x = torch.tensor([1.0, 2.0], { requires_grad: true });
    M.apply(x, torch.tensor([3.0, 4.0])).sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1]);
  });
  it("a surplus tensor or a missing gradient raises torch's message", () => {
    class Extra extends Mul {
      static backward(_ctx: Ctx, g: Tensor | null): (Tensor | null)[] {
        return [g, g, g];
      }
    }
    class Short extends Mul {
      static backward(_ctx: Ctx, g: Tensor | null): (Tensor | null)[] {
        return [g];
      }
    }
    const x = torch.tensor([1.0, 2.0], { requires_grad: true });
    expect(() => Extra.apply(x, torch.tensor([3.0, 4.0])).sum().backward()).toThrow("function ExtraBackward returned an incorrect number of gradients (expected 2, got 3)");
    expect(() => Short.apply(x, torch.tensor([3.0, 4.0])).sum().backward()).toThrow("function ShortBackward returned an incorrect number of gradients (expected 2, got 1)");
    expect(x.grad).toBeNull();
  });
});

describe("torch.nn.grad", () => {
  it("conv2d_input and conv2d_weight are differentiable in their tensor arguments (float64 gradcheck)", () => {
    torch.manual_seed(0);
    const x = torch.randn([2, 2, 5, 4], { dtype: torch.float64, requires_grad: true });
    const w = torch.randn([3, 2, 2, 3], { dtype: torch.float64, requires_grad: true });
    const go = torch.randn([2, 3, 2, 1], { dtype: torch.float64, requires_grad: true });
    expect(torch.autograd.gradcheck((wt: Tensor, g: Tensor) => nn.grad.conv2d_input([2, 2, 5, 4], wt, g, 2, 0), [w, go])).toBe(true);
    expect(torch.autograd.gradcheck((xt: Tensor, g: Tensor) => nn.grad.conv2d_weight(xt, [3, 2, 2, 3], g, 2, 0), [x, go])).toBe(true);
  });

  it("conv3d_input / conv3d_weight equal autograd's gradients of conv3d", () => {
    torch.manual_seed(1);
    const x = torch.randn([1, 2, 4, 5, 4], { dtype: torch.float64, requires_grad: true });
    const w = torch.randn([2, 2, 2, 3, 2], { dtype: torch.float64, requires_grad: true });
    const y = nn.functional.conv3d(x, w, null, 1, 1);
    const go = torch.randn(y.shape, { dtype: torch.float64 });
    const [gx, gw] = torch.autograd.grad(y, [x, w], go);
    expectClose(nn.grad.conv3d_input(x.shape, w.detach(), go, 1, 1), gx!.flatten().tolist() as number[], 1e-12, 1e-12, "input");
    expectClose(nn.grad.conv3d_weight(x.detach(), w.shape, go, 1, 1), gw!.flatten().tolist() as number[], 1e-12, 1e-12, "weight");
    expect(w.grad).toBeNull();
  });

  it("a wrong size or grad_output shape raises", () => {
    const w = torch.randn(3, 2, 3, 3);
    expect(() => nn.grad.conv2d_input([2, 2, 5], w, torch.randn(2, 3, 3, 3))).toThrow(/input_size must be a sequence of 4/);
    expect(() => nn.grad.conv2d_input([2, 2, 5, 5], w, torch.randn(2, 3, 4, 3))).toThrow(/grad_output has shape \[2, 3, 4, 3\], but the convolution's output has shape \[2, 3, 3, 3\]/);
    expect(() => nn.grad.conv2d_weight(torch.randn(2, 2, 5, 5), [3, 2, 3, 3], torch.randn(2, 3, 3, 3), { strid: 2 } as never)).toThrow(/strid/);
  });
});

describe("nn.Transformer.forward takes its masks positionally", () => {
  it("transformer(src, tgt, src_mask, tgt_mask, memory_mask, src_kpm, tgt_kpm, memory_kpm) equals the keyword call", () => {
    torch.manual_seed(0);
    const model = new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 16, dropout: 0 });
    const src = torch.randn(5, 2, 8);
    const tgt = torch.randn(4, 2, 8);
    const tgt_mask = nn.Transformer.generate_square_subsequent_mask(4);
    const src_kpm = torch.tensor([[false, false, false, false, false], [false, false, false, true, true]]);
    const positional = model(src, tgt, null, tgt_mask, null, src_kpm, null, src_kpm) as Tensor;
    const keywords = model(src, tgt, { tgt_mask, src_key_padding_mask: src_kpm, memory_key_padding_mask: src_kpm }) as Tensor;
    const unmasked = model(src, tgt) as Tensor;
    expect(positional.equal(keywords)).toBe(true);
    expect(positional.equal(unmasked)).toBe(false);
    expect(() => model(src, tgt, { tgt_maks: tgt_mask } as never)).toThrow(/tgt_maks/);
  });
});

describe("nn.Sequential slicing keeps the children's names", () => {
  it("seq.slice(a, b) is torch's seq[a:b]: same modules, same names", () => {
    const seq = new nn.Sequential(new nn.ReLU(), new nn.Tanh(), new nn.ReLU());
    const tail = seq.slice(1);
    expect(tail.named_children().map(([n]) => n)).toEqual(["1", "2"]); // torch 1.13: ['1', '2']
    expect(tail.get(0)).toBe(seq.get(1));
    expect(seq.slice(-2, -1).named_children().map(([n]) => n)).toEqual(["1"]);
    const named = new nn.Sequential({ conv_1: new nn.Conv2d(1, 1, 1), relu_1: new nn.ReLU(), loss: new nn.Identity() });
    expect(named.slice(0, 2).named_children().map(([n]) => n)).toEqual(["conv_1", "relu_1"]);
    expect(Object.keys(named.slice(0, 1).state_dict())).toEqual(["conv_1.weight", "conv_1.bias"]);
  });
});

describe("ctx.save_for_backward keeps None in place", () => {
  it("saved_tensors reads back [x, null, w] for save_for_backward(x, null, w)", () => {
    let seen: unknown[] = [];
    class Saver extends Function {
      static forward(ctx: Ctx, x: Tensor, w: Tensor): Tensor {
        ctx.save_for_backward(x, null, w);
        return x.mul(w);
      }
      static backward(ctx: Ctx, g: Tensor | null): (Tensor | null)[] {
        seen = ctx.saved_tensors;
        const [x, none, w] = ctx.saved_tensors;
        expect(none).toBeNull();
        return [g!.mul(w), g!.mul(x)];
      }
    }
    const x = torch.tensor([2.0], { requires_grad: true });
    const w = torch.tensor([3.0], { requires_grad: true });
    Saver.apply(x, w).backward();
    expect(seen.length).toBe(3);
    expect([x.grad!.item(), w.grad!.item()]).toEqual([3, 2]);
  });
});
