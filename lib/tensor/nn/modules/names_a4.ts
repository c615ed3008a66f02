/** The nn modules helper A4 added for torch 1.13's remaining names (issue 12), re-exported by nn/index.ts. */
export { AdaptiveLogSoftmaxWithLoss } from "./adaptive";
export { FractionalMaxPool2d, FractionalMaxPool3d } from "./fractional_pool";
export { SyncBatchNorm } from "./sync_batchnorm";
export { Container, DataParallel, NLLLoss2d } from "./parallel";
