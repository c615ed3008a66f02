/** nn.functional and nn beyond the core: normalizations: normalize, group_norm, instance_norm, local_response_norm and their modules vs PyTorch 1.13. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface KwCase {
  fn: string;
  input: FT;
  tensors: Record<string, FT>;
  other: Record<string, unknown>;
  output: FT;
  weight: FT;
  grads: Record<string, FT>;
}
const fx = fixture<{
  cases: A3Case[];
  kwcases: KwCase[];
  running: { x: FT; w: FT; b: FT; y1: FT; y2: FT; stats: { mean: FT; var: FT }; eval: FT };
  reprs: Record<string, string>;
  state_dict_keys: Record<string, string[]>;
}>("nn/functional_norm.json");
const fns = F as unknown as Record<string, (...a: unknown[]) => Tensor>;
const tol = { rtol: 1e-10, atol: 1e-12 };

describe("normalize and local_response_norm vs PyTorch 1.13", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c));
});

describe("group_norm and instance_norm vs PyTorch 1.13", () => {
  it.each(fx.kwcases.map((c) => [`${c.fn} ${Object.keys(c.tensors).join(",")} ${JSON.stringify(c.other)}`, c] as const))("%s", (_, c) => {
    const x = tensorOf(c.input, torch.float64, true);
    const ts = Object.fromEntries(Object.entries(c.tensors).map(([k, v]) => [k, tensorOf(v, torch.float64, true)]));
    const y = fns[c.fn](x, { ...ts, ...c.other });
    expectClose(y, c.output, { ...tol, label: "value" });
    y.mul(tensorOf(c.weight)).sum().backward();
    expectClose(x.grad!, c.grads.input, { rtol: 1e-9, atol: 1e-11, label: "grad input" });
    for (const k of Object.keys(ts)) expectClose(ts[k].grad!, c.grads[k], { rtol: 1e-9, atol: 1e-11, label: `grad ${k}` });
  });

  it("group_norm positional form: (input, num_groups, weight, bias, eps)", () => {
    const c = fx.kwcases[0];
    const y = F.group_norm(tensorOf(c.input), 3, tensorOf(c.tensors.weight), tensorOf(c.tensors.bias));
    expectClose(y, c.output, tol);
  });

  it("InstanceNorm1d tracks running statistics in training and uses them in eval", () => {
    const r = fx.running;
    const m = new nn.InstanceNorm1d(6, { momentum: 0.3, affine: true, track_running_stats: true, dtype: torch.float64 });
    m.weight!.data.copy_(tensorOf(r.w));
    m.bias!.data.copy_(tensorOf(r.b));
    const x = tensorOf(r.x);
    expectClose(m(x) as Tensor, r.y1, tol);
    expectClose(m(x.mul(0.5).add(2)) as Tensor, r.y2, tol);
    expectClose(m.running_mean!, r.stats.mean, tol);
    expectClose(m.running_var!, r.stats.var, tol);
    m.eval();
    expectClose(m(x) as Tensor, r.eval, tol);
  });
});

describe("normalization: finite-difference gradchecks", () => {
  const x = () => torch.randn(2, 6, 4, { dtype: torch.float64 });
  const v = () => torch.randn(6, { dtype: torch.float64 });
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["normalize", () => [x()], (a) => F.normalize(a, 2, 1)],
    ["normalize p=1 dim=-1", () => [x()], (a) => F.normalize(a, { p: 1, dim: -1 })],
    ["group_norm", () => [x(), v(), v()], (a, w, b) => F.group_norm(a, 2, w, b)],
    ["instance_norm", () => [x(), v(), v()], (a, w, b) => F.instance_norm(a, { weight: w, bias: b })],
    ["local_response_norm", () => [x()], (a) => F.local_response_norm(a, 3, 0.5, 0.75, 1)],
  ];
  it.each(cases)("%s", (_, inputs, fn) => {
    torch.manual_seed(12);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe("normalization modules", () => {
  const make: Record<string, () => nn.Module> = {
    GroupNorm: () => new nn.GroupNorm(2, 4), "GroupNorm eps": () => new nn.GroupNorm(3, 6, 0.001, false), InstanceNorm1d: () => new nn.InstanceNorm1d(3),
    InstanceNorm2d: () => new nn.InstanceNorm2d(3, { affine: true, track_running_stats: true }), InstanceNorm3d: () => new nn.InstanceNorm3d(4, 1e-3, 0.2),
    LocalResponseNorm: () => new nn.LocalResponseNorm(2), "LocalResponseNorm 3": () => new nn.LocalResponseNorm(3, 0.001, 0.5, 2.5),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("state_dict keys match PyTorch's", () => {
    expect(Object.keys(new nn.GroupNorm(2, 4).state_dict())).toEqual(fx.state_dict_keys.GroupNorm);
    expect(Object.keys(new nn.InstanceNorm2d(3, { affine: true, track_running_stats: true }).state_dict())).toEqual(fx.state_dict_keys.InstanceNorm2d);
  });

  it("GroupNorm, InstanceNorm2d (unbatched too) and LocalResponseNorm compute their functional forms", () => {
    const x = torch.randn(2, 4, 3, 3, { dtype: torch.float64 });
    expectClose(new nn.GroupNorm(2, 4, { dtype: torch.float64 })(x) as Tensor, F.group_norm(x, 2), tol);
    expectClose(new nn.InstanceNorm2d(4)(x) as Tensor, F.instance_norm(x), tol);
    expectClose(new nn.InstanceNorm2d(4)(x.select(0, 1)) as Tensor, F.instance_norm(x).select(0, 1), tol);
    expectClose(new nn.LocalResponseNorm(2)(x) as Tensor, F.local_response_norm(x, 2), tol);
  });

  it("bad input raises PyTorch's errors", () => {
    expect(() => F.group_norm(torch.zeros(2, 6, 4), 4)).toThrow(/Expected number of channels in input to be divisible by num_groups, but got input of shape \[2, 6, 4\] and num_groups=4/);
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/num_channels must be divisible by num_groups/);
    expect(() => F.local_response_norm(torch.zeros(2, 3), 2)).toThrow(/Expected 3D or higher dimensionality/);
    expect(() => F.instance_norm(torch.zeros(2, 3))).toThrow(/Expected more than 1 spatial element when training, got input size torch.Size\(\[2, 3\]\)/);
    expect(() => new nn.InstanceNorm2d(3)(torch.zeros(1, 2, 3, 4, 5))).toThrow(/expected 3D or 4D input \(got 5D input\)/);
  });
});
