/**
 * The gradient buffer pool (lib/tensor/buffer_pool.ts, released by autograd/engine.ts): a
 * training loop recycles its large gradient buffers, and no buffer is handed out again while
 * anything the user can reach still uses it. Each safety case keeps a tensor from one step and
 * checks it is unchanged after many later steps that allocate buffers of the same size.
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { MIN_POOLED, poolStats } from "../../../../lib/tensor/buffer_pool";

/** A model whose weight gradient (256 x 128 = 32768 floats) is large enough to be pooled. */
function setup() {
  torch.manual_seed(1);
  const model = new nn.Sequential(new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.randn(32, 256);
  const y = torch.randint(0, 10, [32]);
  const step = () => {
    opt.zero_grad();
    const loss = nn.functional.cross_entropy(model(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  return { model, opt, x, y, step };
}

const snapshot = (t: Tensor) => Array.from(t.detach().contiguous()._data.subarray(t._offset, t._offset + t.numel()));

describe("gradient buffer pool", () => {
  it("recycles the weight gradient's buffer in a training loop", () => {
    expect(256 * 128).toBeGreaterThanOrEqual(MIN_POOLED);
    const { step } = setup();
    for (let i = 0; i < 3; i++) step();
    // After backward the consumed weight gradient waits in the pool; the next backward takes it.
    const { model, x, y } = setup();
    nn.functional.cross_entropy(model(x), y).backward();
    expect(poolStats().buffers).toBeGreaterThan(0);
    expect(poolStats().bytes).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  it("training with the pool gives the same weights as training where nothing is recycled", () => {
    const a = setup();
    for (let i = 0; i < 6; i++) a.step();
    // A hook on the loss disables recycling for every backward pass of b.
    const b = setup();
    for (let i = 0; i < 6; i++) {
      b.opt.zero_grad();
      const loss = nn.functional.cross_entropy(b.model(b.x), b.y);
      loss.register_hook(() => undefined);
      loss.backward();
      b.opt.step();
    }
    const pa = [...a.model.parameters()], pb = [...b.model.parameters()];
    pa.forEach((p, i) => expect(snapshot(p)).toEqual(snapshot(pb[i])));
  });

  it("a gradient kept by a hook, .grad after zero_grad(set_to_none), forward outputs and retained grads survive later steps", () => {
    const { model, opt, x, y, step } = setup();
    const w = (model[0] as nn.Linear).weight as Tensor;
    let hooked: Tensor | null = null;
    const handle = w.register_hook((g) => {
      hooked = g;
    });
    opt.zero_grad(true);
    const out = model(x);
    out.retain_grad();
    nn.functional.cross_entropy(out, y).backward();
    handle.remove();
    const keptGrad = w.grad!;
    const saved = { hooked: snapshot(hooked!), grad: snapshot(keptGrad), out: snapshot(out), outGrad: snapshot(out.grad!) };
    opt.zero_grad(true); // w.grad is dropped: keptGrad is only ours now
    for (let i = 0; i < 8; i++) step();
    expect(snapshot(hooked!)).toEqual(saved.hooked);
    expect(snapshot(keptGrad)).toEqual(saved.grad);
    expect(snapshot(out)).toEqual(saved.out);
    expect(snapshot(out.grad!)).toEqual(saved.outGrad);
  });

  it("autograd.grad results, a caller's gradient and a custom Function's kept gradient survive later steps", () => {
    const { model, x, y, step } = setup();
    const w = (model[0] as nn.Linear).weight as Tensor;
    const [gw] = torch.autograd.grad(nn.functional.cross_entropy(model(x), y), [w]) as Tensor[];
    const gwSaved = snapshot(gw);

    // y = w * 1 with a caller-supplied gradient: the pass-through must not recycle the caller's tensor.
    const v = torch.randn(128, 256);
    const vSaved = snapshot(v);
    const leaf = torch.zeros(128, 256, { requires_grad: true });
    leaf.mul(1).backward(v);

    // A torch.autograd.Function that keeps the gradient it returns.
    const kept: Tensor[] = [];
    class Keep extends torch.autograd.Function {
      static forward(_ctx: unknown, t: Tensor): Tensor {
        return t.clone();
      }
      static backward(_ctx: unknown, g: Tensor): Tensor {
        const r = g.mul(2);
        kept.push(r);
        return r;
      }
    }
    const p = torch.ones(128, 256, { requires_grad: true });
    (Keep.apply(p) as Tensor).sum().backward();
    const keptSaved = snapshot(kept[0]);

    for (let i = 0; i < 8; i++) step();
    expect(snapshot(gw)).toEqual(gwSaved);
    expect(snapshot(v)).toEqual(vSaved);
    expect(snapshot(leaf.grad!)).toEqual(vSaved);
    expect(snapshot(kept[0])).toEqual(keptSaved);
    expect(kept[0].index(0, 0).item()).toBe(2);
  });
});
