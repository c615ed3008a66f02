/**
 * torchvision 0.14's models/mobilenetv2.py: MobileNetV2, InvertedResidual, mobilenet_v2(), with torchvision.ops'
 * Conv2dNormActivation (a Sequential of conv, norm, activation). Initialised as torchvision does (conv:
 * kaiming_normal_(mode="fan_out"), bias 0; BN / GroupNorm: 1, 0; linear: normal(0, 0.01), bias 0).
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import { Module } from "../../nn/module";
import { kaiming_normal_, normal_, ones_, zeros_ } from "../../nn/init";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU, ReLU6 } from "../../nn/modules/activation";
import { Dropout } from "../../nn/modules/dropout";
import { GroupNorm } from "../../nn/modules/normalization_extra";
import { adaptive_avg_pool2d } from "../../nn/functional/pooling";
import type { Tensor } from "../../tensor";
import { _make_divisible, builderArgs, makeLayer, register_model, registerEnum, weightsEnum, type BuilderOptions, type LayerFactory, type WeightsArg } from "./_api";

/**
 * torchvision's init for the MobileNet and EfficientNet families, in module order (so seeded
 * weights match): convs kaiming_normal_(mode="fan_out") with zero bias, batch and group norms
 * weight 1 bias 0, and each Linear's weight by `linear` with zero bias.
 */
export function initConvNormLinear(model: Module, linear: (weight: Tensor) => void): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d) {
      kaiming_normal_(m.weight, { mode: "fan_out" });
      if (m.bias) zeros_(m.bias);
    } else if (m instanceof BatchNorm2d || m instanceof GroupNorm) {
      ones_((m as BatchNorm2d).weight!);
      zeros_((m as BatchNorm2d).bias!);
    } else if (m instanceof Linear) {
      linear(m.weight);
      if (m.bias) zeros_(m.bias);
    }
  }
}

type Size = number | readonly number[];

export interface Conv2dNormActivationOptions {
  in_channels?: number;
  out_channels?: number;
  kernel_size?: Size;
  stride?: Size;
  padding?: Size | string | null;
  groups?: number;
  norm_layer?: LayerFactory | null;
  activation_layer?: LayerFactory | null;
  dilation?: Size;
  inplace?: boolean | null;
  bias?: boolean | null;
}
const CNA_NAMES = ["in_channels", "out_channels", "kernel_size", "stride", "padding", "groups", "norm_layer", "activation_layer", "dilation", "inplace", "bias"] as const;

/**
 * torchvision.ops.Conv2dNormActivation(in_channels, out_channels, kernel_size=3, stride=1, padding=null, groups=1,
 * norm_layer=BatchNorm2d, activation_layer=ReLU, dilation=1, inplace=true, bias=null): Conv2d, norm, activation
 * as children 0, 1, 2 (null drops a layer; padding null is (kernel_size - 1) / 2 * dilation; bias defaults to no norm).
 */
export class Conv2dNormActivation extends Sequential {
  declare out_channels: number;

  constructor(
    ...args: PyArgs<
      [
        in_channels?: number,
        out_channels?: number,
        kernel_size?: Size,
        stride?: Size,
        padding?: Size | string | null,
        groups?: number,
        norm_layer?: LayerFactory | null,
        activation_layer?: LayerFactory | null,
        dilation?: Size,
        inplace?: boolean | null,
        bias?: boolean | null,
      ],
      Conv2dNormActivationOptions
    >
  ) {
    const o = parseArgs<Conv2dNormActivationOptions>("Conv2dNormActivation", [...CNA_NAMES], args);
    if (o.in_channels === undefined || o.out_channels === undefined) throw new TypeError_("Conv2dNormActivation.__init__() missing required arguments 'in_channels' and 'out_channels'");
    const kernel_size = o.kernel_size ?? 3;
    const dilation = o.dilation ?? 1;
    let padding = o.padding ?? null;
    if (padding === null) {
      if (typeof kernel_size === "number" && typeof dilation === "number") padding = Math.floor((kernel_size - 1) / 2) * dilation;
      else {
        const n = typeof kernel_size === "number" ? (dilation as readonly number[]).length : kernel_size.length;
        const ks = typeof kernel_size === "number" ? Array(n).fill(kernel_size) : kernel_size;
        const dl = typeof dilation === "number" ? Array(n).fill(dilation) : dilation;
        padding = ks.map((k: number, i: number) => Math.floor((k - 1) / 2) * dl[i]);
      }
    }
    const norm_layer = o.norm_layer === undefined ? BatchNorm2d : o.norm_layer;
    const activation_layer = o.activation_layer === undefined ? ReLU : o.activation_layer;
    const bias = o.bias ?? norm_layer === null;
    const layers: Module[] = [
      new Conv2d(o.in_channels, o.out_channels, {
        kernel_size,
        stride: o.stride ?? 1,
        padding: padding as number,
        dilation,
        groups: o.groups ?? 1,
        bias,
      }),
    ];
    if (norm_layer !== null) layers.push(makeLayer(norm_layer, o.out_channels));
    if (activation_layer !== null) {
      const inplace = o.inplace === undefined ? true : o.inplace;
      layers.push(inplace === null ? makeLayer(activation_layer) : makeLayer(activation_layer, { inplace }));
    }
    super(...layers);
    this.out_channels = o.out_channels;
  }
}

// (Sequential's static __name__ has the literal type "Sequential", so the printed name is set here.)
Object.defineProperty(Conv2dNormActivation, "__name__", { value: "Conv2dNormActivation" });

export interface InvertedResidualOptions {
  inp?: number;
  oup?: number;
  stride?: number;
  expand_ratio?: number;
  norm_layer?: LayerFactory | null;
}

/** MobileNetV2's block: 1x1 expansion (unless expand_ratio is 1), depthwise 3x3, linear 1x1; residual when stride 1 and inp == oup. */
export class InvertedResidual extends Module {
  static override readonly __name__ = "InvertedResidual";
  declare stride: number;
  declare use_res_connect: boolean;
  declare conv: Sequential;
  declare out_channels: number;
  declare _is_cn: boolean;

  constructor(...args: PyArgs<[inp?: number, oup?: number, stride?: number, expand_ratio?: number, norm_layer?: LayerFactory | null], InvertedResidualOptions>) {
    super();
    const o = parseArgs<InvertedResidualOptions>("InvertedResidual", ["inp", "oup", "stride", "expand_ratio", "norm_layer"], args);
    if (o.inp === undefined || o.oup === undefined || o.stride === undefined || o.expand_ratio === undefined) {
      throw new TypeError_("InvertedResidual.__init__() missing required arguments: 'inp', 'oup', 'stride' and 'expand_ratio'");
    }
    const { inp, oup, stride, expand_ratio } = o;
    this.stride = stride;
    if (stride !== 1 && stride !== 2) throw new ValueError(`stride should be 1 or 2 insted of ${stride}`);
    const norm_layer = o.norm_layer ?? BatchNorm2d;
    const hidden_dim = Math.round(inp * expand_ratio);
    this.use_res_connect = stride === 1 && inp === oup;
    const layers: Module[] = [];
    if (expand_ratio !== 1) layers.push(new Conv2dNormActivation(inp, hidden_dim, { kernel_size: 1, norm_layer, activation_layer: ReLU6 }));
    layers.push(
      new Conv2dNormActivation(hidden_dim, hidden_dim, { stride, groups: hidden_dim, norm_layer, activation_layer: ReLU6 }),
      new Conv2d(hidden_dim, oup, 1, 1, 0, { bias: false }),
      makeLayer(norm_layer, oup),
    );
    this.conv = new Sequential(...layers);
    this.out_channels = oup;
    this._is_cn = stride > 1;
  }

  override forward(x: Tensor): Tensor {
    return this.use_res_connect ? x.add(this.conv(x)) : this.conv(x);
  }
}

/** MobileNetV2's classifier: Dropout, Linear(last_channel, num_classes). */
export type MobileNetV2Classifier = Sequential & { 1: Linear; [index: number]: Module };

export interface MobileNetV2Options {
  num_classes?: number;
  width_mult?: number;
  inverted_residual_setting?: readonly (readonly number[])[] | null;
  round_nearest?: number;
  block?: LayerFactory | null;
  norm_layer?: LayerFactory | null;
  dropout?: number;
}
const MNV2_NAMES = ["num_classes", "width_mult", "inverted_residual_setting", "round_nearest", "block", "norm_layer", "dropout"] as const;

/** new MobileNetV2(num_classes=1000, width_mult=1.0, inverted_residual_setting=null, round_nearest=8, block=null, norm_layer=null, dropout=0.2) */
export class MobileNetV2 extends Module {
  static override readonly __name__ = "MobileNetV2";
  declare last_channel: number;
  declare features: Sequential;
  declare classifier: MobileNetV2Classifier;

  constructor(
    ...args: PyArgs<
      [
        num_classes?: number,
        width_mult?: number,
        inverted_residual_setting?: readonly (readonly number[])[] | null,
        round_nearest?: number,
        block?: LayerFactory | null,
        norm_layer?: LayerFactory | null,
        dropout?: number,
      ],
      MobileNetV2Options
    >
  ) {
    super();
    const o = parseArgs<MobileNetV2Options>("MobileNetV2", [...MNV2_NAMES], args);
    const block = o.block ?? InvertedResidual;
    const norm_layer = o.norm_layer ?? BatchNorm2d;
    const width_mult = o.width_mult ?? 1.0;
    const round_nearest = o.round_nearest ?? 8;
    let input_channel = 32;
    const last_channel = 1280;
    const setting = o.inverted_residual_setting ?? [
      [1, 16, 1, 1],
      [6, 24, 2, 2],
      [6, 32, 3, 2],
      [6, 64, 4, 2],
      [6, 96, 3, 1],
      [6, 160, 3, 2],
      [6, 320, 1, 1],
    ];
    if (setting.length === 0 || setting[0].length !== 4) {
      throw new ValueError(`inverted_residual_setting should be non-empty or a 4-element list, got ${JSON.stringify(setting)}`);
    }
    input_channel = _make_divisible(input_channel * width_mult, round_nearest);
    this.last_channel = _make_divisible(last_channel * Math.max(1.0, width_mult), round_nearest);
    const features: Module[] = [new Conv2dNormActivation(3, input_channel, { stride: 2, norm_layer, activation_layer: ReLU6 })];
    for (const [t, c, n, s] of setting) {
      const output_channel = _make_divisible(c * width_mult, round_nearest);
      for (let i = 0; i < n; i++) {
        const stride = i === 0 ? s : 1;
        features.push(makeLayer(block, input_channel, output_channel, stride, { expand_ratio: t, norm_layer }));
        input_channel = output_channel;
      }
    }
    features.push(new Conv2dNormActivation(input_channel, this.last_channel, { kernel_size: 1, norm_layer, activation_layer: ReLU6 }));
    this.features = new Sequential(...features);
    this.classifier = new Sequential(new Dropout({ p: o.dropout ?? 0.2 }), new Linear(this.last_channel, o.num_classes ?? 1000)) as MobileNetV2Classifier;

    initConvNormLinear(this, (w) => normal_(w, 0, 0.01));
  }

  _forward_impl(x: Tensor): Tensor {
    x = this.features(x);
    x = adaptive_avg_pool2d(x, [1, 1]).flatten(1);
    return this.classifier(x);
  }

  override forward(x: Tensor): Tensor {
    return this._forward_impl(x);
  }
}

export const MobileNet_V2_Weights = weightsEnum(
  "MobileNet_V2_Weights",
  {
    IMAGENET1K_V1: {
      url: "https://download.pytorch.org/models/mobilenet_v2-b0353104.pth",
      meta: { num_params: 3504872, min_size: [1, 1], _metrics: { "ImageNet-1K": { "acc@1": 71.878, "acc@5": 90.286 } } },
    },
    IMAGENET1K_V2: {
      url: "https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth",
      transforms: { crop_size: 224, resize_size: 232 },
      meta: { num_params: 3504872, min_size: [1, 1], _metrics: { "ImageNet-1K": { "acc@1": 72.154, "acc@5": 90.822 } } },
    },
  },
  "IMAGENET1K_V2",
);

/** mobilenet_v2(weights?, progress?, { weights, progress, num_classes, width_mult, ... }) */
export function mobilenet_v2(...args: PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & MobileNetV2Options>): MobileNetV2 {
  return new MobileNetV2(builderArgs<MobileNetV2Options>("mobilenet_v2", MobileNet_V2_Weights, MNV2_NAMES, args));
}
registerEnum(MobileNet_V2_Weights);
register_model("mobilenet_v2", mobilenet_v2, MobileNet_V2_Weights);
