/**
 * torch 1.13's deprecated scalar-first overloads, which it still runs (with a UserWarning) and which optimizer code
 * written before torch 1.5 uses: p.data.add_(-lr, d_p), exp_avg.mul_(beta1).add_(1 - beta1, grad),
 * exp_avg_sq.addcmul_(1 - beta2, grad, grad), p.data.addcdiv_(-step_size, exp_avg, denom) (NYU-DLSP20's
 * extra/optimization.ipynb, old Adam / RAdam / LAMB copies):
 *   add / add_ / sub / sub_ (Number alpha, Tensor other)                = (other, alpha=alpha)
 *   addcmul(_) / addcdiv(_) (Number value, Tensor tensor1, Tensor tensor2) = (tensor1, tensor2, value=value)
 *   torch.add / sub (input, Number alpha, Tensor other), torch.addcmul / addcdiv (input, Number value, t1, t2) alike.
 * Without this, x.add_(-0.1, g) added -0.1 (the tensor taken for an options object) and addcmul_(v, a, b) crashed.
 * The warning is torch 1.13's text (its signatures print no defaults), shown once per message as the engine's
 * other UserWarnings (warnings.ts).
 */
import { Tensor } from "../tensor";
import { warnOnce } from "../warnings";

type Kind = "alpha" | "value";

/** The deprecated signature and its replacement, as torch prints them (`fn`: the torch.* form, with input and out). */
function signatures(name: string, kind: Kind, fn: boolean): [string, string] {
  const head = fn ? "Tensor input, " : "";
  const out = fn ? ", Tensor out" : "";
  if (kind === "alpha") {
    return [`${name}(${head}Number alpha, Tensor other${fn ? ", *, Tensor out" : ""})`, `${name}(${head}Tensor other, *, Number alpha${out})`];
  }
  return [
    `${name}(${head}Number value, Tensor tensor1, Tensor tensor2${fn ? ", *, Tensor out" : ""})`,
    `${name}(${head}Tensor tensor1, Tensor tensor2, *, Number value${out})`,
  ];
}

function warnDeprecated(name: string, kind: Kind, fn: boolean): void {
  const [old, now] = signatures(name, kind, fn);
  warnOnce(`UserWarning: This overload of ${name} is deprecated:\n\t${old}\nConsider using one of the following signatures instead:\n\t${now}`);
}

/**
 * add(Number alpha, Tensor other): when `first` is a number and `second` a tensor, warns and returns
 * [other, alpha]; otherwise null (the ordinary call).
 */
export function alphaFirst(name: string, first: unknown, second: unknown, fn = false): [Tensor, number] | null {
  if (typeof first !== "number" || !(second instanceof Tensor)) return null;
  warnDeprecated(name, "alpha", fn);
  return [second, first];
}

/**
 * addcmul(Number value, Tensor tensor1, Tensor tensor2): when `first` is a number followed by two tensors, warns and
 * returns [tensor1, tensor2, value]; otherwise null.
 */
export function valueFirst(name: string, first: unknown, second: unknown, third: unknown, fn = false): [Tensor, Tensor, number] | null {
  if (typeof first !== "number" || !(second instanceof Tensor) || !(third instanceof Tensor)) return null;
  warnDeprecated(name, "value", fn);
  return [second, third, first];
}
