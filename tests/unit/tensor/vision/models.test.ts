/**
 * torchvision.models against torchvision 0.14.1 (scripts/fixtures/torchvision_models_fixtures.py ->
 * tests/fixtures/torch/vision/models.json): state_dict keys and shapes in order, parameter counts and reprs;
 * seeded construction giving torchvision's very weights (per-entry checksums) and forward outputs; a state dict
 * exported from PyTorch (safetensors) loading into mobilenet_v2; init statistics; the fc swap of the fine-tuning
 * tutorials and a training step; the refusal of pretrained weights; list_models / get_model.
 *
 * Building the largest models takes seconds each here (their init draws ~100M numbers), so the default run builds
 * resnet18/34/50, resnext50_32x4d, vgg11, alexnet, mobilenet_v2 and squeezenet; the VGG variants are checked through
 * make_layers (their features) and vgg11's classifier. GRADBOOK_SLOW_MODELS=1 also builds every other architecture.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nn, optim, torch, torchvision, F, type Module, type Tensor } from "../../../../lib/tensor/index";
import { fixture, type FT } from "../nn/helpers";
import { seeded } from "../torch_reference";

type Checksum = [number, number, number[]];
interface Structure { keys: [string, number[]][]; num_params: number; repr: string }
interface SeededFx { checksums: Record<string, Checksum>; train_out?: FT; after_train?: Record<string, Checksum>; eval_out?: FT }
interface Fx {
  structure: Record<string, Structure>;
  seeded: Record<string, SeededFx>;
  mobilenet_v2_w01_nc10: { safetensors_b64: string; input: FT; eval_out: FT };
  weights: Record<string, { url: string; num_params: number; transforms: string }>;
  preset: { input: FT; out: FT; out_batch: FT };
}
const fx = fixture<Fx>("vision/models.json");
const models = torchvision.models;
const SLOW = process.env.GRADBOOK_SLOW_MODELS === "1";

let saved: ReturnType<typeof torch.get_rng_state>;
beforeEach(() => {
  saved = torch.get_rng_state();
});
afterEach(() => {
  torch.set_rng_state(saved);
});

function expectStructure(m: Module, want: Structure, label: string): void {
  const keys = Object.entries(m.state_dict()).map(([k, v]) => [k, v.shape]);
  expect(keys, `${label} state_dict keys`).toEqual(want.keys);
  expect(m.parameters().reduce((a, p) => a + p.numel(), 0), `${label} parameter count`).toBe(want.num_params);
  expect(String(m), `${label} repr`).toBe(want.repr);
}

/** Float64 sums over the values (as the fixture's), without copying a 100M-element tensor into a JS array. */
function checksum(t: Tensor): Checksum {
  const v = t.detach().contiguous().numpy();
  let s = 0;
  let a = 0;
  for (let i = 0; i < v.length; i++) {
    const x = Number(v[i]);
    s += x;
    a += Math.abs(x);
  }
  return [s, a, Array.from(v.subarray(0, 4) as ArrayLike<number>, Number)];
}

/** Every state_dict entry equals torchvision's seeded one: the first values to float32 rounding, the sums to summation order. */
function expectChecksums(m: Module, want: Record<string, Checksum>, label: string, rel = 1e-6): void {
  const sd = m.state_dict();
  expect(Object.keys(sd), `${label} keys`).toEqual(Object.keys(want));
  for (const [k, [ws, wa, wfirst]] of Object.entries(want)) {
    const [s, a, first] = checksum(sd[k]);
    expect(first.length, `${label} ${k}`).toBe(wfirst.length);
    first.forEach((v, i) => expect(Math.abs(v - wfirst[i]), `${label} ${k}[${i}]: ${v} vs ${wfirst[i]}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(wfirst[i]))));
    expect(Math.abs(a - wa), `${label} ${k} sum |v|`).toBeLessThanOrEqual(1e-5 * Math.max(1, wa));
    expect(Math.abs(s - ws), `${label} ${k} sum`).toBeLessThanOrEqual(1e-5 * Math.max(1, wa));
  }
}

/** Forward outputs: float32 convolutions summed in another order, so relative to the output's scale. */
function expectOut(got: Tensor, want: FT, label: string, rel = 1e-4): void {
  expect(got.shape, label).toEqual(want.shape);
  const scale = Math.max(...want.data.map((v) => Math.abs(v)));
  const vals = got.detach().reshape(-1).tolist() as number[];
  vals.forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]: ${v} vs ${want.data[i]}`).toBeLessThanOrEqual(rel * Math.max(scale, 1e-3)));
}

/** The fixture's inputs: torch.manual_seed(1), then randn(2, 3, 64, 64), randn(1, 3, 32, 32), randn(1, 3, 96, 96). */
function inputs(): { x64: Tensor; x32: Tensor; x96: Tensor } {
  torch.manual_seed(1);
  const x64 = torch.randn(2, 3, 64, 64);
  const x32 = torch.randn(1, 3, 32, 32);
  const x96 = torch.randn(1, 3, 96, 96);
  return { x64, x32, x96 };
}

function std(t: Tensor): number {
  return t.detach().std().item();
}

describe("structure: state_dict keys and shapes, parameter counts, repr as torchvision's", () => {
  for (const name of ["resnet18", "resnet34", "resnet50", "resnext50_32x4d", "alexnet", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "squeezenet1_0", "squeezenet1_1", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0", "efficientnet_b0"] as const) {
    it(name, () => {
      expectStructure(models.get_model(name), fx.structure[name], name);
    });
  }

  it("builders with keywords: resnet18({ num_classes: 10 }), resnet50 dilated, mobilenet_v2 width 0.25, squeezenet1_1({ num_classes: 10 })", () => {
    expectStructure(models.resnet18({ num_classes: 10 }), fx.structure.resnet18_nc10, "resnet18_nc10");
    expectStructure(models.resnet50({ replace_stride_with_dilation: [false, true, true] }), fx.structure.resnet50_dilated, "resnet50_dilated");
    expectStructure(models.mobilenet_v2({ width_mult: 0.25, num_classes: 10 }), fx.structure.mobilenet_v2_w025_nc10, "mobilenet_v2_w025_nc10");
    expectStructure(models.squeezenet1_1(null, true, { num_classes: 10 }), fx.structure.squeezenet1_1_nc10, "squeezenet1_1_nc10");
    const reduced = models.mobilenet_v3_large({ reduced_tail: true, dilated: true, width_mult: 0.75 });
    expectStructure(reduced, fx.structure.mobilenet_v3_large_reduced_dilated, "mobilenet_v3_large_reduced_dilated");
  });

  it("the VGG variants: make_layers(cfgs[cfg], batch_norm) gives each one's features, vgg11's classifier the rest", () => {
    const cases = [["vgg11", "A", false], ["vgg11_bn", "A", true], ["vgg13", "B", false], ["vgg13_bn", "B", true], ["vgg16", "D", false], ["vgg16_bn", "D", true], ["vgg19", "E", false], ["vgg19_bn", "E", true]] as const;
    const tail = (s: Structure) => s.repr.slice(s.repr.indexOf("\n  (avgpool)"));
    for (const [name, cfg, bn] of cases) {
      const want = fx.structure[name];
      const features = models.vgg.make_layers(models.vgg.cfgs[cfg], bn);
      const keys = Object.entries(features.state_dict()).map(([k, v]) => [`features.${k}`, v.shape]);
      expect(keys, name).toEqual(want.keys.filter(([k]) => k.startsWith("features.")));
      expect(want.repr.startsWith(`VGG(\n  (features): ${String(features).split("\n").join("\n  ")}\n  (avgpool)`), name).toBe(true);
      expect(tail(want), name).toBe(tail(fx.structure.vgg11));
      const classifierParams = 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000;
      expect(features.parameters().reduce((a, p) => a + p.numel(), 0) + classifierParams, name).toBe(want.num_params);
    }
  });

  it.runIf(SLOW)("every other architecture, built in full (GRADBOOK_SLOW_MODELS=1)", () => {
    for (const name of ["resnet101", "resnet152", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2", "densenet161", "densenet169", "densenet201", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]) {
      expectStructure(models.get_model(name), fx.structure[name], name);
    }
    expectStructure(models.vgg11_bn({ num_classes: 10 }), fx.structure.vgg11_bn_nc10, "vgg11_bn_nc10");
  }, 600_000);
});

describe("seeded construction gives torchvision's weights, and the forward pass its outputs", () => {
  it("resnet18({ num_classes: 10 }): every entry; train-mode output and running stats, then eval-mode output on [2, 3, 64, 64]", () => {
    const want = fx.seeded.resnet18_nc10;
    const m = seeded(() => models.resnet18({ num_classes: 10 }));
    expectChecksums(m, want.checksums, "resnet18 init");
    const { x64 } = inputs();
    m.train();
    expectOut(m(x64), want.train_out!, "resnet18 train");
    // running stats: the batch statistics of float32 convolutions summed in another order (1.07e-6 off torch's in one entry)
    expectChecksums(m, want.after_train!, "resnet18 after a train-mode forward", 2e-6);
    m.eval();
    torch.no_grad(() => expectOut(m(x64), want.eval_out!, "resnet18 eval"));
  });

  it("resnet18({ zero_init_residual: true }) and mobilenet_v2(): every entry", () => {
    const r = seeded(() => models.resnet18({ zero_init_residual: true }));
    expectChecksums(r, fx.seeded.resnet18_zero_init.checksums, "resnet18 zero_init_residual");
    const m = seeded(() => models.mobilenet_v2());
    expectChecksums(m, fx.seeded.mobilenet_v2.checksums, "mobilenet_v2");
  });

  it("resnet50({ num_classes: 10 }) on [1, 3, 32, 32] (eval)", () => {
    const want = fx.seeded.resnet50_nc10;
    const m = seeded(() => models.resnet50({ num_classes: 10 })).eval();
    expectChecksums(m, want.checksums, "resnet50");
    const { x32 } = inputs();
    torch.no_grad(() => expectOut(m(x32), want.eval_out!, "resnet50 eval"));
  });

  it("vgg11(): weights, structure, eval output on [1, 3, 32, 32]; init statistics", () => {
    const want = fx.seeded.vgg11;
    const m = seeded(() => models.vgg11()).eval();
    expectStructure(m, fx.structure.vgg11, "vgg11");
    expectChecksums(m, want.checksums, "vgg11");
    const { x32 } = inputs();
    torch.no_grad(() => expectOut(m(x32), want.eval_out!, "vgg11 eval"));
    // torchvision's VGG init: linear normal(0, 0.01), conv kaiming fan_out, biases 0
    expect(std(m.classifier[6].weight)).toBeCloseTo(0.01, 3);
    for (const lin of [m.classifier[0], m.classifier[3], m.classifier[6]]) expect(lin.bias!.abs().max().item()).toBe(0);
    const conv = m.features[0] as nn.Conv2d;
    expect(conv.bias!.abs().max().item()).toBe(0);
    expect(std(conv.weight) / Math.sqrt(2 / (64 * 9))).toBeCloseTo(1, 1);
  });

  it("alexnet({ num_classes: 10 }) on [1, 3, 96, 96] and squeezenet1_0 / 1_1({ num_classes: 10 }) on [1, 3, 64, 64] (eval)", () => {
    const { x64, x32: _x32, x96 } = inputs();
    void _x32;
    const a = seeded(() => models.alexnet({ num_classes: 10 })).eval();
    expectChecksums(a, fx.seeded.alexnet_nc10.checksums, "alexnet");
    torch.no_grad(() => expectOut(a(x96), fx.seeded.alexnet_nc10.eval_out!, "alexnet eval"));
    for (const name of ["squeezenet1_0", "squeezenet1_1"] as const) {
      const want = fx.seeded[`${name}_nc10`];
      const m = seeded(() => models[name]({ num_classes: 10 })).eval();
      expectChecksums(m, want.checksums, name);
      torch.no_grad(() => expectOut(m(x64.narrow(0, 0, 1)), want.eval_out!, `${name} eval`));
    }
  });
});

describe("mobilenet_v3", () => {
  it("mobilenet_v3_large(): every seeded entry; mobilenet_v3_small({ num_classes: 10 }): every entry and the eval output on [2, 3, 64, 64]", () => {
    expectChecksums(seeded(() => models.mobilenet_v3_large()), fx.seeded.mobilenet_v3_large.checksums, "mobilenet_v3_large");
    const want = fx.seeded.mobilenet_v3_small_nc10;
    const m = seeded(() => models.mobilenet_v3_small({ num_classes: 10 })).eval();
    expectChecksums(m, want.checksums, "mobilenet_v3_small");
    const { x64 } = inputs();
    torch.no_grad(() => expectOut(m(x64), want.eval_out!, "mobilenet_v3_small eval"));
    m.classifier[3] = new nn.Linear(m.classifier[3].in_features, 2);
    expect(torch.no_grad(() => m(x64)).shape).toEqual([2, 2]);
  });
});

describe("shufflenet_v2", () => {
  it("shufflenet_v2_x0_5({ num_classes: 10 }) seeded: every entry (PyTorch's default init) and the eval output on [2, 3, 64, 64]", () => {
    const want = fx.seeded.shufflenet_v2_x0_5_nc10;
    const m = seeded(() => models.shufflenet_v2_x0_5({ num_classes: 10 })).eval();
    expectChecksums(m, want.checksums, "shufflenet_v2_x0_5");
    const { x64 } = inputs();
    torch.no_grad(() => expectOut(m(x64), want.eval_out!, "shufflenet_v2_x0_5 eval"));
    m.fc = new nn.Linear(m.fc.in_features, 3);
    expect(torch.no_grad(() => m(x64)).shape).toEqual([2, 3]);
  });
});

describe("efficientnet", () => {
  it("efficientnet_b0({ num_classes: 10 }) seeded: every entry (linear U(-1/sqrt(out), 1/sqrt(out))) and the eval output on [2, 3, 64, 64]", () => {
    const want = fx.seeded.efficientnet_b0_nc10;
    const m = seeded(() => models.efficientnet_b0({ num_classes: 10 })).eval();
    expectChecksums(m, want.checksums, "efficientnet_b0");
    const { x64 } = inputs();
    torch.no_grad(() => expectOut(m(x64), want.eval_out!, "efficientnet_b0 eval"));
    expect(m.classifier[1].weight.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(10));
    m.classifier[1] = new nn.Linear(m.classifier[1].in_features, 2);
    m.train();
    expect(m(x64).shape).toEqual([2, 2]); // stochastic depth and dropout on in training
  });
});

describe("densenet", () => {
  it("densenet121(): structure; densenet121({ num_classes: 10 }) seeded: every entry, train- and eval-mode outputs on [2, 3, 64, 64]; init", () => {
    expectStructure(models.densenet121(), fx.structure.densenet121, "densenet121");
    const want = fx.seeded.densenet121_nc10;
    const m = seeded(() => models.densenet121({ num_classes: 10 }));
    expectChecksums(m, want.checksums, "densenet121 init");
    const { x64 } = inputs();
    m.train();
    expectOut(m(x64), want.train_out!, "densenet121 train");
    m.eval();
    torch.no_grad(() => expectOut(m(x64), want.eval_out!, "densenet121 eval"));
    // torchvision's DenseNet init: conv kaiming_normal_ (fan_in, gain sqrt(2)), linear bias 0
    const conv0 = m.features.get_submodule("conv0") as nn.Conv2d;
    expect(std(conv0.weight) / Math.sqrt(2 / (3 * 49))).toBeCloseTo(1, 1);
    expect(m.classifier.bias!.abs().max().item()).toBe(0);
    m.classifier = new nn.Linear(m.classifier.in_features, 2);
    expect(Object.keys(m.state_dict()).slice(-2)).toEqual(["classifier.weight", "classifier.bias"]);
  });
});

describe("a state dict exported from PyTorch loads", () => {
  it("mobilenet_v2({ width_mult: 0.1, num_classes: 10 }): torch.load(safetensors bytes) -> load_state_dict -> torchvision's output (eval)", () => {
    const mob = fx.mobilenet_v2_w01_nc10;
    const bytes = Uint8Array.from(Buffer.from(mob.safetensors_b64, "base64"));
    const sd = torch.load(bytes) as Record<string, Tensor>;
    const m = models.mobilenet_v2({ width_mult: 0.1, num_classes: 10 });
    const res = m.load_state_dict(sd);
    expect(res.missing_keys).toEqual([]);
    expect(res.unexpected_keys).toEqual([]);
    const x = torch.tensor(mob.input.data).reshape(mob.input.shape);
    m.eval();
    torch.no_grad(() => expectOut(m(x), mob.eval_out, "mobilenet_v2 eval"));
    expect(m.state_dict()["features.1.conv.0.1.running_var"].equal(sd["features.1.conv.0.1.running_var"])).toBe(true);
  });
});

describe("initialisation statistics (torchvision's init, seeded)", () => {
  it("resnet18: conv kaiming_normal_(fan_out, relu), BN weight 1 bias 0, fc PyTorch's default; zero_init_residual zeroes each bn2", () => {
    const m = seeded(() => models.resnet18());
    for (const [name, mod] of m.named_modules()) {
      if (mod instanceof nn.Conv2d) {
        const [out, , kh, kw] = mod.weight.shape;
        expect(std(mod.weight) / Math.sqrt(2 / (out * kh * kw)), name).toBeCloseTo(1, 1);
        expect(mod.bias, name).toBeNull();
      } else if (mod instanceof nn.BatchNorm2d) {
        expect(mod.weight!.ne(1).sum().item(), name).toBe(0);
        expect(mod.bias!.ne(0).sum().item(), name).toBe(0);
      }
    }
    const bound = 1 / Math.sqrt(512);
    expect(m.fc.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(std(m.fc.weight) / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
    const z = seeded(() => models.resnet18({ zero_init_residual: true }));
    for (const layer of [z.layer1, z.layer2, z.layer3, z.layer4]) {
      for (const block of layer) {
        const b = block as InstanceType<typeof models.BasicBlock>;
        expect(b.bn2.weight!.ne(0).sum().item()).toBe(0);
        expect(b.bn1.weight!.ne(1).sum().item()).toBe(0);
      }
    }
    const r50 = seeded(() => models.resnet50({ zero_init_residual: true }));
    expect((r50.layer3[0] as InstanceType<typeof models.Bottleneck>).bn3.weight!.ne(0).sum().item()).toBe(0);
  });

  it("squeezenet: kaiming_uniform_ convs, the final conv normal(0, 0.01), biases 0; mobilenet_v2: linear normal(0, 0.01)", () => {
    const s = seeded(() => models.squeezenet1_1());
    const final = s.classifier[1];
    expect(std(final.weight)).toBeCloseTo(0.01, 3);
    const conv = s.features[0] as nn.Conv2d;
    const bound = Math.sqrt(6 / (3 * 9));
    expect(conv.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    for (const mod of s.modules()) if (mod instanceof nn.Conv2d) expect(mod.bias!.abs().max().item()).toBe(0);
    const m = seeded(() => models.mobilenet_v2());
    expect(std(m.classifier[1].weight)).toBeCloseTo(0.01, 3);
  });
});

describe("fine-tuning: swapping the head and training", () => {
  it("model.fc = new nn.Linear(model.fc.in_features, 10) (typed without casts), then SGD steps on random data lower the loss", () => {
    const m = seeded(() => torchvision.models.resnet18());
    m.fc = new nn.Linear(m.fc.in_features, 10);
    expect(m.fc.in_features).toBe(512);
    expect(m.fc.out_features).toBe(10);
    const keys = Object.keys(m.state_dict());
    expect(keys.slice(-2)).toEqual(["fc.weight", "fc.bias"]);
    expect(m.state_dict()["fc.weight"].shape).toEqual([10, 512]);
    expect(m.parameters()).toContain(m.fc.weight);
    expect(String(m).endsWith("  (fc): Linear(in_features=512, out_features=10, bias=True)\n)")).toBe(true);

    torch.manual_seed(3);
    const x = torch.randn(4, 3, 32, 32);
    const y = torch.randint(0, 10, [4]);
    const opt = new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 });
    m.train();
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      opt.zero_grad();
      const loss = F.cross_entropy(m(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(m(x).shape).toEqual([4, 10]);

    // Any module may replace the head (the setter takes a Module), and feature extraction freezes the rest.
    m.fc = new nn.Sequential(new nn.Dropout(0.2), new nn.Linear(512, 2));
    for (const p of m.parameters()) p.requires_grad_(false);
    expect(Object.keys(m.state_dict()).slice(-2)).toEqual(["fc.1.weight", "fc.1.bias"]);
  });

  it("VGG / AlexNet / MobileNetV2 heads: classifier[6] / classifier[1] keep their Linear type; conv1 swap for 1-channel input", () => {
    const a = seeded(() => models.alexnet({ num_classes: 10 }));
    a.classifier[6] = new nn.Linear(a.classifier[6].in_features, 2);
    expect(Object.entries(a.state_dict()).slice(-2).map(([k, v]) => [k, v.shape])).toEqual([["classifier.6.weight", [2, 4096]], ["classifier.6.bias", [2]]]);
    const mb = models.mobilenet_v2({ width_mult: 0.25 });
    mb.classifier[1] = new nn.Linear(mb.last_channel, 3);
    expect(torch.no_grad(() => mb.eval()(torch.zeros(1, 3, 32, 32))).shape).toEqual([1, 3]);
    const r = models.resnet18({ num_classes: 10 });
    r.conv1 = new nn.Conv2d(1, 64, { kernel_size: 7, stride: 2, padding: 3, bias: false });
    expect(torch.no_grad(() => r.eval()(torch.zeros(2, 1, 28, 28))).shape).toEqual([2, 10]);
  });
});

describe("pretrained weights are refused with one clear error", () => {
  const offline = /Pretrained weights cannot be downloaded here.*model\.load_state_dict\(torch\.load\(bytes\)\)/s;
  it("weights names, enum members, pretrained: true, the legacy positional true", () => {
    const W = models.ResNet18_Weights;
    expect(() => models.resnet18({ weights: "IMAGENET1K_V1" })).toThrow(offline);
    expect(() => models.resnet18({ weights: W.DEFAULT })).toThrow(offline);
    expect(() => models.resnet18({ weights: "ResNet18_Weights.IMAGENET1K_V1" })).toThrow(offline);
    expect(() => models.resnet18(W.IMAGENET1K_V1)).toThrow(offline);
    expect(() => models.resnet18({ pretrained: true })).toThrow(offline);
    expect(() => models.resnet18(true)).toThrow(offline);
    expect(() => models.vgg16({ weights: models.VGG16_Weights.IMAGENET1K_V1 })).toThrow(offline);
    expect(() => models.mobilenet_v2({ weights: "DEFAULT" })).toThrow(offline);
    expect(() => models.alexnet({ pretrained: true })).toThrow(offline);
    expect(() => models.squeezenet1_1({ weights: "DEFAULT" })).toThrow(offline);
    expect(() => models.get_model("resnet50", { weights: "DEFAULT" })).toThrow(offline);
    expect(() => models.resnet18({ weights: "IMAGENET1K_V1" })).toThrow("resnet18(weights=ResNet18_Weights.IMAGENET1K_V1)");
    expect(() => W.DEFAULT.get_state_dict(true)).toThrow(offline);
  });

  it("every weights member: repr, url, num_params and its preset (weights.transforms(), which needs no download) as torchvision's", () => {
    const seen: string[] = [];
    for (const name of models.list_models()) {
      for (const w of models.get_model_weights(name)) {
        const want = fx.weights[String(w)];
        expect(want, String(w)).toBeDefined();
        expect(w.url, String(w)).toBe(want.url);
        expect(w.meta.num_params, String(w)).toBe(want.num_params);
        expect(String(w.transforms()), String(w)).toBe(want.transforms);
        seen.push(String(w));
      }
    }
    expect(seen.sort()).toEqual(Object.keys(fx.weights).sort());
  });

  it("ImageClassification's values: resize, center crop, convert to float, normalise (a [3, 20, 26] image and a batch)", () => {
    const preset = models.ResNet50_Weights.IMAGENET1K_V2.transforms();
    preset.crop_size = [8];
    preset.resize_size = [11];
    const img = torch.tensor(fx.preset.input.data).reshape(fx.preset.input.shape);
    expectOut(preset(img), fx.preset.out, "preset", 1e-5);
    expectOut(preset(torch.stack([img, img.flip(-1)])), fx.preset.out_batch, "preset batch", 1e-5);
  });

  it("the enums describe the weights as torchvision's; wrong weights raise torchvision's errors; weights: null and pretrained: false build", () => {
    const W = models.ResNet50_Weights;
    expect(String(W.DEFAULT)).toBe("ResNet50_Weights.IMAGENET1K_V2");
    expect(W.DEFAULT).toBe(W.IMAGENET1K_V2);
    expect(W.IMAGENET1K_V1.url).toBe("https://download.pytorch.org/models/resnet50-0676ba61.pth");
    expect(W.IMAGENET1K_V1.meta.num_params).toBe(fx.structure.resnet50.num_params);
    expect([...W].map(String)).toEqual(["ResNet50_Weights.IMAGENET1K_V1", "ResNet50_Weights.IMAGENET1K_V2"]);
    expect(models.get_weight("ResNet50_Weights.IMAGENET1K_V2")).toBe(W.IMAGENET1K_V2);
    expect(models.get_model_weights("resnet50")).toBe(W);
    for (const name of Object.keys(fx.structure).filter((n) => models.list_models().includes(n))) {
      expect(models.get_model_weights(name).DEFAULT.meta.num_params, name).toBe(fx.structure[name].num_params);
    }
    expect(() => models.resnet18({ weights: models.VGG11_Weights.DEFAULT })).toThrow("Invalid Weight class provided; expected ResNet18_Weights but received VGG11_Weights.");
    expect(() => models.resnet18({ weights: "FOO" })).toThrow("Unknown value 'FOO' for ResNet18_Weights.");
    expect(() => models.resnext50_32x4d({ groups: 8 })).toThrow("The parameter 'groups' expected value 32 but got 8 instead.");
    expect(() => models.resnet18({ num_classes: 10, foo: 1 } as never)).toThrow("unexpected keyword argument 'foo'");
    expect(models.squeezenet1_1({ weights: null, progress: false, num_classes: 3 }).classifier[1].out_channels).toBe(3);
    expect(models.squeezenet1_0({ pretrained: false }).num_classes).toBe(1000);
  });
});

describe("list_models / get_model", () => {
  it("lists the builders here, sorted; get_model passes the keywords on", () => {
    const names = Object.keys(fx.structure).filter((n) => !/_nc10|_dilated/.test(n));
    expect(names).toHaveLength(40);
    expect(models.list_models()).toEqual([...names].sort());
    expect(models.list_models(models)).toEqual([...names].sort());
    const m = models.get_model("squeezenet1_1", { num_classes: 4 }) as InstanceType<typeof models.SqueezeNet>;
    expect(m.classifier[1].out_channels).toBe(4);
    expect(models.get_model_builder("vgg11")).toBe(models.vgg11);
    expect(() => models.get_model("resnet9000")).toThrow("Unknown model resnet9000");
  });

  it("the classes build models of their own: ResNet(BasicBlock, [1, 1, 1, 1]), VGG(make_layers(...)), a GroupNorm ResNet", () => {
    const r = new models.ResNet(models.BasicBlock, [1, 1, 1, 1], { num_classes: 5 });
    expect(Object.keys(r.state_dict()).filter((k) => k.startsWith("layer2")).slice(0, 3)).toEqual(["layer2.0.conv1.weight", "layer2.0.bn1.weight", "layer2.0.bn1.bias"]);
    expect(torch.no_grad(() => r.eval()(torch.zeros(1, 3, 32, 32))).shape).toEqual([1, 5]);
    const g = new models.ResNet(models.Bottleneck, [1, 1, 1, 1], { norm_layer: (c: number) => new nn.GroupNorm(32, c) });
    expect(String(g.bn1)).toBe("GroupNorm(32, 64, eps=1e-05, affine=True)");
    expect(g.bn1.weight!.ne(1).sum().item()).toBe(0);
    expect(() => new models.BasicBlock(64, 64, { groups: 2 })).toThrow("BasicBlock only supports groups=1 and base_width=64");
  });
});
