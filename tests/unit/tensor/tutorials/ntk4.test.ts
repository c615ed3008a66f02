/**
 * "Neural Tangent Kernels" (functorch, PyTorch 1.13), line by line at toy sizes (3x8x8 inputs,
 * 4-channel convs, fc 16 -> 10): make_functional, fnet_single, the empirical NTK by Jacobian
 * contraction (vmap(jacrev(fnet_single), (None, 0)), flatten(2), einsum 'Naf,Mbf->NMab' / trace /
 * diagonal) and by NTK-vector products (vjp, then jvp of the vjps, vmapped over the identity's rows
 * and over both batches); and "Jacobians with torch.func" on a small MLP (jacrev / jacfwd of
 * functional_call with argnums=1 into a parameter dict, vmap(jacrev) for per-sample input
 * Jacobians). Values from torch 1.13's functorch (ntk4.json, scripts/fixtures/tutorial4_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { functorch, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const { make_functional, vmap, vjp, jvp, jacrev, jacfwd } = functorch;
const functional_call = nn.utils.stateless.functional_call;
type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  x_train: FT; x_test: FT; full: FT; trace: FT; diagonal: FT; vps_full: FT;
  mlp_x: FT; mlp_param_jac: Record<string, FT>; mlp_param_jac_fwd_close: boolean; mlp_input_jac: FT;
}>("ntk4.json");

class CNN extends nn.Module {
  conv1 = new nn.Conv2d(3, 4, [3, 3]);
  conv2 = new nn.Conv2d(4, 4, [3, 3]);
  conv3 = new nn.Conv2d(4, 4, [3, 3]);
  fc = new nn.Linear(16, 10);
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = x.relu();
    x = this.conv2(x);
    x = x.relu();
    x = this.conv3(x);
    x = x.flatten(1);
    x = this.fc(x);
    return x;
  }
}

type Compute = "full" | "trace" | "diagonal";
type FnetSingle = (params: Tensor[], x: Tensor) => Tensor;

function empirical_ntk_jacobian_contraction(fnet_single: FnetSingle, params: Tensor[], x1: Tensor, x2: Tensor, compute: Compute = "full"): Tensor {
  // Compute J(x1)
  let jac1 = vmap(jacrev(fnet_single), [null, 0])(params, x1) as Tensor[];
  jac1 = jac1.map((j) => j.flatten(2));
  // Compute J(x2)
  let jac2 = vmap(jacrev(fnet_single), [null, 0])(params, x2) as Tensor[];
  jac2 = jac2.map((j) => j.flatten(2));
  // Compute J(x1) @ J(x2).T
  const einsum_expr = { full: "Naf,Mbf->NMab", trace: "Naf,Maf->NM", diagonal: "Naf,Maf->NMa" }[compute];
  const result = torch.stack(jac1.map((j1, i) => torch.einsum(einsum_expr, j1, jac2[i])));
  return result.sum(0);
}

function empirical_ntk_ntk_vps(func: FnetSingle, params: Tensor[], x1: Tensor, x2: Tensor, compute: Compute = "full"): Tensor {
  function get_ntk(x1: Tensor, x2: Tensor): Tensor {
    const func_x1 = (params: Tensor[]) => func(params, x1);
    const func_x2 = (params: Tensor[]) => func(params, x2);
    const [output, vjp_fn] = vjp(func_x1, params) as [Tensor, (v: Tensor) => [Tensor[]]];
    function get_ntk_slice(vec: Tensor): Tensor {
      // This computes vec @ J(x2).T
      // `vec` is some unit vector (a single slice of the Identity matrix)
      const vjps = vjp_fn(vec);
      // This computes J(X1) @ vjps
      const [, jvps] = jvp(func_x2, [params], vjps) as [Tensor, Tensor];
      return jvps;
    }
    // Here's our identity matrix
    const basis = torch.eye(output.numel(), { dtype: output.dtype }).view(output.numel(), -1);
    return vmap(get_ntk_slice)(basis) as Tensor;
  }
  // get_ntk(x1, x2) computes the NTK for a single data point x1, x2; the vmaps pair every x1 with every x2
  const result = vmap(vmap(get_ntk, [null, 0]), [0, null])(x1, x2) as Tensor;
  if (compute === "trace") return torch.einsum("NMKK->NM", result);
  if (compute === "diagonal") return torch.einsum("NMKK->NMK", result);
  return result;
}

const fromFixture = (t: FT): Tensor => torch.tensor(t.data).reshape(t.shape);

describe("Neural Tangent Kernels", () => {
  function setup() {
    torch.manual_seed(0);
    const x_train = torch.randn(4, 3, 8, 8);
    const x_test = torch.randn(3, 3, 8, 8);
    const net = new CNN();
    const [fnet, params] = make_functional(net);
    // make_functional's model takes a single example, not a batch: add and remove a batch dim
    const fnet_single: FnetSingle = (params, x) => (fnet(params, x.unsqueeze(0)) as Tensor).squeeze(0);
    return { x_train, x_test, params, fnet_single };
  }

  it("by Jacobian contraction: full, trace and diagonal NTKs equal torch's", () => {
    const { x_train, x_test, params, fnet_single } = setup();
    expectClose(x_train, ref.x_train.data, 1e-5, 1e-6, "x_train"); // randn: torch's stream to float32 rounding
    const result = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test);
    expect(result.shape).toEqual([4, 3, 10, 10]);
    expectClose(result, ref.full.data, 1e-4, 1e-5, "full NTK");
    expectClose(empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test, "trace"), ref.trace.data, 1e-4, 1e-4, "trace NTK");
    expectClose(empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test, "diagonal"), ref.diagonal.data, 1e-4, 1e-5, "diagonal NTK");
  });

  it("by NTK-vector products: equal to the Jacobian contraction (and torch's)", () => {
    const { x_train, x_test, params, fnet_single } = setup();
    const result_from_jacobian_contraction = empirical_ntk_jacobian_contraction(fnet_single, params, x_test, x_train);
    const result_from_ntk_vps = empirical_ntk_ntk_vps(fnet_single, params, x_test, x_train);
    expect(result_from_ntk_vps.shape).toEqual([3, 4, 10, 10]);
    expect(torch.allclose(result_from_jacobian_contraction, result_from_ntk_vps, { atol: 1e-5 })).toBe(true);
    expectClose(result_from_ntk_vps, ref.vps_full.data, 1e-4, 1e-5, "NTK-vector products");
    // the 'trace' branch's einsum on that result; K(x1, x2) is K(x2, x1) transposed, so it is torch's trace NTK transposed
    const trace = torch.einsum("NMKK->NM", result_from_ntk_vps);
    expectClose(trace.T, ref.trace.data, 1e-4, 1e-4, "trace by NTK-vector products");
  });
});

describe("Jacobians with torch.func on a small MLP", () => {
  it("jacrev / jacfwd of functional_call with respect to a parameter dict, and per-sample input Jacobians", () => {
    torch.manual_seed(1);
    const mlp = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const x = torch.randn(4, 3);
    expectClose(x, ref.mlp_x.data, 1e-6, 1e-7, "x");
    const params = Object.fromEntries(mlp.named_parameters().map(([k, v]) => [k, v.detach()]));
    const jr = jacrev(functional_call, { argnums: 1 })(mlp, params, [x]) as Record<string, Tensor>;
    const jf = jacfwd(functional_call, { argnums: 1 })(mlp, params, [x]) as Record<string, Tensor>;
    expect(Object.keys(jr)).toEqual(Object.keys(ref.mlp_param_jac));
    for (const [k, v] of Object.entries(ref.mlp_param_jac)) {
      expect(jr[k].shape).toEqual(v.shape);
      expectClose(jr[k], v.data, 1e-5, 1e-6, `jacrev ${k}`);
    }
    expect(Object.keys(jr).every((k) => torch.allclose(jr[k], jf[k], { atol: 1e-6 }))).toBe(ref.mlp_param_jac_fwd_close);
    const perSample = vmap(jacrev((xi: Tensor) => mlp(xi)))(x) as Tensor;
    expectClose(perSample, ref.mlp_input_jac.data, 1e-5, 1e-6, "vmap(jacrev) input Jacobians");
    expect(fromFixture(ref.mlp_input_jac).shape).toEqual(perSample.shape);
  });
});
