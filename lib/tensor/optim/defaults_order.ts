/**
 * torch 1.13's layout of each built-in optimizer's defaults (optimizer.ts BuiltinLayout): the key order its defaults
 * dict has, and the settings it defaults to floats. Imported for its side effect by optim/index.ts.
 */
import { Adadelta } from "./adadelta";
import { Adagrad } from "./adagrad";
import { Adam, AdamW } from "./adam";
import { Adamax } from "./adamax";
import { ASGD } from "./asgd";
import { LBFGS } from "./lbfgs";
import { NAdam } from "./nadam";
import { registerBuiltinLayout } from "./optimizer";
import { RAdam } from "./radam";
import { RMSprop } from "./rmsprop";
import { Rprop } from "./rprop";
import { SGD } from "./sgd";
import { SparseAdam } from "./sparse_adam";

const LR = ["lr"];
registerBuiltinLayout(SGD, { order: ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable"], floats: [] });
registerBuiltinLayout(Adam, { order: ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused"], floats: LR });
registerBuiltinLayout(AdamW, { order: ["lr", "betas", "eps", "weight_decay", "amsgrad", "foreach", "maximize", "capturable"], floats: LR });
registerBuiltinLayout(RMSprop, { order: ["lr", "momentum", "alpha", "eps", "centered", "weight_decay", "foreach", "maximize", "differentiable"], floats: LR });
registerBuiltinLayout(Adagrad, { order: ["lr", "lr_decay", "eps", "weight_decay", "initial_accumulator_value", "foreach", "maximize"], floats: LR });
registerBuiltinLayout(Adadelta, { order: ["lr", "rho", "eps", "weight_decay", "maximize", "foreach"], floats: LR });
registerBuiltinLayout(Adamax, { order: ["lr", "betas", "eps", "weight_decay", "foreach", "maximize"], floats: LR });
registerBuiltinLayout(NAdam, { order: ["lr", "betas", "eps", "weight_decay", "momentum_decay", "foreach"], floats: LR });
registerBuiltinLayout(RAdam, { order: ["lr", "betas", "eps", "weight_decay", "foreach"], floats: LR });
registerBuiltinLayout(ASGD, { order: ["lr", "lambd", "alpha", "t0", "weight_decay", "foreach", "maximize"], floats: ["lr", "t0"] });
registerBuiltinLayout(Rprop, { order: ["lr", "etas", "step_sizes", "foreach", "maximize"], floats: LR });
registerBuiltinLayout(LBFGS, { order: ["lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size", "line_search_fn"], floats: [] });
registerBuiltinLayout(SparseAdam, { order: ["lr", "betas", "eps", "maximize"], floats: LR });
