/**
 * "Pruning Tutorial", line by line on the tutorial's LeNet (seeded, so the weights and the random
 * mask equal torch's): random_unstructured / l1_unstructured / ln_structured on conv1 (weight_orig
 * and bias_orig parameters, weight_mask / bias_mask buffers, the forward pre-hooks, the
 * PruningContainer history), the state_dict of a pruned model, remove(), pruning every Conv2d and
 * Linear of a model by type, global_unstructured, and the tutorial's custom FooBarPruningMethod.
 * Values from torch 1.13 (pruning4.json, scripts/fixtures/tutorial4_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const F = nn.functional;
const prune = nn.utils.prune;
type FT = { shape: number[]; data: number[] };
type Zeros = Record<"conv1" | "conv2" | "fc1" | "fc2" | "fc3", number>;
const ref = tutorialFixture<{
  conv1_weight: FT; conv1_bias: FT; random_mask: FT; bias_mask: FT; bias: FT; ln_mask: FT; ln_weight: FT;
  state_keys: string[]; after_remove: { params: string[]; buffers: string[] };
  per_layer_buffers: string[]; per_layer_zeros: Zeros; x: FT; per_layer_out: FT;
  global_zeros: Zeros; foobar_mask: FT; foobar_bias: FT;
}>("pruning4.json");
const fromFixture = (t: FT): Tensor => torch.tensor(t.data).reshape(t.shape);
/** A pruned tensor attribute (a plain tensor the pre-hook recomputes, no longer a parameter). */
const attr = (m: nn.Module, name: string): Tensor => (m as unknown as Record<string, Tensor>)[name];

class LeNet extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  fc3: nn.Linear;
  constructor() {
    super();
    // 1 input image channel, 6 output channels, 3x3 square conv kernel
    this.conv1 = new nn.Conv2d(1, 6, 3);
    this.conv2 = new nn.Conv2d(6, 16, 3);
    this.fc1 = new nn.Linear(16 * 5 * 5, 120); // 5x5 image dimension
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }
  forward(x: Tensor): Tensor {
    x = F.max_pool2d(F.relu(this.conv1(x)), [2, 2]);
    x = F.max_pool2d(F.relu(this.conv2(x)), 2);
    x = x.view(-1, Math.trunc(x.nelement() / x.shape[0]));
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    x = this.fc3(x);
    return x;
  }
}

const zeroCounts = (model: LeNet): Zeros => {
  const count = (m: nn.Module) => torch.sum(attr(m, "weight").eq(0)).item() as number;
  return { conv1: count(model.conv1), conv2: count(model.conv2), fc1: count(model.fc1), fc2: count(model.fc2), fc3: count(model.fc3) };
};
const exact = [0, 0] as const;

describe("Pruning Tutorial", () => {
  it("prunes conv1 three times (random, l1 on the bias, ln_structured), serialises and removes the reparametrisation", () => {
    torch.manual_seed(0);
    const model = new LeNet();
    const layer = model.conv1; // the tutorial's `module` (a reserved name in this codebase's lint)
    expectClose(layer.weight, ref.conv1_weight.data, ...exact, "conv1.weight (seeded init)");
    expect(layer.named_parameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(layer.named_buffers()).toEqual([]);

    prune.random_unstructured(layer, { name: "weight", amount: 0.3 });
    expect(layer.named_parameters().map(([n]) => n)).toEqual(["bias", "weight_orig"]);
    expect(layer.named_buffers().map(([n]) => n)).toEqual(["weight_mask"]);
    expectClose(attr(layer, "weight_mask"), ref.random_mask.data, ...exact, "weight_mask");
    expect(attr(layer, "weight")).not.toBeInstanceOf(nn.Parameter);
    expect(attr(layer, "weight").grad_fn?.name()).toBe("MulBackward0"); // print(layer.weight) shows grad_fn=<MulBackward0>
    expectClose(attr(layer, "weight"), fromFixture(ref.conv1_weight).mul(fromFixture(ref.random_mask)).tolist() as number[], ...exact, "pruned weight");
    expect([...layer._forward_pre_hooks.values()].map((h) => h.constructor.name)).toEqual(["RandomUnstructured"]);

    prune.l1_unstructured(layer, { name: "bias", amount: 3 });
    expect(layer.named_parameters().map(([n]) => n)).toEqual(["weight_orig", "bias_orig"]);
    expect(layer.named_buffers().map(([n]) => n)).toEqual(["weight_mask", "bias_mask"]);
    expectClose(attr(layer, "bias_mask"), ref.bias_mask.data, ...exact, "bias_mask");
    expectClose(attr(layer, "bias"), ref.bias.data, ...exact, "pruned bias");
    expect([...layer._forward_pre_hooks.values()].map((h) => h.constructor.name)).toEqual(["RandomUnstructured", "L1Unstructured"]);

    // Iterative pruning: 50% (3 of 6) of the channels by L2 norm, keeping the earlier mask
    prune.ln_structured(layer, { name: "weight", amount: 0.5, n: 2, dim: 0 });
    expectClose(attr(layer, "weight_mask"), ref.ln_mask.data, ...exact, "ln_structured mask");
    expectClose(attr(layer, "weight"), ref.ln_weight.data, ...exact, "ln_structured weight");
    let hook: unknown;
    for (hook of layer._forward_pre_hooks.values()) {
      if ((hook as { _tensor_name?: string })._tensor_name === "weight") break; // select out the correct hook
    }
    expect(hook).toBeInstanceOf(prune.PruningContainer);
    expect([...(hook as Iterable<object>)].map((h) => h.constructor.name)).toEqual(["RandomUnstructured", "LnStructured"]);

    // Serializing a pruned model
    expect(Object.keys(model.state_dict())).toEqual(ref.state_keys);

    // Remove pruning re-parametrization
    prune.remove(layer, "weight");
    expect(layer.named_parameters().map(([n]) => n)).toEqual(ref.after_remove.params);
    expect(layer.named_buffers().map(([n]) => n)).toEqual(ref.after_remove.buffers);
    expect(layer.weight).toBeInstanceOf(nn.Parameter);
    expectClose(layer.weight, ref.ln_weight.data, ...exact, "weight after remove");
  });

  it("prunes every Conv2d by 20% and every Linear by 40%; the model runs with the masks", () => {
    torch.manual_seed(1);
    const new_model = new LeNet();
    for (const [, module] of new_model.named_modules()) {
      // prune 20% of connections in all 2D-conv layers
      if (module instanceof nn.Conv2d) prune.l1_unstructured(module, { name: "weight", amount: 0.2 });
      // prune 40% of connections in all linear layers
      else if (module instanceof nn.Linear) prune.l1_unstructured(module, { name: "weight", amount: 0.4 });
    }
    expect(Object.keys(Object.fromEntries(new_model.named_buffers()))).toEqual(ref.per_layer_buffers); // to verify that all masks exist
    expect(zeroCounts(new_model)).toEqual(ref.per_layer_zeros);
    const out = new_model(fromFixture(ref.x));
    expectClose(out, ref.per_layer_out.data, 1e-4, 1e-5, "pruned LeNet output");
    // gradients reach weight_orig only through the mask's survivors
    out.sum().backward();
    const g = attr(new_model.fc1, "weight_orig").grad!;
    expect(g.mul(attr(new_model.fc1, "weight_mask").logical_not()).abs().sum().item()).toBe(0);
    expect(g.abs().sum().item()).toBeGreaterThan(0);
  });

  it("global_unstructured with L1Unstructured removes the smallest 20% over all five weights", () => {
    torch.manual_seed(2);
    const model = new LeNet();
    const parameters_to_prune = [
      [model.conv1, "weight"],
      [model.conv2, "weight"],
      [model.fc1, "weight"],
      [model.fc2, "weight"],
      [model.fc3, "weight"],
    ] as const;
    prune.global_unstructured(parameters_to_prune, { pruning_method: prune.L1Unstructured, amount: 0.2 });
    const zeros = zeroCounts(model);
    expect(zeros).toEqual(ref.global_zeros);
    const total = [model.conv1, model.conv2, model.fc1, model.fc2, model.fc3].reduce((s, m) => s + attr(m, "weight").nelement(), 0);
    const globalSparsity = (100 * Object.values(zeros).reduce((a, b) => a + b, 0)) / total;
    expect(globalSparsity).toBeCloseTo(20, 2);
    expect((100 * zeros.conv1) / attr(model.conv1, "weight_orig").nelement()).toBeLessThan(20); // conv weights are larger than fc1's
  });

  it("extends prune with a custom FooBarPruningMethod (every other entry)", () => {
    /** Prune every other entry in a tensor */
    class FooBarPruningMethod extends prune.BasePruningMethod {
      static PRUNING_TYPE = "unstructured" as const;
      compute_mask(t: Tensor, default_mask: Tensor): Tensor {
        void t;
        const mask = default_mask.clone();
        mask.view(-1).index("::2").fill_(0);
        return mask;
      }
    }
    function foobar_unstructured<M extends nn.Module>(module: M, name: string): M {
      FooBarPruningMethod.apply(module, name);
      return module;
    }
    torch.manual_seed(3);
    const model = new LeNet();
    foobar_unstructured(model.fc3, "bias");
    expectClose(attr(model.fc3, "bias_mask"), ref.foobar_mask.data, ...exact, "fc3.bias_mask");
    expectClose(attr(model.fc3, "bias"), ref.foobar_bias.data, ...exact, "fc3.bias");
  });
});
