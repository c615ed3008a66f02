/** torch.optim: optimizers and lr_scheduler. Re-exported as a namespace by the entry. */
import * as lr_scheduler from "./lr_scheduler";
import * as swa_utils from "./swa_utils";
import "./defaults_order";

export { Optimizer, required } from "./optimizer";
export type { OptimizerState, OptimizerStateDict, ParamGroup, ParamGroupInput, ParamsArg } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, AdamW, type AdamOptions } from "./adam";
export { RMSprop, type RMSpropOptions } from "./rmsprop";
export { Adagrad, type AdagradOptions } from "./adagrad";
export { Adadelta, type AdadeltaOptions } from "./adadelta";
export { Adamax, type AdamaxOptions } from "./adamax";
export { NAdam, type NAdamOptions } from "./nadam";
export { RAdam, type RAdamOptions } from "./radam";
export { Rprop, type RpropOptions } from "./rprop";
export { ASGD, type ASGDOptions } from "./asgd";
export { LBFGS, type LBFGSOptions } from "./lbfgs";
export { SparseAdam, type SparseAdamOptions } from "./sparse_adam";
export { lr_scheduler, swa_utils };
