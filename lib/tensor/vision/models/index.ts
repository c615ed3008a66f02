/**
 * torchvision.models (torchvision 0.14) for the engine: the classification architectures below, with torchvision's
 * module names and structure (state_dict keys and shapes equal torchvision's, so a state dict exported from PyTorch
 * loads) and its weight initialisation (after torch.manual_seed(s), the same weights as torchvision's):
 *
 *   const model = torchvision.models.resnet18();            // or resnet18({ num_classes: 10 })
 *   model.fc = new nn.Linear(model.fc.in_features, 10);
 *
 * resnet.ts       ResNet, BasicBlock, Bottleneck; resnet18/34/50/101/152, resnext50_32x4d, resnext101_32x8d / 64x4d,
 *                 wide_resnet50_2 / wide_resnet101_2
 * vgg.ts          VGG, make_layers, cfgs; vgg11/13/16/19 and their _bn variants
 * alexnet.ts      AlexNet, alexnet
 * mobilenetv2.ts  MobileNetV2, InvertedResidual, Conv2dNormActivation (torchvision.ops), mobilenet_v2
 * squeezenet.ts   SqueezeNet, Fire, squeezenet1_0 / squeezenet1_1
 * mobilenetv3.ts  MobileNetV3, InvertedResidualConfig, SqueezeExcitation (torchvision.ops), mobilenet_v3_large / _small
 * shufflenetv2.ts ShuffleNetV2, channel_shuffle, shufflenet_v2_x0_5 / x1_0 / x1_5 / x2_0
 * efficientnet.ts EfficientNet, MBConv, MBConvConfig, StochasticDepth (torchvision.ops), efficientnet_b0 ... b7
 * densenet.ts     DenseNet (_DenseLayer, _DenseBlock, _Transition), densenet121 / 161 / 169 / 201
 * _api.ts         the weight enums (ResNet18_Weights ...; _presets.ts: their transforms()), list_models / get_model / get_model_builder /
 *                 get_model_weights / get_weight
 *
 * Pretrained weights cannot be downloaded here: weights other than null (a weights enum member, its name, or the legacy
 * pretrained: true) raise one RuntimeError explaining how to load a state dict you have. Not here: the other families
 * (inception, googlenet, efficientnet_v2, regnet, vit, ...) and detection /
 * segmentation / video models; the weight enums' meta.categories. weights.transforms() works (_presets.ts's
 * ImageClassification: the evaluation preprocessing, which needs no download).
 */
import { keepClassNames } from "../../class-names";
import { Module, moduleTypeName } from "../../nn/module";
import { register_module, type ModuleClass } from "../../nn/registry";
import * as resnet from "./resnet";
import * as vgg from "./vgg";
import * as alexnet from "./alexnet";
import * as mobilenetv2 from "./mobilenetv2";
import * as squeezenet from "./squeezenet";
import * as densenet from "./densenet";
import * as mobilenetv3 from "./mobilenetv3";
import * as shufflenetv2 from "./shufflenetv2";
import * as efficientnet from "./efficientnet";
import { get_model, get_model_builder, get_model_weights, get_weight, list_models, setModelsNamespace, Weights } from "./_api";

export const models = {
  // resnet
  ResNet: resnet.ResNet,
  BasicBlock: resnet.BasicBlock,
  Bottleneck: resnet.Bottleneck,
  resnet18: resnet.resnet18,
  resnet34: resnet.resnet34,
  resnet50: resnet.resnet50,
  resnet101: resnet.resnet101,
  resnet152: resnet.resnet152,
  resnext50_32x4d: resnet.resnext50_32x4d,
  resnext101_32x8d: resnet.resnext101_32x8d,
  resnext101_64x4d: resnet.resnext101_64x4d,
  wide_resnet50_2: resnet.wide_resnet50_2,
  wide_resnet101_2: resnet.wide_resnet101_2,
  ResNet18_Weights: resnet.ResNet18_Weights,
  ResNet34_Weights: resnet.ResNet34_Weights,
  ResNet50_Weights: resnet.ResNet50_Weights,
  ResNet101_Weights: resnet.ResNet101_Weights,
  ResNet152_Weights: resnet.ResNet152_Weights,
  ResNeXt50_32X4D_Weights: resnet.ResNeXt50_32X4D_Weights,
  ResNeXt101_32X8D_Weights: resnet.ResNeXt101_32X8D_Weights,
  ResNeXt101_64X4D_Weights: resnet.ResNeXt101_64X4D_Weights,
  Wide_ResNet50_2_Weights: resnet.Wide_ResNet50_2_Weights,
  Wide_ResNet101_2_Weights: resnet.Wide_ResNet101_2_Weights,
  // vgg
  VGG: vgg.VGG,
  vgg11: vgg.vgg11,
  vgg11_bn: vgg.vgg11_bn,
  vgg13: vgg.vgg13,
  vgg13_bn: vgg.vgg13_bn,
  vgg16: vgg.vgg16,
  vgg16_bn: vgg.vgg16_bn,
  vgg19: vgg.vgg19,
  vgg19_bn: vgg.vgg19_bn,
  VGG11_Weights: vgg.VGG11_Weights,
  VGG11_BN_Weights: vgg.VGG11_BN_Weights,
  VGG13_Weights: vgg.VGG13_Weights,
  VGG13_BN_Weights: vgg.VGG13_BN_Weights,
  VGG16_Weights: vgg.VGG16_Weights,
  VGG16_BN_Weights: vgg.VGG16_BN_Weights,
  VGG19_Weights: vgg.VGG19_Weights,
  VGG19_BN_Weights: vgg.VGG19_BN_Weights,
  // alexnet
  AlexNet: alexnet.AlexNet,
  alexnet: alexnet.alexnet,
  AlexNet_Weights: alexnet.AlexNet_Weights,
  // mobilenet_v2
  MobileNetV2: mobilenetv2.MobileNetV2,
  mobilenet_v2: mobilenetv2.mobilenet_v2,
  MobileNet_V2_Weights: mobilenetv2.MobileNet_V2_Weights,
  // squeezenet
  SqueezeNet: squeezenet.SqueezeNet,
  squeezenet1_0: squeezenet.squeezenet1_0,
  squeezenet1_1: squeezenet.squeezenet1_1,
  SqueezeNet1_0_Weights: squeezenet.SqueezeNet1_0_Weights,
  SqueezeNet1_1_Weights: squeezenet.SqueezeNet1_1_Weights,
  // mobilenet_v3
  MobileNetV3: mobilenetv3.MobileNetV3,
  mobilenet_v3_large: mobilenetv3.mobilenet_v3_large,
  mobilenet_v3_small: mobilenetv3.mobilenet_v3_small,
  MobileNet_V3_Large_Weights: mobilenetv3.MobileNet_V3_Large_Weights,
  MobileNet_V3_Small_Weights: mobilenetv3.MobileNet_V3_Small_Weights,
  // shufflenet_v2
  ShuffleNetV2: shufflenetv2.ShuffleNetV2,
  shufflenet_v2_x0_5: shufflenetv2.shufflenet_v2_x0_5,
  shufflenet_v2_x1_0: shufflenetv2.shufflenet_v2_x1_0,
  shufflenet_v2_x1_5: shufflenetv2.shufflenet_v2_x1_5,
  shufflenet_v2_x2_0: shufflenetv2.shufflenet_v2_x2_0,
  ShuffleNet_V2_X0_5_Weights: shufflenetv2.ShuffleNet_V2_X0_5_Weights,
  ShuffleNet_V2_X1_0_Weights: shufflenetv2.ShuffleNet_V2_X1_0_Weights,
  ShuffleNet_V2_X1_5_Weights: shufflenetv2.ShuffleNet_V2_X1_5_Weights,
  ShuffleNet_V2_X2_0_Weights: shufflenetv2.ShuffleNet_V2_X2_0_Weights,
  // efficientnet (V1)
  EfficientNet: efficientnet.EfficientNet,
  efficientnet_b0: efficientnet.efficientnet_b0,
  efficientnet_b1: efficientnet.efficientnet_b1,
  efficientnet_b2: efficientnet.efficientnet_b2,
  efficientnet_b3: efficientnet.efficientnet_b3,
  efficientnet_b4: efficientnet.efficientnet_b4,
  efficientnet_b5: efficientnet.efficientnet_b5,
  efficientnet_b6: efficientnet.efficientnet_b6,
  efficientnet_b7: efficientnet.efficientnet_b7,
  EfficientNet_B0_Weights: efficientnet.EfficientNet_B0_Weights,
  EfficientNet_B1_Weights: efficientnet.EfficientNet_B1_Weights,
  EfficientNet_B2_Weights: efficientnet.EfficientNet_B2_Weights,
  EfficientNet_B3_Weights: efficientnet.EfficientNet_B3_Weights,
  EfficientNet_B4_Weights: efficientnet.EfficientNet_B4_Weights,
  EfficientNet_B5_Weights: efficientnet.EfficientNet_B5_Weights,
  EfficientNet_B6_Weights: efficientnet.EfficientNet_B6_Weights,
  EfficientNet_B7_Weights: efficientnet.EfficientNet_B7_Weights,
  // densenet
  DenseNet: densenet.DenseNet,
  densenet121: densenet.densenet121,
  densenet161: densenet.densenet161,
  densenet169: densenet.densenet169,
  densenet201: densenet.densenet201,
  DenseNet121_Weights: densenet.DenseNet121_Weights,
  DenseNet161_Weights: densenet.DenseNet161_Weights,
  DenseNet169_Weights: densenet.DenseNet169_Weights,
  DenseNet201_Weights: densenet.DenseNet201_Weights,
  // the per-family modules, as torchvision.models.resnet.BasicBlock / models.vgg.make_layers / models.mobilenetv2.InvertedResidual
  resnet,
  vgg,
  // torchvision.models.alexnet is the builder (it shadows the module in Python too)
  mobilenetv2,
  squeezenet,
  densenet,
  mobilenetv3,
  shufflenetv2,
  efficientnet,
  // _api
  Weights,
  list_models,
  get_model,
  get_model_builder,
  get_model_weights,
  get_weight,
};
setModelsNamespace(models);
keepClassNames(models);

// torch.save(model) of these models loads without registration, as torchvision's do in PyTorch. Each
// class is registered under its module path (three files have an InvertedResidual), which it carries
// as its own static __module__ so the file records the same name.
const families: Record<string, Record<string, unknown>> = { resnet, vgg, alexnet, mobilenetv2, squeezenet, densenet, mobilenetv3, shufflenetv2, efficientnet };
for (const [file, exports] of Object.entries(families)) {
  keepClassNames(exports);
  for (const cls of Object.values(exports)) {
    if (typeof cls !== "function" || !(cls.prototype instanceof Module)) continue;
    Object.defineProperty(cls, "__module__", { value: `torchvision.models.${file}`, configurable: true });
    register_module(`torchvision.models.${file}.${moduleTypeName(cls)}`, cls as ModuleClass);
  }
}

