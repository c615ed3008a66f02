/**
 * torch.hub, torch.fx and torch.distributed as names that refuse clearly. Tutorials reach for them
 * (torch.hub.load of a pretrained model, the FX Conv/BatchNorm fuser, DDP), and a learner's code
 * should stop at the call with a message that says why and what to use, not with "Cannot read
 * properties of undefined". Each function raises NotImplementedError naming itself; nothing is
 * changed before it. torch.distributed.is_available() answers false, as PyTorch built without
 * distributed support does.
 */
import { NotImplementedError } from "./errors";

type Refusing = (...args: unknown[]) => never;

function refusing(qualified: string, why: string): Refusing {
  const fn: Refusing = () => {
    throw new NotImplementedError(`${qualified}: ${why}`);
  };
  Object.defineProperty(fn, "name", { value: qualified.split(".").pop() });
  return fn;
}

/** A class whose construction raises (GraphModule, Tracer, ...). */
function refusingClass(qualified: string, why: string): new (...args: unknown[]) => never {
  const name = qualified.split(".").pop()!;
  const cls = {
    [name]: class {
      constructor() {
        throw new NotImplementedError(`${qualified}: ${why}`);
      }
    },
  }[name];
  return cls as unknown as new (...args: unknown[]) => never;
}

function namespace<N extends string>(prefix: string, names: readonly N[], why: string): Record<N, Refusing> {
  return Object.fromEntries(names.map((n) => [n, refusing(`${prefix}.${n}`, why)])) as Record<N, Refusing>;
}

const HUB =
  "Gradbook's tensor engine cannot fetch models or weights (hub entries are Python code downloaded from GitHub). " +
  "Write the model's class yourself and load weights you have with model.load_state_dict(torch.load(path)).";
export const hub = namespace("torch.hub", ["load", "list", "help", "load_state_dict_from_url", "download_url_to_file", "get_dir", "set_dir"] as const, HUB);

const FX =
  "symbolic tracing turns a model's Python forward into a graph, which Gradbook's tensor engine cannot do for TypeScript code. " +
  "The model was not changed; to fuse Conv2d with BatchNorm2d for inference use torch.nn.utils.fusion.fuse_conv_bn_eval(conv, bn).";
export const fx = {
  ...namespace("torch.fx", ["symbolic_trace", "wrap", "replace_pattern"] as const, FX),
  GraphModule: refusingClass("torch.fx.GraphModule", FX),
  Tracer: refusingClass("torch.fx.Tracer", FX),
  Graph: refusingClass("torch.fx.Graph", FX),
  Interpreter: refusingClass("torch.fx.Interpreter", FX),
  Transformer: refusingClass("torch.fx.Transformer", FX),
};

const DIST =
  "Gradbook's tensor engine runs in one process on the CPU, so there are no process groups or other ranks " +
  "(torch.distributed.is_available() is False). Train in this process; nothing was changed.";
export const distributed = {
  is_available: (): boolean => false,
  is_initialized: (): boolean => false,
  ...namespace(
    "torch.distributed",
    ["init_process_group", "destroy_process_group", "get_rank", "get_world_size", "barrier", "all_reduce", "all_gather", "broadcast", "reduce", "send", "recv", "new_group"] as const,
    DIST,
  ),
};
