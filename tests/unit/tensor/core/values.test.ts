/** Forward values and backward gradients against PyTorch 1.13 (scripts/fixtures/core_fixtures.py). */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { NestedArray } from "../../../../lib/tensor/core";
import { expectClose, loadFixture } from "./fixtures";

interface Case {
  args: string[];
  shape: number[];
  out: NestedArray;
  grad_fn: string;
  grads: (NestedArray | null)[];
}
const fx = loadFixture<{ inputs: Record<string, NestedArray>; cases: Record<string, Case> }>("values.json");

const long = (v: number[][] | number[]) => torch.tensor(v, { dtype: torch.long });

/** The TS twin of every Python case, by name. */
const OPS: Record<string, (...xs: Tensor[]) => Tensor> = {
  relu: (x) => torch.relu(x),
  sigmoid: (x) => torch.sigmoid(x),
  tanh: (x) => torch.tanh(x),
  leaky_relu: (x) => torch.leaky_relu(x, 0.2),
  elu: (x) => torch.elu(x, 1.5),
  selu: (x) => torch.selu(x),
  gelu: (x) => torch.gelu(x),
  gelu_tanh: (x) => torch.gelu(x, { approximate: "tanh" }),
  silu: (x) => torch.silu(x),
  softplus: (x) => torch.softplus(x, 2, 3),
  hardtanh: (x) => torch.hardtanh(x, -0.7, 0.9),
  exp: (x) => x.exp(),
  log: (x) => x.abs().add(0.1).log(),
  sqrt: (x) => x.abs().add(0.1).sqrt(),
  abs: (x) => x.abs(),
  neg: (x) => x.neg(),
  erf: (x) => x.erf(),
  clamp: (x) => x.clamp(-0.5, 0.5),
  pow_scalar: (x) => x.abs().pow(1.5),
  square: (x) => x.pow(2),
  softmax1: (x) => x.softmax(1),
  softmax0: (x) => torch.softmax(x, { dim: 0 }),
  log_softmax1: (x) => x.log_softmax(1),
  log_softmax0: (x) => x.log_softmax(0),
  sum_all: (x) => x.sum(),
  sum1: (x) => x.sum(1),
  sum0_keep: (x) => x.sum(0, true),
  sum_dims: (x) => x.sum([0, 2]),
  mean_all: (x) => x.mean(),
  mean1: (x) => x.mean(1),
  var1: (x) => x.var(1),
  var_all_biased: (x) => x.var({ unbiased: false }),
  std0: (x) => x.std(0),
  logsumexp1: (x) => x.logsumexp(1),
  max1: (x) => x.max(1).values,
  max_all: (x) => x.max(),
  min0: (x) => x.min(0).values,
  amax_dims: (x) => x.amax([0, 2]),
  norm: (x) => x.norm(),
  prod1: (x) => x.prod(1),
  cumsum1: (x) => x.cumsum(1),
  add: (x, y) => x.add(y),
  add_row_alpha: (x, r) => torch.add(x, r, { alpha: -2.5 }),
  sub_col: (x, c) => x.sub(c),
  mul_outer: (c, r) => c.mul(r),
  div: (x, y) => x.div(y.abs().add(0.5)),
  pow_tensor: (x, y) => x.abs().add(0.5).pow(y.mul(0.5)),
  maximum: (x, y) => torch.maximum(x, y),
  minimum: (x, y) => torch.minimum(x, y),
  where: (x, y) => torch.where(x.gt(y), x, y.mul(2)),
  masked_fill: (x) => x.masked_fill(x.lt(0), -1.5),
  mm: (x, m) => x.matmul(m),
  addmm: (b, x, m) => torch.addmm(b, x, m),
  linear_t: (x, y) => x.matmul(y.t()),
  bmm: (a, b) => torch.bmm(a, b),
  matmul_bcast: (a, m) => a.matmul(m),
  matvec: (x, r) => x.matmul(r),
  cat: (x, y) => torch.cat([x, y.mul(2)], 1),
  stack: (x, y) => torch.stack([x, y], 1),
  index_select: (x) => x.index_select(1, long([3, 0, 3])),
  gather: (x) => x.gather(1, long([[0, 1], [3, 3], [2, 0]])),
  slice: (x) => x.index(null, "1:", "::2"),
  transpose_reshape: (x) => x.transpose(0, 2).reshape(4, 6),
  expand: (c) => c.expand(3, 4).mul(1.0),
};

describe("ops match PyTorch values and gradients", () => {
  it("covers every fixture case", () => {
    expect(Object.keys(OPS).sort()).toEqual(Object.keys(fx.cases).sort());
  });
  for (const [name, c] of Object.entries(fx.cases)) {
    it(name, () => {
      const ins = c.args.map((a) => torch.tensor(fx.inputs[a], { requires_grad: true }));
      const out = OPS[name](...ins);
      expect(out.shape).toEqual(c.shape);
      expectClose(out, c.out, 1e-5, 1e-5, `${name} forward`);
      const w = out.dim() > 0 ? torch.linspace(-1, 1, out.numel()).reshape(out.shape.slice()) : torch.tensor(1);
      out.mul(w).sum().backward();
      c.grads.forEach((g, i) => {
        if (g === null) expect(ins[i].grad).toBeNull();
        else expectClose(ins[i].grad!, g, 1e-4, 1e-5, `${name} grad ${i}`);
      });
    });
  }
  it("names grad_fn like PyTorch for the main ops", () => {
    const same = ["relu", "sigmoid", "tanh", "addmm", "mm", "sum_all", "sum1", "mean1", "softmax1", "log_softmax1", "add", "mul_outer", "div", "exp", "cat", "gather", "index_select", "max1", "where", "bmm", "leaky_relu", "elu", "gelu", "silu", "softplus", "hardtanh", "clamp", "logsumexp1", "std0", "pow_scalar", "pow_tensor", "maximum", "minimum", "prod1", "cumsum1", "abs", "log", "sqrt", "neg", "erf", "stack", "mean_all"];
    for (const name of same) {
      const c = fx.cases[name];
      const ins = c.args.map((a) => torch.tensor(fx.inputs[a], { requires_grad: true }));
      expect(OPS[name](...ins).grad_fn?.name(), name).toBe(c.grad_fn);
    }
  });
});
