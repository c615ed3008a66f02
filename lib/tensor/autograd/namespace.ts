/**
 * The rest of torch.autograd's namespace as PyTorch 1.13 exposes it, beyond grad / backward /
 * Function / functional / gradcheck (torch.ts):
 *
 * - no_grad, enable_grad, set_grad_enabled, inference_mode: the same functions as torch.* (JS
 *   form: they take the code to run as a callback, `torch.autograd.no_grad(() => ...)`), also
 *   under their modules' names grad_mode and anomaly_mode (detect_anomaly, set_detect_anomaly).
 * - Variable(data, requires_grad=false): the legacy wrapper. Since PyTorch 0.4 it returns a plain
 *   tensor: a new leaf sharing data's storage (data.detach()), requiring grad if asked; volatile=true
 *   warns as torch 1.13 does (and with requires_grad raises its ValueError);
 *   `x instanceof Variable` holds for every tensor, as isinstance(x, Variable) does.
 * - graph.save_on_cpu(fn): every tensor here already lives on the CPU, so it runs fn unchanged
 *   (PyTorch's packing would copy CPU tensors to the CPU: same values, same gradients).
 * - graph.saved_tensors_hooks: not supported. Built-in ops keep what their backward needs inside
 *   their closures, not in a list a hook could swap, so pack/unpack hooks could only ever see
 *   custom Functions' tensors; rather than run them for some tensors and not others, it raises.
 * - forward_ad (dual_level, make_dual, unpack_dual) and profiler are added by ../api/torch_1_13_names.ts:
 *   tangents come from the reverse graph (autograd/forward_ad.ts), the profiler is ../profiler.ts.
 */
import { NotImplementedError, TypeError_, ValueError } from "../errors";
import { warnOnce } from "../warnings";
import { Tensor } from "../tensor";
import { inference_mode } from "./inference_mode";
import { Function, FunctionCtx, once_differentiable } from "./custom_function";
import { forward_ad } from "./forward_ad";
import { detect_anomaly, enable_grad, is_anomaly_enabled, no_grad, set_detect_anomaly, set_grad_enabled } from "./grad_mode";

export interface VariableOptions {
  requires_grad?: boolean;
  volatile?: boolean;
}

function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  return Array.isArray(v) ? "list" : typeof v;
}

/** Variable(data, requires_grad=false): a leaf sharing data's storage; every tensor is instanceof Variable. */
function VariableImpl(data: Tensor, ...args: [requires_grad?: boolean, volatile?: boolean] | [VariableOptions]): Tensor {
  if (!(data instanceof Tensor)) throw new TypeError_(`Variable data has to be a tensor, but got ${pyType(data)}`);
  const o: VariableOptions = typeof args[0] === "object" && args[0] !== null ? args[0] : { requires_grad: args[0] as boolean | undefined, volatile: args[1] as boolean | undefined };
  for (const k of Object.keys(o)) {
    if (k !== "requires_grad" && k !== "volatile") throw new TypeError_(`Variable() got an unexpected keyword argument '${k}'`);
  }
  if (o.volatile) {
    // torch 1.13 warns (once per call site, Python's default filter), then refuses volatile with requires_grad
    warnOnce("UserWarning: volatile was removed and now has no effect. Use `with torch.no_grad():` instead.");
    if (o.requires_grad) throw new ValueError("Variable can't be volatile and require_grad at the same time!");
  }
  const v = data.detach();
  if (o.requires_grad) v.requires_grad_(true);
  return v;
}
Object.defineProperty(VariableImpl, Symbol.hasInstance, { value: (x: unknown) => x instanceof Tensor });
Object.defineProperty(VariableImpl, "name", { value: "Variable" });
export const Variable = VariableImpl as typeof VariableImpl & (new (data: Tensor, ...args: [requires_grad?: boolean, volatile?: boolean] | [VariableOptions]) => Tensor);

/** save_on_cpu(fn, { pin_memory }) runs fn: the tensors are on the CPU already. */
function save_on_cpu<T>(...args: [fn: () => T] | [pin_memory: boolean, fn: () => T] | [{ pin_memory?: boolean }, () => T]): T {
  const fn = args[args.length - 1];
  if (typeof fn !== "function") throw new TypeError_("save_on_cpu(): pass the code to run as a function, as with torch.no_grad(() => ...)");
  return (fn as () => T)();
}

function saved_tensors_hooks(): never {
  throw new NotImplementedError(
    "torch.autograd.graph.saved_tensors_hooks is not supported by this engine: built-in ops keep the tensors their backward needs " +
      "inside the op, where pack/unpack hooks cannot reach them. save_on_cpu works (it runs the function unchanged on the CPU).",
  );
}


export const grad_mode = { no_grad, enable_grad, set_grad_enabled, inference_mode };
export const anomaly_mode = { detect_anomaly, set_detect_anomaly, is_anomaly_enabled };

/** Spread into torch.autograd. */
export const autogradNamespace = {
  no_grad, enable_grad, set_grad_enabled, inference_mode, Variable,
  grad_mode, anomaly_mode,
  graph: { saved_tensors_hooks, save_on_cpu },
  variable: { Variable },
  function: { Function, FunctionCtx, once_differentiable },
  // Typed here so `torch.autograd.forward_ad.make_dual` type-checks (torch_1_13_names assigns the same object).
  forward_ad,
};
