/**
 * The functorch tutorials of PyTorch 1.13, translated line by line at small sizes:
 * "Per-sample-gradients" (make_functional_with_buffers, vmap(grad(compute_loss), in_dims=(None,
 * None, 0, 0)), checked against the loop the tutorial compares with), "Model ensembling"
 * (combine_state_for_ensemble, vmap over models with different or the same minibatch) and
 * "Jacobians, Hessians, hvp, vhp, and more" (jacrev, jacfwd, hessian, argnums, batched Jacobians,
 * hvp by jvp(grad)). Values match PyTorch 1.13's functorch (functorch.json).
 */
import { describe, expect, it } from "vitest";
import { F, functorch, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const { vmap, grad, jacrev, jacfwd, hessian, jvp, vjp, make_functional, make_functional_with_buffers, combine_state_for_ensemble } = functorch;
type Fx = { shape: number[]; data: number[] };
const fx = (t: Fx): Tensor => torch.tensor(t.data).reshape(t.shape);
const ref = tutorialFixture<Record<string, Fx | Fx[] | number[]>>("functorch.json");
const R = (k: string) => ref[k] as Fx;

class SimpleMLP extends nn.Module {
  fc1 = new nn.Linear(6, 8);
  fc2 = new nn.Linear(8, 3);
  forward(x: Tensor): Tensor {
    return this.fc2(F.relu(this.fc1(x)));
  }
}

describe("Per-sample-gradients", () => {
  it("vmap(grad(compute_loss)) gives PyTorch's per-sample gradients, equal to the one-sample-at-a-time loop", () => {
    torch.manual_seed(0);
    const model = new SimpleMLP();
    const data = torch.randn(5, 6);
    const targets = torch.randint(3, [5]);
    expectClose(data, R("data").data, 1e-6, 1e-6, "data");
    expect(targets.tolist()).toEqual(ref.targets);

    // The tutorial's baseline: one backward per sample.
    function compute_grad(sample: Tensor, target: Tensor): Tensor[] {
      const prediction = model(sample.unsqueeze(0));
      const loss = F.cross_entropy(prediction, target.unsqueeze(0));
      return torch.autograd.grad(loss, model.parameters()) as Tensor[];
    }
    const loopGrads = Array.from({ length: 5 }, (_, i) => compute_grad(data.index(i), targets.index(i)));
    const per_sample_grads_loop = loopGrads[0].map((_, j) => torch.stack(loopGrads.map((g) => g[j])));

    const [fmodel, params, buffers] = make_functional_with_buffers(model);
    function compute_loss(params: Tensor[], buffers: Tensor[], sample: Tensor, target: Tensor): Tensor {
      const batch = sample.unsqueeze(0);
      const targets = target.unsqueeze(0);
      const predictions = fmodel(params, buffers, batch) as Tensor;
      return F.cross_entropy(predictions, targets);
    }
    const ft_compute_grad = grad(compute_loss);
    const ft_compute_sample_grad = vmap(ft_compute_grad, { in_dims: [null, null, 0, 0] });
    const ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets) as Tensor[];

    expect(ft_per_sample_grads.map((g) => g.shape)).toEqual([[5, 8, 6], [5, 8], [5, 3, 8], [5, 3]]);
    ft_per_sample_grads.forEach((g, i) => {
      expect(g.requires_grad).toBe(true); // params require grad, so the results stay in their graph (as functorch)
      expectClose(g, (ref.per_sample as Fx[])[i].data, 1e-4, 1e-6, `per-sample grad ${i}`);
      expect(g.allclose(per_sample_grads_loop[i], { atol: 3e-6, rtol: 1e-5 })).toBe(true); // assert torch.allclose(per_sample_grad, ft_per_sample_grad)
    });
    // With disable_autograd_tracking the parameters are plain tensors and the gradients are constants.
    const [fm2, params2, buffers2] = make_functional_with_buffers(model, { disable_autograd_tracking: true });
    const detached = vmap(grad((p: Tensor[], b: Tensor[], s: Tensor, t: Tensor) => F.cross_entropy(fm2(p, b, s.unsqueeze(0)) as Tensor, t.unsqueeze(0))), {
      in_dims: [null, null, 0, 0],
    })(params2, buffers2, data, targets) as Tensor[];
    detached.forEach((g, i) => {
      expect(g.requires_grad).toBe(false);
      expect(g.allclose(ft_per_sample_grads[i].detach(), { atol: 1e-7, rtol: 1e-6 })).toBe(true);
    });
    // The mean over the batch is the ordinary minibatch gradient.
    F.cross_entropy(model(data), targets).backward();
    model.parameters().forEach((p, i) => expect(p.grad!.allclose(ft_per_sample_grads[i].mean(0), { atol: 1e-6 })).toBe(true));
  });
});

describe("Model ensembling", () => {
  it("combine_state_for_ensemble + vmap predicts with every model on different or the same minibatch", () => {
    torch.manual_seed(1);
    const num_models = 3;
    const models = Array.from({ length: num_models }, () => new SimpleMLP());
    const minibatches = torch.randn(num_models, 4, 6);
    expectClose(minibatches, R("minibatches").data, 1e-6, 1e-6, "minibatches");
    const minibatch = minibatches.index(0);
    const predictions_diff_minibatch_loop = models.map((m, i) => m(minibatches.index(i)));
    const predictions2 = models.map((m) => m(minibatch));

    const [fmodel, params, buffers] = combine_state_for_ensemble(models);
    expect(params.map((p) => p.shape)).toEqual([[3, 8, 6], [3, 8], [3, 3, 8], [3, 3]]);
    expect(params.every((p) => !p.requires_grad)).toBe(true); // stacked and detached, as functorch's
    params.forEach((p) => p.requires_grad_()); // the tutorial: [p.requires_grad_() for p in params]

    const predictions1_vmap = vmap(fmodel)(params, buffers, minibatches) as Tensor;
    expect(predictions1_vmap.shape).toEqual([3, 4, 3]);
    expect(predictions1_vmap.allclose(torch.stack(predictions_diff_minibatch_loop), { atol: 1e-6, rtol: 1e-5 })).toBe(true);
    expectClose(predictions1_vmap, R("ens_different").data, 1e-4, 1e-6, "different minibatches");

    const predictions2_vmap = vmap(fmodel, { in_dims: [0, 0, null] })(params, buffers, minibatch) as Tensor;
    expect(predictions2_vmap.allclose(torch.stack(predictions2), { atol: 1e-6, rtol: 1e-5 })).toBe(true);
    expectClose(predictions2_vmap, R("ens_same").data, 1e-4, 1e-6, "same minibatch");

    // Gradients flow through vmap back to the stacked parameters.
    predictions2_vmap.sum().backward();
    expect(params[0].grad!.shape).toEqual([3, 8, 6]);
  });

  it("make_functional copies the model: updating the returned parameters leaves the model alone", () => {
    torch.manual_seed(2);
    const model = new nn.Linear(3, 2);
    const [fmodel, params] = make_functional(model);
    const x = torch.randn(4, 3);
    expect((fmodel(params, x) as Tensor).equal(model(x))).toBe(true);
    const before = model.weight.clone();
    torch.no_grad(() => params[0].add_(1));
    expect(model.weight.equal(before)).toBe(true);
    expect((fmodel(params, x) as Tensor).equal(model(x))).toBe(false);
    expect(() => make_functional(new nn.BatchNorm1d(3))).toThrow("make_functional(model): `model` has buffers. Please use make_functional_with_buffers(model) instead.");
  });
});

describe("Jacobians, Hessians, hvp, vhp, and more", () => {
  const weight = fx(R("weight"));
  const bias = fx(R("bias"));
  const x = fx(R("x"));
  const predict = (weight: Tensor, bias: Tensor, x: Tensor): Tensor => F.linear(x, weight, bias).tanh();

  it("jacrev / jacfwd with argnums, against autograd.functional and the row-by-row vjp loop", () => {
    torch.manual_seed(2);
    expectClose(torch.randn(4, 4), R("weight").data, 1e-6, 1e-6, "seeded weight");

    const jacobian = jacrev(predict, { argnums: 2 })(weight, bias, x) as Tensor;
    expect(jacobian.shape).toEqual([4, 4]);
    expectClose(jacobian, R("jac_x").data, 1e-5, 1e-6, "jacrev x");

    // The tutorial's first approach: one vjp per row of the identity.
    const xr = x.clone().requires_grad_();
    const unit_vectors = torch.eye(4);
    const y = predict(weight, bias, xr);
    const compute_jac = (v: Tensor) => torch.autograd.grad([y], [xr], [v], { retain_graph: true })[0]!;
    const jacobian_rows = torch.stack(Array.from({ length: 4 }, (_, i) => compute_jac(unit_vectors.index(i))));
    expect(jacobian_rows.allclose(jacobian, { atol: 1e-6 })).toBe(true);
    // ... and the same rows by vmap over vjp_fn.
    const [, vjp_fn] = vjp((xx: Tensor) => predict(weight, bias, xx), x) as [Tensor, (v: Tensor) => Tensor[]];
    const ft_jacobian = vmap(vjp_fn)(unit_vectors) as Tensor[];
    expect(ft_jacobian[0].allclose(jacobian, { atol: 1e-6 })).toBe(true);

    const [jw, jb] = jacrev(predict, { argnums: [0, 1] })(weight, bias, x) as Tensor[];
    expect(jw.shape).toEqual([4, 4, 4]);
    expectClose(jw, R("jac_w").data, 1e-5, 1e-6, "jacrev weight");
    expectClose(jb, R("jac_b").data, 1e-5, 1e-6, "jacrev bias");

    const jf = jacfwd(predict, { argnums: 2 })(weight, bias, x) as Tensor;
    expectClose(jf, R("jacfwd_x").data, 1e-5, 1e-6, "jacfwd x");
    const viaFunctional = torch.autograd.functional.jacobian((xx: Tensor) => predict(weight, bias, xx), x) as Tensor;
    expect(viaFunctional.allclose(jf, { atol: 1e-6 })).toBe(true);
  });

  it("hessian, batched Jacobians by vmap(jacrev), and hvp as jvp of grad", () => {
    const hess = hessian(predict, { argnums: 2 })(weight, bias, x) as Tensor;
    expect(hess.shape).toEqual([4, 4, 4]);
    expectClose(hess, R("hessian_x").data, 1e-4, 1e-6, "hessian");
    const viaJacs = jacfwd(jacrev(predict, { argnums: 2 }), { argnums: 2 })(weight, bias, x) as Tensor;
    expect(viaJacs.allclose(hess, { atol: 1e-6 })).toBe(true);

    const batch_x = fx(R("batch_x"));
    const compute_batch_jacobian = vmap(jacrev(predict, { argnums: 2 }), { in_dims: [null, null, 0] });
    const batch_jacobian0 = compute_batch_jacobian(weight, bias, batch_x) as Tensor;
    expect(batch_jacobian0.shape).toEqual([3, 4, 4]);
    expectClose(batch_jacobian0, R("batch_jac").data, 1e-5, 1e-6, "batch jacobian");
    // The sum trick: the Jacobian of the batch sum, with the batch moved to the front.
    const predict_with_output_summed = (w: Tensor, b: Tensor, xx: Tensor) => predict(w, b, xx).sum(0);
    const batch_jacobian1 = (jacrev(predict_with_output_summed, { argnums: 2 })(weight, bias, batch_x) as Tensor).movedim(1, 0);
    expect(batch_jacobian1.allclose(batch_jacobian0, { atol: 1e-6 })).toBe(true);

    // hvp(f, primals, tangents) = jvp(grad(f), primals, tangents)[1]
    const f = (t: Tensor) => t.sin().sum();
    const hvp = (fn: (t: Tensor) => Tensor, primals: Tensor[], tangents: Tensor[]) => jvp(grad(fn), primals, tangents)[1];
    const xs = torch.randn(5);
    const tangent = torch.randn(5);
    const result = hvp(f, [xs], [tangent]) as Tensor;
    expect(result.allclose(xs.sin().neg().mul(tangent), { atol: 1e-6 })).toBe(true); // d2/dx2 sin = -sin
  });
});
