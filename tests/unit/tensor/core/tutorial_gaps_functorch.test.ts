/**
 * functorch (lib/tensor/functorch): vmap's in_dims / out_dims over pytrees, nesting and randomness
 * modes, the autodiff transforms' argnums / has_aux / composition, and PyTorch 1.13 functorch's
 * messages for bad calls (each checked against the same call under torch 1.13). Gradients through
 * the transforms are checked against finite differences in float64.
 */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { functorch, torch, type Tensor } from "../../../../lib/tensor/index";

const { vmap, grad, grad_and_value, jacrev, hessian, vjp, jvp } = functorch;
const x = torch.arange(6).reshape(2, 3).float();

describe("functorch.vmap", () => {
  it("maps over in_dims, stacks along out_dims, takes pytrees (tuples, dicts) and nests", () => {
    expect((vmap((r: Tensor) => r.sum())(x) as Tensor).tolist()).toEqual([3, 12]);
    expect((vmap((c: Tensor) => c.sum(0), { in_dims: 1, out_dims: 0 })(x) as Tensor).tolist()).toEqual([3, 5, 7]);
    expect((vmap((a: Tensor) => a, { out_dims: 1 })(x) as Tensor).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    const [p, q] = vmap((r: Tensor) => [r, r.mul(2)], { out_dims: [0, 1] })(x) as Tensor[];
    expect(p.shape).toEqual([2, 3]);
    expect(q.shape).toEqual([3, 2]);
    const d = vmap((dict: { a: Tensor; b: Tensor }) => dict.a.mul(dict.b), { in_dims: [{ a: 0, b: null }] })({ a: x, b: torch.tensor(2.0) }) as Tensor;
    expect(d.tolist()).toEqual([[0, 2, 4], [6, 8, 10]]);
    const outer = vmap(vmap((a: Tensor, b: Tensor) => a.mul(b)), { in_dims: [0, null] })(x, torch.ones(3)) as Tensor;
    expect(outer.equal(x)).toBe(true);
    // a batched matrix-vector product written per sample
    const mats = torch.randn(4, 2, 3);
    const vecs = torch.randn(4, 3);
    expect((vmap(torch.mv)(mats, vecs) as Tensor).allclose(torch.bmm(mats, vecs.unsqueeze(2)).squeeze(2), { atol: 1e-6 })).toBe(true);
    // negative in_dims count from the end
    expect((vmap((c: Tensor) => c.max(), { in_dims: -1 })(x) as Tensor).tolist()).toEqual([3, 4, 5]);
  });

  it("randomness: 'error' raises on a draw, 'same' repeats the draws, 'different' draws anew", () => {
    const noisy = (r: Tensor) => r.add(torch.rand(3));
    expect(() => vmap(noisy)(x)).toThrow(
      "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap",
    );
    const same = vmap(noisy, { randomness: "same" })(x) as Tensor;
    const noise = same.sub(x);
    expect(noise.index(0).allclose(noise.index(1), { atol: 1e-6 })).toBe(true);
    torch.manual_seed(3);
    const diff = (vmap(noisy, { randomness: "different" })(x) as Tensor).sub(x);
    torch.manual_seed(3);
    const drawn = torch.rand(2, 3);
    expect(diff.allclose(drawn, { atol: 1e-6 })).toBe(true);
    expect(() => vmap(noisy, { randomness: "sometimes" as never })).toThrow("Only allowed values for randomness are 'error', 'different', or 'same'. Got sometimes");
  });

  it("raises functorch's errors for mismatched sizes, non-tensor inputs, bad dims and non-tensor outputs", () => {
    expect(() => vmap(torch.add)(torch.ones(2, 3), torch.ones(3, 3))).toThrow("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [2, 3] for the mapped dimension");
    expect(() => vmap((v: number) => torch.tensor(v))(1.5)).toThrow(
      "vmap(<lambda>, in_dims=0, ...)(<inputs>): Got in_dim=0 for an input but the input is of type <class 'float'>. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim",
    );
    expect(() => vmap((t: Tensor) => t.sin(), { in_dims: 2 })(x)).toThrow(
      "Got in_dim=2 for some input, but that input is a Tensor of dimensionality 2 so expected in_dim to satisfy -2 <= in_dim < 2.",
    );
    expect(() => vmap((a: Tensor) => a, { out_dims: 2 })(x)).toThrow("Dimension out of range (expected to be in range of [-2, 1], but got 2)");
    expect(() => vmap((a: Tensor, b: Tensor) => a.add(b), { in_dims: [0, 0, 0] })(x, x)).toThrow(/in_dims is not compatible with the structure of `inputs`/);
    expect(() => vmap((a: Tensor) => a.sum(), { in_dims: null })(x)).toThrow(
      "vmap(<lambda>, in_dims=None, ...)(<inputs>): expected `in_dims` to be int or a (potentially nested) tuple matching the structure of inputs, got: <class 'NoneType'>.",
    );
    expect(() => vmap(() => 3.0)(x)).toThrow("vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type <class 'float'> as a return.");
    expect(() => vmap(x.sum.bind(x), { bogus: 1 } as never)).toThrow("vmap() got an unexpected keyword argument 'bogus'");
  });

  it("gradients flow through vmap (float64 gradcheck of a per-row function)", () => {
    const f = (a: Tensor, w: Tensor) => vmap((row: Tensor) => row.mul(w).sin().sum(), { in_dims: [0] })(a) as Tensor;
    const a = torch.randn([3, 4], { dtype: torch.float64, requires_grad: true });
    const w = torch.randn([4], { dtype: torch.float64, requires_grad: true });
    expect(gradcheck(f, [a, w])).toBe(true);
  });
});

describe("functorch.grad and the Jacobian transforms", () => {
  it("grad: argnums (int or tuple), has_aux, grad_and_value, composition, and differentiating under no_grad", () => {
    const g = grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])) as Tensor[];
    expect(g.map((t) => t.tolist())).toEqual([[3, 4], [1, 2]]);
    const [ga, aux] = grad((t: Tensor) => [t.sin().sum(), t.cos()], { has_aux: true })(torch.tensor([0.0, 1.0])) as Tensor[];
    expect(ga.allclose(torch.tensor([1.0, Math.cos(1)]))).toBe(true);
    expect(aux.allclose(ga)).toBe(true);
    const [gv, value] = grad_and_value((t: Tensor) => t.pow(2).sum())(torch.tensor([1.0, 2.0])) as Tensor[];
    expect(gv.tolist()).toEqual([2, 4]);
    expect(value.item()).toBe(5);
    expect((grad(grad((t: Tensor) => t.pow(3)))(torch.tensor(2.0)) as Tensor).item()).toBe(12);
    expect((torch.no_grad(() => grad((t: Tensor) => t.pow(2).sum())(torch.tensor([1.0, 2.0]))) as Tensor).tolist()).toEqual([2, 4]);
    // The result is in the caller's graph only when it depends on something that requires grad (as functorch).
    const cube = grad((t: Tensor) => t.pow(3).sum());
    expect((cube(torch.ones(2)) as Tensor).requires_grad).toBe(false);
    const leaf = torch.ones(2, { requires_grad: true });
    const attached = cube(leaf) as Tensor;
    expect(attached.requires_grad).toBe(true);
    attached.sum().backward();
    expect(leaf.grad!.tolist()).toEqual([6, 6]); // d/dx 3x^2
    const w = torch.tensor(2.0, { requires_grad: true });
    expect((grad((t: Tensor) => t.mul(w).sum())(torch.ones(2)) as Tensor).requires_grad).toBe(true); // closes over w
    expect((torch.no_grad(() => cube(leaf)) as Tensor).requires_grad).toBe(false);
    // dicts of parameters, as with functional_call
    const gd = grad((p: { w: Tensor; b: Tensor }) => p.w.mul(3).add(p.b).sum())({ w: torch.ones(2), b: torch.zeros(1) }) as Record<string, Tensor>;
    expect(gd.w.tolist()).toEqual([3, 3]);
    expect(gd.b.tolist()).toEqual([2]);
    // an input the function ignores gets zeros
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    expect((grad((a: Tensor, _b: Tensor) => a.sum(), { argnums: 1 })(torch.ones(2), torch.ones(3)) as Tensor).tolist()).toEqual([0, 0, 0]);
  });

  it("raises functorch's errors: non-scalar output, argnum out of range, integer input", () => {
    expect(() => grad((t: Tensor) => t.mul(2))(torch.ones(2))).toThrow(
      "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?",
    );
    expect(() => grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: 2 })(torch.ones(2), torch.ones(2))).toThrow("Got argnum=2, but only 2 positional inputs");
    expect(() => grad((t: Tensor) => t.sum())(torch.tensor([1, 2], { dtype: torch.long }))).toThrow("only Tensors of floating point dtype can require gradients");
  });

  it("vjp returns a vjp_fn, jvp the directional derivative, jacrev / hessian the full matrices (float64 second-order check)", () => {
    const t = torch.tensor([0.5, -1.0, 2.0], { dtype: torch.float64 });
    const [out, vjp_fn] = vjp((a: Tensor) => a.exp(), t) as [Tensor, (v: Tensor) => Tensor[]];
    expect(out.allclose(t.exp())).toBe(true);
    expect(vjp_fn(torch.ones(3, { dtype: torch.float64 }))[0].allclose(t.exp())).toBe(true);
    const [o2, tangent_out] = jvp((a: Tensor) => a.pow(2), [t], [torch.ones(3, { dtype: torch.float64 })]) as Tensor[];
    expect(o2.allclose(t.pow(2))).toBe(true);
    expect(tangent_out.allclose(t.mul(2))).toBe(true);
    expect((jacrev((a: Tensor) => a.sin())(t) as Tensor).allclose(torch.diag(t.cos()))).toBe(true);
    expect((hessian((a: Tensor) => a.pow(3).sum())(t) as Tensor).allclose(torch.diag(t.mul(6)))).toBe(true);
    // d/dw of sum(grad_x f(x, w)) through create_graph, against finite differences
    const f = (w: Tensor) => (grad((xx: Tensor) => xx.mul(w).tanh().sum())(t) as Tensor).mul(torch.arange(1, 4, { dtype: torch.float64 })).sum();
    expect(gradcheck(f, [torch.randn([3], { dtype: torch.float64, requires_grad: true })])).toBe(true);
  });
});

describe("torch.func", () => {
  it("carries the same transforms with functional_call (PyTorch 2.0's name)", () => {
    expect(torch.func.vmap).toBe(vmap);
    expect(torch.func.grad).toBe(grad);
    const lin = new torch.nn.Linear(2, 1);
    const params = Object.fromEntries(lin.named_parameters().map(([n, p]) => [n, p.detach()]));
    const g = torch.func.grad((p: Record<string, Tensor>, xx: Tensor) => (torch.func.functional_call(lin, p, [xx]) as Tensor).sum())(params, torch.tensor([[1.0, 2.0]])) as Record<string, Tensor>;
    expect(g.weight.tolist()).toEqual([[1, 2]]);
    expect(g.bias.tolist()).toEqual([1]);
  });
});
