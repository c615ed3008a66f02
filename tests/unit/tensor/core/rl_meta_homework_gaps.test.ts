/**
 * Gaps found by the rl_meta_homework probe (CS285 homework policies, MAML from scratch), each checked against
 * torch 1.13's behaviour (values from tests/fixtures/torch/tutorials/rl_meta_homework.json or torch-run constants).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, any>>("rl_meta_homework.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const D = torch.distributions;

describe("rl_meta_homework gaps", () => {
  it("MultivariateNormal's 1-D scale_tril error reads 'scale_tril matrix must be ...' (covariance / precision without 'matrix')", () => {
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), { scale_tril: torch.ones(2) }))).toEqual(ref.policy_errors.mvn_1d_scale);
    // torch 1.13's texts for the other two arguments
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), { covariance_matrix: torch.ones(2) }))).toEqual(
      ["ValueError", "covariance_matrix must be at least two-dimensional, with optional leading batch dimensions"]);
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), { precision_matrix: torch.ones(2) }))).toEqual(
      ["ValueError", "precision_matrix must be at least two-dimensional, with optional leading batch dimensions"]);
  });

  it("F.conv2d with an unknown padding string: torch's functional RuntimeError (the module keeps its ValueError)", () => {
    const x = torch.randn(1, 1, 5, 5), w = torch.randn(2, 1, 3, 3);
    expect(raised(() => F.conv2d(x, w, { padding: "full" as "same" }))).toEqual(ref.maml_errors.conv_bad_padding_string);
    expect(raised(() => F.conv1d(torch.randn(1, 1, 5), torch.randn(2, 1, 3), { padding: "SAME" as "same" }))).toEqual(["RuntimeError", "Invalid padding string: 'SAME'"]);
    expect(raised(() => F.conv2d(x, w, { padding: "same", stride: 2 }))).toEqual(ref.maml_errors.conv_same_stride2);
    expect(raised(() => new nn.Conv2d(1, 2, 3, { padding: "full" as "same" }))).toEqual(["ValueError", "Invalid padding string 'full', should be one of {'valid', 'same'}"]);
  });

  it("F.conv_transpose{1,2,3}d: a string, float or None in an int[] argument is torch's TypeError", () => {
    // torch 1.13: F.conv_transpose2d(x, w, padding='same') etc.
    const x2 = torch.randn(1, 1, 5, 5), w2 = torch.randn(1, 2, 3, 3);
    const t2 = (o: object) => raised(() => F.conv_transpose2d(x2, w2, o as { padding?: number }));
    expect(t2({ padding: "same" })).toEqual(["TypeError", "conv_transpose2d(): argument 'padding' must be tuple of ints, not str"]);
    expect(t2({ padding: 1.5 })).toEqual(["TypeError", "conv_transpose2d(): argument 'padding' must be tuple of ints, not float"]);
    expect(t2({ padding: null })).toEqual(["TypeError", "conv_transpose2d(): argument 'padding' must be tuple of ints, not NoneType"]);
    expect(t2({ padding: [1.5, 1] })).toEqual(["TypeError", "conv_transpose2d(): argument 'padding' must be tuple of ints, not list"]);
    expect(t2({ stride: "a" })).toEqual(["TypeError", "conv_transpose2d(): argument 'stride' must be tuple of ints, not str"]);
    expect(t2({ dilation: 1.5 })).toEqual(["TypeError", "conv_transpose2d(): argument 'dilation' must be tuple of ints, not float"]);
    expect(raised(() => F.conv_transpose1d(torch.randn(1, 1, 5), torch.randn(1, 2, 3), { padding: "valid" as unknown as number })))
      .toEqual(["TypeError", "conv_transpose1d(): argument 'padding' must be tuple of ints, not str"]);
    expect(raised(() => F.conv_transpose3d(torch.randn(1, 1, 3, 3, 3), torch.randn(1, 2, 3, 3, 3), { padding: 1.5 })))
      .toEqual(["TypeError", "conv_transpose3d(): argument 'padding' must be tuple of ints, not float"]);
    // defaults and ints still work
    expect(F.conv_transpose2d(x2, w2, { padding: 1, stride: [2, 2] }).shape).toEqual([1, 2, 9, 9]);
  });

  it("F.conv1d/2d/3d with a float, None or string where torch wants ints: the argument parser's invalid combination", () => {
    const sigs = ", but expected one of:\n * (Tensor input, Tensor weight, Tensor bias, tuple of ints stride, tuple of ints padding, tuple of ints dilation, int groups)\n" +
      " * (Tensor input, Tensor weight, Tensor bias, tuple of ints stride, str padding, tuple of ints dilation, int groups)\n";
    const x = torch.randn(1, 1, 5, 5), w = torch.randn(2, 1, 3, 3);
    const bad = (fn: string, got: string) => ["TypeError", `${fn}() received an invalid combination of arguments - got (${got})${sigs}`];
    expect(raised(() => F.conv2d(x, w, { padding: 1.5 as unknown as number }))).toEqual(bad("conv2d", "Tensor, Tensor, padding=float"));
    expect(raised(() => F.conv2d(x, w, null, 1, 1.5))).toEqual(bad("conv2d", "Tensor, Tensor, NoneType, int, float"));
    expect(raised(() => F.conv2d(x, w, { padding: null as unknown as number }))).toEqual(bad("conv2d", "Tensor, Tensor, padding=NoneType"));
    expect(raised(() => F.conv2d(x, w, { groups: 1.5 }))).toEqual(bad("conv2d", "Tensor, Tensor, groups=float"));
    expect(raised(() => F.conv2d(x, w, { stride: "a" as unknown as number }))).toEqual(bad("conv2d", "Tensor, Tensor, stride=str"));
    expect(raised(() => F.conv1d(torch.randn(1, 1, 5), torch.randn(2, 1, 3), null, "a" as unknown as number))).toEqual(bad("conv1d", "Tensor, Tensor, NoneType, str"));
    expect(raised(() => F.conv1d(torch.randn(1, 1, 5), torch.randn(2, 1, 3), { dilation: [1.5] }))).toEqual(bad("conv1d", "Tensor, Tensor, dilation=list"));
    expect(raised(() => F.conv3d(torch.randn(1, 1, 3, 3, 3), torch.randn(1, 1, 3, 3, 3), { padding: 1.5 as unknown as number }))).toEqual(bad("conv3d", "Tensor, Tensor, padding=float"));
    // valid forms still run
    expect(F.conv2d(x, w, null, [1, 1], [1, 1]).shape).toEqual([1, 2, 5, 5]);
    expect(F.conv2d(x, w, { padding: "same" }).shape).toEqual([1, 2, 5, 5]);
  });

  it("stateless.functional_call with a name whose path is not a submodule: Module.__getattr__'s AttributeError", () => {
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
    const x = torch.randn(3, 2);
    const { functional_call } = torch.nn.utils.stateless;
    expect(raised(() => functional_call(model, { "fc.weight": torch.zeros(8, 2) }, [x]))).toEqual(ref.functional_call.unknown_key);
    // torch 1.13: the module at the failing step is named, here the Sequential for '5'
    expect(raised(() => functional_call(model, { "5.weight": torch.zeros(1) }, [x]))).toEqual(["AttributeError", "'Sequential' object has no attribute '5'"]);
    expect(model(x).shape).toEqual([3, 1]); // restored after the failed call
  });

  it("the in-place version error names a saved input's grad_fn after the in-place op, as torch's SavedVariable::unpack", () => {
    // a MAML inner step written in place on the cloned weights: p = torch.clone(v); ...; p.sub_(lr * g)
    const head = (f: () => void) => {
      const r = raised(f);
      return r === null ? null : r[1].slice(0, r[1].indexOf(" is at version"));
    };
    const msg = "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor ";
    expect(head(() => {
      const v = torch.randn([4, 1, 3, 3], { requires_grad: true });
      const p = torch.clone(v);
      const x = torch.randn(2, 1, 5, 5);
      const [g] = torch.autograd.grad(F.conv2d(x, p).pow(2).sum(), p, { create_graph: true });
      p.sub_(g!.mul(0.1));
      F.conv2d(x, p).sum().backward();
    })).toBe(`${msg}[4, 1, 3, 3]], which is output 0 of SubBackward0,`);
    const x0 = torch.randn([3], { requires_grad: true });
    expect(head(() => { const p = x0.mul(1); const q = p.mul(p); p.add_(1); q.sum().backward(); })).toBe(`${msg}[3]], which is output 0 of AddBackward0,`);
    expect(head(() => { const p = x0.mul(1); const q = p.mul(p); p.index(0).add_(1); q.sum().backward(); })).toBe(`${msg}[3]], which is output 0 of torch::autograd::CopySlices,`);
    expect(head(() => { const p = x0.mul(1); const q = p.mul(p); p.add_(1); p.mul_(2); q.sum().backward(); })).toBe(`${msg}[3]], which is output 0 of MulBackward0,`);
    // a saved output still names its own node; a tensor without grad_fn names none
    expect(head(() => { const y = x0.exp(); y.mul_(2); y.sum().backward(); })).toBe(`${msg}[3]], which is output 0 of ExpBackward0,`);
    expect(head(() => { const w = torch.randn(3); const q = x0.mul(w); w.add_(1); q.sum().backward(); })).toBe(`${msg}[3]]`);
  });

  it("x.sub_(y) / subtract_ on a tensor in a graph records SubBackward0 (the engine recorded AddBackward0)", () => {
    const x0 = torch.randn([3], { requires_grad: true });
    const name = (f: (p: ReturnType<typeof torch.randn>) => ReturnType<typeof torch.randn>) => f(x0.mul(1)).grad_fn!.name();
    expect(name((p) => p.sub_(torch.ones(3)))).toBe("SubBackward0");
    expect(name((p) => p.sub_(2))).toBe("SubBackward0");
    expect(name((p) => p.sub_(torch.ones(3), { alpha: 2 }))).toBe("SubBackward0");
    expect(name((p) => p.subtract_(torch.ones(3)))).toBe("SubBackward0");
    expect(name((p) => p.add_(torch.ones(3)))).toBe("AddBackward0");
    // the values and gradients are the same: d/dx0 sum(x0 * 1 - 2 * (x0 * 0.5)) = 0
    const p = x0.mul(1);
    p.sub_(x0.mul(0.5), { alpha: 2 });
    p.sum().backward();
    expect(x0.grad!.tolist()).toEqual([0, 0, 0]);
  });

  it("torch.where with a float / int condition (an IQL expectile weight written torch.where(diff, tau, 1 - tau)): torch's message", () => {
    const x = torch.tensor([1.0, 2.0, 3.0]);
    const m = torch.tensor([1.0, 0.0, 1.0]);
    const msg = (dt: string) => ["RuntimeError", `where expected condition to be a boolean tensor, but got a tensor with dtype ${dt}`];
    expect(raised(() => torch.where(m, x, x))).toEqual(msg("Float"));
    expect(raised(() => x.where(m, x))).toEqual(msg("Float"));
    expect(raised(() => torch.where(m.long(), x, x))).toEqual(msg("Long"));
    expect(raised(() => torch.where(m.double(), x, 0.0))).toEqual(msg("Double"));
    expect(torch.where(m.gt(0), 0.7, 0.3).tolist()).toEqual([0.699999988079071, 0.30000001192092896, 0.699999988079071]);
  });

  it("logsumexp without dim (a CQL penalty written torch.logsumexp(q_values)): torch 1.13's argument-parser error", () => {
    const q = torch.randn(4, 3);
    const call = (f: (...a: unknown[]) => unknown, ...a: unknown[]) => raised(() => f(...a));
    expect(call(torch.logsumexp as (...a: unknown[]) => unknown, q)).toEqual(["TypeError",
      "logsumexp() received an invalid combination of arguments - got (Tensor), but expected one of:\n * (Tensor input, tuple of ints dim, bool keepdim, *, Tensor out)\n * (Tensor input, tuple of names dim, bool keepdim, *, Tensor out)\n"]);
    expect(call(q.logsumexp.bind(q) as (...a: unknown[]) => unknown)).toEqual(["TypeError",
      "logsumexp() received an invalid combination of arguments - got (), but expected one of:\n * (tuple of ints dim, bool keepdim)\n * (tuple of names dim, bool keepdim)\n"]);
    expect(torch.logsumexp(q, 1).shape).toEqual([4]);
    expect(q.logsumexp({ dim: [0, 1], keepdim: true }).shape).toEqual([1, 1]);
  });
});
