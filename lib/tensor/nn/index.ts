/**
 * torch.nn: modules, nn.functional (also exported as F), nn.init, nn.Parameter and
 * nn.register_module for loading models with custom layers. The entry re-exports this file
 * as a namespace (`import * as nn`), so `nn.Linear` works as a value and as a type.
 */
import { functional } from "./functional";
import { init } from "./init";
import { Module } from "./module";
import { BatchNorm1d } from "./modules/batchnorm";
import { ModuleList, Sequential } from "./modules/container";
import { Dropout } from "./modules/dropout";
import { Flatten, Identity, Linear } from "./modules/linear";
import {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSoftmax,
  PReLU,
  ReLU,
  ReLU6,
  SELU,
  SiLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "./modules/activation";
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss } from "./modules/loss";
import { Parameter } from "./parameter";
import { register_module, type ModuleClass } from "./registry";

export type { BackwardHook, ForwardHook, ForwardPreHook, IncompatibleKeys, RemovableHandle, StateDict } from "./module";
export type { ModuleClass } from "./registry";

const layers = {
  Module,
  Linear,
  Identity,
  Flatten,
  Sequential,
  ModuleList,
  Dropout,
  BatchNorm1d,
  Sigmoid,
  Tanh,
  ReLU,
  ReLU6,
  LeakyReLU,
  PReLU,
  ELU,
  SELU,
  GELU,
  SiLU,
  Softplus,
  Hardtanh,
  Softmax,
  LogSoftmax,
  MSELoss,
  L1Loss,
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  NLLLoss,
};

// Built-in layers load without registration.
for (const [name, cls] of Object.entries(layers)) register_module(name, cls as unknown as ModuleClass);

export {
  Module,
  Linear,
  Identity,
  Flatten,
  Sequential,
  ModuleList,
  Dropout,
  BatchNorm1d,
  Sigmoid,
  Tanh,
  ReLU,
  ReLU6,
  LeakyReLU,
  PReLU,
  ELU,
  SELU,
  GELU,
  SiLU,
  Softplus,
  Hardtanh,
  Softmax,
  LogSoftmax,
  MSELoss,
  L1Loss,
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  NLLLoss,
  Parameter,
  functional,
  init,
  register_module,
};
