/**
 * torchvision 0.14's models/mobilenetv3.py: MobileNetV3 (InvertedResidualConfig, InvertedResidual with
 * torchvision.ops' SqueezeExcitation) and mobilenet_v3_large / mobilenet_v3_small, with torchvision's names, BN
 * (eps=0.001, momentum=0.01) and init (conv: kaiming_normal_(mode="fan_out"), bias 0; BN / GroupNorm: 1, 0;
 * linear: normal(0, 0.01), bias 0).
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import { Module } from "../../nn/module";
import { normal_ } from "../../nn/init";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU, Sigmoid } from "../../nn/modules/activation";
import { Hardsigmoid, Hardswish } from "../../nn/modules/activation_extra";
import { Dropout } from "../../nn/modules/dropout";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling";
import type { Tensor } from "../../tensor";
import { _make_divisible, builderArgs, makeLayer, register_model, registerEnum, weightsEnum, type BuilderOptions, type LayerFactory, type WeightsArg } from "./_api";
import { Conv2dNormActivation, initConvNormLinear } from "./mobilenetv2";

/**
 * torchvision.ops.SqueezeExcitation(input_channels, squeeze_channels, activation=ReLU, scale_activation=Sigmoid):
 * scales each channel by scale_activation(fc2(activation(fc1(avgpool(x))))).
 */
export class SqueezeExcitation extends Module {
  static override readonly __name__ = "SqueezeExcitation";
  declare avgpool: AdaptiveAvgPool2d;
  declare fc1: Conv2d;
  declare fc2: Conv2d;
  declare activation: Module;
  declare scale_activation: Module;

  constructor(input_channels: number, squeeze_channels: number, activation: LayerFactory = ReLU, scale_activation: LayerFactory = Sigmoid) {
    super();
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.fc1 = new Conv2d(input_channels, squeeze_channels, 1);
    this.fc2 = new Conv2d(squeeze_channels, input_channels, 1);
    this.activation = makeLayer(activation);
    this.scale_activation = makeLayer(scale_activation);
  }

  _scale(input: Tensor): Tensor {
    return this.scale_activation(this.fc2(this.activation(this.fc1(this.avgpool(input))))) as Tensor;
  }

  override forward(input: Tensor): Tensor {
    return this._scale(input).mul(input);
  }
}

/** One bottleneck's settings (channels already multiplied by width_mult and rounded to multiples of 8). */
export class InvertedResidualConfig {
  input_channels: number;
  kernel: number;
  expanded_channels: number;
  out_channels: number;
  use_se: boolean;
  use_hs: boolean;
  stride: number;
  dilation: number;

  constructor(input_channels: number, kernel: number, expanded_channels: number, out_channels: number, use_se: boolean, activation: "RE" | "HS", stride: number, dilation: number, width_mult: number) {
    this.input_channels = InvertedResidualConfig.adjust_channels(input_channels, width_mult);
    this.kernel = kernel;
    this.expanded_channels = InvertedResidualConfig.adjust_channels(expanded_channels, width_mult);
    this.out_channels = InvertedResidualConfig.adjust_channels(out_channels, width_mult);
    this.use_se = use_se;
    this.use_hs = activation === "HS";
    this.stride = stride;
    this.dilation = dilation;
  }

  static adjust_channels(channels: number, width_mult: number): number {
    return _make_divisible(channels * width_mult, 8);
  }
}

const hardSE = (input_channels: number, squeeze_channels: number) => new SqueezeExcitation(input_channels, squeeze_channels, ReLU, Hardsigmoid);

/** MobileNetV3's block: optional 1x1 expansion, depthwise conv, optional squeeze-excitation, linear 1x1 projection. */
export class InvertedResidual extends Module {
  static override readonly __name__ = "InvertedResidual";
  declare use_res_connect: boolean;
  declare block: Sequential;
  declare out_channels: number;
  declare _is_cn: boolean;

  constructor(cnf: InvertedResidualConfig, norm_layer: LayerFactory, se_layer: LayerFactory = hardSE) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new ValueError("illegal stride value");
    this.use_res_connect = cnf.stride === 1 && cnf.input_channels === cnf.out_channels;
    const layers: Module[] = [];
    const activation_layer = cnf.use_hs ? Hardswish : ReLU;
    if (cnf.expanded_channels !== cnf.input_channels) {
      layers.push(new Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, { kernel_size: 1, norm_layer, activation_layer }));
    }
    const stride = cnf.dilation > 1 ? 1 : cnf.stride;
    layers.push(
      new Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, {
        kernel_size: cnf.kernel,
        stride,
        dilation: cnf.dilation,
        groups: cnf.expanded_channels,
        norm_layer,
        activation_layer,
      }),
    );
    if (cnf.use_se) layers.push(makeLayer(se_layer, cnf.expanded_channels, _make_divisible(Math.floor(cnf.expanded_channels / 4), 8)));
    layers.push(new Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, { kernel_size: 1, norm_layer, activation_layer: null }));
    this.block = new Sequential(...layers);
    this.out_channels = cnf.out_channels;
    this._is_cn = cnf.stride > 1;
  }

  override forward(input: Tensor): Tensor {
    const result = this.block(input);
    return this.use_res_connect ? result.add(input) : result;
  }
}

/** MobileNetV3's classifier: Linear, Hardswish, Dropout, Linear(last_channel, num_classes). */
export type MobileNetV3Classifier = Sequential & { 0: Linear; 3: Linear; [index: number]: Module };

export interface MobileNetV3Options {
  inverted_residual_setting?: readonly InvertedResidualConfig[];
  last_channel?: number;
  num_classes?: number;
  block?: LayerFactory | null;
  norm_layer?: LayerFactory | null;
  dropout?: number;
}

/** BatchNorm2d(c, eps=0.001, momentum=0.01): MobileNetV3's default norm layer. */
const bn = (c: number) => new BatchNorm2d(c, { eps: 0.001, momentum: 0.01 });

/** new MobileNetV3(inverted_residual_setting, last_channel, num_classes=1000, block=null, norm_layer=null, dropout=0.2) */
export class MobileNetV3 extends Module {
  static override readonly __name__ = "MobileNetV3";
  declare features: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare classifier: MobileNetV3Classifier;

  constructor(
    ...args: PyArgs<
      [inverted_residual_setting?: readonly InvertedResidualConfig[], last_channel?: number, num_classes?: number, block?: LayerFactory | null, norm_layer?: LayerFactory | null, dropout?: number],
      MobileNetV3Options
    >
  ) {
    super();
    const o = parseArgs<MobileNetV3Options>("MobileNetV3", ["inverted_residual_setting", "last_channel", "num_classes", "block", "norm_layer", "dropout"], args);
    const setting = o.inverted_residual_setting;
    if (!setting || setting.length === 0) throw new ValueError("The inverted_residual_setting should not be empty");
    if (!setting.every((s) => s instanceof InvertedResidualConfig)) throw new TypeError_("The inverted_residual_setting should be List[InvertedResidualConfig]");
    if (o.last_channel === undefined) throw new TypeError_("MobileNetV3.__init__() missing 1 required positional argument: 'last_channel'");
    const block = o.block ?? InvertedResidual;
    const norm_layer = o.norm_layer ?? bn;
    const layers: Module[] = [];
    const firstconv = setting[0].input_channels;
    layers.push(new Conv2dNormActivation(3, firstconv, { kernel_size: 3, stride: 2, norm_layer, activation_layer: Hardswish }));
    for (const cnf of setting) layers.push(makeLayer(block, cnf, norm_layer));
    const lastconv_input = setting[setting.length - 1].out_channels;
    const lastconv_output = 6 * lastconv_input;
    layers.push(new Conv2dNormActivation(lastconv_input, lastconv_output, { kernel_size: 1, norm_layer, activation_layer: Hardswish }));
    this.features = new Sequential(...layers);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.classifier = new Sequential(
      new Linear(lastconv_output, o.last_channel),
      new Hardswish({ inplace: true }),
      new Dropout({ p: o.dropout ?? 0.2, inplace: true }),
      new Linear(o.last_channel, o.num_classes ?? 1000),
    ) as MobileNetV3Classifier;
    initConvNormLinear(this, (w) => normal_(w, 0, 0.01));
  }

  _forward_impl(x: Tensor): Tensor {
    x = this.avgpool(this.features(x)).flatten(1);
    return this.classifier(x);
  }

  override forward(x: Tensor): Tensor {
    return this._forward_impl(x);
  }
}

/** _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=false, dilated=false): [inverted_residual_setting, last_channel]. */
export function _mobilenet_v3_conf(arch: string, width_mult = 1.0, reduced_tail = false, dilated = false): [InvertedResidualConfig[], number] {
  const r = reduced_tail ? 2 : 1;
  const d = dilated ? 2 : 1;
  const b = (i: number, k: number, e: number, o: number, se: boolean, act: "RE" | "HS", s: number, dil: number) => new InvertedResidualConfig(i, k, e, o, se, act, s, dil, width_mult);
  const div = (v: number) => Math.floor(v / r);
  if (arch === "mobilenet_v3_large") {
    return [
      [
        b(16, 3, 16, 16, false, "RE", 1, 1),
        b(16, 3, 64, 24, false, "RE", 2, 1),
        b(24, 3, 72, 24, false, "RE", 1, 1),
        b(24, 5, 72, 40, true, "RE", 2, 1),
        b(40, 5, 120, 40, true, "RE", 1, 1),
        b(40, 5, 120, 40, true, "RE", 1, 1),
        b(40, 3, 240, 80, false, "HS", 2, 1),
        b(80, 3, 200, 80, false, "HS", 1, 1),
        b(80, 3, 184, 80, false, "HS", 1, 1),
        b(80, 3, 184, 80, false, "HS", 1, 1),
        b(80, 3, 480, 112, true, "HS", 1, 1),
        b(112, 3, 672, 112, true, "HS", 1, 1),
        b(112, 5, 672, div(160), true, "HS", 2, d),
        b(div(160), 5, div(960), div(160), true, "HS", 1, d),
        b(div(160), 5, div(960), div(160), true, "HS", 1, d),
      ],
      InvertedResidualConfig.adjust_channels(div(1280), width_mult),
    ];
  }
  if (arch === "mobilenet_v3_small") {
    return [
      [
        b(16, 3, 16, 16, true, "RE", 2, 1),
        b(16, 3, 72, 24, false, "RE", 2, 1),
        b(24, 3, 88, 24, false, "RE", 1, 1),
        b(24, 5, 96, 40, true, "HS", 2, 1),
        b(40, 5, 240, 40, true, "HS", 1, 1),
        b(40, 5, 240, 40, true, "HS", 1, 1),
        b(40, 5, 120, 48, true, "HS", 1, 1),
        b(48, 5, 144, 48, true, "HS", 1, 1),
        b(48, 5, 288, div(96), true, "HS", 2, d),
        b(div(96), 5, div(576), div(96), true, "HS", 1, d),
        b(div(96), 5, div(576), div(96), true, "HS", 1, d),
      ],
      InvertedResidualConfig.adjust_channels(div(1024), width_mult),
    ];
  }
  throw new ValueError(`Unsupported model type ${arch}`);
}

const W = (file: string, num_params: number, acc1: number, acc5: number) => ({
  url: `https://download.pytorch.org/models/${file}`,
  meta: { num_params, min_size: [1, 1], _metrics: { "ImageNet-1K": { "acc@1": acc1, "acc@5": acc5 } } },
});
export const MobileNet_V3_Large_Weights = weightsEnum(
  "MobileNet_V3_Large_Weights",
  { IMAGENET1K_V1: W("mobilenet_v3_large-8738ca79.pth", 5483032, 74.042, 91.34), IMAGENET1K_V2: { ...W("mobilenet_v3_large-5c1a4163.pth", 5483032, 75.274, 92.566), transforms: { crop_size: 224, resize_size: 232 } } },
  "IMAGENET1K_V2",
);
export const MobileNet_V3_Small_Weights = weightsEnum("MobileNet_V3_Small_Weights", { IMAGENET1K_V1: W("mobilenet_v3_small-047dcff4.pth", 2542856, 67.668, 87.402) }, "IMAGENET1K_V1");

/** The keywords mobilenet_v3_large / _small take: the configuration's and the model's. */
export interface MobileNetV3Keywords {
  width_mult?: number;
  reduced_tail?: boolean;
  dilated?: boolean;
  num_classes?: number;
  block?: LayerFactory | null;
  norm_layer?: LayerFactory | null;
  dropout?: number;
}
type MobileNetV3BuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & MobileNetV3Keywords>;
const KW = ["width_mult", "reduced_tail", "dilated", "num_classes", "block", "norm_layer", "dropout"] as const;

function build(name: "mobilenet_v3_large" | "mobilenet_v3_small", weights: typeof MobileNet_V3_Large_Weights | typeof MobileNet_V3_Small_Weights, args: readonly unknown[]): MobileNetV3 {
  const kw = builderArgs<MobileNetV3Keywords>(name, weights, KW, args);
  const [setting, last_channel] = _mobilenet_v3_conf(name, kw.width_mult ?? 1.0, kw.reduced_tail ?? false, kw.dilated ?? false);
  return new MobileNetV3(setting, last_channel, { num_classes: kw.num_classes, block: kw.block, norm_layer: kw.norm_layer, dropout: kw.dropout });
}

/** mobilenet_v3_large(weights?, progress?, { weights, progress, num_classes, width_mult, reduced_tail, dilated, dropout, ... }) */
export function mobilenet_v3_large(...args: MobileNetV3BuilderArgs): MobileNetV3 {
  return build("mobilenet_v3_large", MobileNet_V3_Large_Weights, args);
}
/** mobilenet_v3_small(weights?, progress?, { weights, progress, num_classes, width_mult, reduced_tail, dilated, dropout, ... }) */
export function mobilenet_v3_small(...args: MobileNetV3BuilderArgs): MobileNetV3 {
  return build("mobilenet_v3_small", MobileNet_V3_Small_Weights, args);
}
registerEnum(MobileNet_V3_Large_Weights);
registerEnum(MobileNet_V3_Small_Weights);
register_model("mobilenet_v3_large", mobilenet_v3_large, MobileNet_V3_Large_Weights);
register_model("mobilenet_v3_small", mobilenet_v3_small, MobileNet_V3_Small_Weights);
