/**
 * torchvision 0.14's models/squeezenet.py: SqueezeNet (versions "1_0" and "1_1"), Fire, squeezenet1_0 / squeezenet1_1,
 * initialised as torchvision does (kaiming_uniform_ for every conv but the final one, which is normal(0, 0.01); biases 0).
 */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import { Module } from "../../nn/module";
import { constant_, kaiming_uniform_, normal_ } from "../../nn/init";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { ReLU } from "../../nn/modules/activation";
import { Dropout } from "../../nn/modules/dropout";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/modules/pooling";
import { cat } from "../../ops/join";
import type { Tensor } from "../../tensor";
import { builderArgs, register_model, registerEnum, weightsEnum, type BuilderOptions, type WeightsArg } from "./_api";

/** new Fire(inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes): squeeze 1x1, then 1x1 and 3x3 expansions concatenated. */
export class Fire extends Module {
  static override readonly __name__ = "Fire";
  declare inplanes: number;
  declare squeeze: Conv2d;
  declare squeeze_activation: ReLU;
  declare expand1x1: Conv2d;
  declare expand1x1_activation: ReLU;
  declare expand3x3: Conv2d;
  declare expand3x3_activation: ReLU;

  constructor(inplanes: number, squeeze_planes: number, expand1x1_planes: number, expand3x3_planes: number) {
    super();
    if ([inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes].some((v) => !Number.isInteger(v))) {
      throw new TypeError_("Fire.__init__() takes 4 ints: inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes");
    }
    this.inplanes = inplanes;
    this.squeeze = new Conv2d(inplanes, squeeze_planes, { kernel_size: 1 });
    this.squeeze_activation = new ReLU({ inplace: true });
    this.expand1x1 = new Conv2d(squeeze_planes, expand1x1_planes, { kernel_size: 1 });
    this.expand1x1_activation = new ReLU({ inplace: true });
    this.expand3x3 = new Conv2d(squeeze_planes, expand3x3_planes, { kernel_size: 3, padding: 1 });
    this.expand3x3_activation = new ReLU({ inplace: true });
  }

  override forward(x: Tensor): Tensor {
    x = this.squeeze_activation(this.squeeze(x));
    return cat([this.expand1x1_activation(this.expand1x1(x)), this.expand3x3_activation(this.expand3x3(x))], 1);
  }
}

/** SqueezeNet's classifier: Dropout, Conv2d(512, num_classes, 1) (the final conv), ReLU, AdaptiveAvgPool2d((1, 1)). */
export type SqueezeNetClassifier = Sequential & { 1: Conv2d; [index: number]: Module };

export interface SqueezeNetOptions {
  version?: "1_0" | "1_1";
  num_classes?: number;
  dropout?: number;
}

/** new SqueezeNet(version="1_0", num_classes=1000, dropout=0.5): features, classifier. */
export class SqueezeNet extends Module {
  static override readonly __name__ = "SqueezeNet";
  declare num_classes: number;
  declare features: Sequential;
  declare classifier: SqueezeNetClassifier;

  constructor(...args: PyArgs<[version?: "1_0" | "1_1", num_classes?: number, dropout?: number], SqueezeNetOptions>) {
    super();
    const o = parseArgs<SqueezeNetOptions>("SqueezeNet", ["version", "num_classes", "dropout"], args);
    const version = o.version ?? "1_0";
    this.num_classes = o.num_classes ?? 1000;
    const pool = () => new MaxPool2d({ kernel_size: 3, stride: 2, ceil_mode: true });
    if (version === "1_0") {
      this.features = new Sequential(
        new Conv2d(3, 96, { kernel_size: 7, stride: 2 }),
        new ReLU({ inplace: true }),
        pool(),
        new Fire(96, 16, 64, 64),
        new Fire(128, 16, 64, 64),
        new Fire(128, 32, 128, 128),
        pool(),
        new Fire(256, 32, 128, 128),
        new Fire(256, 48, 192, 192),
        new Fire(384, 48, 192, 192),
        new Fire(384, 64, 256, 256),
        pool(),
        new Fire(512, 64, 256, 256),
      );
    } else if (version === "1_1") {
      this.features = new Sequential(
        new Conv2d(3, 64, { kernel_size: 3, stride: 2 }),
        new ReLU({ inplace: true }),
        pool(),
        new Fire(64, 16, 64, 64),
        new Fire(128, 16, 64, 64),
        pool(),
        new Fire(128, 32, 128, 128),
        new Fire(256, 32, 128, 128),
        pool(),
        new Fire(256, 48, 192, 192),
        new Fire(384, 48, 192, 192),
        new Fire(384, 64, 256, 256),
        new Fire(512, 64, 256, 256),
      );
    } else {
      throw new ValueError(`Unsupported SqueezeNet version ${String(version)}: 1_0 or 1_1 expected`);
    }
    // The final convolution is initialised differently from the rest.
    const final_conv = new Conv2d(512, this.num_classes, { kernel_size: 1 });
    this.classifier = new Sequential(new Dropout({ p: o.dropout ?? 0.5 }), final_conv, new ReLU({ inplace: true }), new AdaptiveAvgPool2d([1, 1])) as SqueezeNetClassifier;
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        if (m === final_conv) normal_(m.weight, { mean: 0.0, std: 0.01 });
        else kaiming_uniform_(m.weight);
        if (m.bias) constant_(m.bias, 0);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier(this.features(x)).flatten(1);
  }
}

export const SqueezeNet1_0_Weights = weightsEnum(
  "SqueezeNet1_0_Weights",
  {
    IMAGENET1K_V1: {
      url: "https://download.pytorch.org/models/squeezenet1_0-b66bff10.pth",
      meta: { num_params: 1248424, min_size: [21, 21], _metrics: { "ImageNet-1K": { "acc@1": 58.092, "acc@5": 80.42 } } },
    },
  },
  "IMAGENET1K_V1",
);
export const SqueezeNet1_1_Weights = weightsEnum(
  "SqueezeNet1_1_Weights",
  {
    IMAGENET1K_V1: {
      url: "https://download.pytorch.org/models/squeezenet1_1-b8a52dc0.pth",
      meta: { num_params: 1235496, min_size: [17, 17], _metrics: { "ImageNet-1K": { "acc@1": 58.178, "acc@5": 80.624 } } },
    },
  },
  "IMAGENET1K_V1",
);

type SqueezeNetKeywords = Omit<SqueezeNetOptions, "version">;
type SqueezeNetBuilderArgs = PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & SqueezeNetKeywords>;

/** squeezenet1_0(weights?, progress?, { weights, progress, num_classes, dropout }) */
export function squeezenet1_0(...args: SqueezeNetBuilderArgs): SqueezeNet {
  return new SqueezeNet("1_0", builderArgs<SqueezeNetKeywords>("squeezenet1_0", SqueezeNet1_0_Weights, ["num_classes", "dropout"], args));
}
/** squeezenet1_1(weights?, progress?, { weights, progress, num_classes, dropout }) */
export function squeezenet1_1(...args: SqueezeNetBuilderArgs): SqueezeNet {
  return new SqueezeNet("1_1", builderArgs<SqueezeNetKeywords>("squeezenet1_1", SqueezeNet1_1_Weights, ["num_classes", "dropout"], args));
}
registerEnum(SqueezeNet1_0_Weights);
registerEnum(SqueezeNet1_1_Weights);
register_model("squeezenet1_0", squeezenet1_0, SqueezeNet1_0_Weights);
register_model("squeezenet1_1", squeezenet1_1, SqueezeNet1_1_Weights);
