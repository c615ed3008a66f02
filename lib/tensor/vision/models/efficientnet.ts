/**
 * torchvision 0.14's models/efficientnet.py, the V1 family: EfficientNet, MBConvConfig, MBConv (with
 * torchvision.ops' SqueezeExcitation and StochasticDepth) and efficientnet_b0 ... efficientnet_b7, with torchvision's
 * names and init (conv: kaiming_normal_(mode="fan_out"), bias 0; BN: 1, 0; linear: U(-1/sqrt(out), 1/sqrt(out)),
 * bias 0). Not here: the V2 models (FusedMBConv).
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import { Module } from "../../nn/module";
import { uniform_ } from "../../nn/init";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { SiLU, Sigmoid } from "../../nn/modules/activation";
import { Dropout } from "../../nn/modules/dropout";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { _make_divisible, builderArgs, makeLayer, register_model, registerEnum, weightsEnum, type BuilderOptions, type LayerFactory, type WeightsArg, type WeightsEnum } from "./_api";
import { Conv2dNormActivation, initConvNormLinear } from "./mobilenetv2";
import { SqueezeExcitation } from "./mobilenetv3";

function pyFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** torchvision.ops.stochastic_depth(input, p, mode, training=true): drops whole rows ("row") or the batch ("batch"). */
export function stochastic_depth(input: Tensor, p: number, mode: "row" | "batch", training = true): Tensor {
  if (p < 0.0 || p > 1.0) throw new ValueError(`drop probability has to be between 0 and 1, but got ${p}`);
  if (mode !== "batch" && mode !== "row") throw new ValueError(`mode has to be either 'batch' or 'row', but got ${String(mode)}`);
  if (!training || p === 0.0) return input;
  const survival_rate = 1.0 - p;
  const size = mode === "row" ? [input.shape[0], ...Array(input.dim() - 1).fill(1)] : Array(input.dim()).fill(1);
  const noise = empty(size, input.dtype).bernoulli_(survival_rate);
  return input.mul(survival_rate > 0.0 ? noise.div(survival_rate) : noise);
}

/** torchvision.ops.StochasticDepth(p, mode) */
export class StochasticDepth extends Module {
  static override readonly __name__ = "StochasticDepth";
  declare p: number;
  declare mode: "row" | "batch";

  constructor(p: number, mode: "row" | "batch") {
    super();
    this.p = p;
    this.mode = mode;
  }

  override forward(input: Tensor): Tensor {
    return stochastic_depth(input, this.p, this.mode, this.training);
  }

  override toString(): string {
    return `StochasticDepth(p=${pyFloat(this.p)}, mode=${this.mode})`;
  }
}

/** One stage's settings: channels scaled by width_mult (multiples of 8), depth by depth_mult (rounded up). */
export class MBConvConfig {
  expand_ratio: number;
  kernel: number;
  stride: number;
  input_channels: number;
  out_channels: number;
  num_layers: number;
  block: LayerFactory;

  constructor(expand_ratio: number, kernel: number, stride: number, input_channels: number, out_channels: number, num_layers: number, width_mult = 1.0, depth_mult = 1.0, block: LayerFactory | null = null) {
    this.expand_ratio = expand_ratio;
    this.kernel = kernel;
    this.stride = stride;
    this.input_channels = MBConvConfig.adjust_channels(input_channels, width_mult);
    this.out_channels = MBConvConfig.adjust_channels(out_channels, width_mult);
    this.num_layers = MBConvConfig.adjust_depth(num_layers, depth_mult);
    this.block = block ?? MBConv;
  }

  static adjust_channels(channels: number, width_mult: number, min_value: number | null = null): number {
    return _make_divisible(channels * width_mult, 8, min_value);
  }

  static adjust_depth(num_layers: number, depth_mult: number): number {
    return Math.ceil(num_layers * depth_mult);
  }
}

const siluInplace = () => new SiLU({ inplace: true });
const se = (input_channels: number, squeeze_channels: number) => new SqueezeExcitation(input_channels, squeeze_channels, siluInplace, Sigmoid);

/** EfficientNet's block: expansion, depthwise conv, squeeze-excitation (SiLU), projection; stochastic depth on the residual. */
export class MBConv extends Module {
  static override readonly __name__ = "MBConv";
  declare use_res_connect: boolean;
  declare block: Sequential;
  declare stochastic_depth: StochasticDepth;
  declare out_channels: number;

  constructor(cnf: MBConvConfig, stochastic_depth_prob: number, norm_layer: LayerFactory, se_layer: LayerFactory = se) {
    super();
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new ValueError("illegal stride value");
    this.use_res_connect = cnf.stride === 1 && cnf.input_channels === cnf.out_channels;
    const layers: Module[] = [];
    const expanded = MBConvConfig.adjust_channels(cnf.input_channels, cnf.expand_ratio);
    if (expanded !== cnf.input_channels) layers.push(new Conv2dNormActivation(cnf.input_channels, expanded, { kernel_size: 1, norm_layer, activation_layer: SiLU }));
    layers.push(new Conv2dNormActivation(expanded, expanded, { kernel_size: cnf.kernel, stride: cnf.stride, groups: expanded, norm_layer, activation_layer: SiLU }));
    layers.push(makeLayer(se_layer, expanded, Math.max(1, Math.floor(cnf.input_channels / 4))));
    layers.push(new Conv2dNormActivation(expanded, cnf.out_channels, { kernel_size: 1, norm_layer, activation_layer: null }));
    this.block = new Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(stochastic_depth_prob, "row");
    this.out_channels = cnf.out_channels;
  }

  override forward(input: Tensor): Tensor {
    const result = this.block(input);
    return this.use_res_connect ? this.stochastic_depth(result).add(input) : result;
  }
}

/** EfficientNet's classifier: Dropout, Linear(lastconv_output_channels, num_classes). */
export type EfficientNetClassifier = Sequential & { 1: Linear; [index: number]: Module };

export interface EfficientNetOptions {
  inverted_residual_setting?: readonly MBConvConfig[];
  dropout?: number;
  stochastic_depth_prob?: number;
  num_classes?: number;
  norm_layer?: LayerFactory | null;
  last_channel?: number | null;
}

/** new EfficientNet(inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer=null, last_channel=null) */
export class EfficientNet extends Module {
  static override readonly __name__ = "EfficientNet";
  declare features: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare classifier: EfficientNetClassifier;

  constructor(
    ...args: PyArgs<
      [inverted_residual_setting?: readonly MBConvConfig[], dropout?: number, stochastic_depth_prob?: number, num_classes?: number, norm_layer?: LayerFactory | null, last_channel?: number | null],
      EfficientNetOptions
    >
  ) {
    super();
    const o = parseArgs<EfficientNetOptions>("EfficientNet", ["inverted_residual_setting", "dropout", "stochastic_depth_prob", "num_classes", "norm_layer", "last_channel"], args);
    const setting = o.inverted_residual_setting;
    if (!setting || setting.length === 0) throw new ValueError("The inverted_residual_setting should not be empty");
    if (!setting.every((s) => s instanceof MBConvConfig)) throw new TypeError_("The inverted_residual_setting should be List[MBConvConfig]");
    if (o.dropout === undefined) throw new TypeError_("EfficientNet.__init__() missing 1 required positional argument: 'dropout'");
    const norm_layer = o.norm_layer ?? BatchNorm2d;
    const sdp = o.stochastic_depth_prob ?? 0.2;
    const layers: Module[] = [new Conv2dNormActivation(3, setting[0].input_channels, { kernel_size: 3, stride: 2, norm_layer, activation_layer: SiLU })];
    const total_stage_blocks = setting.reduce((a, c) => a + c.num_layers, 0);
    let stage_block_id = 0;
    for (const cnf of setting) {
      const stage: Module[] = [];
      for (let i = 0; i < cnf.num_layers; i++) {
        const block_cnf = Object.assign(Object.create(MBConvConfig.prototype) as MBConvConfig, cnf);
        if (stage.length > 0) {
          block_cnf.input_channels = block_cnf.out_channels;
          block_cnf.stride = 1;
        }
        const sd_prob = (sdp * stage_block_id) / total_stage_blocks;
        stage.push(makeLayer(block_cnf.block, block_cnf, sd_prob, norm_layer));
        stage_block_id++;
      }
      layers.push(new Sequential(...stage));
    }
    const lastconv_input = setting[setting.length - 1].out_channels;
    const lastconv_output = o.last_channel ?? 4 * lastconv_input;
    layers.push(new Conv2dNormActivation(lastconv_input, lastconv_output, { kernel_size: 1, norm_layer, activation_layer: SiLU }));
    this.features = new Sequential(...layers);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.classifier = new Sequential(new Dropout({ p: o.dropout, inplace: true }), new Linear(lastconv_output, o.num_classes ?? 1000)) as EfficientNetClassifier;
    // torchvision: uniform in +-1/sqrt(out_features) for the classifier's Linear.
    initConvNormLinear(this, (w) => {
      const r = 1.0 / Math.sqrt(w.shape[0]);
      uniform_(w, -r, r);
    });
  }

  _forward_impl(x: Tensor): Tensor {
    x = this.avgpool(this.features(x)).flatten(1);
    return this.classifier(x);
  }

  override forward(x: Tensor): Tensor {
    return this._forward_impl(x);
  }
}

/** _efficientnet_conf for the V1 models: the seven stages scaled by width_mult and depth_mult. */
export function _efficientnet_conf(width_mult: number, depth_mult: number): MBConvConfig[] {
  const b = (e: number, k: number, s: number, i: number, o: number, n: number) => new MBConvConfig(e, k, s, i, o, n, width_mult, depth_mult);
  return [b(1, 3, 1, 32, 16, 1), b(6, 3, 2, 16, 24, 2), b(6, 5, 2, 24, 40, 2), b(6, 3, 2, 40, 80, 3), b(6, 5, 1, 80, 112, 3), b(6, 5, 2, 112, 192, 4), b(6, 3, 1, 192, 320, 1)];
}

const W = (file: string, num_params: number, acc1: number, acc5: number, crop_size: number, resize_size: number, interpolation: "bicubic" | "bilinear" = "bicubic") => ({
  url: `https://download.pytorch.org/models/${file}`,
  meta: { num_params, min_size: [1, 1], _metrics: { "ImageNet-1K": { "acc@1": acc1, "acc@5": acc5 } } },
  transforms: { crop_size, resize_size, interpolation },
});
export const EfficientNet_B0_Weights = weightsEnum("EfficientNet_B0_Weights", { IMAGENET1K_V1: W("efficientnet_b0_rwightman-3dd342df.pth", 5288548, 77.692, 93.532, 224, 256) }, "IMAGENET1K_V1");
export const EfficientNet_B1_Weights = weightsEnum(
  "EfficientNet_B1_Weights",
  { IMAGENET1K_V1: W("efficientnet_b1_rwightman-533bc792.pth", 7794184, 78.642, 94.186, 240, 256), IMAGENET1K_V2: W("efficientnet_b1-c27df63c.pth", 7794184, 79.838, 94.934, 240, 255, "bilinear") },
  "IMAGENET1K_V2",
);
export const EfficientNet_B2_Weights = weightsEnum("EfficientNet_B2_Weights", { IMAGENET1K_V1: W("efficientnet_b2_rwightman-bcdf34b7.pth", 9109994, 80.608, 95.31, 288, 288) }, "IMAGENET1K_V1");
export const EfficientNet_B3_Weights = weightsEnum("EfficientNet_B3_Weights", { IMAGENET1K_V1: W("efficientnet_b3_rwightman-cf984f9c.pth", 12233232, 82.008, 96.054, 300, 320) }, "IMAGENET1K_V1");
export const EfficientNet_B4_Weights = weightsEnum("EfficientNet_B4_Weights", { IMAGENET1K_V1: W("efficientnet_b4_rwightman-7eb33cd5.pth", 19341616, 83.384, 96.594, 380, 384) }, "IMAGENET1K_V1");
export const EfficientNet_B5_Weights = weightsEnum("EfficientNet_B5_Weights", { IMAGENET1K_V1: W("efficientnet_b5_lukemelas-b6417697.pth", 30389784, 83.444, 96.628, 456, 456) }, "IMAGENET1K_V1");
export const EfficientNet_B6_Weights = weightsEnum("EfficientNet_B6_Weights", { IMAGENET1K_V1: W("efficientnet_b6_lukemelas-c76e70fd.pth", 43040704, 84.008, 96.916, 528, 528) }, "IMAGENET1K_V1");
export const EfficientNet_B7_Weights = weightsEnum("EfficientNet_B7_Weights", { IMAGENET1K_V1: W("efficientnet_b7_lukemelas-dcc49843.pth", 66347960, 84.122, 96.908, 600, 600) }, "IMAGENET1K_V1");

type EfficientNetKeywords = Pick<EfficientNetOptions, "stochastic_depth_prob" | "num_classes" | "norm_layer">;
/** efficientnet_b0(weights?, progress?, { weights, progress, num_classes, stochastic_depth_prob, norm_layer }) and the rest. */
export type EfficientNetBuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & EfficientNetKeywords>;

/** BatchNorm2d(c, eps=0.001, momentum=0.01): the norm layer of efficientnet_b5 / b6 / b7. */
const bnLukemelas = (c: number) => new BatchNorm2d(c, { eps: 0.001, momentum: 0.01 });

function builder(name: string, width_mult: number, depth_mult: number, dropout: number, weights: WeightsEnum, lukemelas = false): (...args: EfficientNetBuilderArgs) => EfficientNet {
  const fn = (...args: EfficientNetBuilderArgs): EfficientNet => {
    const kw = builderArgs<EfficientNetKeywords>(name, weights, ["stochastic_depth_prob", "num_classes", "norm_layer"], args);
    const norm_layer = lukemelas ? (kw.norm_layer ?? bnLukemelas) : kw.norm_layer;
    return new EfficientNet(_efficientnet_conf(width_mult, depth_mult), dropout, { ...kw, norm_layer, last_channel: null });
  };
  Object.defineProperty(fn, "name", { value: name });
  registerEnum(weights);
  register_model(name, fn, weights);
  return fn;
}

export const efficientnet_b0 = builder("efficientnet_b0", 1.0, 1.0, 0.2, EfficientNet_B0_Weights);
export const efficientnet_b1 = builder("efficientnet_b1", 1.0, 1.1, 0.2, EfficientNet_B1_Weights);
export const efficientnet_b2 = builder("efficientnet_b2", 1.1, 1.2, 0.3, EfficientNet_B2_Weights);
export const efficientnet_b3 = builder("efficientnet_b3", 1.2, 1.4, 0.3, EfficientNet_B3_Weights);
export const efficientnet_b4 = builder("efficientnet_b4", 1.4, 1.8, 0.4, EfficientNet_B4_Weights);
export const efficientnet_b5 = builder("efficientnet_b5", 1.6, 2.2, 0.4, EfficientNet_B5_Weights, true);
export const efficientnet_b6 = builder("efficientnet_b6", 1.8, 2.6, 0.5, EfficientNet_B6_Weights, true);
export const efficientnet_b7 = builder("efficientnet_b7", 2.0, 3.1, 0.5, EfficientNet_B7_Weights, true);
