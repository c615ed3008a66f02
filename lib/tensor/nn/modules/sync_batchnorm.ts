/**
 * nn.SyncBatchNorm (PyTorch 1.13): BatchNorm's settings and buffers plus a process_group, and
 * convert_sync_batchnorm(module, process_group=None), which swaps every BatchNorm*d of a model
 * for a SyncBatchNorm sharing its parameters and running statistics (other modules kept).
 * Forward is 1.13's on a CPU tensor: "SyncBatchNorm expected input tensor to be on GPU" (the
 * engine's tensors all live on the CPU; PyTorch has no CPU path for this layer either), so a
 * converted model must be converted back or given BatchNorm layers to run here.
 */
import { parseArgsRequired, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { Module } from "../module";
import { BatchNorm1d, type BatchNormOptions } from "./batchnorm";

export interface SyncBatchNormOptions extends BatchNormOptions {
  process_group?: unknown;
}

export class SyncBatchNorm extends BatchNorm1d {
  process_group: unknown;

  /** new nn.SyncBatchNorm(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true, process_group=null) */
  constructor(
    ...args: PyArgs<[num_features?: number, eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean, process_group?: unknown], SyncBatchNormOptions>
  ) {
    const a = parseArgsRequired<SyncBatchNormOptions>("SyncBatchNorm", ["num_features", "eps", "momentum", "affine", "track_running_stats", "process_group", "dtype"], 1, args);
    const { process_group, ...bn } = a;
    super(bn as BatchNormOptions);
    this.process_group = process_group ?? null;
  }

  _check_input_dim(input: Tensor): void {
    if (input.dim() < 2) throw new ValueError(`expected at least 2D input (got ${input.dim()}D input)`);
  }

  override forward(input: Tensor): Tensor {
    if (!input.is_cuda) throw new ValueError("SyncBatchNorm expected input tensor to be on GPU");
    this._check_input_dim(input);
    return super.forward(input);
  }

  /** Replaces every BatchNorm*d in `module` (or `module` itself) by a SyncBatchNorm sharing its tensors. */
  static convert_sync_batchnorm(module: Module, process_group: unknown = null): Module {
    let out = module;
    if (module instanceof BatchNorm1d) {
      const s = new SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats, process_group);
      if (module.affine) {
        s.weight = module.weight;
        s.bias = module.bias;
      }
      s.running_mean = module.running_mean;
      s.running_var = module.running_var;
      s.num_batches_tracked = module.num_batches_tracked;
      out = s;
    }
    for (const [name, child] of module.named_children()) out.add_module(name, SyncBatchNorm.convert_sync_batchnorm(child, process_group));
    return out;
  }
}

// BatchNorm1d types its __name__ as the literal "BatchNorm1d", so the subclass sets its own at run time.
Object.defineProperty(SyncBatchNorm, "__name__", { value: "SyncBatchNorm" });
