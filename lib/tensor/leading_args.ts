/**
 * Leading parameters by keyword, for functions and constructors whose first parameters PyTorch
 * also takes by name (every Python parameter is a keyword unless declared otherwise):
 *   nn.utils.clip_grad_norm_(parameters=model.parameters(), max_norm=1.0)
 *   prune.l1_unstructured(module=m, name="weight", amount=0.3)
 *   DataLoader(dataset=ds, batch_size=4)
 * In JS these are one trailing options object: clip_grad_norm_({ parameters: m.parameters(), max_norm: 1 }).
 */
import { isOptions } from "./args";
import { TypeError_ } from "./errors";
import { leadingByName } from "./ops/fixed_arity";

/** Python's list of missing names: 'a'; 'a' and 'b'; 'a', 'b', and 'c'. */
function pyNameList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 2) return q.join(" and ");
  return `${q.slice(0, -1).join(", ")}, and ${q[q.length - 1]}`;
}

export interface LeadingOptions {
  /**
   * A leading parameter may itself be a plain object (a Sized `{ __len__() {...} }`, a dict of
   * tensors): a trailing object that names none of `names` is then left as it is, a value or the
   * function's own options, and the function's own checks apply.
   */
  objectValues?: boolean;
}

/**
 * `all` (the arguments as passed) with the leading parameters `names` moved out of a trailing
 * options object into their positions; the options object's other keys stay in an options object
 * after them, for the function's own parseArgs (which raises for unknown ones). The first
 * `required` names must be given one way or the other, else Python's "missing ... required
 * positional argument(s)" TypeError; a name given both ways raises "got multiple values".
 * `fn` is the name in the messages ("clip_grad_norm_", "DataLoader.__init__").
 */
export function leadingArgs(fn: string, names: readonly string[], required: number, all: readonly unknown[], opts: LeadingOptions = {}): unknown[] {
  const moved = leadingByName(fn, names, required, all);
  const args = [...moved];
  // With objectValues, a trailing object that named no leading parameter (moved === all) counts as a value.
  const trailingOptions = args.length > 0 && isOptions(args[args.length - 1]) && !(opts.objectValues && moved === all);
  const positional = trailingOptions ? args.length - 1 : args.length;
  const missing = names.slice(0, required).filter((_, i) => i >= positional || args[i] === undefined);
  if (missing.length > 0) {
    throw new TypeError_(`${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${pyNameList(missing)}`);
  }
  return args;
}
