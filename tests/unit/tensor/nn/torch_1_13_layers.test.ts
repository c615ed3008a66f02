/**
 * nn.AdaptiveLogSoftmaxWithLoss, F.fractional_max_pool2d/3d (+ modules) and nn.SyncBatchNorm
 * against PyTorch 1.13 (scripts/fixtures/torch_1_13_names_fixtures.py -> tests/fixtures/torch/nn/torch_1_13_layers.json).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface TD extends FT {
  dtype: string;
}
interface Fx {
  asm: {
    state: Record<string, FT>; repr: string; x: FT; target: number[]; output: FT; loss: number; grad_x: FT; grad_head: FT; grad_tail1: FT;
    log_prob: FT; px: FT; predict: number[]; unbatched_output: number; unbatched_loss: number;
  };
  fractional: { nd: 2 | 3; kwargs: Record<string, unknown>; x: TD; samples: TD; values: TD; indices: number[] }[];
  fractional_drawn: { x: FT; indices: number[]; after: FT };
  fractional3d_module: { x: FT; values: FT };
  sync_bn_error: string;
}
const fx = fixture<Fx>("nn/torch_1_13_layers.json");
const dt = (t: TD) => (t.dtype === "float64" ? torch.float64 : torch.float32);
const long = (v: number[]) => torch.tensor(v, { dtype: torch.long });

describe("nn.AdaptiveLogSoftmaxWithLoss", () => {
  const build = () => {
    torch.manual_seed(0);
    return new nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 10, 15], { div_value: 2.0, head_bias: true });
  };

  it("seeded weights, repr, forward (output, loss), gradients, log_prob and predict equal torch 1.13's", () => {
    const a = fx.asm;
    const m = build();
    expect(String(m)).toBe(a.repr);
    const sd = m.state_dict();
    expect(Object.keys(sd)).toEqual(Object.keys(a.state));
    for (const [k, v] of Object.entries(a.state)) expectClose(sd[k], v, { label: k });
    const x = tensorOf(a.x, torch.float32, true);
    const r = m(x, long(a.target));
    expectClose(r.output, a.output, { label: "output" });
    expect(r.loss.item()).toBeCloseTo(a.loss, 5);
    const [output, loss] = r;
    expect(output).toBe(r.output);
    expect(loss).toBe(r.loss);
    r.loss.backward();
    expectClose(x.grad!, a.grad_x, { label: "grad input" });
    expectClose(m.head.weight.grad!, a.grad_head, { label: "grad head" });
    expectClose(((m.tail.get(1) as nn.Sequential).get(1) as nn.Linear).weight.grad!, a.grad_tail1, { label: "grad tail[1][1]" });
    expectClose(m.log_prob(x.detach()), a.log_prob, { label: "log_prob" });
    expect(m.predict(tensorOf(a.px, torch.float32)).tolist()).toEqual(a.predict);
    const one = m(x.detach().select(0, 2), torch.tensor(a.target[2], { dtype: torch.long }));
    expect(one.output.dim()).toBe(0);
    expect(one.output.item()).toBeCloseTo(a.unbatched_output, 5);
    expect(one.loss.item()).toBeCloseTo(a.unbatched_loss, 5);
  });

  it("float64 gradcheck through head and clusters", () => {
    const m = build().double();
    const t = long(fx.asm.target);
    gradcheck((x) => m(x, t).output, [tensorOf(fx.asm.x, torch.float64)]);
    gradcheck((x) => m.log_prob(x), [tensorOf(fx.asm.x, torch.float64).narrow(0, 0, 3)]);
  });

  it("PyTorch's errors; positional and options forms agree", () => {
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 4])).toThrow("cutoffs should be a sequence of unique, positive integers");
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 10])).toThrow("between 1 and n_classes-1");
    const m = build();
    expect(() => m(torch.randn(2, 8), long([0, 25]))).toThrow("Target values should be in [0, 19], but values in range [0, 25] were found. ");
    expect(() => m(torch.randn(3, 8), long([0, 1]))).toThrow("Input and target should have the same size in the batch dimension.");
    expect(() => m(torch.randn(2, 8), torch.tensor([[0, 1]], { dtype: torch.long }))).toThrow("0D or 1D target tensor expected, multi-target not supported");
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
    torch.manual_seed(1);
    const p = new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], 2.0, true);
    torch.manual_seed(1);
    const o = new nn.AdaptiveLogSoftmaxWithLoss({ in_features: 8, n_classes: 10, cutoffs: [4], div_value: 2.0, head_bias: true });
    expect(p.head.weight.tolist()).toEqual(o.head.weight.tolist());
    expect(p.head.bias).not.toBeNull();
  });
});

describe("F.fractional_max_pool2d / 3d", () => {
  fx.fractional.forEach((c, ci) => {
    it(`case ${ci}: ${c.nd}d ${JSON.stringify(c.kwargs)} ${c.x.dtype} [${c.x.shape}]`, () => {
      const x = tensorOf(c.x, dt(c.x));
      const samples = tensorOf(c.samples, dt(c.samples));
      const fn = c.nd === 2 ? F.fractional_max_pool2d_with_indices : F.fractional_max_pool3d_with_indices;
      const [v, i] = fn(x, { ...c.kwargs, _random_samples: samples } as never);
      expectClose(v, c.values, { rtol: 0, atol: 0, label: "values" });
      expect(i.dtype).toBe(torch.long);
      expect(i.reshape(-1).tolist()).toEqual(c.indices);
      // The return_indices=False form gives the values alone, the module the same.
      const f2 = c.nd === 2 ? F.fractional_max_pool2d : F.fractional_max_pool3d;
      expect((f2(x, { ...c.kwargs, _random_samples: samples } as never) as Tensor).tolist()).toEqual(v.tolist());
      const M = c.nd === 2 ? nn.FractionalMaxPool2d : nn.FractionalMaxPool3d;
      const { kernel_size, ...rest } = c.kwargs;
      const mod = new M(kernel_size as number, { ...rest, _random_samples: samples } as never);
      expect((mod(x) as Tensor).tolist()).toEqual(v.tolist());
    });
  });

  it("samples drawn from the global generator as torch draws them (torch.rand(N, C, 2) before pooling)", () => {
    const d = fx.fractional_drawn;
    const x = tensorOf(d.x, torch.float32);
    torch.manual_seed(5);
    const [, i] = F.fractional_max_pool2d(x, 2, { output_size: 4, return_indices: true }) as [Tensor, Tensor];
    expect(i.reshape(-1).tolist()).toEqual(d.indices);
    expectClose(torch.rand(2), d.after, { label: "stream after the draw" });
    torch.manual_seed(5);
    const m = new nn.FractionalMaxPool3d(2, { output_ratio: 0.5 });
    expect(String(m)).toBe("FractionalMaxPool3d()");
    expectClose(m(tensorOf(fx.fractional3d_module.x, torch.float32)) as Tensor, fx.fractional3d_module.values, { rtol: 0, atol: 0 });
  });

  it("gradients go to each window's argmax (float64 gradcheck)", () => {
    const x = torch.randn(1, 2, 6, 5, { dtype: torch.float64 });
    const s = torch.rand(1, 2, 2, { dtype: torch.float64 });
    gradcheck((t) => F.fractional_max_pool2d(t, 2, { output_size: [3, 3], _random_samples: s }) as Tensor, [x]);
    const x3 = torch.randn(1, 1, 4, 5, 4, { dtype: torch.float64 });
    const s3 = torch.rand(1, 1, 3, { dtype: torch.float64 });
    gradcheck((t) => F.fractional_max_pool3d(t, 2, { output_size: 2, _random_samples: s3 }) as Tensor, [x3]);
  });

  it("PyTorch's errors", () => {
    const x = torch.randn(1, 1, 5, 5);
    expect(() => F.fractional_max_pool2d(x, 2)).toThrow("fractional_max_pool2d requires specifying either an output_size or an output_ratio");
    expect(() => F.fractional_max_pool2d(x, 3, { output_size: 4 })).toThrow("pool height 3 too large relative to input height 5");
    expect(() => new nn.FractionalMaxPool2d(2)).toThrow("FractionalMaxPool2d requires specifying either an output size, or a pooling ratio");
    expect(() => new nn.FractionalMaxPool2d(2, { output_ratio: 1.5 })).toThrow("output_ratio must be between 0 and 1 (got 1.5)");
    expect(() => new nn.FractionalMaxPool2d(2, 3, 0.5)).toThrow("only one of output_size and output_ratio may be specified");
    expect(() => F.fractional_max_pool2d(x, 2, { output_size: 2, zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("nn.SyncBatchNorm", () => {
  it("BatchNorm's settings; forward on a CPU tensor raises as torch 1.13; convert_sync_batchnorm shares the tensors", () => {
    const s = new nn.SyncBatchNorm(3, 1e-3, null);
    expect(String(s)).toBe("SyncBatchNorm(3, eps=0.001, momentum=None, affine=True, track_running_stats=True)");
    expect(s.process_group).toBeNull();
    expect(() => s(torch.randn(2, 3))).toThrow(fx.sync_bn_error);
    const bn = new nn.BatchNorm2d(4);
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3), bn, new nn.ReLU());
    const conv = nn.SyncBatchNorm.convert_sync_batchnorm(model) as nn.Sequential;
    expect(conv).toBe(model);
    const swapped = conv.get(1) as nn.SyncBatchNorm;
    expect(swapped).toBeInstanceOf(nn.SyncBatchNorm);
    expect(swapped.weight).toBe(bn.weight);
    expect(swapped.running_var).toBe(bn.running_var);
    expect(Object.keys(model.state_dict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"]);
    expect(nn.SyncBatchNorm.convert_sync_batchnorm(new nn.BatchNorm1d(2))).toBeInstanceOf(nn.SyncBatchNorm);
    expect(() => new nn.SyncBatchNorm(3, { zzz_unknown: 1 } as never)).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("nn.DataParallel (no GPU), nn.NLLLoss2d, nn.Container", () => {
  const P = fixture<{ parallel: { repr: string; device_ids: number[]; keys: string[]; weight: FT; out: FT; nll2d_repr: string; nll2d_ignore: number; container_repr: string; warnings: string[] } }>("nn/torch_1_13_layers.json").parallel;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const N = nn as any;
  it("DataParallel keeps the module, device_ids = [], forward calls it; state_dict keys carry 'module.'", () => {
    torch.manual_seed(2);
    const dp = new N.DataParallel(new nn.Linear(2, 3), [0, 1], { dim: 1 });
    expect(String(dp)).toBe(P.repr);
    expect(dp.device_ids).toEqual(P.device_ids);
    expect(Object.keys(dp.state_dict())).toEqual(P.keys);
    expectClose(dp.module.weight, P.weight, { label: "seeded weight" });
    expectClose(dp(torch.ones([4, 2])) as Tensor, P.out, { label: "forward" });
    expect(() => new N.DataParallel(3)).toThrow("must be an nn.Module");
    expect(() => new N.DataParallel(new nn.Linear(1, 1), { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
  });

  it("the deprecated NLLLoss2d and Container warn as PyTorch and work", () => {
    const warned: string[] = [];
    const orig = console.warn;
    console.warn = (m: string) => void warned.push(String(m).replace(/^UserWarning: /, ""));
    try {
      const l = new N.NLLLoss2d({ ignore_index: 3 });
      const c = new N.Container({ a: new nn.Linear(1, 1) });
      expect([String(l), l.ignore_index, String(c)]).toEqual([P.nll2d_repr, P.nll2d_ignore, P.container_repr]);
      const x = F.log_softmax(torch.randn([2, 4, 3, 3]), 1);
      const tgt = torch.randint(0, 4, [2, 3, 3]);
      expect(l(x, tgt).item()).toBeCloseTo(F.nll_loss(x, tgt, { ignore_index: 3 }).item(), 6);
    } finally {
      console.warn = orig;
    }
    expect(warned).toEqual(P.warnings);
  });
});
