/**
 * "Parametrizations Tutorial", the parts nn/parametrize.test.ts does not translate: CayleyMap
 * (a registered Id buffer and torch.linalg.solve) chained after Skew for an orthogonal weight,
 * Skew + MatrixExponential (orthogonal) and Symmetric + MatrixExponential (symmetric positive
 * definite), parametrize.cached(), initialising through right_inverse (Skew; the chained
 * Skew -> CayleyMap with its right_inverse and an orthogonal_ sample of positive determinant),
 * a NoisyParametrization whose right_inverse is not an inverse, and remove_parametrizations.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { MatrixExponential, Skew, Symmetric } from "../nn/parametrizations_tutorial";

const parametrize = nn.utils.parametrize;
const eye3 = () => torch.eye(3);
const weightOf = (m: nn.Module): Tensor => (m as unknown as { weight: Tensor }).weight;
const setWeight = (m: nn.Module, X: Tensor): void => {
  (m as unknown as { weight: Tensor }).weight = X;
};

class CayleyMap extends nn.Module {
  declare Id: Tensor;
  constructor(n: number) {
    super();
    this.register_buffer("Id", torch.eye(n));
  }
  forward(X: Tensor): Tensor {
    // (I + X)(I - X)^{-1}
    return torch.linalg.solve(this.Id.add(X), this.Id.sub(X));
  }
  right_inverse(A: Tensor): Tensor {
    return torch.linalg.solve(A.add(this.Id), this.Id.sub(A));
  }
}

describe("Parametrizations Tutorial (CayleyMap, chains, cached, initialisation, removal)", () => {
  it("Skew + CayleyMap and Skew + MatrixExponential give orthogonal weights; Symmetric + MatrixExponential an SPD one", () => {
    torch.manual_seed(0);
    const layer = new nn.Linear(3, 3);
    parametrize.register_parametrization(layer, "weight", new Skew());
    parametrize.register_parametrization(layer, "weight", new CayleyMap(3));
    let X = weightOf(layer);
    expect(torch.dist(X.T.matmul(X), eye3()).item()).toBeLessThan(1e-5); // X is orthogonal
    expect(Object.keys(layer.state_dict())).toEqual(["bias", "parametrizations.weight.original", "parametrizations.weight.1.Id"]);

    const layer_orthogonal = new nn.Linear(3, 3);
    parametrize.register_parametrization(layer_orthogonal, "weight", new Skew());
    parametrize.register_parametrization(layer_orthogonal, "weight", new MatrixExponential());
    X = weightOf(layer_orthogonal);
    expect(torch.dist(X.T.matmul(X), eye3()).item()).toBeLessThan(1e-5);

    const layer_spd = new nn.Linear(3, 3);
    parametrize.register_parametrization(layer_spd, "weight", new Symmetric());
    parametrize.register_parametrization(layer_spd, "weight", new MatrixExponential());
    X = weightOf(layer_spd);
    expect(torch.dist(X, X.T).item()).toBeLessThan(1e-6); // X is symmetric
    // X is positive definite (item() of a bool tensor is 1 / 0 here: Tensor.item() is typed number)
    expect(torch.linalg.eigh(X).eigenvalues.gt(0).all().item()).toBe(true);

    // gradients reach the unconstrained original through the chain
    layer(torch.randn(4, 3)).sum().backward();
    const original = (layer as unknown as { parametrizations: { weight: { original: Tensor } } }).parametrizations.weight.original;
    expect(original.grad).not.toBeNull();
    expect(original.grad!.abs().sum().item()).toBeGreaterThan(0);
  });

  it("cached(): the parametrized weight is computed once inside and on every access outside", () => {
    torch.manual_seed(0);
    let calls = 0;
    class Counting extends Skew {
      forward(X: Tensor): Tensor {
        calls++;
        return super.forward(X);
      }
    }
    const layer = new nn.Linear(3, 3);
    parametrize.register_parametrization(layer, "weight", new Counting());
    calls = 0;
    parametrize.cached(() => {
      const foo = weightOf(layer);
      const bar = weightOf(layer);
      expect(foo).toBe(bar);
    });
    expect(calls).toBe(1);
    weightOf(layer);
    weightOf(layer);
    expect(calls).toBe(3);
  });

  it("initialising through right_inverse: Skew, then the Skew -> CayleyMap chain with an orthogonal sample", () => {
    torch.manual_seed(0);
    const layer = new nn.Linear(3, 3);
    parametrize.register_parametrization(layer, "weight", new Skew());
    let X = torch.rand(3, 3);
    X = X.sub(X.T); // X is now skew-symmetric
    setWeight(layer, X); // Initialize layer.weight to be X
    expect(torch.dist(weightOf(layer), X).item()).toBeLessThan(1e-7); // layer.weight == X

    const layer_orthogonal = new nn.Linear(3, 3);
    parametrize.register_parametrization(layer_orthogonal, "weight", new Skew());
    parametrize.register_parametrization(layer_orthogonal, "weight", new CayleyMap(3));
    // Sample an orthogonal matrix with positive determinant
    const Y = torch.empty_like(weightOf(layer_orthogonal));
    nn.init.orthogonal_(Y);
    if ((Y.det().item() as number) < 0) Y.index(0).neg_();
    expect(Y.det().item()).toBeGreaterThan(0);
    setWeight(layer_orthogonal, Y);
    expect(torch.dist(weightOf(layer_orthogonal), Y).item()).toBeLessThan(1e-5); // layer_orthogonal.weight == X
  });

  it("a right_inverse that is not an inverse (NoisyParametrization), and removing parametrizations", () => {
    torch.manual_seed(0);
    class NoisyParametrization extends nn.Module {
      forward(X: Tensor): Tensor {
        return X;
      }
      right_inverse(A: Tensor): Tensor {
        return A.add(torch.rand_like(A));
      }
    }
    const layer = new nn.Linear(3, 3);
    const before = layer.weight.detach().clone();
    parametrize.register_parametrization(layer, "weight", new NoisyParametrization());
    // right_inverse ran at registration: the stored original (= the weight seen) moved off the initial weight
    const moved = torch.dist(weightOf(layer), before).item() as number;
    expect(moved).toBeGreaterThan(0.1);

    const skewed = new nn.Linear(3, 3);
    parametrize.register_parametrization(skewed, "weight", new Skew());
    const seen = weightOf(skewed).detach().clone();
    parametrize.remove_parametrizations(skewed, "weight");
    expect(parametrize.is_parametrized(skewed)).toBe(false);
    expect(skewed.weight).toBeInstanceOf(nn.Parameter);
    expect(skewed.weight.equal(seen)).toBe(true); // leave_parametrized=True keeps the skew-symmetric value

    const kept = new nn.Linear(3, 3);
    const orig = kept.weight.detach().clone();
    parametrize.register_parametrization(kept, "weight", new Skew());
    parametrize.remove_parametrizations(kept, "weight", { leave_parametrized: false });
    expect(kept.weight.equal(orig.triu(1))).toBe(true); // the original: right_inverse's upper triangle
  });
});
