/** torch.optim: optimizers and lr_scheduler. Re-exported as a namespace by the entry. */
import * as lr_scheduler from "./lr_scheduler";

export { Optimizer, required } from "./optimizer";
export type { OptimizerState, OptimizerStateDict, ParamGroup, ParamGroupInput, ParamsArg } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, AdamW, type AdamOptions } from "./adam";
export { RMSprop, type RMSpropOptions } from "./rmsprop";
export { lr_scheduler };
