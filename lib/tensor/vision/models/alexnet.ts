/** torchvision 0.14's models/alexnet.py: AlexNet ("one weird trick" variant) and alexnet(), PyTorch's default layer init. */
import { parseArgs, type PyArgs } from "../../args";
import { Module } from "../../nn/module";
import { Conv2d } from "../../nn/modules/conv";
import { Sequential } from "../../nn/modules/container";
import { Linear } from "../../nn/modules/linear";
import { ReLU } from "../../nn/modules/activation";
import { Dropout } from "../../nn/modules/dropout";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/modules/pooling";
import type { Tensor } from "../../tensor";
import { builderArgs, register_model, registerEnum, weightsEnum, type BuilderOptions, type WeightsArg } from "./_api";

/** AlexNet's classifier: Dropout, Linear(9216, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Linear(4096, num_classes). */
export type AlexNetClassifier = Sequential & { 1: Linear; 4: Linear; 6: Linear; [index: number]: Module };

export interface AlexNetOptions {
  num_classes?: number;
  dropout?: number;
}

/** new AlexNet(num_classes=1000, dropout=0.5): features, avgpool (6x6), classifier. */
export class AlexNet extends Module {
  static override readonly __name__ = "AlexNet";
  declare features: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare classifier: AlexNetClassifier;

  constructor(...args: PyArgs<[num_classes?: number, dropout?: number], AlexNetOptions>) {
    super();
    const o = parseArgs<AlexNetOptions>("AlexNet", ["num_classes", "dropout"], args);
    const dropout = o.dropout ?? 0.5;
    this.features = new Sequential(
      new Conv2d(3, 64, { kernel_size: 11, stride: 4, padding: 2 }),
      new ReLU({ inplace: true }),
      new MaxPool2d({ kernel_size: 3, stride: 2 }),
      new Conv2d(64, 192, { kernel_size: 5, padding: 2 }),
      new ReLU({ inplace: true }),
      new MaxPool2d({ kernel_size: 3, stride: 2 }),
      new Conv2d(192, 384, { kernel_size: 3, padding: 1 }),
      new ReLU({ inplace: true }),
      new Conv2d(384, 256, { kernel_size: 3, padding: 1 }),
      new ReLU({ inplace: true }),
      new Conv2d(256, 256, { kernel_size: 3, padding: 1 }),
      new ReLU({ inplace: true }),
      new MaxPool2d({ kernel_size: 3, stride: 2 }),
    );
    this.avgpool = new AdaptiveAvgPool2d([6, 6]);
    this.classifier = new Sequential(
      new Dropout({ p: dropout }),
      new Linear(256 * 6 * 6, 4096),
      new ReLU({ inplace: true }),
      new Dropout({ p: dropout }),
      new Linear(4096, 4096),
      new ReLU({ inplace: true }),
      new Linear(4096, o.num_classes ?? 1000),
    ) as AlexNetClassifier;
  }

  override forward(x: Tensor): Tensor {
    x = this.avgpool(this.features(x)).flatten(1);
    return this.classifier(x);
  }
}

export const AlexNet_Weights = weightsEnum(
  "AlexNet_Weights",
  {
    IMAGENET1K_V1: {
      url: "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
      meta: { num_params: 61100840, min_size: [63, 63], _metrics: { "ImageNet-1K": { "acc@1": 56.522, "acc@5": 79.066 } } },
    },
  },
  "IMAGENET1K_V1",
);

/** alexnet(weights?, progress?, { weights, progress, num_classes, dropout }) */
export function alexnet(...args: PyArgs<[weights?: WeightsArg, progress?: boolean], BuilderOptions & AlexNetOptions>): AlexNet {
  return new AlexNet(builderArgs<AlexNetOptions>("alexnet", AlexNet_Weights, ["num_classes", "dropout"], args));
}
registerEnum(AlexNet_Weights);
register_model("alexnet", alexnet, AlexNet_Weights);
