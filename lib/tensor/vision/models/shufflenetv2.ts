/**
 * torchvision 0.14's models/shufflenetv2.py: ShuffleNetV2, its InvertedResidual, channel_shuffle and
 * shufflenet_v2_x0_5 / x1_0 / x1_5 / x2_0 (PyTorch's default layer init, as torchvision: no init of its own).
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import { Module } from "../../nn/module";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU } from "../../nn/modules/activation";
import { MaxPool2d } from "../../nn/modules/pooling";
import { cat } from "../../ops/join";
import type { Tensor } from "../../tensor";
import { builderArgs, makeLayer, register_model, registerEnum, weightsEnum, type BuilderOptions, type LayerFactory, type WeightsArg, type WeightsEnum } from "./_api";

/** Interleaves the channels of `groups` groups: [N, g * c, H, W] -> view [N, g, c, H, W] -> transpose -> flatten. */
export function channel_shuffle(x: Tensor, groups: number): Tensor {
  const [batchsize, num_channels, height, width] = x.shape;
  const channels_per_group = Math.floor(num_channels / groups);
  return x.view(batchsize, groups, channels_per_group, height, width).transpose(1, 2).contiguous().view(batchsize, -1, height, width);
}

function depthwise_conv(i: number, o: number, kernel_size: number, stride = 1, padding = 0, bias = false): Conv2d {
  return new Conv2d(i, o, kernel_size, stride, padding, { bias, groups: i });
}

/** ShuffleNetV2's unit: a split (stride 1) or two branches (stride > 1), concatenated and channel-shuffled. */
export class InvertedResidual extends Module {
  static override readonly __name__ = "InvertedResidual";
  declare stride: number;
  declare branch1: Sequential;
  declare branch2: Sequential;

  constructor(inp: number, oup: number, stride: number) {
    super();
    if (!(stride >= 1 && stride <= 3)) throw new ValueError("illegal stride value");
    this.stride = stride;
    const branch_features = Math.floor(oup / 2);
    if (stride === 1 && inp !== branch_features << 1) {
      throw new ValueError(`Invalid combination of stride ${stride}, inp ${inp} and oup ${oup} values. If stride == 1 then inp should be equal to oup // 2 << 1.`);
    }
    if (stride > 1) {
      this.branch1 = new Sequential(
        depthwise_conv(inp, inp, 3, stride, 1),
        new BatchNorm2d(inp),
        new Conv2d(inp, branch_features, { kernel_size: 1, stride: 1, padding: 0, bias: false }),
        new BatchNorm2d(branch_features),
        new ReLU({ inplace: true }),
      );
    } else this.branch1 = new Sequential();
    this.branch2 = new Sequential(
      new Conv2d(stride > 1 ? inp : branch_features, branch_features, { kernel_size: 1, stride: 1, padding: 0, bias: false }),
      new BatchNorm2d(branch_features),
      new ReLU({ inplace: true }),
      depthwise_conv(branch_features, branch_features, 3, stride, 1),
      new BatchNorm2d(branch_features),
      new Conv2d(branch_features, branch_features, { kernel_size: 1, stride: 1, padding: 0, bias: false }),
      new BatchNorm2d(branch_features),
      new ReLU({ inplace: true }),
    );
  }

  override forward(x: Tensor): Tensor {
    let out: Tensor;
    if (this.stride === 1) {
      const [x1, x2] = x.chunk(2, 1);
      out = cat([x1, this.branch2(x2)], 1);
    } else out = cat([this.branch1(x), this.branch2(x)], 1);
    return channel_shuffle(out, 2);
  }
}

export interface ShuffleNetV2Options {
  stages_repeats?: readonly number[];
  stages_out_channels?: readonly number[];
  num_classes?: number;
  inverted_residual?: LayerFactory;
}

/** new ShuffleNetV2(stages_repeats, stages_out_channels, num_classes=1000, inverted_residual=InvertedResidual) */
export class ShuffleNetV2 extends Module {
  static override readonly __name__ = "ShuffleNetV2";
  declare _stage_out_channels: number[];
  declare conv1: Sequential;
  declare maxpool: MaxPool2d;
  declare stage2: Sequential;
  declare stage3: Sequential;
  declare stage4: Sequential;
  declare conv5: Sequential;
  declare fc: Linear;

  constructor(...args: PyArgs<[stages_repeats?: readonly number[], stages_out_channels?: readonly number[], num_classes?: number, inverted_residual?: LayerFactory], ShuffleNetV2Options>) {
    super();
    const o = parseArgs<ShuffleNetV2Options>("ShuffleNetV2", ["stages_repeats", "stages_out_channels", "num_classes", "inverted_residual"], args);
    if (!o.stages_repeats || !o.stages_out_channels) throw new TypeError_("ShuffleNetV2.__init__() missing 2 required positional arguments: 'stages_repeats' and 'stages_out_channels'");
    if (o.stages_repeats.length !== 3) throw new ValueError("expected stages_repeats as list of 3 positive ints");
    if (o.stages_out_channels.length !== 5) throw new ValueError("expected stages_out_channels as list of 5 positive ints");
    const inverted_residual = o.inverted_residual ?? InvertedResidual;
    this._stage_out_channels = [...o.stages_out_channels];
    let input_channels = 3;
    let output_channels = this._stage_out_channels[0];
    this.conv1 = new Sequential(new Conv2d(input_channels, output_channels, 3, 2, 1, { bias: false }), new BatchNorm2d(output_channels), new ReLU({ inplace: true }));
    input_channels = output_channels;
    this.maxpool = new MaxPool2d({ kernel_size: 3, stride: 2, padding: 1 });
    (["stage2", "stage3", "stage4"] as const).forEach((name, s) => {
      const out = this._stage_out_channels[s + 1];
      const seq: Module[] = [makeLayer(inverted_residual, input_channels, out, 2)];
      for (let i = 0; i < o.stages_repeats![s] - 1; i++) seq.push(makeLayer(inverted_residual, out, out, 1));
      this[name] = new Sequential(...seq);
      input_channels = out;
    });
    output_channels = this._stage_out_channels[4];
    this.conv5 = new Sequential(new Conv2d(input_channels, output_channels, 1, 1, 0, { bias: false }), new BatchNorm2d(output_channels), new ReLU({ inplace: true }));
    this.fc = new Linear(output_channels, o.num_classes ?? 1000);
  }

  _forward_impl(x: Tensor): Tensor {
    x = this.maxpool(this.conv1(x));
    x = this.conv5(this.stage4(this.stage3(this.stage2(x))));
    return this.fc(x.mean([2, 3]));
  }

  override forward(x: Tensor): Tensor {
    return this._forward_impl(x);
  }
}

const W = (file: string, num_params: number, acc1: number, acc5: number, resize_size = 256) => ({
  url: `https://download.pytorch.org/models/${file}`,
  meta: { num_params, min_size: [1, 1], _metrics: { "ImageNet-1K": { "acc@1": acc1, "acc@5": acc5 } } },
  transforms: { crop_size: 224, resize_size },
});
export const ShuffleNet_V2_X0_5_Weights = weightsEnum("ShuffleNet_V2_X0_5_Weights", { IMAGENET1K_V1: W("shufflenetv2_x0.5-f707e7126e.pth", 1366792, 60.552, 81.746) }, "IMAGENET1K_V1");
export const ShuffleNet_V2_X1_0_Weights = weightsEnum("ShuffleNet_V2_X1_0_Weights", { IMAGENET1K_V1: W("shufflenetv2_x1-5666bf0f80.pth", 2278604, 69.362, 88.316) }, "IMAGENET1K_V1");
export const ShuffleNet_V2_X1_5_Weights = weightsEnum("ShuffleNet_V2_X1_5_Weights", { IMAGENET1K_V1: W("shufflenetv2_x1_5-3c479a10.pth", 3503624, 72.996, 91.086, 232) }, "IMAGENET1K_V1");
export const ShuffleNet_V2_X2_0_Weights = weightsEnum("ShuffleNet_V2_X2_0_Weights", { IMAGENET1K_V1: W("shufflenetv2_x2_0-8be3c8ee.pth", 7393996, 76.23, 93.006, 232) }, "IMAGENET1K_V1");

type ShuffleNetKeywords = Pick<ShuffleNetV2Options, "num_classes" | "inverted_residual">;
/** shufflenet_v2_x1_0(weights?, progress?, { weights, progress, num_classes, inverted_residual }) and the rest. */
export type ShuffleNetBuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & ShuffleNetKeywords>;

function builder(name: string, out_channels: number[], weights: WeightsEnum): (...args: ShuffleNetBuilderArgs) => ShuffleNetV2 {
  const fn = (...args: ShuffleNetBuilderArgs): ShuffleNetV2 => new ShuffleNetV2([4, 8, 4], out_channels, builderArgs<ShuffleNetKeywords>(name, weights, ["num_classes", "inverted_residual"], args));
  Object.defineProperty(fn, "name", { value: name });
  registerEnum(weights);
  register_model(name, fn, weights);
  return fn;
}

export const shufflenet_v2_x0_5 = builder("shufflenet_v2_x0_5", [24, 48, 96, 192, 1024], ShuffleNet_V2_X0_5_Weights);
export const shufflenet_v2_x1_0 = builder("shufflenet_v2_x1_0", [24, 116, 232, 464, 1024], ShuffleNet_V2_X1_0_Weights);
export const shufflenet_v2_x1_5 = builder("shufflenet_v2_x1_5", [24, 176, 352, 704, 1024], ShuffleNet_V2_X1_5_Weights);
export const shufflenet_v2_x2_0 = builder("shufflenet_v2_x2_0", [24, 244, 488, 976, 2048], ShuffleNet_V2_X2_0_Weights);
