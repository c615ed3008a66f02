/**
 * nn.DataParallel as PyTorch 1.13 builds it on a machine without GPUs (this engine's case): it
 * keeps `module`, sets device_ids = [] and forward calls the module directly (device_ids,
 * output_device and dim are not used then, and not stored, as in PyTorch). state_dict keys carry
 * the "module." prefix, as PyTorch's. Also the deprecated nn.NLLLoss2d (NLLLoss with a warning)
 * and nn.Container (a Module whose keyword arguments become submodules, with a warning).
 */
import { parseArgsRequired, type PyArgs } from "../../args";
import type { DeviceLike } from "../../device";
import { TypeError_ } from "../../errors";
import { Module } from "../module";
import { NLLLoss } from "./loss";
import { warnOnce } from "../../warnings";

export interface DataParallelOptions {
  module?: Module;
  device_ids?: readonly (number | DeviceLike)[] | null;
  output_device?: number | DeviceLike | null;
  dim?: number;
}

export class DataParallel extends Module {
  static override readonly __name__ = "DataParallel";
  module!: Module;
  device_ids!: number[];

  /** new nn.DataParallel(module, device_ids=null, output_device=null, dim=0) */
  constructor(...args: PyArgs<[module?: Module, device_ids?: readonly (number | DeviceLike)[] | null, output_device?: number | DeviceLike | null, dim?: number], DataParallelOptions>) {
    super();
    const o = parseArgsRequired<DataParallelOptions>("DataParallel", ["module", "device_ids", "output_device", "dim"], 1, args);
    if (!(o.module instanceof Module)) throw new TypeError_("DataParallel(): argument 'module' must be an nn.Module");
    this.module = o.module;
    this.device_ids = [];
  }

  override forward(...inputs: unknown[]): unknown {
    return (this.module as unknown as (...a: unknown[]) => unknown)(...inputs);
  }
}

export class NLLLoss2d extends NLLLoss {
  constructor(...args: ConstructorParameters<typeof NLLLoss>) {
    warnOnce(
      "UserWarning: NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.",
    );
    super(...args);
  }
}
// NLLLoss types its __name__ as the literal "NLLLoss", so the subclass sets its own at run time.
Object.defineProperty(NLLLoss2d, "__name__", { value: "NLLLoss2d" });

export class Container extends Module {
  static override readonly __name__ = "Container";
  /** new nn.Container({ name: module, ... }) (deprecated in PyTorch: subclass nn.Module instead). */
  constructor(modules: Record<string, Module> = {}) {
    super();
    warnOnce("UserWarning: nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. Subclass that instead.");
    for (const [name, m] of Object.entries(modules)) this.add_module(name, m);
  }
}
