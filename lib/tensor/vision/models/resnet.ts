/**
 * torchvision 0.14's models/resnet.py: ResNet, BasicBlock, Bottleneck and the builders resnet18 ... resnet152,
 * resnext50_32x4d / resnext101_32x8d / resnext101_64x4d, wide_resnet50_2 / wide_resnet101_2. Layers are built in
 * torchvision's order with its module names, so the state dict keys and shapes are torchvision's, and initialised
 * as torchvision does (conv: kaiming_normal_(mode="fan_out", nonlinearity="relu"); BN / GroupNorm: weight 1, bias 0;
 * zero_init_residual zeroes each block's last BN weight): after torch.manual_seed(s) the weights equal torchvision's.
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_, ValueError, NotImplementedError } from "../../errors";
import { Module } from "../../nn/module";
import { constant_, kaiming_normal_ } from "../../nn/init";
import { BatchNorm2d } from "../../nn/modules/batchnorm2d";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU } from "../../nn/modules/activation";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/modules/pooling";
import { GroupNorm } from "../../nn/modules/normalization_extra";
import type { Parameter } from "../../nn/parameter";
import type { Tensor } from "../../tensor";
import { builderArgs, makeLayer, register_model, registerEnum, weightsEnum, type BuilderOptions, type WeightsEnum, type LayerFactory, type WeightsArg } from "./_api";

/** 3x3 convolution with padding */
export function conv3x3(in_planes: number, out_planes: number, stride = 1, groups = 1, dilation = 1): Conv2d {
  return new Conv2d(in_planes, out_planes, { kernel_size: 3, stride, padding: dilation, groups, bias: false, dilation });
}

/** 1x1 convolution */
export function conv1x1(in_planes: number, out_planes: number, stride = 1): Conv2d {
  return new Conv2d(in_planes, out_planes, { kernel_size: 1, stride, bias: false });
}

interface BlockOptions {
  inplanes?: number;
  planes?: number;
  stride?: number;
  downsample?: Module | null;
  groups?: number;
  base_width?: number;
  dilation?: number;
  norm_layer?: LayerFactory | null;
}
type BlockArgs = PyArgs<
  [inplanes?: number, planes?: number, stride?: number, downsample?: Module | null, groups?: number, base_width?: number, dilation?: number, norm_layer?: LayerFactory | null],
  BlockOptions
>;
const BLOCK_NAMES = ["inplanes", "planes", "stride", "downsample", "groups", "base_width", "dilation", "norm_layer"] as const;

function blockArgs(name: string, args: readonly unknown[]): Required<Omit<BlockOptions, "downsample" | "norm_layer">> & { downsample: Module | null; norm_layer: LayerFactory } {
  // parseArgs (not parseArgsRequired): a Module passed positionally is a value, and isOptions sees it as one.
  const o = parseBlock(name, args);
  if (o.inplanes === undefined || o.planes === undefined) throw new TypeError_(`${name}.__init__() missing required positional arguments: 'inplanes' and 'planes'`);
  return {
    inplanes: o.inplanes,
    planes: o.planes,
    stride: o.stride ?? 1,
    downsample: o.downsample ?? null,
    groups: o.groups ?? 1,
    base_width: o.base_width ?? 64,
    dilation: o.dilation ?? 1,
    norm_layer: o.norm_layer ?? BatchNorm2d,
  };
}

function parseBlock(name: string, args: readonly unknown[]): Partial<BlockOptions> {
  return parseArgs<BlockOptions>(name, [...BLOCK_NAMES], args);
}

/** The two-3x3-conv residual block of resnet18 / resnet34 (expansion 1). */
export class BasicBlock extends Module {
  static override readonly __name__ = "BasicBlock";
  static readonly expansion: number = 1;
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare relu: ReLU;
  declare conv2: Conv2d;
  declare bn2: BatchNorm2d;
  declare downsample: Module | null;
  declare stride: number;

  /** new BasicBlock(inplanes, planes, stride=1, downsample=null, groups=1, base_width=64, dilation=1, norm_layer=null) */
  constructor(...args: BlockArgs) {
    super();
    const o = blockArgs("BasicBlock", args);
    if (o.groups !== 1 || o.base_width !== 64) throw new ValueError("BasicBlock only supports groups=1 and base_width=64");
    if (o.dilation > 1) throw new NotImplementedError("Dilation > 1 not supported in BasicBlock");
    this.conv1 = conv3x3(o.inplanes, o.planes, o.stride);
    this.bn1 = makeLayer(o.norm_layer, o.planes) as BatchNorm2d;
    this.relu = new ReLU({ inplace: true });
    this.conv2 = conv3x3(o.planes, o.planes);
    this.bn2 = makeLayer(o.norm_layer, o.planes) as BatchNorm2d;
    this.downsample = o.downsample;
    this.stride = o.stride;
  }

  override forward(x: Tensor): Tensor {
    const identity = this.downsample !== null ? (this.downsample(x) as Tensor) : x;
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.bn2(this.conv2(out));
    return this.relu(out.add(identity));
  }
}

/** The 1x1-3x3-1x1 bottleneck block of resnet50 and up (expansion 4; the stride on the 3x3 conv, "ResNet V1.5"). */
export class Bottleneck extends Module {
  static override readonly __name__ = "Bottleneck";
  static readonly expansion: number = 4;
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare conv2: Conv2d;
  declare bn2: BatchNorm2d;
  declare conv3: Conv2d;
  declare bn3: BatchNorm2d;
  declare relu: ReLU;
  declare downsample: Module | null;
  declare stride: number;

  /** new Bottleneck(inplanes, planes, stride=1, downsample=null, groups=1, base_width=64, dilation=1, norm_layer=null) */
  constructor(...args: BlockArgs) {
    super();
    const o = blockArgs("Bottleneck", args);
    const width = Math.trunc(o.planes * (o.base_width / 64.0)) * o.groups;
    this.conv1 = conv1x1(o.inplanes, width);
    this.bn1 = makeLayer(o.norm_layer, width) as BatchNorm2d;
    this.conv2 = conv3x3(width, width, o.stride, o.groups, o.dilation);
    this.bn2 = makeLayer(o.norm_layer, width) as BatchNorm2d;
    this.conv3 = conv1x1(width, o.planes * Bottleneck.expansion);
    this.bn3 = makeLayer(o.norm_layer, o.planes * Bottleneck.expansion) as BatchNorm2d;
    this.relu = new ReLU({ inplace: true });
    this.downsample = o.downsample;
    this.stride = o.stride;
  }

  override forward(x: Tensor): Tensor {
    const identity = this.downsample !== null ? (this.downsample(x) as Tensor) : x;
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.relu(this.bn2(this.conv2(out)));
    out = this.bn3(this.conv3(out));
    return this.relu(out.add(identity));
  }
}

/** BasicBlock or Bottleneck (or a class like them: static expansion, torchvision's constructor arguments). */
export type ResNetBlock = typeof BasicBlock | typeof Bottleneck;

/** A residual stage: a Sequential of blocks (model.layer4[1].conv2). */
export type ResNetLayer = Sequential & { [index: number]: BasicBlock | Bottleneck };

export interface ResNetOptions {
  block?: ResNetBlock;
  layers?: readonly number[];
  num_classes?: number;
  zero_init_residual?: boolean;
  groups?: number;
  width_per_group?: number;
  replace_stride_with_dilation?: readonly boolean[] | null;
  norm_layer?: LayerFactory | null;
}
/** The model keywords resnet18(...) and friends pass on to ResNet. */
export type ResNetKeywords = Omit<ResNetOptions, "block" | "layers">;
const RESNET_NAMES = ["block", "layers", "num_classes", "zero_init_residual", "groups", "width_per_group", "replace_stride_with_dilation", "norm_layer"] as const;

// `model.fc = new nn.Linear(model.fc.in_features, 10)`: fc reads as a Linear, and any module may replace it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ResNet {
  get fc(): Linear;
  set fc(module: Module);
}

/**
 * new ResNet(block, layers, num_classes=1000, zero_init_residual=false, groups=1, width_per_group=64,
 * replace_stride_with_dilation=null, norm_layer=null): conv1, bn1, relu, maxpool, layer1..layer4, avgpool, fc.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ResNet extends Module {
  static override readonly __name__ = "ResNet";
  declare _norm_layer: LayerFactory;
  declare inplanes: number;
  declare dilation: number;
  declare groups: number;
  declare base_width: number;
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare relu: ReLU;
  declare maxpool: MaxPool2d;
  declare layer1: ResNetLayer;
  declare layer2: ResNetLayer;
  declare layer3: ResNetLayer;
  declare layer4: ResNetLayer;
  declare avgpool: AdaptiveAvgPool2d;

  constructor(
    ...args: PyArgs<
      [
        block?: ResNetBlock,
        layers?: readonly number[],
        num_classes?: number,
        zero_init_residual?: boolean,
        groups?: number,
        width_per_group?: number,
        replace_stride_with_dilation?: readonly boolean[] | null,
        norm_layer?: LayerFactory | null,
      ],
      ResNetOptions
    >
  ) {
    super();
    const o = parseArgs<ResNetOptions>("ResNet", [...RESNET_NAMES], args);
    const block = o.block;
    const layers = o.layers;
    if (block === undefined || layers === undefined) throw new TypeError_("ResNet.__init__() missing 2 required positional arguments: 'block' and 'layers'");
    if (typeof block !== "function" || typeof (block as { expansion?: unknown }).expansion !== "number") throw new TypeError_("ResNet: block must be BasicBlock, Bottleneck or a block class with a static expansion");
    if (!Array.isArray(layers) || layers.length < 4) throw new TypeError_("ResNet: layers must list the number of blocks of the 4 stages, e.g. [2, 2, 2, 2]");
    const norm_layer = o.norm_layer ?? BatchNorm2d;
    this._norm_layer = norm_layer;
    this.inplanes = 64;
    this.dilation = 1;
    const rswd = o.replace_stride_with_dilation ?? [false, false, false];
    if (rswd.length !== 3) throw new ValueError(`replace_stride_with_dilation should be None or a 3-element tuple, got [${rswd.map((b) => (b ? "True" : "False")).join(", ")}]`);
    this.groups = o.groups ?? 1;
    this.base_width = o.width_per_group ?? 64;
    this.conv1 = new Conv2d(3, this.inplanes, { kernel_size: 7, stride: 2, padding: 3, bias: false });
    this.bn1 = makeLayer(norm_layer, this.inplanes) as BatchNorm2d;
    this.relu = new ReLU({ inplace: true });
    this.maxpool = new MaxPool2d({ kernel_size: 3, stride: 2, padding: 1 });
    this.layer1 = this._make_layer(block, 64, layers[0]);
    this.layer2 = this._make_layer(block, 128, layers[1], 2, rswd[0]);
    this.layer3 = this._make_layer(block, 256, layers[2], 2, rswd[1]);
    this.layer4 = this._make_layer(block, 512, layers[3], 2, rswd[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, o.num_classes ?? 1000);

    for (const m of this.modules()) {
      if (m instanceof Conv2d) kaiming_normal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
      else if (m instanceof BatchNorm2d || m instanceof GroupNorm) {
        constant_((m as { weight: Parameter }).weight, 1);
        constant_((m as { bias: Parameter }).bias, 0);
      }
    }
    // Zero-initialise the last BN in each residual branch, so that each residual block starts as an identity.
    if (o.zero_init_residual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck && m.bn3.weight) constant_(m.bn3.weight, 0);
        else if (m instanceof BasicBlock && m.bn2.weight) constant_(m.bn2.weight, 0);
      }
    }
  }

  _make_layer(block: ResNetBlock, planes: number, blocks: number, stride = 1, dilate = false): ResNetLayer {
    const norm_layer = this._norm_layer;
    let downsample: Sequential | null = null;
    const previous_dilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), makeLayer(norm_layer, planes * block.expansion));
    }
    const layers: Module[] = [new block(this.inplanes, planes, stride, downsample, this.groups, this.base_width, previous_dilation, norm_layer)];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) {
      layers.push(new block(this.inplanes, planes, { groups: this.groups, base_width: this.base_width, dilation: this.dilation, norm_layer }));
    }
    return new Sequential(...layers) as ResNetLayer;
  }

  _forward_impl(x: Tensor): Tensor {
    x = this.maxpool(this.relu(this.bn1(this.conv1(x))));
    x = this.layer4(this.layer3(this.layer2(this.layer1(x))));
    x = this.avgpool(x).flatten(1);
    return (this.fc as Module)(x) as Tensor;
  }

  override forward(x: Tensor): Tensor {
    return this._forward_impl(x);
  }
}

// ---- weights (described, never loaded: see _api.ts) ----------------------------------------------------

const V1 = (file: string, num_params: number, acc1: number, acc5: number) => ({
  url: `https://download.pytorch.org/models/${file}`,
  meta: { num_params, min_size: [1, 1], _metrics: { "ImageNet-1K": { "acc@1": acc1, "acc@5": acc5 } } },
});

/** An entry trained with the new recipe (the IMAGENET1K_V2s, ResNeXt101_64X4D's V1): evaluated after a resize to 232 (torchvision's presets). */
const V2 = (file: string, num_params: number, acc1: number, acc5: number) => ({ ...V1(file, num_params, acc1, acc5), transforms: { crop_size: 224, resize_size: 232 } });

export const ResNet18_Weights = weightsEnum("ResNet18_Weights", { IMAGENET1K_V1: V1("resnet18-f37072fd.pth", 11689512, 69.758, 89.078) }, "IMAGENET1K_V1");
export const ResNet34_Weights = weightsEnum("ResNet34_Weights", { IMAGENET1K_V1: V1("resnet34-b627a593.pth", 21797672, 73.314, 91.42) }, "IMAGENET1K_V1");
export const ResNet50_Weights = weightsEnum(
  "ResNet50_Weights",
  { IMAGENET1K_V1: V1("resnet50-0676ba61.pth", 25557032, 76.13, 92.862), IMAGENET1K_V2: V2("resnet50-11ad3fa6.pth", 25557032, 80.858, 95.434) },
  "IMAGENET1K_V2",
);
export const ResNet101_Weights = weightsEnum(
  "ResNet101_Weights",
  { IMAGENET1K_V1: V1("resnet101-63fe2227.pth", 44549160, 77.374, 93.546), IMAGENET1K_V2: V2("resnet101-cd907fc2.pth", 44549160, 81.886, 95.78) },
  "IMAGENET1K_V2",
);
export const ResNet152_Weights = weightsEnum(
  "ResNet152_Weights",
  { IMAGENET1K_V1: V1("resnet152-394f9c45.pth", 60192808, 78.312, 94.046), IMAGENET1K_V2: V2("resnet152-f82ba261.pth", 60192808, 82.284, 96.002) },
  "IMAGENET1K_V2",
);
export const ResNeXt50_32X4D_Weights = weightsEnum(
  "ResNeXt50_32X4D_Weights",
  { IMAGENET1K_V1: V1("resnext50_32x4d-7cdf4587.pth", 25028904, 77.618, 93.698), IMAGENET1K_V2: V2("resnext50_32x4d-1a0047aa.pth", 25028904, 81.198, 95.34) },
  "IMAGENET1K_V2",
);
export const ResNeXt101_32X8D_Weights = weightsEnum(
  "ResNeXt101_32X8D_Weights",
  { IMAGENET1K_V1: V1("resnext101_32x8d-8ba56ff5.pth", 88791336, 79.312, 94.526), IMAGENET1K_V2: V2("resnext101_32x8d-110c445d.pth", 88791336, 82.834, 96.228) },
  "IMAGENET1K_V2",
);
export const ResNeXt101_64X4D_Weights = weightsEnum("ResNeXt101_64X4D_Weights", { IMAGENET1K_V1: V2("resnext101_64x4d-173b62eb.pth", 83455272, 83.246, 96.454) }, "IMAGENET1K_V1");
export const Wide_ResNet50_2_Weights = weightsEnum(
  "Wide_ResNet50_2_Weights",
  { IMAGENET1K_V1: V1("wide_resnet50_2-95faca4d.pth", 68883240, 78.468, 94.086), IMAGENET1K_V2: V2("wide_resnet50_2-9ba9bcbe.pth", 68883240, 81.602, 95.758) },
  "IMAGENET1K_V2",
);
export const Wide_ResNet101_2_Weights = weightsEnum(
  "Wide_ResNet101_2_Weights",
  { IMAGENET1K_V1: V1("wide_resnet101_2-32ee1156.pth", 126886696, 78.848, 94.284), IMAGENET1K_V2: V2("wide_resnet101_2-d733dc28.pth", 126886696, 82.51, 96.02) },
  "IMAGENET1K_V2",
);

// ---- builders ---------------------------------------------------------------------------------------------

/** resnet18(weights?, progress?, { weights, progress, num_classes, zero_init_residual, ... }) and the rest. */
export type ResNetBuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & ResNetKeywords>;
const KEYWORDS = ["num_classes", "zero_init_residual", "groups", "width_per_group", "replace_stride_with_dilation", "norm_layer"] as const;

function builder(name: string, block: ResNetBlock, layers: number[], weights: WeightsEnum, fixed: { groups?: number; width_per_group?: number } = {}): (...args: ResNetBuilderArgs) => ResNet {
  const fn = (...args: ResNetBuilderArgs): ResNet => {
    const kw = builderArgs<ResNetKeywords>(name, weights, KEYWORDS, args);
    for (const [k, v] of Object.entries(fixed) as [keyof ResNetKeywords, number][]) {
      if (kw[k] !== undefined && kw[k] !== v) throw new ValueError(`The parameter '${k}' expected value ${v} but got ${String(kw[k])} instead.`);
    }
    return new ResNet(block, layers, { ...kw, ...fixed });
  };
  Object.defineProperty(fn, "name", { value: name });
  registerEnum(weights);
  register_model(name, fn, weights);
  return fn;
}

export const resnet18 = builder("resnet18", BasicBlock, [2, 2, 2, 2], ResNet18_Weights);
export const resnet34 = builder("resnet34", BasicBlock, [3, 4, 6, 3], ResNet34_Weights);
export const resnet50 = builder("resnet50", Bottleneck, [3, 4, 6, 3], ResNet50_Weights);
export const resnet101 = builder("resnet101", Bottleneck, [3, 4, 23, 3], ResNet101_Weights);
export const resnet152 = builder("resnet152", Bottleneck, [3, 8, 36, 3], ResNet152_Weights);
export const resnext50_32x4d = builder("resnext50_32x4d", Bottleneck, [3, 4, 6, 3], ResNeXt50_32X4D_Weights, { groups: 32, width_per_group: 4 });
export const resnext101_32x8d = builder("resnext101_32x8d", Bottleneck, [3, 4, 23, 3], ResNeXt101_32X8D_Weights, { groups: 32, width_per_group: 8 });
export const resnext101_64x4d = builder("resnext101_64x4d", Bottleneck, [3, 4, 23, 3], ResNeXt101_64X4D_Weights, { groups: 64, width_per_group: 4 });
export const wide_resnet50_2 = builder("wide_resnet50_2", Bottleneck, [3, 4, 6, 3], Wide_ResNet50_2_Weights, { width_per_group: 128 });
export const wide_resnet101_2 = builder("wide_resnet101_2", Bottleneck, [3, 4, 23, 3], Wide_ResNet101_2_Weights, { width_per_group: 128 });
