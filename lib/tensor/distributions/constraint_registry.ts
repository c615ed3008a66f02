/**
 * torch.distributions.biject_to / transform_to (PyTorch 1.13's constraint_registry.py): the
 * transform from unconstrained reals onto a constraint's set, for optimising constrained
 * parameters (`p = biject_to(d.support)(unconstrained)`). biject_to gives bijections
 * (StickBreakingTransform for the simplex), transform_to any map onto the set (SoftmaxTransform
 * for the simplex, LowerCholeskyTransform for lower_cholesky). Each is callable with a constraint
 * and has register(constraint or constraint class, factory), as PyTorch's registries.
 */
import { NotImplementedError } from "../errors";
import { Tensor } from "../tensor";
import * as C from "./constraints";
import {
  AffineTransform, CatTransform, ComposeTransform, CorrCholeskyTransform, StackTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform, SigmoidTransform, SoftmaxTransform, StickBreakingTransform, identity_transform,
  type Transform,
} from "./transforms";

type Factory = (constraint: C.Constraint) => Transform;
type Key = C.Constraint | (abstract new (...a: never[]) => C.Constraint);

export interface ConstraintRegistry {
  (constraint: C.Constraint): Transform;
  /** register(constraint, factory), or register(constraint) returning a decorator for the factory. */
  register(constraint: Key, factory?: Factory): Factory | ((f: Factory) => Factory);
}

function makeRegistry(name: string): ConstraintRegistry {
  const registry = new Map<unknown, Factory>();
  const call = (constraint: C.Constraint): Transform => {
    const byInstance = registry.get(constraint);
    if (byInstance) return byInstance(constraint);
    for (let proto: unknown = Object.getPrototypeOf(constraint); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const f = registry.get((proto as { constructor: unknown }).constructor);
      if (f) return f(constraint);
    }
    throw new NotImplementedError(`Cannot transform ${constraint.constructor.name} constraints`);
  };
  const register = (constraint: Key, factory?: Factory) => {
    const key = constraint instanceof C.Constraint && constraint.constructor !== C._Dependent ? constraint.constructor : constraint;
    // A singleton (real, positive, ...) registers its class, as PyTorch does.
    const add = (f: Factory) => {
      registry.set(key, f);
      return f;
    };
    return factory ? add(factory) : add;
  };
  const fn = call as ConstraintRegistry;
  fn.register = register as ConstraintRegistry["register"];
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

export const biject_to = makeRegistry("biject_to");
export const transform_to = makeRegistry("transform_to");

const isNum = (b: unknown): b is number => typeof b === "number";
const toT = (b: Tensor | number) => b;

for (const reg of [biject_to, transform_to]) {
  reg.register(C._Real, () => identity_transform);
  reg.register(C._IndependentConstraint, (c) => {
    const ic = c as C._IndependentConstraint;
    return new IndependentTransform(reg(ic.base_constraint), ic.reinterpreted_batch_ndims);
  });
  reg.register(C._GreaterThan, (c) => {
    const lb = (c as C._GreaterThan).lower_bound;
    return isNum(lb) && lb === 0 ? new ExpTransform() : new ComposeTransform([new ExpTransform(), new AffineTransform(toT(lb), 1)]);
  });
  reg.register(C._GreaterThanEq, (c) => {
    const lb = (c as C._GreaterThanEq).lower_bound;
    return isNum(lb) && lb === 0 ? new ExpTransform() : new ComposeTransform([new ExpTransform(), new AffineTransform(toT(lb), 1)]);
  });
  reg.register(C._LessThan, (c) => new ComposeTransform([new ExpTransform(), new AffineTransform(toT((c as C._LessThan).upper_bound), -1)]));
  const interval = (c: C.Constraint) => {
    const { lower_bound: lb, upper_bound: ub } = c as C._Interval;
    if (isNum(lb) && lb === 0 && isNum(ub) && ub === 1) return new SigmoidTransform();
    const scale = isNum(ub) && isNum(lb) ? ub - lb : (ub instanceof Tensor ? ub.sub(lb) : (lb as Tensor).neg().add(ub));
    return new ComposeTransform([new SigmoidTransform(), new AffineTransform(toT(lb), scale)]);
  };
  reg.register(C._Interval, interval);
  reg.register(C._HalfOpenInterval, interval);
}
for (const reg of [biject_to, transform_to]) {
  reg.register(C._CorrCholesky, () => new CorrCholeskyTransform());
  reg.register(C._Cat, (c) => {
    const cc = c as C._Cat;
    return new CatTransform(cc.cseq.map((x) => reg(x)), cc.dim, cc.lengths);
  });
  reg.register(C._Stack, (c) => {
    const sc = c as C._Stack;
    return new StackTransform(sc.cseq.map((x) => reg(x)), sc.dim);
  });
}
biject_to.register(C._Simplex, () => new StickBreakingTransform());
transform_to.register(C._Simplex, () => new SoftmaxTransform());
transform_to.register(C._LowerCholesky, () => new LowerCholeskyTransform());
