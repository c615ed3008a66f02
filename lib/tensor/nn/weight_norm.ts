/**
 * nn.utils.weight_norm / remove_weight_norm and spectral_norm / remove_spectral_norm, PyTorch
 * 1.13's hook-based reparametrisations:
 *
 * weight_norm(module, name="weight", dim=0): the parameter is replaced by name_g (its norm over
 * every dim but `dim`; dim = null takes the norm of the whole tensor) and name_v (its direction),
 * and a forward pre-hook recomputes module[name] = v * (g / ||v||) before every call, so the
 * gradients reach g and v.
 *
 * spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=0 (1 for
 * ConvTranspose)): the parameter becomes name_orig, buffers name_u and name_v hold the power
 * iteration's vectors (drawn from the seeded normal stream, as PyTorch draws them), and before
 * each call module[name] = W / sigma with sigma = u . (W v); in training mode each call first
 * runs n_power_iterations steps of the iteration (without gradient), in eval mode none.
 */
import { leadingArgs } from "../leading_args";
import { parseArgs, type PyArgs, type PyArgsExact } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { RuntimeError, TorchError, TypeError_, ValueError } from "../errors";
import { default_generator } from "../random";
import { Tensor } from "../tensor";
import type { Module, RemovableHandle } from "./module";
import { Parameter } from "./parameter";

type Slots = Record<string, unknown>;

/** The reparametrisations registered on each module, by parameter name. */
interface Entry {
  kind: "weight_norm" | "spectral_norm";
  handle: RemovableHandle;
  /** The reparametrised weight from the given module's current parameters (no power iteration). */
  compute: (module: Module) => Tensor;
}
const registry = new WeakMap<Module, Map<string, Entry>>();

function hooksOf(module: Module): Map<string, Entry> {
  let m = registry.get(module);
  if (!m) registry.set(module, (m = new Map()));
  return m;
}

/** PyTorch's norm_except_dim(v, 2, dim): the 2-norm over every dim but `dim`, shaped to broadcast (dim = -1: the whole norm). */
function normExceptDim(v: Tensor, dim: number): Tensor {
  if (dim === -1) return v.norm();
  const keep = v.shape.map((_, i) => (i === dim ? v.shape[i] : 1));
  const moved = dim === 0 ? v : v.transpose(0, dim);
  return moved.contiguous().reshape(moved.shape[0], -1).norm(2, 1).reshape(keep);
}

export interface WeightNormOptions {
  name?: string;
  dim?: number | null;
}

/** Splits module[name] into magnitude name_g and direction name_v: `weight_norm(nn.Linear(20, 40), "weight")`. */
export function weight_norm<M extends Module>(module: M, ...args: PyArgsExact<[name?: string, dim?: number | null], WeightNormOptions>): M;
/** weight_norm(module=..., ...): every argument by keyword, as torch. */
export function weight_norm<M extends Module>(options: WeightNormOptions & { module: M }): M;
export function weight_norm<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("weight_norm", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<WeightNormOptions>("weight_norm", ["name", "dim"], args);
  const name = o.name ?? "weight";
  const hooks = hooksOf(module);
  if (hooks.get(name)?.kind === "weight_norm") throw new RuntimeError(`Cannot register two weight_norm hooks on the same parameter ${name}`);
  const slots = module as unknown as Slots;
  const weight = slots[name];
  // torch reads getattr(module, name) and hands it to norm_except_dim: a missing name raises getattr's AttributeError,
  // a None slot (Conv1d(..., bias=False).bias) the argument check's TypeError
  if (weight === undefined) throw new TorchError(`'${module.constructor.name}' object has no attribute '${name}'`, "AttributeError");
  if (weight === null) throw new TypeError_("norm_except_dim(): argument 'v' (position 1) must be Tensor, not NoneType");
  if (!(weight instanceof Parameter)) throw new RuntimeError(`module has no parameter named '${name}'`);
  // PyTorch: dim=None means -1, the norm of the whole tensor.
  const dim = o.dim === undefined ? 0 : o.dim === null ? -1 : o.dim;
  if (!Number.isInteger(dim) || dim < -1 || dim >= weight.dim()) {
    throw new RuntimeError(`Dimension out of range (expected to be in range of [-1, ${weight.dim() - 1}], but got ${dim})`);
  }
  // Reads g and v from the module the hook is called on (torch's WeightNorm hook gets it as an argument), not from
  // `module`: a copy carrying this hook (deepcopyModule, torch.func's functional modules) recomputes its own weight.
  const compute = (m: Module): Tensor => {
    const own = m as unknown as Slots;
    const g = own[`${name}_g`] as Tensor;
    const v = own[`${name}_v`] as Tensor;
    const w = v.mul(g.div(normExceptDim(v, dim)));
    // torch computes it with one fused op; its node is named after that op (_weight_norm_interface)
    if (w.grad_fn) w.grad_fn._name = "WeightNormInterfaceBackward0";
    return w;
  };
  const g = new Parameter(no_grad(() => normExceptDim(weight.detach(), dim)));
  const v = new Parameter(weight.detach());
  // Like PyTorch's `del module._parameters[name]`: name stops being a parameter (a plain tensor below). Deleted,
  // not set to null: a null would leave a registered None parameter slot (module._parameters.weight === null).
  delete slots[name];
  module._slot_kinds.delete(name);
  module.register_parameter(`${name}_g`, g);
  module.register_parameter(`${name}_v`, v);
  slots[name] = compute(module);
  const handle = module.register_forward_pre_hook((m) => {
    (m as unknown as Slots)[name] = compute(m);
    return undefined;
  });
  hooks.set(name, { kind: "weight_norm", handle, compute });
  return module;
}

/** Folds name_g and name_v back into one parameter `name` and removes the hook. */
export function remove_weight_norm<M extends Module>(module: M, ...args: PyArgs<[name?: string], { name?: string }>): M;
/** remove_weight_norm(module=..., ...): every argument by keyword, as torch. */
export function remove_weight_norm<M extends Module>(options: { name?: string } & { module: M }): M;
export function remove_weight_norm<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("remove_weight_norm", ["module"], 1, all) as [M, ...unknown[]];
  const name = parseArgs<{ name: string }>("remove_weight_norm", ["name"], args).name ?? "weight";
  const hooks = hooksOf(module);
  const entry = hooks.get(name);
  if (entry?.kind !== "weight_norm") throw new ValueError(`weight_norm of '${name}' not found in ${String(module)}`);
  const slots = module as unknown as Slots;
  const weight = no_grad(() => entry.compute(module));
  entry.handle.remove();
  hooks.delete(name);
  delete slots[`${name}_g`];
  delete slots[`${name}_v`];
  // Deleted and re-added, so the parameter comes last in named_parameters / state_dict, as in PyTorch.
  delete slots[name];
  slots[name] = new Parameter(weight.detach());
  return module;
}

export interface SpectralNormOptions {
  name?: string;
  n_power_iterations?: number;
  eps?: number;
  dim?: number | null;
}

function normalizeInto(x: Tensor, eps: number): Tensor {
  return x.div(Math.max(x.norm().item(), eps));
}

/** Rescales module[name] by its largest singular value (Miyato et al. 2018): `spectral_norm(nn.Linear(20, 40))`. */
export function spectral_norm<M extends Module>(
  module: M,
  ...args: PyArgsExact<[name?: string, n_power_iterations?: number, eps?: number, dim?: number | null], SpectralNormOptions>
): M;
/** spectral_norm(module=..., ...): every argument by keyword, as torch. */
export function spectral_norm<M extends Module>(options: SpectralNormOptions & { module: M }): M;
export function spectral_norm<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("spectral_norm", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<SpectralNormOptions>("spectral_norm", ["name", "n_power_iterations", "eps", "dim"], args);
  const name = o.name ?? "weight";
  const iters = o.n_power_iterations ?? 1;
  const eps = o.eps ?? 1e-12;
  const hooks = hooksOf(module);
  if (hooks.get(name)?.kind === "spectral_norm") throw new RuntimeError(`Cannot register two spectral_norm hooks on the same parameter ${name}`);
  if (iters < 0) throw new ValueError(`Expected n_power_iterations to be positive, but got n_power_iterations=${iters}`);
  const slots = module as unknown as Slots;
  const weight = slots[name];
  if (!(weight instanceof Parameter)) throw new RuntimeError(`module has no parameter named '${name}'`);
  const isTranspose = /^ConvTranspose/.test(module.constructor.name);
  const dim = o.dim ?? (isTranspose ? 1 : 0);
  const toMatrix = (w: Tensor): Tensor => {
    const moved = dim !== 0 ? w.permute(dim, ...w.shape.map((_, i) => i).filter((i) => i !== dim)) : w;
    return moved.reshape(moved.shape[0], -1);
  };
  const [h, wcols] = toMatrix(weight.detach()).shape;
  const draw = (n: number): Tensor => {
    const t = new Tensor(weight.dtype.name === "float64" ? new Float64Array(n) : new Float32Array(n), [n], weight.dtype);
    default_generator.fillNormal(t._data, 0, 1, weight.dtype.name === "float64");
    return normalizeInto(t, eps);
  };
  const u0 = draw(h);
  const v0 = draw(wcols);
  // torch's delattr(module, name): the name stops being a parameter (see weight_norm)
  delete slots[name];
  module._slot_kinds.delete(name);
  module.register_parameter(`${name}_orig`, weight);
  slots[name] = weight.detach();
  module.register_buffer(`${name}_u`, u0);
  module.register_buffer(`${name}_v`, v0);
  // As weight_norm: from the module the hook is called on, so a copy updates its own u, v and weight.
  const compute = (target: Module, powerIteration: boolean): Tensor => {
    const own = target as unknown as Slots;
    const w = own[`${name}_orig`] as Tensor;
    let u = own[`${name}_u`] as Tensor;
    let v = own[`${name}_v`] as Tensor;
    const mat = toMatrix(w);
    if (powerIteration && iters > 0) {
      no_grad(() => {
        const m = mat.detach();
        for (let i = 0; i < iters; i++) {
          v = normalizeInto(m.t().mv(u), eps);
          u = normalizeInto(m.mv(v), eps);
        }
        // PyTorch writes the buffers in place (normalize(..., out=u)).
        (own[`${name}_u`] as Tensor).copy_(u);
        (own[`${name}_v`] as Tensor).copy_(v);
      });
      u = u.clone();
      v = v.clone();
    }
    const sigma = u.dot(mat.mv(v));
    return w.div(sigma);
  };
  // Until the first call module[name] is the raw weight, as in PyTorch.
  const handle = module.register_forward_pre_hook((m) => {
    (m as unknown as Slots)[name] = compute(m, m.training);
    return undefined;
  });
  hooks.set(name, { kind: "spectral_norm", handle, compute: (m) => compute(m, false) });
  return module;
}

/** Restores module[name] as a parameter holding W / sigma and removes the hook and buffers. */
export function remove_spectral_norm<M extends Module>(module: M, ...args: PyArgs<[name?: string], { name?: string }>): M;
/** remove_spectral_norm(module=..., ...): every argument by keyword, as torch. */
export function remove_spectral_norm<M extends Module>(options: { name?: string } & { module: M }): M;
export function remove_spectral_norm<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("remove_spectral_norm", ["module"], 1, all) as [M, ...unknown[]];
  const name = parseArgs<{ name: string }>("remove_spectral_norm", ["name"], args).name ?? "weight";
  const hooks = hooksOf(module);
  const entry = hooks.get(name);
  if (entry?.kind !== "spectral_norm") throw new ValueError(`spectral_norm of '${name}' not found in ${String(module)}`);
  const slots = module as unknown as Slots;
  const weight = no_grad(() => entry.compute(module)).detach();
  entry.handle.remove();
  hooks.delete(name);
  delete slots[`${name}_orig`];
  delete slots[`${name}_u`];
  delete slots[`${name}_v`];
  (module as unknown as { _buffer_names: Map<string, boolean> })._buffer_names.delete(`${name}_u`);
  (module as unknown as { _buffer_names: Map<string, boolean> })._buffer_names.delete(`${name}_v`);
  delete slots[name];
  slots[name] = new Parameter(weight);
  return module;
}
