/**
 * Convolution, pooling, padding, unfold/fold and their modules against PyTorch 1.13
 * (tests/fixtures/torch/nn/conv.json, made by scripts/fixtures/conv_fixtures.py), in float64
 * (tight) and float32 (float32 tolerances), plus float64 gradchecks of every op.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType } from "../../../../lib/tensor/dtype";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { matmulStrided } from "../../../../lib/tensor/kernels/matmul";
import { kernels, registerKernel } from "../../../../lib/tensor/kernels/registry";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

type Kw = Record<string, unknown>;
interface Case {
  name: string;
  fn: string;
  kwargs: Kw;
  args?: unknown[];
  pad?: number[];
  input: FT;
  weight?: FT;
  bias?: FT | null;
  output: FT;
  indices?: FT | null;
  out_weight: FT;
  grad_input: FT;
  grad_weight?: FT;
  grad_bias?: FT | null;
  grad_fn: string;
}
interface Fixture {
  torch_version: string;
  conv: Case[];
  pool: Case[];
  pad: Case[];
  fold: Case[];
  init: Record<string, Record<string, FT>>;
  reprs: Record<string, string>;
  padding_modes: { mode: "reflect" | "replicate" | "circular"; weight: FT; bias: FT; input: FT; output: FT }[];
  batchnorm2d: {
    steps: { input: FT; output: FT; out_weight: FT; grad_input: FT; running_mean: FT; running_var: FT }[];
    eval_input: FT;
    eval_output: FT;
  };
}
const fx = fixture<Fixture>("nn/conv.json");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Fany = F as unknown as Record<string, (...a: any[]) => Tensor | [Tensor, Tensor]>;

const precisions: { name: string; dtype: DType; tol: { rtol: number; atol: number } }[] = [
  { name: "float64", dtype: torch.float64, tol: { rtol: 1e-9, atol: 1e-10 } },
  { name: "float32", dtype: torch.float32, tol: { rtol: 1e-4, atol: 2e-5 } },
];

/** The float32 cases again with the plain-TypeScript matmul in the registry and no packed GEMM (the WebAssembly kernels' fallback). */
describe("float32 on the plain TypeScript matmul", () => {
  let prev: typeof kernels.matmul;
  let prevGemm: typeof kernels.gemm;
  beforeAll(() => void ((prev = registerKernel("matmul", matmulStrided)), (prevGemm = registerKernel("gemm", null))));
  afterAll(() => void (registerKernel("matmul", prev), registerKernel("gemm", prevGemm)));
  const tol = precisions[1].tol;
  for (const c of [...fx.conv, ...fx.fold]) {
    it(`${c.name}`, () => {
      expect(kernels.matmul).toBe(matmulStrided);
      checkCase(c, torch.float32, tol, ([x, w, b]) => (c.fn === "unfold" || c.fn === "fold" ? Fany[c.fn](x, c.kwargs) : Fany[c.fn](x, w, b, c.kwargs)));
    });
  }
});

/** Runs f on fixture inputs in the given dtype and checks output (and indices) and gradients. */
function checkCase(c: Case, dtype: DType, tol: { rtol: number; atol: number }, call: (xs: (Tensor | null)[]) => Tensor | [Tensor, Tensor]): void {
  const x = tensorOf(c.input, dtype, true);
  const w = c.weight ? tensorOf(c.weight, dtype, true) : null;
  const b = c.bias ? tensorOf(c.bias, dtype, true) : null;
  const res = call([x, w, b]);
  const [y, idx] = Array.isArray(res) ? res : [res, null];
  expectClose(y, c.output, { ...tol, label: `${c.name} output` });
  if (c.indices) {
    expect(idx, `${c.name}: indices returned`).not.toBeNull();
    expect(idx!.dtype).toBe(torch.long);
    expectClose(idx!, c.indices, { rtol: 0, atol: 0, label: `${c.name} indices` });
  }
  expect(y.grad_fn!.name(), `${c.name} grad_fn`).toBe(c.grad_fn);
  y.mul(tensorOf(c.out_weight, dtype)).sum().backward();
  expectClose(x.grad!, c.grad_input, { ...tol, label: `${c.name} grad input` });
  if (c.grad_weight) expectClose(w!.grad!, c.grad_weight, { ...tol, label: `${c.name} grad weight` });
  if (c.grad_bias) expectClose(b!.grad!, c.grad_bias, { ...tol, label: `${c.name} grad bias` });
}

describe("convolutions vs PyTorch 1.13", () => {
  it("fixture is from torch 1.13", () => expect(fx.torch_version.startsWith("1.13")).toBe(true));
  for (const p of precisions) {
    for (const c of fx.conv) {
      it(`${c.name} (${p.name})`, () => checkCase(c, p.dtype, p.tol, ([x, w, b]) => Fany[c.fn](x, w, b, c.kwargs)));
    }
  }
});

describe("pooling vs PyTorch 1.13", () => {
  for (const p of precisions) {
    for (const c of fx.pool) {
      it(`${c.name} (${p.name})`, () => checkCase(c, p.dtype, p.tol, ([x]) => Fany[c.fn](x, ...c.args!, c.kwargs)));
    }
  }
});

describe("F.pad, F.unfold, F.fold vs PyTorch 1.13", () => {
  for (const p of precisions) {
    for (const c of fx.pad) {
      it(`pad ${c.name} (${p.name})`, () => checkCase(c, p.dtype, p.tol, ([x]) => F.pad(x!, c.pad!, c.kwargs)));
    }
    for (const c of fx.fold) {
      it(`${c.name} (${p.name})`, () => checkCase(c, p.dtype, p.tol, ([x]) => Fany[c.fn](x, c.kwargs)));
    }
  }
});

describe("call forms: positional and options object agree", () => {
  const x = torch.randn(2, 4, 7, 7);
  const w = torch.randn(6, 2, 3, 3);
  const b = torch.randn(6);
  it("conv2d", () => {
    const a = F.conv2d(x, w, b, 2, 1, 1, 2);
    const o = F.conv2d(x, w, { bias: b, stride: 2, padding: 1, groups: 2 });
    const m = F.conv2d(x, w, b, { stride: [2, 2], padding: [1, 1], groups: 2 });
    expectClose(a, o, { rtol: 0, atol: 0 });
    expectClose(a, m, { rtol: 0, atol: 0 });
    expect(() => F.conv2d(x, w, b, 2, { stride: 2 })).toThrow(/multiple values for argument 'stride'/);
    expect(() => F.conv2d(x, w, { strides: 2 } as never)).toThrow(/unexpected keyword argument 'strides'/);
  });
  it("pooling", () => {
    expectClose(F.max_pool2d(x, 3, 2, 1), F.max_pool2d(x, { kernel_size: 3, stride: 2, padding: 1 }), { rtol: 0, atol: 0 });
    expectClose(F.max_pool2d(x, 2), F.max_pool2d(x, 2, 2), { rtol: 0, atol: 0 });
    const [v, i] = F.max_pool2d(x, 2, { return_indices: true });
    expect(v.shape).toEqual([2, 4, 3, 3]);
    expect(i.shape).toEqual([2, 4, 3, 3]);
    expectClose(F.avg_pool2d(x, 3, 2, 1, false, false), F.avg_pool2d(x, 3, { stride: 2, padding: 1, count_include_pad: false }), { rtol: 0, atol: 0 });
    expectClose(F.adaptive_avg_pool2d(x, [2, 3]), F.adaptive_avg_pool2d(x, { output_size: [2, 3] }), { rtol: 0, atol: 0 });
  });
  it("pad", () => {
    expectClose(F.pad(x, [1, 1], "constant", 2), F.pad(x, [1, 1], { value: 2 }), { rtol: 0, atol: 0 });
    expectClose(F.pad(x, [1, 2, 0, 1], "reflect"), F.pad(x, { pad: [1, 2, 0, 1], mode: "reflect" }), { rtol: 0, atol: 0 });
  });
});

describe("gradcheck (float64 finite differences)", () => {
  const r = (...s: number[]): Tensor => torch.randn(s, { dtype: torch.float64 });
  it("conv2d with bias, stride, padding, dilation, groups", () => {
    gradcheck((x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), [r(2, 4, 6, 7), r(4, 2, 3, 2), r(4)]);
    gradcheck((x, w) => F.conv2d(x, w, null, 1, "same"), [r(1, 2, 5, 4), r(3, 2, 2, 3)]);
    gradcheck((x, w, b) => F.conv2d(x, w, b), [r(2, 3, 3, 3), r(2, 3, 1, 1), r(2)]);
  });
  it("conv1d and transposed convolutions", () => {
    gradcheck((x, w, b) => F.conv1d(x, w, b, 2, 1, 2), [r(2, 3, 9), r(2, 3, 3), r(2)]);
    gradcheck((x, w, b) => F.conv_transpose2d(x, w, b, 2, 1, 1), [r(1, 2, 3, 3), r(2, 3, 3, 3), r(3)]);
    gradcheck((x, w) => F.conv_transpose2d(x, w, null, { groups: 2, dilation: 2 }), [r(1, 4, 3, 2), r(4, 1, 2, 2)]);
    gradcheck((x, w, b) => F.conv_transpose1d(x, w, b, 3), [r(2, 2, 4), r(2, 1, 2), r(1)]);
  });
  it("pooling", () => {
    gradcheck((x) => F.max_pool2d(x, 3, 2, 1), [r(2, 2, 7, 6)]);
    gradcheck((x) => F.max_pool2d(x, 2, { dilation: 2, ceil_mode: true }), [r(1, 2, 7, 7)]);
    gradcheck((x) => F.max_pool1d(x, 3, 2, 1), [r(2, 2, 9)]);
    gradcheck((x) => F.avg_pool2d(x, 3, 2, 1, true, false), [r(2, 2, 7, 6)]);
    gradcheck((x) => F.avg_pool2d(x, 2, { divisor_override: 3 }), [r(1, 2, 4, 5)]);
    gradcheck((x) => F.avg_pool1d(x, 3, 2, 1), [r(2, 2, 8)]);
    gradcheck((x) => F.adaptive_avg_pool2d(x, [3, 2]), [r(2, 2, 7, 5)]);
    gradcheck((x) => F.adaptive_avg_pool1d(x, 3), [r(2, 2, 7)]);
    gradcheck((x) => F.adaptive_max_pool2d(x, 2), [r(1, 2, 5, 5)]);
  });
  it("pad in every mode, unfold and fold", () => {
    gradcheck((x) => F.pad(x, [1, 2, -1, 1], { value: 0.5 }), [r(2, 3, 4)]);
    for (const mode of ["reflect", "replicate", "circular"] as const) gradcheck((x) => F.pad(x, [2, 1, 1, 2], mode), [r(1, 2, 4, 3)]);
    gradcheck((x) => F.unfold(x, [2, 3], { padding: 1, stride: [1, 2], dilation: [2, 1] }), [r(2, 2, 5, 6)]);
    gradcheck((x) => F.fold(x, [4, 5], 2, { stride: 1 }), [r(2, 8, 12)]);
  });
  it("BatchNorm2d in training", () => {
    const bn = new nn.BatchNorm2d(3).double();
    gradcheck((x) => bn(x), [r(3, 3, 2, 2)]);
  });
});

describe("modules", () => {
  it("Conv1d/Conv2d/ConvTranspose2d default init equals PyTorch's after manual_seed(0)", () => {
    const make: Record<string, () => nn.Module> = {
      conv2d_1_8_5: () => new nn.Conv2d(1, 8, 5),
      conv2d_4_6_3_groups2: () => new nn.Conv2d(4, 6, 3, { groups: 2 }),
      conv1d_3_4_3_nobias: () => new nn.Conv1d(3, 4, 3, { bias: false }),
      conv_transpose2d_4_2_3: () => new nn.ConvTranspose2d(4, 2, 3),
    };
    for (const [key, f] of Object.entries(make)) {
      torch.manual_seed(0);
      const sd = f().state_dict();
      expect(Object.keys(sd).sort(), key).toEqual(Object.keys(fx.init[key]).sort());
      for (const [name, t] of Object.entries(fx.init[key])) expectClose(sd[name], t, { rtol: 0, atol: 0, label: `${key}.${name}` });
    }
  });

  it("print like PyTorch", () => {
    const mods: Record<string, () => nn.Module> = {
      "Conv2d(1, 8, 5)": () => new nn.Conv2d(1, 8, 5),
      "Conv2d(3, 6, (3, 5), stride=2, padding=1, bias=False)": () => new nn.Conv2d(3, 6, [3, 5], { stride: 2, padding: 1, bias: false }),
      "Conv2d(4, 4, 3, padding='same', dilation=2, groups=2, padding_mode='reflect')": () =>
        new nn.Conv2d(4, 4, 3, { padding: "same", dilation: 2, groups: 2, padding_mode: "reflect" }),
      "Conv2d(2, 2, 3, padding='valid')": () => new nn.Conv2d(2, 2, 3, { padding: "valid" }),
      "Conv1d(3, 4, 3)": () => new nn.Conv1d(3, 4, 3),
      "ConvTranspose2d(4, 2, 3, stride=2, output_padding=1)": () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, output_padding: 1 }),
      "MaxPool2d(2)": () => new nn.MaxPool2d(2),
      "MaxPool2d((3, 2), stride=1, padding=1, ceil_mode=True)": () => new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, ceil_mode: true }),
      "MaxPool1d(3)": () => new nn.MaxPool1d(3),
      "AvgPool2d(2)": () => new nn.AvgPool2d(2),
      "AvgPool2d(3, stride=2, padding=1)": () => new nn.AvgPool2d(3, 2, 1),
      "AvgPool1d(2)": () => new nn.AvgPool1d(2),
      "AdaptiveAvgPool2d((1, 1))": () => new nn.AdaptiveAvgPool2d([1, 1]),
      "AdaptiveAvgPool2d(7)": () => new nn.AdaptiveAvgPool2d(7),
      "AdaptiveMaxPool2d((None, 3))": () => new nn.AdaptiveMaxPool2d([null, 3]),
      "BatchNorm2d(8)": () => new nn.BatchNorm2d(8),
      "ZeroPad2d(1)": () => new nn.ZeroPad2d(1),
      "ConstantPad1d((1, 2), 0.5)": () => new nn.ConstantPad1d([1, 2], 0.5),
      "ReflectionPad2d(2)": () => new nn.ReflectionPad2d(2),
      "ReplicationPad1d((1, 2))": () => new nn.ReplicationPad1d([1, 2]),
      "Unfold(3)": () => new nn.Unfold(3),
      "Fold((4, 5), 2)": () => new nn.Fold([4, 5], 2),
      lenet: () =>
        new nn.Sequential(
          new nn.Conv2d(1, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
          new nn.Flatten(), new nn.Linear(256, 10),
        ),
    };
    for (const [key, expected] of Object.entries(fx.reprs)) {
      expect(make(mods, key), key).toBe(expected);
    }
    function make(table: Record<string, () => nn.Module>, key: string): string {
      if (!table[key]) throw new Error(`no module for ${key}`);
      return String(table[key]());
    }
  });

  it("padding_mode reflect/replicate/circular pads through F.pad", () => {
    for (const c of fx.padding_modes) {
      const m = new nn.Conv2d(2, 3, 3, { padding: 1, padding_mode: c.mode }).double();
      torch.no_grad(() => {
        m.weight.copy_(tensorOf(c.weight));
        m.bias!.copy_(tensorOf(c.bias));
      });
      expectClose(m(tensorOf(c.input)), c.output, { rtol: 1e-10, atol: 1e-12, label: c.mode });
    }
  });

  it("BatchNorm2d: train steps (outputs, grads, running stats) then eval", () => {
    const bn = new nn.BatchNorm2d(3).double();
    torch.no_grad(() => {
      bn.weight!.copy_(torch.tensor([1.5, -0.5, 2.0]));
      bn.bias!.copy_(torch.tensor([0.1, 0.2, -0.3]));
    });
    for (const [i, s] of fx.batchnorm2d.steps.entries()) {
      const x = tensorOf(s.input, torch.float64, true);
      const y = bn(x);
      expectClose(y, s.output, { rtol: 1e-10, atol: 1e-12, label: `step ${i} output` });
      y.mul(tensorOf(s.out_weight)).sum().backward();
      expectClose(x.grad!, s.grad_input, { rtol: 1e-8, atol: 1e-10, label: `step ${i} grad` });
      expectClose(bn.running_mean!, s.running_mean, { rtol: 1e-10, label: "running_mean" });
      expectClose(bn.running_var!, s.running_var, { rtol: 1e-10, label: "running_var" });
    }
    bn.eval();
    expectClose(bn(tensorOf(fx.batchnorm2d.eval_input)), fx.batchnorm2d.eval_output, { rtol: 1e-10, atol: 1e-12 });
    expect(() => bn(torch.randn(2, 3, 4))).toThrow(/expected 4D input \(got 3D input\)/);
  });

  it("pooling modules return indices when asked; ConvTranspose2d takes output_size", () => {
    const x = torch.randn(1, 2, 6, 6);
    const [v, i] = new nn.MaxPool2d(2, { return_indices: true })(x) as unknown as [Tensor, Tensor];
    expectClose(v, F.max_pool2d(x, 2), { rtol: 0, atol: 0 });
    expect(i.dtype).toBe(torch.long);
    const up = new nn.ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1 });
    expect(up(x).shape).toEqual([1, 2, 11, 11]);
    expect(up(x, [12, 12]).shape).toEqual([1, 2, 12, 12]);
    expect(() => up(x, [14, 14])).toThrow("requested an output size of [14, 14], but valid sizes range from [11, 11] to [12, 12] (for an input of torch.Size([6, 6]))");
  });

  it("state_dict, save and load of a CNN", () => {
    torch.manual_seed(1);
    const net = new nn.Sequential(
      new nn.ZeroPad2d(1), new nn.Conv2d(1, 4, 3, { stride: [1, 1], bias: false }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.AvgPool2d(1), new nn.AdaptiveAvgPool2d([2, null]), new nn.Conv2d(4, 2, 1), new nn.Flatten(), new nn.Linear(2 * 2 * 4, 3),
    );
    expect(Object.keys(net.state_dict())).toEqual([
      "1.weight", "2.weight", "2.bias", "2.running_mean", "2.running_var", "2.num_batches_tracked", "7.weight", "7.bias", "9.weight", "9.bias",
    ]);
    net.eval();
    const x = torch.randn(2, 1, 8, 8);
    const copy = torch.load(torch.save(net)) as nn.Module;
    expect(String(copy)).toBe(String(net));
    expectClose(copy(x) as Tensor, net(x), { rtol: 0, atol: 0 });
  });
});

describe("errors read like PyTorch's", () => {
  const x = torch.randn(2, 3, 8, 8);
  it("convolution", () => {
    expect(() => F.conv2d(x, torch.randn(4, 2, 3, 3))).toThrow(
      "Given groups=1, weight of size [4, 2, 3, 3], expected input[2, 3, 8, 8] to have 2 channels, but got 3 channels instead",
    );
    expect(() => F.conv2d(torch.randn(3, 8), torch.randn(4, 3, 3, 3))).toThrow(/Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d/);
    expect(() => F.conv2d(x, torch.randn(4, 3, 9, 9))).toThrow(/Kernel size can't be greater than actual input size/);
    expect(() => F.conv2d(x, torch.randn(4, 3, 3, 3), null, 2, "same")).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => F.conv2d(x, torch.randn(4, 3, 3, 3), torch.randn(3))).toThrow(/expected bias to be 1-dimensional with 4 elements/);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow("in_channels must be divisible by groups");
    expect(() => new nn.Conv2d(3, 4, 3, { padding: "full" as never })).toThrow(/Invalid padding string 'full'/);
  });
  it("pooling and padding", () => {
    expect(() => F.max_pool2d(x, 2, 2, 2)).toThrow("pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
    expect(() => F.max_pool2d(torch.randn(1, 1, 2, 2), 3)).toThrow(/Output size is too small/);
    expect(() => F.pad(torch.randn(1, 2, 3), [3, 0], "reflect")).toThrow(/Padding size should be less than the corresponding input dimension/);
    expect(() => F.pad(x, [1])).toThrow("Padding length must be divisible by 2");
  });
});
