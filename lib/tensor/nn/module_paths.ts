/**
 * torch.typename of a module, as torch's messages print it: a built-in layer under the file of torch.nn.modules
 * that defines it (torch.nn.modules.linear.Linear), a class with its own static __module__ under it
 * (torchvision's), a learner's class under __main__.
 */
/** torch 1.13's torch.nn.modules files and the layers each defines. */
const FILES: Record<string, string> = {
  module: "Module",
  linear: "Identity Linear Bilinear LazyLinear",
  conv: "Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d LazyConv1d LazyConv2d LazyConv3d LazyConvTranspose1d LazyConvTranspose2d LazyConvTranspose3d",
  activation: "Threshold ReLU Hardtanh ReLU6 Sigmoid Tanh Softmax Softmax2d LogSoftmax ELU SELU CELU GLU GELU Hardshrink LeakyReLU LogSigmoid Softplus Softshrink MultiheadAttention PReLU Softsign Softmin Tanhshrink RReLU Hardsigmoid Hardswish SiLU Mish",
  loss: "L1Loss NLLLoss KLDivLoss MSELoss BCELoss BCEWithLogitsLoss NLLLoss2d PoissonNLLLoss CosineEmbeddingLoss CTCLoss HingeEmbeddingLoss MarginRankingLoss MultiLabelMarginLoss MultiLabelSoftMarginLoss MultiMarginLoss SmoothL1Loss GaussianNLLLoss HuberLoss SoftMarginLoss CrossEntropyLoss TripletMarginLoss TripletMarginWithDistanceLoss",
  container: "Container Sequential ModuleList ModuleDict ParameterList ParameterDict",
  pooling: "AvgPool1d AvgPool2d AvgPool3d MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d FractionalMaxPool2d FractionalMaxPool3d LPPool1d LPPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d",
  normalization: "LocalResponseNorm LayerNorm GroupNorm CrossMapLRN2d",
  batchnorm: "BatchNorm1d BatchNorm2d BatchNorm3d SyncBatchNorm LazyBatchNorm1d LazyBatchNorm2d LazyBatchNorm3d",
  instancenorm: "InstanceNorm1d InstanceNorm2d InstanceNorm3d LazyInstanceNorm1d LazyInstanceNorm2d LazyInstanceNorm3d",
  dropout: "Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout",
  padding: "ReflectionPad1d ReflectionPad2d ReflectionPad3d ReplicationPad2d ReplicationPad1d ReplicationPad3d ZeroPad2d ConstantPad1d ConstantPad2d ConstantPad3d",
  sparse: "Embedding EmbeddingBag",
  rnn: "RNNBase RNN LSTM GRU RNNCellBase RNNCell LSTMCell GRUCell",
  pixelshuffle: "PixelShuffle PixelUnshuffle",
  upsampling: "Upsample UpsamplingNearest2d UpsamplingBilinear2d",
  distance: "PairwiseDistance CosineSimilarity",
  fold: "Unfold Fold",
  adaptive: "AdaptiveLogSoftmaxWithLoss",
  transformer: "TransformerEncoder TransformerDecoder TransformerEncoderLayer TransformerDecoderLayer Transformer",
  flatten: "Flatten Unflatten",
  channelshuffle: "ChannelShuffle",
};

const fileOf = new Map<string, string>();
for (const [file, names] of Object.entries(FILES)) for (const n of names.split(" ")) fileOf.set(n, file);

/** cls's torch.typename, given its printed name (nn/module.ts's moduleTypeName). */
export function qualifiedModuleName(cls: object, name: string): string {
  const builtIn = Object.prototype.hasOwnProperty.call(cls, "__name__") ? fileOf.get(name) : undefined;
  if (builtIn !== undefined) return `torch.nn.modules.${builtIn}.${name}`;
  if (Object.prototype.hasOwnProperty.call(cls, "__module__") && typeof (cls as { __module__?: unknown }).__module__ === "string") return `${(cls as { __module__: string }).__module__}.${name}`;
  return `__main__.${name}`;
}
