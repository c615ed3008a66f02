/**
 * functorch.make_functional / make_functional_with_buffers / combine_state_for_ensemble (PyTorch
 * 1.13): a module turned into a function of its parameters (and buffers), for grad and vmap.
 *
 * As functorch: the module is deep-copied first, so the returned parameters are new leaves (the
 * original model is untouched when they are updated); fmodel(params, ...) runs the copy with the
 * given tensors in place of its own (nn.utils.stateless's functional_call). The order is
 * named_parameters()'s (then named_buffers()'s).
 */
import { parseArgs } from "../args";
import { RuntimeError, TypeError_ } from "../errors";
import { Module } from "../nn/module";
import { deepcopyModule } from "../nn/deepcopy";
import { functional_call } from "../nn/utils/stateless";
import { stack } from "../ops/join";
import { Tensor } from "../tensor";

type FModel = ((...args: unknown[]) => unknown) & { stateless_model: Module; param_names: string[]; buffer_names: string[] };

function checkModule(model: unknown, api: string): Module {
  if (!(model instanceof Module)) throw new TypeError_(`${api}(model): expected an nn.Module, got ${model === null ? "None" : typeof model}`);
  return model;
}

function tensorsArg(v: unknown, n: number, what: string): Tensor[] {
  if (!Array.isArray(v) || v.some((t) => !(t instanceof Tensor))) throw new TypeError_(`expected ${what} to be a tuple of Tensors`);
  if (v.length !== n) throw new RuntimeError(`expected ${n} ${what} (in named_${what}() order), got ${v.length}`);
  return v as Tensor[];
}

function extract(model: Module, disableTracking: boolean, withBuffers: boolean) {
  const copy = deepcopyModule(model);
  const named = copy.named_parameters();
  const params = named.map(([, p]) => (disableTracking ? p.detach() : p));
  const buffers = withBuffers ? copy.named_buffers() : [];
  return { copy, paramNames: named.map(([n]) => n), params, bufferNames: buffers.map(([n]) => n), buffers: buffers.map(([, b]) => b) };
}

/** functorch.make_functional(model, disable_autograd_tracking=False) -> [fmodel, params]; fmodel(params, ...inputs). */
export function make_functional(model: Module, ...options: unknown[]): [FModel, Tensor[]] {
  const o = parseArgs<{ disable_autograd_tracking: boolean }>("make_functional", ["disable_autograd_tracking"], options);
  const m = checkModule(model, "make_functional");
  const { copy, paramNames, params, bufferNames } = extract(m, o.disable_autograd_tracking ?? false, true);
  if (bufferNames.length > 0) {
    throw new RuntimeError("make_functional(model): `model` has buffers. Please use make_functional_with_buffers(model) instead.");
  }
  const fmodel = ((p: unknown, ...args: unknown[]) => {
    const ps = tensorsArg(p, paramNames.length, "parameters");
    return functional_call(copy, Object.fromEntries(paramNames.map((n, i) => [n, ps[i]])), args);
  }) as FModel;
  return [Object.assign(fmodel, { stateless_model: copy, param_names: paramNames, buffer_names: [] }), params];
}

/** functorch.make_functional_with_buffers(model, disable_autograd_tracking=False) -> [fmodel, params, buffers]; fmodel(params, buffers, ...inputs). */
export function make_functional_with_buffers(model: Module, ...options: unknown[]): [FModel, Tensor[], Tensor[]] {
  const o = parseArgs<{ disable_autograd_tracking: boolean }>("make_functional_with_buffers", ["disable_autograd_tracking"], options);
  const m = checkModule(model, "make_functional_with_buffers");
  const { copy, paramNames, params, bufferNames, buffers } = extract(m, o.disable_autograd_tracking ?? false, true);
  const fmodel = ((p: unknown, b: unknown, ...args: unknown[]) => {
    const ps = tensorsArg(p, paramNames.length, "parameters");
    const bs = tensorsArg(b, bufferNames.length, "buffers");
    const state: Record<string, Tensor> = {};
    paramNames.forEach((n, i) => (state[n] = ps[i]));
    bufferNames.forEach((n, i) => (state[n] = bs[i]));
    return functional_call(copy, state, args);
  }) as FModel;
  return [Object.assign(fmodel, { stateless_model: copy, param_names: paramNames, buffer_names: bufferNames }), params, buffers];
}

/**
 * functorch.combine_state_for_ensemble(models) -> [fmodel, params, buffers]: the models' parameters
 * and buffers stacked (a new leading dimension of size len(models)) and detached as functorch's, for vmap(fmodel)(params, buffers, x).
 */
export function combine_state_for_ensemble(models: readonly Module[]): [FModel, Tensor[], Tensor[]] {
  if (!Array.isArray(models) || models.length === 0) throw new RuntimeError("combine_state_for_ensemble: Expected at least one model, got 0.");
  models.forEach((m) => checkModule(m, "combine_state_for_ensemble"));
  if (!(models.every((m) => m.training) || models.every((m) => !m.training))) {
    throw new RuntimeError("combine_state_for_ensemble: Expected all models to have the same training/eval mode.");
  }
  const cls = Object.getPrototypeOf(models[0]) as object;
  if (!models.every((m) => Object.getPrototypeOf(m) === cls)) {
    throw new RuntimeError("combine_state_for_ensemble: Expected all models to be of the same class.");
  }
  const parts = models.map((m) => make_functional_with_buffers(m));
  // functorch's transpose_stack: stack the i-th tensor of every model, detached (new leaves).
  const transposeStack = (k: 1 | 2): Tensor[] => parts[0][k].map((_, i) => stack(parts.map((p) => p[k][i].detach())));
  return [parts[0][0], transposeStack(1), transposeStack(2)];
}
