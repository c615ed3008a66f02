/**
 * torch.func.functional_call and torch.func.stack_module_state (PyTorch 2.0's torch/_functorch/
 * functional_call.py; 1.13 has the single-dict functional_call in nn.utils.stateless and
 * functorch.combine_state_for_ensemble). The "Model ensembling" and "Per-sample-gradients"
 * tutorials of 2.0 are written with these:
 *
 *   const [params, buffers] = torch.func.stack_module_state(models);
 *   const fmodel = (p, b, x) => torch.func.functional_call(base_model, [p, b], [x]);
 *   torch.func.vmap(fmodel, { in_dims: [0, 0, null] })(params, buffers, minibatch);
 */
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { Module } from "../nn/module";
import { functional_call as statelessCall } from "../nn/utils/stateless";
import { stack } from "../ops/join";
import type { Tensor } from "../tensor";

type TensorDict = Record<string, Tensor>;

const isDict = (v: unknown): v is TensorDict | Map<string, Tensor> =>
  v instanceof Map || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(Object.getPrototypeOf(v) ?? Object.prototype) === null);

/**
 * functional_call(module, parameter_and_buffer_dicts, args, kwargs=None): one dict, or a list of
 * dicts (the tuple (params, buffers)) merged, a key in two of them being ambiguous (ValueError).
 */
export function functional_call(module: Module, parameter_and_buffer_dicts: TensorDict | Map<string, Tensor> | readonly (TensorDict | Map<string, Tensor>)[], args: unknown, kwargs: Record<string, unknown> | null = null): unknown {
  let merged: TensorDict | Map<string, Tensor>;
  if (Array.isArray(parameter_and_buffer_dicts)) {
    const dicts = parameter_and_buffer_dicts as unknown[];
    if (!dicts.every(isDict)) throw new ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries");
    const entries = (dicts as (TensorDict | Map<string, Tensor>)[]).flatMap((d) => (d instanceof Map ? [...d.entries()] : Object.entries(d)));
    const seen = new Set<string>();
    const repeated = [...new Set(entries.map(([k]) => k).filter((k) => (seen.has(k) ? true : (seen.add(k), false))))];
    if (repeated.length > 0) {
      throw new ValueError(`[${repeated.map((k) => `'${k}'`).join(", ")}] appeared in multiple dictionaries; behavior of functional call is ambiguous`);
    }
    merged = Object.fromEntries(entries);
  } else if (isDict(parameter_and_buffer_dicts)) {
    merged = parameter_and_buffer_dicts;
  } else {
    throw new ValueError(`Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got ${typeof parameter_and_buffer_dicts}`);
  }
  return statelessCall(module, merged, args, kwargs);
}

/** One name's tensors from every model stacked; a new leaf when all of them require grad. */
function constructStackedLeaf(tensors: Tensor[], name: string): Tensor {
  const all = tensors.every((t) => t.requires_grad);
  const none = tensors.every((t) => !t.requires_grad);
  if (!all && !none) throw new RuntimeError(`Expected ${name} from each model to have the same .requires_grad`);
  const result = stack(tensors);
  return all ? result.detach().requires_grad_() : result;
}

/**
 * stack_module_state(models) -> [params, buffers]: dicts from named_parameters() / named_buffers()
 * names to the models' tensors stacked on a new leading dimension (stacked parameters are new leaves
 * that require grad, so an ensemble can be trained through vmap). The models must share their class
 * and training mode.
 */
export function stack_module_state(models: readonly Module[]): [TensorDict, TensorDict] {
  if (!Array.isArray(models)) throw new TypeError_(`stack_module_state(): expected a list of modules, got ${typeof models}`);
  if (models.length === 0) throw new RuntimeError("stack_module_state: Expected at least one model, got 0.");
  if (!models.every((m) => m instanceof Module)) throw new TypeError_("stack_module_state(): every model must be an nn.Module");
  if (!(models.every((m) => m.training) || models.every((m) => !m.training))) {
    throw new RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.");
  }
  const cls = Object.getPrototypeOf(models[0]) as object;
  if (!models.every((m) => Object.getPrototypeOf(m) === cls)) throw new RuntimeError("stack_module_state: Expected all models to be of the same class.");
  const stackAll = (named: (m: Module) => [string, Tensor][]): TensorDict => {
    const all = models.map((m) => new Map(named(m)));
    return Object.fromEntries([...all[0].keys()].map((k) => [k, constructStackedLeaf(all.map((d) => d.get(k)!), k)]));
  };
  return [stackAll((m) => m.named_parameters()), stackAll((m) => m.named_buffers())];
}
