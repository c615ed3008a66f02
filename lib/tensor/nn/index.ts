/**
 * torch.nn: modules, nn.functional (also exported as F), nn.init, nn.Parameter and
 * nn.register_module for loading models with custom layers. The entry re-exports this file
 * as a namespace (`import * as nn`), so `nn.Linear` works as a value and as a type.
 */
import { functional } from "./functional/index";
import { grad } from "./grad";
import { init } from "./init";
import { Module } from "./module";
import * as batchnorm from "./modules/batchnorm";
import * as containers from "./modules/container";
import * as dropout from "./modules/dropout";
import * as linear from "./modules/linear";
import * as activations from "./modules/activation";
import * as losses from "./modules/loss";
import * as conv from "./modules/conv";
import * as pooling from "./modules/pooling";
import * as padding from "./modules/padding";
import * as fold from "./modules/fold";
import * as batchnorm2d from "./modules/batchnorm2d";
import * as embedding from "./modules/embedding";
import * as normalization from "./modules/normalization";
import * as attention from "./modules/attention";
import * as transformer from "./modules/transformer";
import * as rnn from "./modules/rnn";
import * as activationExtra from "./modules/activation_extra";
import * as dropoutExtra from "./modules/dropout_extra";
import * as normalizationExtra from "./modules/normalization_extra";
import * as lossExtra from "./modules/loss_extra";
import "./modules/loss_keywords"; // loss modules take forward's arguments by keyword too
import { register_module_backward_hook, register_module_forward_hook, register_module_forward_pre_hook, register_module_full_backward_hook } from "./global_hooks";
import * as resampling from "./modules/resampling";
import * as layersExtra from "./modules/layers_extra";
import * as conv3d from "./modules/conv3d";
import * as lazy from "./modules/lazy";
import * as miscExtra from "./modules/misc_extra";
import * as batchnorm3d from "./modules/batchnorm3d";
import * as adaptive from "./modules/adaptive";
import * as fractionalPool from "./modules/fractional_pool";
import * as syncBatchnorm from "./modules/sync_batchnorm";
import * as parallel from "./modules/parallel";
import { Parameter, UninitializedParameter } from "./parameter";
import { register_module, type ModuleClass } from "./registry";
import { utils } from "./utils";

export type { BackwardHook, ForwardHook, ForwardPreHook, IncompatibleKeys, RemovableHandle, StateDict } from "./module";
export type { ModuleClass } from "./registry";
export * from "./modules/batchnorm";
export * from "./modules/container";
export * from "./modules/dropout";
export * from "./modules/linear";
export * from "./modules/activation";
export * from "./modules/loss";
export * from "./modules/conv";
export * from "./modules/pooling";
export * from "./modules/padding";
export * from "./modules/fold";
export * from "./modules/batchnorm2d";
export * from "./modules/embedding";
export * from "./modules/normalization";
export * from "./modules/attention";
export * from "./modules/transformer";
export * from "./modules/rnn";
export * from "./modules/activation_extra";
export * from "./modules/dropout_extra";
export * from "./modules/normalization_extra";
export * from "./modules/loss_extra";
export * from "./modules/resampling";
export * from "./modules/layers_extra";
export * from "./modules/conv3d";
export * from "./modules/lazy";
export * from "./modules/misc_extra";
export * from "./modules/batchnorm3d";
export * from "./modules/adaptive";
export * from "./modules/fractional_pool";
export * from "./modules/sync_batchnorm";
export * from "./modules/parallel";
export { Module, Parameter, UninitializedParameter, functional, grad, init, register_module, utils };
/** torch.nn.modules.module's hooks for every module (nn/global_hooks.ts); the layers themselves are nn.* here. */
export const modules = {
  module: { register_module_forward_pre_hook, register_module_forward_hook, register_module_full_backward_hook, register_module_backward_hook },
};

// Built-in layers load without registration: every class the module files export.
const layers: Record<string, unknown> = { Module, ...batchnorm, ...containers, ...dropout, ...linear, ...activations, ...losses, ...conv, ...pooling, ...padding, ...fold, ...batchnorm2d, ...embedding, ...normalization, ...attention, ...transformer, ...rnn, ...activationExtra, ...dropoutExtra, ...normalizationExtra, ...lossExtra, ...resampling, ...layersExtra, ...conv3d, ...lazy, ...miscExtra, ...batchnorm3d, ...adaptive, ...fractionalPool, ...syncBatchnorm, ...parallel };
for (const [name, cls] of Object.entries(layers)) {
  if (typeof cls === "function") register_module(name, cls as unknown as ModuleClass);
}
