/** torch.nn.utils.prune against PyTorch 1.13 (fixtures: scripts/fixtures/prune_fixtures.py). */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const prune = nn.utils.prune;
interface Names { params: string[]; buffers: string[]; state: string[] }
interface Fx {
  conv_weight: FT; conv_bias: FT; x: FT;
  random_unstructured: { mask: FT; names: Names };
  l1_bias: { mask: FT; names: Names; hooks: number };
  ln_structured_iter: { mask: FT; container_len: number };
  forward: { y: FT; weight_orig_grad: FT; bias_orig_grad: FT };
  removed: { names: Names; weight: FT; pruned: boolean };
  ties_w: FT; ties: FT[]; ties_float: FT[]; ties_big_w: FT; ties_big: FT[]; ties_huge_w: FT; ties_huge: FT[];
  random_structured_dim1: FT; random_structured_dim0: FT; ln_structured_l1_last: FT; ln_structured_inf: FT;
  importance_mask: FT;
  iterative_random: { mask1: FT; mask2: FT };
  iterative_random_structured: FT;
  global: { conv_w: FT; lin_w: FT; lin_b: FT; conv_mask: FT; lin_mask: FT; bias_mask: FT; names: Names };
  global_random_weights: FT[]; global_random: FT[];
}
const fx = fixture<Fx>("nn/prune.json");
const exact = { rtol: 0, atol: 0 };
const slot = (m: nn.Module, k: string) => (m as unknown as Record<string, Tensor>)[k];

function conv(): nn.Conv2d {
  const c = new nn.Conv2d(2, 4, 3);
  torch.no_grad(() => {
    c.weight.copy_(tensorOf(fx.conv_weight, torch.float32));
    c.bias!.copy_(tensorOf(fx.conv_bias, torch.float32));
  });
  return c;
}
function names(m: nn.Module): Names {
  return {
    params: m.named_parameters().map(([n]) => n),
    buffers: m.named_buffers().map(([n]) => n),
    state: Object.keys(m.state_dict()),
  };
}

describe("prune: the Pruning Tutorial's sequence vs PyTorch 1.13", () => {
  it("random_unstructured, l1_unstructured(amount=3) on bias, ln_structured on top, forward, gradients, remove", () => {
    const c = conv();
    torch.manual_seed(3);
    prune.random_unstructured(c, { name: "weight", amount: 0.3 });
    expectClose(slot(c, "weight_mask"), fx.random_unstructured.mask, exact);
    expect(names(c)).toEqual(fx.random_unstructured.names);
    expectClose(slot(c, "weight"), slot(c, "weight_orig").detach().mul(slot(c, "weight_mask")), exact);
    prune.l1_unstructured(c, "bias", 3);
    expectClose(slot(c, "bias_mask"), fx.l1_bias.mask, exact);
    expect(names(c)).toEqual(fx.l1_bias.names);
    expect(c._forward_pre_hooks.size).toBe(fx.l1_bias.hooks);
    prune.ln_structured(c, "weight", 0.5, 2, 0);
    expectClose(slot(c, "weight_mask"), fx.ln_structured_iter.mask, exact);
    const hook = [...c._forward_pre_hooks.values()].find((h) => (h as unknown as { _tensor_name: string })._tensor_name === "weight");
    expect(hook).toBeInstanceOf(prune.PruningContainer);
    const container = hook as unknown as InstanceType<typeof prune.PruningContainer>;
    expect(container.length).toBe(fx.ln_structured_iter.container_len);
    expect([...container].map((m) => m.constructor.name)).toEqual(["RandomUnstructured", "LnStructured"]);

    const y = c(tensorOf(fx.x, torch.float32));
    expectClose(y, fx.forward.y, { rtol: 1e-5, atol: 1e-5 });
    y.pow(2).sum().backward();
    expectClose(slot(c, "weight_orig").grad!, fx.forward.weight_orig_grad, { rtol: 1e-4, atol: 1e-4 });
    expectClose(slot(c, "bias_orig").grad!, fx.forward.bias_orig_grad, { rtol: 1e-4, atol: 1e-4 });

    expect(prune.is_pruned(c)).toBe(true);
    prune.remove(c, "weight");
    expect(names(c)).toEqual(fx.removed.names);
    expect(slot(c, "weight")).toBeInstanceOf(nn.Parameter);
    expectClose(slot(c, "weight"), fx.removed.weight, exact);
    prune.remove(c, "bias");
    expect(prune.is_pruned(c)).toBe(false);
    expect(names(c).params).toEqual(["weight", "bias"]);
  });

  it("the hook recomputes weight from weight_orig after an optimizer step", () => {
    const c = conv();
    prune.l1_unstructured(c, "weight", 0.5);
    const opt = new torch.optim.SGD(c.parameters(), { lr: 0.1 });
    c(tensorOf(fx.x, torch.float32)).sum().backward();
    opt.step();
    c(tensorOf(fx.x, torch.float32));
    expectClose(slot(c, "weight"), slot(c, "weight_orig").detach().mul(slot(c, "weight_mask")), exact);
    expect(slot(c, "weight").eq(0).sum().item()).toBeGreaterThanOrEqual(27);
  });
});

describe("prune: masks vs PyTorch 1.13", () => {
  it("l1_unstructured picks the same entries among ties as torch.topk, for every k", () => {
    const w = tensorOf(fx.ties_w, torch.float32);
    fx.ties.forEach((m, k) => expectClose(new prune.L1Unstructured(k).compute_mask(w, torch.ones_like(w)), m, { ...exact, label: `k=${k}` }));
    [0.1, 0.5, 0.7].forEach((a, i) => expectClose(new prune.L1Unstructured({ amount: a }).compute_mask(w, torch.ones_like(w)), fx.ties_float[i], exact));
    const big = tensorOf(fx.ties_big_w, torch.float32);
    [5, 17, 30, 41, 59].forEach((k, i) => expectClose(new prune.L1Unstructured(k).compute_mask(big, torch.ones_like(big)), fx.ties_big[i], { ...exact, label: `big k=${k}` }));
    // 300 entries: k <= 4 takes torch.topk's partial_sort branch, larger k its nth_element one.
    const huge = tensorOf(fx.ties_huge_w, torch.float32);
    [1, 3, 4, 5, 70, 150].forEach((k, i) => expectClose(new prune.L1Unstructured(k).compute_mask(huge, torch.ones_like(huge)), fx.ties_huge[i], { ...exact, label: `huge k=${k}` }));
  });

  it("random_structured (seeded), ln_structured (L1 on the last dim, L-inf), importance_scores", () => {
    const c2 = conv();
    torch.manual_seed(5);
    prune.random_structured(c2, "weight", 2, 1);
    expectClose(slot(c2, "weight_mask"), fx.random_structured_dim1, exact);
    const c3 = conv();
    torch.manual_seed(6);
    prune.random_structured(c3, "weight", { amount: 0.5, dim: 0 });
    expectClose(slot(c3, "weight_mask"), fx.random_structured_dim0, exact);
    const c4 = conv();
    prune.ln_structured(c4, "weight", { amount: 1, n: 1, dim: -1 });
    expectClose(slot(c4, "weight_mask"), fx.ln_structured_l1_last, exact);
    const c5 = conv();
    prune.ln_structured(c5, "weight", 0.25, Infinity, 0);
    expectClose(slot(c5, "weight_mask"), fx.ln_structured_inf, exact);
    const c6 = conv();
    const scores = torch.arange(c6.weight.numel(), { dtype: torch.float32 }).reshape(c6.weight.shape).flip(0);
    prune.l1_unstructured(c6, "weight", 10, { importance_scores: scores });
    expectClose(slot(c6, "weight_mask"), fx.importance_mask, exact);
  });

  it("iterative pruning: a second random_unstructured draws among the survivors; custom_from_mask composes", () => {
    const c = conv();
    torch.manual_seed(8);
    prune.random_unstructured(c, "weight", 0.5);
    prune.random_unstructured(c, "weight", 0.5);
    expectClose(slot(c, "weight_mask"), fx.iterative_random.mask1, exact);
    const cm = torch.ones_like(slot(c, "weight_orig"));
    torch.no_grad(() => cm.select(0, 0).fill_(0));
    prune.custom_from_mask(c, "weight", cm);
    expectClose(slot(c, "weight_mask"), fx.iterative_random.mask2, exact);
    const c8 = conv();
    torch.manual_seed(9);
    prune.random_structured(c8, "weight", 1, 0);
    prune.random_structured(c8, "weight", 1, 0);
    expectClose(slot(c8, "weight_mask"), fx.iterative_random_structured, exact);
  });

  it("global_unstructured over a conv, an already pruned linear weight and a bias", () => {
    const g = fx.global;
    const model = new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.Flatten(), new nn.Linear(12, 4));
    const [c, , lin] = [...model.children()] as [nn.Conv2d, nn.Flatten, nn.Linear];
    torch.no_grad(() => {
      c.weight.copy_(tensorOf(g.conv_w, torch.float32));
      lin.weight.copy_(tensorOf(g.lin_w, torch.float32));
      lin.bias!.copy_(tensorOf(g.lin_b, torch.float32));
    });
    prune.l1_unstructured(lin, "weight", 0.25);
    prune.global_unstructured([[c, "weight"], [lin, "weight"], [lin, "bias"]], prune.L1Unstructured, { amount: 0.4 });
    expectClose(slot(c, "weight_mask"), g.conv_mask, exact);
    expectClose(slot(lin, "weight_mask"), g.lin_mask, exact);
    expectClose(slot(lin, "bias_mask"), g.bias_mask, exact);
    expect(names(model)).toEqual(g.names);
  });

  it("global_unstructured with RandomUnstructured draws as torch from a seed", () => {
    const model = new nn.Sequential(new nn.Linear(4, 6), new nn.Linear(6, 3));
    const [a, b] = [...model.children()] as nn.Linear[];
    torch.no_grad(() => {
      a.weight.copy_(tensorOf(fx.global_random_weights[0], torch.float32));
      b.weight.copy_(tensorOf(fx.global_random_weights[1], torch.float32));
    });
    torch.manual_seed(11);
    prune.global_unstructured([[a, "weight"], [b, "weight"]], { pruning_method: prune.RandomUnstructured, amount: 10 });
    expectClose(slot(a, "weight_mask"), fx.global_random[0], exact);
    expectClose(slot(b, "weight_mask"), fx.global_random[1], exact);
  });
});

describe("prune: custom methods, gradients, errors", () => {
  it("a user subclass of BasePruningMethod (the tutorial's FooBarPruningMethod)", () => {
    class FooBarPruningMethod extends prune.BasePruningMethod {
      static PRUNING_TYPE = "unstructured" as const;
      compute_mask(_t: Tensor, default_mask: Tensor): Tensor {
        const mask = default_mask.clone();
        const flat = mask.view(-1);
        torch.no_grad(() => flat.index_fill_(0, torch.arange(0, flat.numel(), 2), 0));
        return mask;
      }
    }
    const lin = new nn.Linear(3, 5);
    FooBarPruningMethod.apply(lin, "bias");
    expect((slot(lin, "bias_mask").tolist() as number[])).toEqual([0, 1, 0, 1, 0]);
    expect(new prune.Identity().prune(torch.tensor([1, 2]), null).tolist()).toEqual([1, 2]);
  });

  it("float64 gradcheck through the mask: d(mask * orig)/d(orig)", () => {
    const lin = new nn.Linear(3, 4).double();
    prune.l1_unstructured(lin, "weight", 5);
    const x = torch.randn(2, 3, { dtype: torch.float64 });
    const orig = slot(lin, "weight_orig");
    expect(torch.autograd.gradcheck((w: Tensor) => {
      torch.no_grad(() => orig.copy_(w.detach()));
      return torch.nn.functional.linear(x, w.mul(slot(lin, "weight_mask")), lin.bias);
    }, [orig.detach().clone().requires_grad_(true)])).toBe(true);
    lin(x).sum().backward();
    const mask = slot(lin, "weight_mask");
    expect(orig.grad!.mul(mask.eq(0)).abs().sum().item()).toBe(0);
  });

  it("errors as PyTorch, and a failed pruning leaves the module as it was", () => {
    const lin = new nn.Linear(3, 2);
    expect(() => prune.l1_unstructured(lin, "weight", 7)).toThrow("amount=7 should be smaller than the number of parameters to prune=6");
    expect(names(lin).params).toEqual(["bias", "weight"]);
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expect(() => prune.l1_unstructured(lin, "weight", -1)).toThrow("amount=-1 should either be a float in the range [0, 1] or a non-negative integer");
    expect(() => prune.l1_unstructured(lin, "weight", 1.5)).toThrow("should either be a float in the range [0, 1]");
    expect(() => prune.ln_structured(lin, "bias", 1, 2, 0)).toThrow("Structured pruning can only be applied to multidimensional tensors");
    expect(() => prune.random_structured(lin, "weight", 1, 2)).toThrow("Invalid index 2 for tensor of size");
    expect(() => prune.remove(lin, "weight")).toThrow("Parameter 'weight' of module");
    expect(() => prune.global_unstructured([[lin, "weight"]], prune.LnStructured, { amount: 1, n: 2, dim: 0 })).toThrow('Only "unstructured" PRUNING_TYPE supported');
    expect(prune.is_pruned(lin)).toBe(false);
  });

  it("a weight holding inf / NaN still gets a 0/1 mask (inf counts as the largest magnitude, NaN larger still)", () => {
    const lin = new nn.Linear(2, 2, { bias: false });
    torch.no_grad(() => lin.weight.copy_(torch.tensor([[Infinity, 0.5], [NaN, -0.1]])));
    prune.l1_unstructured(lin, "weight", 2);
    expect(slot(lin, "weight_mask").tolist()).toEqual([[1, 0], [1, 0]]);
  });
});
