/**
 * functorch (shipped with PyTorch 1.13; torch.func from PyTorch 2.0): composable function
 * transforms. vmap (./vmap.ts), grad / grad_and_value / vjp / jvp / jacrev / jacfwd / hessian
 * (./grad.ts), make_functional / make_functional_with_buffers / combine_state_for_ensemble
 * (./functional_module.ts). The tutorials "Per-sample-gradients", "Model ensembling" and
 * "Jacobians, Hessians, hvp, vhp, and more" run on these.
 */
import { functional_call, stack_module_state } from "./functional_call";
import { combine_state_for_ensemble, make_functional, make_functional_with_buffers } from "./functional_module";
import { grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp } from "./grad";
import { vmap } from "./vmap";

export const functorch = { vmap, grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, make_functional, make_functional_with_buffers, combine_state_for_ensemble };

/** torch.func (PyTorch 2.0's name for the same transforms, with functional_call (a dict or a list of dicts) and stack_module_state instead of make_functional). */
export const func = { vmap, grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, functional_call, stack_module_state };
