/**
 * torchvision 0.14's models/densenet.py: DenseNet (with _DenseLayer, _DenseBlock, _Transition) and densenet121 /
 * densenet161 / densenet169 / densenet201, with torchvision's module names (features.denseblock1.denselayer1.norm1...)
 * and init (conv: kaiming_normal_ (fan_in); BN: 1, 0; linear: bias 0, weight PyTorch's default). memory_efficient is
 * accepted and computes the same values (the engine does not checkpoint the bottleneck; it only saves memory in PyTorch).
 */
import { parseArgs, type PyArgs } from "../../args";
import { Module } from "../../nn/module";
import { constant_, kaiming_normal_ } from "../../nn/init";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Conv2d } from "../../nn/modules/conv";
import { ModuleDict, Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU } from "../../nn/modules/activation";
import { AvgPool2d, MaxPool2d } from "../../nn/modules/pooling";
import { adaptive_avg_pool2d } from "../../nn/functional/pooling";
import { relu } from "../../nn/functional/activation";
import { dropout } from "../../nn/functional/dropout";
import { cat } from "../../ops/join";
import { Tensor } from "../../tensor";
import { builderArgs, register_model, registerEnum, weightsEnum, type BuilderOptions, type WeightsArg, type WeightsEnum } from "./_api";

/** One dense layer: BN-ReLU-1x1 conv (bn_size * growth_rate) then BN-ReLU-3x3 conv (growth_rate), on the concatenated inputs. */
export class _DenseLayer extends Module {
  static override readonly __name__ = "_DenseLayer";
  declare norm1: BatchNorm2d;
  declare relu1: ReLU;
  declare conv1: Conv2d;
  declare norm2: BatchNorm2d;
  declare relu2: ReLU;
  declare conv2: Conv2d;
  declare drop_rate: number;
  declare memory_efficient: boolean;

  constructor(num_input_features: number, growth_rate: number, bn_size: number, drop_rate: number, memory_efficient = false) {
    super();
    this.norm1 = new BatchNorm2d(num_input_features);
    this.relu1 = new ReLU({ inplace: true });
    this.conv1 = new Conv2d(num_input_features, bn_size * growth_rate, { kernel_size: 1, stride: 1, bias: false });
    this.norm2 = new BatchNorm2d(bn_size * growth_rate);
    this.relu2 = new ReLU({ inplace: true });
    this.conv2 = new Conv2d(bn_size * growth_rate, growth_rate, { kernel_size: 3, stride: 1, padding: 1, bias: false });
    this.drop_rate = Number(drop_rate);
    this.memory_efficient = memory_efficient;
  }

  bn_function(inputs: readonly Tensor[]): Tensor {
    return this.conv1(this.relu1(this.norm1(cat(inputs, 1))));
  }

  override forward(input: Tensor | readonly Tensor[]): Tensor {
    const prev = input instanceof Tensor ? [input] : input;
    const bottleneck = this.bn_function(prev);
    let out = this.conv2(this.relu2(this.norm2(bottleneck)));
    if (this.drop_rate > 0) out = dropout(out, { p: this.drop_rate, training: this.training });
    return out;
  }
}

/** num_layers dense layers (denselayer1 ...), each fed every earlier output; returns them all concatenated. */
export class _DenseBlock extends ModuleDict {
  constructor(num_layers: number, num_input_features: number, bn_size: number, growth_rate: number, drop_rate: number, memory_efficient = false) {
    super();
    for (let i = 0; i < num_layers; i++) {
      this.add_module(`denselayer${i + 1}`, new _DenseLayer(num_input_features + i * growth_rate, growth_rate, bn_size, drop_rate, memory_efficient));
    }
  }

  override forward(init_features: Tensor): Tensor {
    const features = [init_features];
    for (const [, layer] of this.items()) features.push(layer(features) as Tensor);
    return cat(features, 1);
  }
}
Object.defineProperty(_DenseBlock, "__name__", { value: "_DenseBlock" });

/** BN, ReLU, 1x1 conv, 2x2 average pool between dense blocks. */
export class _Transition extends Sequential {
  declare norm: BatchNorm2d;
  declare relu: ReLU;
  declare conv: Conv2d;
  declare pool: AvgPool2d;

  constructor(num_input_features: number, num_output_features: number) {
    super();
    this.norm = new BatchNorm2d(num_input_features);
    this.relu = new ReLU({ inplace: true });
    this.conv = new Conv2d(num_input_features, num_output_features, { kernel_size: 1, stride: 1, bias: false });
    this.pool = new AvgPool2d({ kernel_size: 2, stride: 2 });
  }
}
Object.defineProperty(_Transition, "__name__", { value: "_Transition" });

export interface DenseNetOptions {
  growth_rate?: number;
  block_config?: readonly number[];
  num_init_features?: number;
  bn_size?: number;
  drop_rate?: number;
  num_classes?: number;
  memory_efficient?: boolean;
}
const DENSENET_NAMES = ["growth_rate", "block_config", "num_init_features", "bn_size", "drop_rate", "num_classes", "memory_efficient"] as const;

/** new DenseNet(growth_rate=32, block_config=[6, 12, 24, 16], num_init_features=64, bn_size=4, drop_rate=0, num_classes=1000, memory_efficient=false) */
export class DenseNet extends Module {
  static override readonly __name__ = "DenseNet";
  declare features: Sequential;
  declare classifier: Linear;

  constructor(
    ...args: PyArgs<
      [growth_rate?: number, block_config?: readonly number[], num_init_features?: number, bn_size?: number, drop_rate?: number, num_classes?: number, memory_efficient?: boolean],
      DenseNetOptions
    >
  ) {
    super();
    const o = parseArgs<DenseNetOptions>("DenseNet", [...DENSENET_NAMES], args);
    const growth_rate = o.growth_rate ?? 32;
    const block_config = o.block_config ?? [6, 12, 24, 16];
    const num_init_features = o.num_init_features ?? 64;
    const bn_size = o.bn_size ?? 4;
    const drop_rate = o.drop_rate ?? 0;
    const memory_efficient = o.memory_efficient ?? false;
    this.features = new Sequential(
      new Map<string, Module>([
        ["conv0", new Conv2d(3, num_init_features, { kernel_size: 7, stride: 2, padding: 3, bias: false })],
        ["norm0", new BatchNorm2d(num_init_features)],
        ["relu0", new ReLU({ inplace: true })],
        ["pool0", new MaxPool2d({ kernel_size: 3, stride: 2, padding: 1 })],
      ]),
    );
    let num_features = num_init_features;
    block_config.forEach((num_layers, i) => {
      this.features.add_module(`denseblock${i + 1}`, new _DenseBlock(num_layers, num_features, bn_size, growth_rate, drop_rate, memory_efficient));
      num_features += num_layers * growth_rate;
      if (i !== block_config.length - 1) {
        this.features.add_module(`transition${i + 1}`, new _Transition(num_features, Math.floor(num_features / 2)));
        num_features = Math.floor(num_features / 2);
      }
    });
    this.features.add_module("norm5", new BatchNorm2d(num_features));
    this.classifier = new Linear(num_features, o.num_classes ?? 1000);
    for (const m of this.modules()) {
      if (m instanceof Conv2d) kaiming_normal_(m.weight);
      else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      } else if (m instanceof Linear) constant_(m.bias!, 0);
    }
  }

  override forward(x: Tensor): Tensor {
    const features = this.features(x);
    const out = adaptive_avg_pool2d(relu(features, { inplace: true }), [1, 1]).flatten(1);
    return this.classifier(out);
  }
}

const W = (file: string, num_params: number, acc1: number, acc5: number) => ({
  url: `https://download.pytorch.org/models/${file}`,
  meta: { num_params, min_size: [29, 29], _metrics: { "ImageNet-1K": { "acc@1": acc1, "acc@5": acc5 } } },
});
export const DenseNet121_Weights = weightsEnum("DenseNet121_Weights", { IMAGENET1K_V1: W("densenet121-a639ec97.pth", 7978856, 74.434, 91.972) }, "IMAGENET1K_V1");
export const DenseNet161_Weights = weightsEnum("DenseNet161_Weights", { IMAGENET1K_V1: W("densenet161-8d451a50.pth", 28681000, 77.138, 93.56) }, "IMAGENET1K_V1");
export const DenseNet169_Weights = weightsEnum("DenseNet169_Weights", { IMAGENET1K_V1: W("densenet169-b2777c0a.pth", 14149480, 75.6, 92.806) }, "IMAGENET1K_V1");
export const DenseNet201_Weights = weightsEnum("DenseNet201_Weights", { IMAGENET1K_V1: W("densenet201-c1103571.pth", 20013928, 76.896, 93.37) }, "IMAGENET1K_V1");

type DenseNetKeywords = Omit<DenseNetOptions, "growth_rate" | "block_config" | "num_init_features">;
/** densenet121(weights?, progress?, { weights, progress, num_classes, bn_size, drop_rate, memory_efficient }) and the rest. */
export type DenseNetBuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & DenseNetKeywords>;

function builder(name: string, growth_rate: number, block_config: number[], num_init_features: number, weights: WeightsEnum): (...args: DenseNetBuilderArgs) => DenseNet {
  const fn = (...args: DenseNetBuilderArgs): DenseNet => {
    const kw = builderArgs<DenseNetKeywords>(name, weights, ["bn_size", "drop_rate", "num_classes", "memory_efficient"], args);
    return new DenseNet(growth_rate, block_config, num_init_features, kw);
  };
  Object.defineProperty(fn, "name", { value: name });
  registerEnum(weights);
  register_model(name, fn, weights);
  return fn;
}

export const densenet121 = builder("densenet121", 32, [6, 12, 24, 16], 64, DenseNet121_Weights);
export const densenet161 = builder("densenet161", 48, [6, 12, 36, 24], 96, DenseNet161_Weights);
export const densenet169 = builder("densenet169", 32, [6, 12, 32, 32], 64, DenseNet169_Weights);
export const densenet201 = builder("densenet201", 32, [6, 12, 48, 32], 64, DenseNet201_Weights);
