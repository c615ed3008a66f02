/**
 * "Model ensembling" and "Per-sample-gradients" as PyTorch 2.0 writes them with torch.func:
 * stack_module_state, functional_call(model, [params, buffers], [x]) and vmap over the stacked
 * parameters (in_dims [0, 0, null] for one minibatch shared by every model), training the ensemble
 * through vmap (one backward reaches every model's stacked parameters), and vmap(grad(compute_loss),
 * { in_dims: [null, null, 0, 0] }) over a dict of parameters. The tutorials' models at toy sizes;
 * values from torch 1.13's one-model-at-a-time loops (ensembling5.json, scripts/fixtures/tutorial5_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const F = nn.functional;
const { stack_module_state, functional_call, vmap, grad } = torch.func;
type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  data_head: number[]; targets: number[]; diff_minibatch: FT; same_minibatch: FT; functorch_same: FT; param_names: string[];
  ensemble_losses: number[]; ensemble_grads: Record<string, FT>;
  ps_data_head: number[]; ps_targets: number[]; ps_names: string[]; ps_grads: Record<string, FT>;
}>("ensembling5.json");

class SimpleMLP extends nn.Module {
  fc1 = new nn.Linear(64, 16);
  fc2 = new nn.Linear(16, 16);
  fc3 = new nn.Linear(16, 10);
  forward(x: Tensor): Tensor {
    x = x.flatten(1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.fc2(x);
    x = F.relu(x);
    x = this.fc3(x);
    return x;
  }
}

class SimpleCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, 1);
  conv2 = new nn.Conv2d(4, 8, 3, 1);
  fc1 = new nn.Linear(72, 16);
  fc2 = new nn.Linear(16, 10);
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.conv2(x);
    x = F.relu(x);
    x = F.max_pool2d(x, 2);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.fc2(x);
    return F.log_softmax(x, { dim: 1 });
  }
}

describe("Model ensembling (torch.func)", () => {
  it("stack_module_state + functional_call + vmap predict with every model, on different or the same minibatch", () => {
    torch.manual_seed(0);
    const num_models = 4;
    const data = torch.randn(10, 16, 1, 8, 8);
    const targets = torch.randint(10, [160]);
    // randn's Box-Muller tracks torch's vectorised float32 one to an ulp or so (lib/tensor/random.ts)
    expectClose(data.reshape(-1).index("0:8"), ref.data_head, 1e-6, 1e-7, "the seeded stream");
    expect(targets.tolist()).toEqual(ref.targets);
    const models = Array.from({ length: num_models }, () => new SimpleMLP());
    const minibatches = data.index(`:${num_models}`);
    const predictions_diff_minibatch_loop = models.map((model, i) => model(minibatches.index(i)));
    expectClose(torch.stack(predictions_diff_minibatch_loop), ref.diff_minibatch.data, 1e-4, 1e-5, "loop, different minibatches");
    const minibatch = data.index(0);

    const [params, buffers] = stack_module_state(models);
    expect(Object.keys(params)).toEqual(ref.param_names);
    expect(Object.values(params).map((p) => p.size(0))).toEqual(ref.param_names.map(() => num_models));
    expect(Object.keys(buffers)).toEqual([]);
    expect(Object.values(params).every((p) => p.is_leaf && p.requires_grad)).toBe(true);
    // The tutorial moves a copy to the 'meta' device ("a stateless model"); every tensor is
    // replaced by functional_call anyway, so the engine's CPU-only copy serves the same purpose.
    const base_model = models[0];
    const fmodel = (p: Record<string, Tensor>, b: Record<string, Tensor>, x: Tensor) => functional_call(base_model, [p, b], [x]) as Tensor;

    const predictions1_vmap = vmap(fmodel)(params, buffers, minibatches) as Tensor;
    expect(torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), { atol: 1e-3, rtol: 1e-5 })).toBe(true);
    expectClose(predictions1_vmap, ref.diff_minibatch.data, 1e-4, 1e-5, "vmap, different minibatches");
    const predictions2_vmap = vmap(fmodel, { in_dims: [0, 0, null] })(params, buffers, minibatch) as Tensor;
    expectClose(predictions2_vmap, ref.same_minibatch.data, 1e-4, 1e-5, "vmap, same minibatch");
    expectClose(predictions2_vmap, ref.functorch_same.data, 1e-4, 1e-5, "as functorch 1.13's combine_state_for_ensemble");

    // Training the ensemble: one backward through vmap gives each model's own gradients
    const lossOf = (p: Record<string, Tensor>, b: Record<string, Tensor>, x: Tensor, y: Tensor) => F.cross_entropy(fmodel(p, b, x), y);
    const ys = targets.index(`:${num_models * 16}`).reshape(num_models, 16);
    const losses = vmap(lossOf)(params, buffers, minibatches, ys) as Tensor;
    expectClose(losses, ref.ensemble_losses, 1e-5, 1e-6, "per-model losses");
    losses.sum().backward();
    for (const name of ref.param_names) expectClose(params[name].grad!, ref.ensemble_grads[name].data, 1e-4, 1e-6, `${name}.grad`);
  });

  it("functional_call takes one dict or a list of dicts, and names a key given twice; stack_module_state checks its models", () => {
    torch.manual_seed(0);
    const m = new nn.Linear(2, 2);
    const x = torch.randn(3, 2);
    const w = torch.ones(2, 2);
    const b = torch.zeros(2);
    expect((functional_call(m, { weight: w, bias: b }, [x]) as Tensor).tolist()).toEqual(x.sum(1, { keepdim: true }).expand(3, 2).tolist());
    expect((functional_call(m, [{ weight: w }, { bias: b }], x) as Tensor).tolist()).toEqual(x.matmul(w.t()).tolist());
    expect(() => functional_call(m, [{ weight: w }, { weight: w, bias: b }], [x])).toThrow("['weight'] appeared in multiple dictionaries; behavior of functional call is ambiguous");
    expect(() => functional_call(m, [{ weight: w }, 3 as never], [x])).toThrow("Expected all elements of parameter_and_buffer_dicts to be dictionaries");
    expect(m.weight.equal(w)).toBe(false); // the module keeps its own parameters

    expect(() => stack_module_state([])).toThrow("stack_module_state: Expected at least one model, got 0.");
    expect(() => stack_module_state([new nn.Linear(2, 2), new nn.Linear(2, 2).eval()])).toThrow("Expected all models to have the same training/eval mode.");
    expect(() => stack_module_state([new nn.Linear(2, 2), new nn.Bilinear(2, 2, 2)])).toThrow("Expected all models to be of the same class.");
    const frozen = new nn.Linear(2, 2);
    frozen.weight.requires_grad_(false);
    expect(() => stack_module_state([new nn.Linear(2, 2), frozen])).toThrow("Expected weight from each model to have the same .requires_grad");
    const [p, bufs] = stack_module_state([new nn.BatchNorm1d(3), new nn.BatchNorm1d(3)]);
    expect(Object.keys(bufs)).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect([p.weight.shape, bufs.running_mean.requires_grad, bufs.num_batches_tracked.shape]).toEqual([[2, 3], false, [2]]);
  });
});

describe("Per-sample-gradients (torch.func)", () => {
  it("vmap(grad(compute_loss)) over a dict of parameters equals torch's one-sample-at-a-time gradients", () => {
    torch.manual_seed(0);
    const batch_size = 8;
    const data = torch.randn(batch_size, 1, 10, 10);
    const targets = torch.randint(10, [batch_size]);
    expectClose(data.reshape(-1).index("0:8"), ref.ps_data_head, 1e-6, 1e-7, "the seeded stream");
    expect(targets.tolist()).toEqual(ref.ps_targets);
    const model = new SimpleCNN();
    const params = Object.fromEntries(model.named_parameters().map(([k, v]) => [k, v.detach()]));
    const buffers = Object.fromEntries(model.named_buffers().map(([k, v]) => [k, v.detach()]));
    const compute_loss = (p: Record<string, Tensor>, b: Record<string, Tensor>, sample: Tensor, target: Tensor) => {
      const batch = sample.unsqueeze(0);
      const tgts = target.unsqueeze(0);
      const predictions = functional_call(model, [p, b], [batch]) as Tensor;
      return F.nll_loss(predictions, tgts);
    };
    const ft_compute_grad = grad(compute_loss);
    const ft_compute_sample_grad = vmap(ft_compute_grad, { in_dims: [null, null, 0, 0] });
    const ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets) as Record<string, Tensor>;
    expect(Object.keys(ft_per_sample_grads)).toEqual(ref.ps_names);
    for (const name of ref.ps_names) {
      expect(ft_per_sample_grads[name].shape).toEqual(ref.ps_grads[name].shape);
      expectClose(ft_per_sample_grads[name], ref.ps_grads[name].data, 1e-4, 1e-6, name);
    }
    expect(model.parameters().every((p) => p.grad === null || p.grad === undefined)).toBe(true); // the model itself saw no backward
  });
});
