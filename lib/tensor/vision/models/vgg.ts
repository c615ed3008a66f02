/**
 * torchvision 0.14's models/vgg.py: VGG, make_layers, cfgs and vgg11 / vgg13 / vgg16 / vgg19 with their _bn variants,
 * built and initialised as torchvision does (conv: kaiming_normal_(mode="fan_out", nonlinearity="relu"), bias 0;
 * BN weight 1, bias 0; linear: normal(0, 0.01), bias 0), so state dicts and seeded weights equal torchvision's.
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_ } from "../../errors";
import { Module } from "../../nn/module";
import { constant_, kaiming_normal_, normal_ } from "../../nn/init";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU } from "../../nn/modules/activation";
import { Dropout } from "../../nn/modules/dropout";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/modules/pooling";
import type { Tensor } from "../../tensor";
import { builderArgs, register_model, registerEnum, weightsEnum, type BuilderOptions, type WeightsEnum, type WeightsArg } from "./_api";

/** VGG's classifier: Linear(25088, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Dropout, Linear(4096, num_classes). */
export type VGGClassifier = Sequential & { 0: Linear; 3: Linear; 6: Linear; [index: number]: Module };

export interface VGGOptions {
  features?: Module;
  num_classes?: number;
  init_weights?: boolean;
  dropout?: number;
}

/** new VGG(features, num_classes=1000, init_weights=true, dropout=0.5): features, avgpool (7x7), classifier. */
export class VGG extends Module {
  static override readonly __name__ = "VGG";
  declare features: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare classifier: VGGClassifier;

  constructor(...args: PyArgs<[features?: Module, num_classes?: number, init_weights?: boolean, dropout?: number], VGGOptions>) {
    super();
    const o = parseArgs<VGGOptions>("VGG", ["features", "num_classes", "init_weights", "dropout"], args);
    if (!(o.features instanceof Module)) throw new TypeError_("VGG.__init__() missing 1 required positional argument: 'features' (an nn.Module, e.g. make_layers(cfgs.A))");
    const dropout = o.dropout ?? 0.5;
    this.features = o.features as Sequential;
    this.avgpool = new AdaptiveAvgPool2d([7, 7]);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096),
      new ReLU(true),
      new Dropout({ p: dropout }),
      new Linear(4096, 4096),
      new ReLU(true),
      new Dropout({ p: dropout }),
      new Linear(4096, o.num_classes ?? 1000),
    ) as VGGClassifier;
    if (o.init_weights ?? true) {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) {
          kaiming_normal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
          if (m.bias) constant_(m.bias, 0);
        } else if (m instanceof BatchNorm2d) {
          constant_(m.weight!, 1);
          constant_(m.bias!, 0);
        } else if (m instanceof Linear) {
          normal_(m.weight, 0, 0.01);
          if (m.bias) constant_(m.bias, 0);
        }
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.avgpool(this.features(x) as Tensor).flatten(1);
    return this.classifier(x);
  }
}

/** make_layers(cfg, batch_norm=false): the feature extractor of a configuration ("M" is a 2x2 max pool). */
export function make_layers(cfg: readonly (number | "M")[], ...args: PyArgs<[batch_norm?: boolean], { batch_norm?: boolean }>): Sequential {
  const batch_norm = parseArgs<{ batch_norm?: boolean }>("make_layers", ["batch_norm"], args).batch_norm ?? false;
  const layers: Module[] = [];
  let in_channels = 3;
  for (const v of cfg) {
    if (v === "M") layers.push(new MaxPool2d({ kernel_size: 2, stride: 2 }));
    else {
      const conv2d = new Conv2d(in_channels, v, { kernel_size: 3, padding: 1 });
      if (batch_norm) layers.push(conv2d, new BatchNorm2d(v), new ReLU({ inplace: true }));
      else layers.push(conv2d, new ReLU({ inplace: true }));
      in_channels = v;
    }
  }
  return new Sequential(...layers);
}

export const cfgs: Readonly<Record<"A" | "B" | "D" | "E", readonly (number | "M")[]>> = {
  A: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  B: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  D: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
  E: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
};

const W = (file: string, num_params: number, acc1: number, acc5: number) => ({
  url: `https://download.pytorch.org/models/${file}`,
  meta: { num_params, min_size: [32, 32], _metrics: { "ImageNet-1K": { "acc@1": acc1, "acc@5": acc5 } } },
});
export const VGG11_Weights = weightsEnum("VGG11_Weights", { IMAGENET1K_V1: W("vgg11-8a719046.pth", 132863336, 69.02, 88.628) }, "IMAGENET1K_V1");
export const VGG11_BN_Weights = weightsEnum("VGG11_BN_Weights", { IMAGENET1K_V1: W("vgg11_bn-6002323d.pth", 132868840, 70.37, 89.81) }, "IMAGENET1K_V1");
export const VGG13_Weights = weightsEnum("VGG13_Weights", { IMAGENET1K_V1: W("vgg13-19584684.pth", 133047848, 69.928, 89.246) }, "IMAGENET1K_V1");
export const VGG13_BN_Weights = weightsEnum("VGG13_BN_Weights", { IMAGENET1K_V1: W("vgg13_bn-abd245e5.pth", 133053736, 71.586, 90.374) }, "IMAGENET1K_V1");
export const VGG16_Weights = weightsEnum(
  "VGG16_Weights",
  { IMAGENET1K_V1: W("vgg16-397923af.pth", 138357544, 71.592, 90.382), IMAGENET1K_FEATURES: {
      ...W("vgg16_features-amdegroot-88682ab5.pth", 138357544, NaN, NaN),
      transforms: { crop_size: 224, mean: [0.48235, 0.45882, 0.40784], std: [1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0] },
    },
  },
  "IMAGENET1K_V1",
);
export const VGG16_BN_Weights = weightsEnum("VGG16_BN_Weights", { IMAGENET1K_V1: W("vgg16_bn-6c64b313.pth", 138365992, 73.36, 91.516) }, "IMAGENET1K_V1");
export const VGG19_Weights = weightsEnum("VGG19_Weights", { IMAGENET1K_V1: W("vgg19-dcbb9e9d.pth", 143667240, 72.376, 90.876) }, "IMAGENET1K_V1");
export const VGG19_BN_Weights = weightsEnum("VGG19_BN_Weights", { IMAGENET1K_V1: W("vgg19_bn-c79401a0.pth", 143678248, 74.218, 91.842) }, "IMAGENET1K_V1");

/** The model keywords vgg16(...) passes on to VGG. */
export type VGGKeywords = Omit<VGGOptions, "features">;
/** vgg16(weights?, progress?, { weights, progress, num_classes, init_weights, dropout }) and the rest. */
export type VGGBuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & VGGKeywords>;

function builder(name: string, cfg: keyof typeof cfgs, batch_norm: boolean, weights: WeightsEnum): (...args: VGGBuilderArgs) => VGG {
  const fn = (...args: VGGBuilderArgs): VGG => {
    const kw = builderArgs<VGGKeywords>(name, weights, ["num_classes", "init_weights", "dropout"], args);
    return new VGG(make_layers(cfgs[cfg], batch_norm), kw);
  };
  Object.defineProperty(fn, "name", { value: name });
  registerEnum(weights);
  register_model(name, fn, weights);
  return fn;
}

export const vgg11 = builder("vgg11", "A", false, VGG11_Weights);
export const vgg11_bn = builder("vgg11_bn", "A", true, VGG11_BN_Weights);
export const vgg13 = builder("vgg13", "B", false, VGG13_Weights);
export const vgg13_bn = builder("vgg13_bn", "B", true, VGG13_BN_Weights);
export const vgg16 = builder("vgg16", "D", false, VGG16_Weights);
export const vgg16_bn = builder("vgg16_bn", "D", true, VGG16_BN_Weights);
export const vgg19 = builder("vgg19", "E", false, VGG19_Weights);
export const vgg19_bn = builder("vgg19_bn", "E", true, VGG19_BN_Weights);
