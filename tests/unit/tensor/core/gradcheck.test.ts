/** Every differentiable op, gradient-checked in float64 against central finite differences. */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";

beforeAll(() => torch.manual_seed(7));
const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
/** Values kept away from kinks (relu at 0, abs at 0, clamp bounds) so differences are smooth. */
const away = (...s: number[]) => {
  const t = r(...s);
  return t.add(t.sign().mul(0.1)).where(t.abs().gt(0.05), torch.full(s, 0.3, { dtype: torch.float64 }));
};
const pos = (...s: number[]) => r(...s).abs().add(0.5);
const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];

const cases: Case[] = [
  // elementwise unary and activations
  ["neg", (x) => x.neg(), () => [r(3, 4)]],
  ["exp", (x) => x.exp(), () => [r(3, 4)]],
  ["log", (x) => x.log(), () => [pos(3, 4)]],
  ["log1p", (x) => x.log1p(), () => [pos(3, 4)]],
  ["sqrt", (x) => x.sqrt(), () => [pos(3, 4)]],
  ["rsqrt", (x) => x.rsqrt(), () => [pos(3, 4)]],
  ["reciprocal", (x) => x.reciprocal(), () => [pos(3, 4)]],
  ["square", (x) => x.square(), () => [r(3, 4)]],
  ["abs", (x) => x.abs(), () => [away(3, 4)]],
  ["sin/cos", (x) => x.sin().mul(x.cos()), () => [r(3, 4)]],
  ["erf", (x) => x.erf(), () => [r(3, 4).mul(1.5)]],
  ["clamp", (x) => x.clamp(-0.5, 0.7), () => [away(4, 4).mul(0.9)]],
  ["clamp min only", (x) => x.clamp({ min: 0.2 }), () => [away(4, 4)]],
  ["pow scalar", (x) => x.pow(2.5), () => [pos(3, 4)]],
  ["pow tensor", (x, y) => x.pow(y), () => [pos(3, 4), r(4)]],
  ["relu", (x) => x.relu(), () => [away(3, 4)]],
  ["sigmoid", (x) => x.sigmoid(), () => [r(3, 4)]],
  ["tanh", (x) => x.tanh(), () => [r(3, 4)]],
  ["leaky_relu", (x) => torch.leaky_relu(x, 0.2), () => [away(3, 4)]],
  ["elu", (x) => torch.elu(x, 1.3), () => [away(3, 4)]],
  ["selu", (x) => torch.selu(x), () => [away(3, 4)]],
  ["gelu", (x) => torch.gelu(x), () => [r(3, 4).mul(2)]],
  ["gelu tanh", (x) => torch.gelu(x, { approximate: "tanh" }), () => [r(3, 4).mul(2)]],
  ["silu", (x) => torch.silu(x), () => [r(3, 4).mul(2)]],
  ["softplus", (x) => torch.softplus(x, 2, 3), () => [r(3, 4).mul(2)]],
  ["hardtanh", (x) => torch.hardtanh(x, -0.5, 0.5), () => [away(3, 4).mul(0.8)]],
  ["softmax dim 1", (x) => x.softmax(1), () => [r(3, 5)]],
  ["softmax dim 0", (x) => x.softmax(0), () => [r(3, 5)]],
  ["softmax 3d middle", (x) => x.softmax(1), () => [r(2, 3, 4)]],
  ["log_softmax dim -1", (x) => x.log_softmax(-1), () => [r(3, 5)]],
  ["log_softmax 3d", (x) => x.log_softmax(1), () => [r(2, 3, 4)]],
  // broadcasting binary ops
  ["add broadcast", (x, y) => x.add(y), () => [r(3, 4), r(4)]],
  ["add alpha", (x, y) => x.add(y, { alpha: -0.3 }), () => [r(3, 1), r(1, 4)]],
  ["sub broadcast", (x, y) => x.sub(y), () => [r(2, 3, 4), r(3, 1)]],
  ["rsub scalar", (x) => torch.rsub(x, 1), () => [r(3)]],
  ["mul broadcast", (x, y) => x.mul(y), () => [r(3, 4), r(3, 1)]],
  ["mul scalar", (x) => x.mul(2.5).add(1), () => [r(3, 4)]],
  ["div broadcast", (x, y) => x.div(y), () => [r(3, 4), pos(4)]],
  ["scalar div tensor", (x) => torch.div(2, x), () => [pos(3)]],
  ["maximum/minimum", (x, y) => torch.maximum(x, y).add(torch.minimum(x, y.mul(2))), () => [r(3, 4), r(4)]],
  ["remainder", (x) => x.remainder(0.7), () => [torch.tensor([0.3, 1.1, -0.4, 2.2], { dtype: torch.float64 })]],
  // reductions
  ["sum all", (x) => x.sum(), () => [r(3, 4)]],
  ["sum dim keepdim", (x) => x.sum(1, true), () => [r(3, 4)]],
  ["sum dims", (x) => x.sum([0, 2]), () => [r(2, 3, 4)]],
  ["mean", (x) => x.mean(0), () => [r(3, 4)]],
  ["mean options", (x) => x.mean({ dim: [1, 2], keepdim: true }), () => [r(2, 3, 4)]],
  ["prod", (x) => x.prod(1), () => [r(3, 4)]],
  ["prod with a zero", (x) => x.prod(), () => [torch.tensor([0.5, 0, 2, -1.5], { dtype: torch.float64 })]],
  ["max dim", (x) => x.max(1).values, () => [r(3, 5)]],
  ["min dim keepdim", (x) => x.min(0, true).values, () => [r(3, 5)]],
  ["max all", (x) => x.max(), () => [r(3, 5)]],
  ["amax dims", (x) => x.amax([0, 2]), () => [r(2, 3, 4)]],
  ["var", (x) => x.var(1), () => [r(3, 5)]],
  ["var biased all", (x) => x.var({ unbiased: false }), () => [r(3, 5)]],
  ["std", (x) => x.std(0, true, true), () => [r(4, 3)]],
  ["logsumexp", (x) => x.logsumexp(1), () => [r(3, 5)]],
  ["norm", (x) => x.norm(), () => [r(3, 5)]],
  ["norm p1 dim", (x) => x.norm(1, 1), () => [away(3, 5)]],
  ["cumsum", (x) => x.cumsum(1), () => [r(3, 5)]],
  // matmul family
  ["mm", (a, b) => a.mm(b), () => [r(3, 4), r(4, 5)]],
  ["mm transposed operands", (a, b) => a.t().mm(b.t()), () => [r(4, 3), r(5, 4)]],
  ["matmul vec", (a, v) => a.matmul(v), () => [r(3, 4), r(4)]],
  ["matmul vec-mat", (v, a) => v.matmul(a), () => [r(3), r(3, 4)]],
  ["dot", (a, b) => a.dot(b), () => [r(4), r(4)]],
  ["outer", (a, b) => a.outer(b), () => [r(3), r(4)]],
  ["bmm", (a, b) => a.bmm(b), () => [r(2, 3, 4), r(2, 4, 5)]],
  ["matmul batch broadcast", (a, b) => a.matmul(b), () => [r(2, 1, 3, 4), r(3, 4, 2)]],
  ["addmm", (bias, a, b) => torch.addmm(bias, a, b), () => [r(5), r(3, 4), r(4, 5)]],
  ["addmm beta alpha", (bias, a, b) => torch.addmm(bias, a, b, { beta: 0.5, alpha: 2 }), () => [r(3, 1), r(3, 4), r(4, 5)]],
  // views
  ["view/reshape", (x) => x.view(4, 3).reshape(-1, 2).mul(x.reshape(6, 2)), () => [r(3, 4)]],
  ["transpose non-contiguous reshape", (x) => x.transpose(0, 1).reshape(12), () => [r(3, 4)]],
  ["permute", (x) => x.permute(2, 0, 1).contiguous(), () => [r(2, 3, 4)]],
  ["squeeze/unsqueeze", (x) => x.unsqueeze(0).squeeze(2).unsqueeze(-1), () => [r(3, 1, 4)]],
  ["expand", (x) => x.expand(2, 3, 4).mul(torch.arange(24, { dtype: torch.float64 }).reshape(2, 3, 4)), () => [r(3, 1)]],
  ["flatten", (x) => x.flatten(1), () => [r(2, 3, 4)]],
  ["T", (x) => x.T.mul(x.T), () => [r(2, 3)]],
  ["repeat", (x) => x.repeat(2, 3), () => [r(2, 2)]],
  // indexing and joining
  ["select", (x) => x.select(1, 2), () => [r(3, 4)]],
  ["narrow", (x) => x.narrow(0, 1, 2), () => [r(3, 4)]],
  ["index slices", (x) => x.index(":", "1:3", "::2"), () => [r(2, 4, 5)]],
  ["index int and ellipsis", (x) => x.index(-1, "..."), () => [r(2, 4, 5)]],
  ["index long list", (x) => x.index(null, [0, 2, 2]), () => [r(3, 4)]],
  ["index bool mask", (x) => x.index(x.gt(0)), () => [r(3, 4)]],
  ["index_select repeated", (x) => x.index_select(0, long([2, 0, 2])), () => [r(3, 4)]],
  ["gather", (x) => x.gather(1, long([[0, 0], [3, 1], [2, 2]])), () => [r(3, 4)]],
  ["scatter", (x, s) => x.scatter(1, long([[0], [3], [1]]), s), () => [r(3, 4), r(3, 1)]],
  ["scatter_add", (x, s) => x.scatter_add(0, long([[0, 1, 2, 0], [0, 0, 1, 2]]), s), () => [r(3, 4), r(2, 4)]],
  ["masked_select", (x) => x.masked_select(x.gt(0)), () => [r(3, 4)]],
  ["where", (a, b) => torch.where(a.gt(b), a, b.mul(3)), () => [r(3, 4), r(4)]],
  ["where scalar", (a) => torch.where(a.gt(0), a, 0.5), () => [r(3, 4)]],
  ["masked_fill", (x) => x.masked_fill(x.lt(0), 2), () => [r(3, 4)]],
  ["cat", (a, b) => torch.cat([a, b, a], 1), () => [r(2, 3), r(2, 2)]],
  ["stack", (a, b) => torch.stack([a, b], 2), () => [r(2, 3), r(2, 3)]],
  ["split/chunk/unbind", (x) => torch.cat([...x.split(2, 1), ...x.chunk(2, 1), ...x.unbind(1).map((t) => t.unsqueeze(1))], 1), () => [r(4, 4)]],
  ["clone/contiguous/to", (x) => x.clone().t().contiguous().to(torch.float64).double(), () => [r(3, 4)]],
  // compositions that reuse a tensor (gradient accumulation across branches)
  ["shared input", (x) => x.mul(x).add(x.exp()).sum(0), () => [r(3, 4)]],
];

describe("gradcheck (float64 finite differences)", () => {
  for (const [name, fn, make] of cases) {
    it(name, () => {
      expect(gradcheck(fn, make())).toBe(true);
    });
  }
  it("float32 round trip passes gradients through (loose tolerance)", () => {
    expect(gradcheck((x) => x.to(torch.float32).mul(3).to(torch.float64), [r(3, 4)], { eps: 1e-3, atol: 1e-3, rtol: 1e-2 })).toBe(true);
  });
  it("detects a wrong gradient (the checker itself works)", () => {
    const broken = (x: Tensor) => {
      const y = x.mul(2);
      if (y.requires_grad) y.register_hook((g) => g.mul(3));
      return y;
    };
    expect(() => gradcheck(broken, [r(3)])).toThrow(/gradient of input 0 \(shape \[3\]\) is wrong/);
  });
});
