/**
 * nn.init's deprecated names without the trailing underscore (uniform, normal, constant, eye,
 * dirac, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, orthogonal, sparse), as
 * PyTorch 1.13's _make_deprecate builds them: each warns "nn.init.X is now deprecated in favor of
 * nn.init.X_." (once, as Python's default filter shows it once per call site: warnings.ts) and
 * then calls the underscore form with the same arguments.
 */
import { warnOnce } from "../warnings";

type AnyInit = (...args: never[]) => unknown;

export function deprecatedInits<T extends Record<string, AnyInit>>(inits: T) {
  const make = <K extends keyof T & string>(newName: K): T[K] => {
    const oldName = newName.slice(0, -1);
    const fn = (...args: Parameters<T[K]>) => {
      warnOnce(`UserWarning: nn.init.${oldName} is now deprecated in favor of nn.init.${newName}.`);
      return inits[newName](...(args as never[]));
    };
    Object.defineProperty(fn, "name", { value: oldName });
    return fn as unknown as T[K];
  };
  return {
    uniform: make("uniform_"),
    normal: make("normal_"),
    constant: make("constant_"),
    eye: make("eye_"),
    dirac: make("dirac_"),
    xavier_uniform: make("xavier_uniform_"),
    xavier_normal: make("xavier_normal_"),
    kaiming_uniform: make("kaiming_uniform_"),
    kaiming_normal: make("kaiming_normal_"),
    orthogonal: make("orthogonal_"),
    sparse: make("sparse_"),
  };
}
