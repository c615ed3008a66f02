/**
 * torch.autograd.Function: ops whose forward and backward a learner writes.
 *
 *   class Exp extends torch.autograd.Function {
 *     static forward(ctx, x) { const y = x.exp(); ctx.save_for_backward(y); return y; }
 *     static backward(ctx, g) { const [y] = ctx.saved_tensors; return g.mul(y); }
 *   }
 *   const y = Exp.apply(x);          // y.grad_fn.name() === "ExpBackward"
 *
 * forward runs without recording; backward receives one gradient per output and returns one
 * gradient per forward argument (null for non-tensor arguments or inputs that need none).
 * backward is written with tensor ops, so it is recorded under create_graph and the result can
 * be differentiated again, as in PyTorch.
 */
import { RuntimeError, TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import { needsGrad, record } from "./function";
import { _dualLevelActive, _setDualTangent, unpack_dual } from "./forward_ad";
import { is_grad_enabled, no_grad } from "./grad_mode";
import { zeros_like } from "../ops/creation";
import { sumToShape } from "../ops/util";
import { cat as torch_cat } from "../ops/join";

/** The `ctx` of forward and backward. */
export class FunctionCtx {
  /** For each forward argument: is it a tensor that requires grad? */
  needs_input_grad: boolean[] = [];
  /** Set by forward with save_for_backward, read by backward. */
  /** In save_for_backward's order, None kept in place (Extending PyTorch's LinearFunction saves an absent bias). */
  private _saved: (Tensor | null)[] = [];
  private _nonDiff = new Set<Tensor>();
  materialize_grads = true;
  /** Anything else forward stores on ctx (ctx.alpha = 2) stays available to backward. */
  [key: string]: unknown;

  save_for_backward(...tensors: (Tensor | null | undefined)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && t !== undefined && !(t instanceof Tensor)) {
        throw new TypeError_(`save_for_backward can only save variables, but argument ${i} is of type ${typeof t}`);
      }
    });
    this._saved = tensors.map((t) => (t instanceof Tensor ? t : null));
  }

  /** The saved tensors; a null / undefined that was saved reads back as null, as PyTorch's None (typed Tensor[] for the common case). */
  get saved_tensors(): Tensor[] {
    return this._saved.slice() as Tensor[];
  }

  /** Outputs that get no gradient (indices, masks): they do not require grad. */
  mark_non_differentiable(...outputs: Tensor[]): void {
    for (const t of outputs) this._nonDiff.add(t);
  }

  /** With false, backward receives null instead of zeros for outputs that got no gradient. */
  set_materialize_grads(value: boolean): void {
    this.materialize_grads = value;
  }

  /** @internal */
  _isNonDifferentiable(t: Tensor): boolean {
    return this._nonDiff.has(t);
  }
}

type Grads = Tensor | null | undefined | (Tensor | null | undefined)[];

const LEGACY_CALL =
  "Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd function with static forward method. " +
  "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)";

/** Base class of learner-defined ops; subclasses define static forward and backward. */
export class Function {
  /**
   * An instance is what the legacy style called: `SparseMM()(adj, support)` (pygcn's first layers.py) raises
   * torch 1.13's RuntimeError, as torch does for any Function instance called. So the instance is a function
   * object carrying the subclass's prototype: instanceof, methods and fields work as on a plain instance.
   */
  constructor() {
    const legacy = function legacyCall(): never {
      throw new RuntimeError(LEGACY_CALL);
    };
    Object.setPrototypeOf(legacy, new.target.prototype);
    return legacy as unknown as Function;
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new RuntimeError("You must implement the forward function for custom autograd.Function.");
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  static backward(_ctx: FunctionCtx, ..._grads: (Tensor | null)[]): Grads {
    throw new RuntimeError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.");
  }

  /**
   * Runs forward and, when an input requires grad, records one backward node per output. Also
   * works detached from its class, as PyTorch tutorials use it: `const P3 = Legendre.apply; P3(x)`
   * (the base class defines `apply` as a getter that binds the subclass; see below).
   */
  static apply<T extends Tensor | Tensor[]>(this: ({ forward(ctx: FunctionCtx, ...a: never[]): T; name: string } & typeof Function) | void, ...args: unknown[]): T {
    // Never reached: the getter below replaces this method at run time; this body serves the types.
    return applyFunction(this as typeof Function, args) as T;
  }
}

// `Sub.apply` reads this getter with `this` = Sub and returns a function bound to Sub, so the
// method still works when taken off the class.
Object.defineProperty(Function, "apply", {
  configurable: true,
  get(this: typeof Function) {
    return (...args: unknown[]) => applyFunction(this, args);
  },
});

function applyFunction(cls: typeof Function, args: unknown[]): Tensor | Tensor[] {
  if (cls === Function) throw new RuntimeError("torch.autograd.Function is a base class: define a subclass with static forward and backward");
  const ctx = new FunctionCtx();
  ctx.needs_input_grad = args.map((a) => a instanceof Tensor && a.requires_grad);
  const tensorArgs = args.map((a) => (a instanceof Tensor ? a : null));
  const result = no_grad(() => cls.forward(ctx, ...(args as never[])));
  const outs = Array.isArray(result) ? result : [result];
  outs.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new TypeError_(`${cls.name}.forward must return a tensor or an array of tensors (output ${i} is ${typeof o})`);
  });
  if (!needsGrad(...tensorArgs)) return result;
  const forwardMode = forwardModeOutputs(cls, ctx, args, outs);
  if (forwardMode) return Array.isArray(result) ? forwardMode : forwardMode[0];
  const name = `${cls.name}Backward`;
  const backward = cls.backward.bind(cls);
  const joint = jointOutputs(name, ctx, outs, tensorArgs, (grads) => checkGrads(name, backward(ctx, ...grads), args));
  if (joint) return Array.isArray(result) ? joint : joint[0];
  // An output that is an input unchanged gets its own alias, so the input keeps its own history.
  const recorded = outs.map((o, k) => {
    if (ctx._isNonDifferentiable(o)) return o;
    const out = tensorArgs.includes(o) ? o.detach() : o;
    out._base = null;
    const recordedOut = record(
      out, name, tensorArgs,
      (g) => {
        // Each output has its own node: the other outputs' gradients are zero (backward is linear in them).
        const grads = outs.map((other, j) => (j === k ? g : ctx.materialize_grads ? zerosOf(other) : null));
        return checkGrads(name, backward(ctx, ...grads), args);
      },
      ctx.saved_tensors.filter((t) => t !== null),
      true,
    );
    if (recordedOut.grad_fn) recordedOut.grad_fn.userCode = true;
    return recordedOut;
  });
  return (Array.isArray(result) ? recorded : recorded[0]);
}

/**
 * Two or more differentiable outputs of one dtype share one backward call, as torch's single node for a Function:
 * MySplit's backward(ctx, grad_x1, grad_x2) runs once with both gradients (it ran once per output, the other
 * gradient zero). A hidden flat tensor holds the outputs' gradients: each output's node (named as the Function's)
 * writes its gradient into its slice, and the hidden tensor's node, run by the engine after all of them, calls
 * backward once. An output no gradient reached gets zeros, or null after ctx.set_materialize_grads(false).
 * Otherwise (one differentiable output, or outputs of several dtypes) null: one node per output.
 */
function jointOutputs(
  name: string, ctx: FunctionCtx, outs: Tensor[], inputs: readonly (Tensor | null)[],
  callBackward: (grads: (Tensor | null)[]) => (Tensor | null)[],
): Tensor[] | null {
  const diff = outs.flatMap((o, k) => (ctx._isNonDifferentiable(o) ? [] : [k]));
  if (diff.length < 2 || diff.some((k) => outs[k].dtype !== outs[diff[0]].dtype)) return null;
  const sizes = diff.map((k) => outs[k].numel());
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  const reached = new Set<number>();
  const hidden = no_grad(() => outs[diff[0]].detach().new_zeros([total]));
  record(hidden, name, inputs, (g) => {
    const grads = outs.map((o, k) => {
      const i = diff.indexOf(k);
      if (i < 0 || !reached.has(k)) return ctx.materialize_grads ? zerosOf(o) : null;
      return g.narrow(0, offsets[i], sizes[i]).view(o.shape);
    });
    reached.clear();
    return callBackward(grads);
  }, ctx.saved_tensors.filter((t) => t !== null), true);
  if (hidden.grad_fn) hidden.grad_fn.userCode = true;
  return outs.map((o, k) => {
    const i = diff.indexOf(k);
    if (i < 0) return o;
    // An output that is an input unchanged gets its own alias, so the input keeps its own history.
    const out = inputs.includes(o) ? o.detach() : o;
    out._base = null;
    return record(out, name, [hidden], (g) => {
      reached.add(k);
      const parts = [g.reshape(-1)];
      if (offsets[i] > 0) parts.unshift(g.new_zeros([offsets[i]]));
      if (offsets[i] + sizes[i] < total) parts.push(g.new_zeros([total - offsets[i] - sizes[i]]));
      return [parts.length === 1 ? parts[0] : torch_cat(parts)];
    }, [], true);
  });
}

/**
 * Forward-mode AD through a Function that defines `static jvp(ctx, ...input tangents)` and no
 * backward (the "Forward-mode Automatic Differentiation" tutorial's Fn): inside a dual level, its
 * outputs become duals carrying jvp's tangents. With a backward as well, the tangent comes from
 * the backward (forward_ad's double-backward route) and reverse mode keeps working. Null when
 * the jvp route does not apply.
 */
function forwardModeOutputs(cls: typeof Function, ctx: FunctionCtx, args: readonly unknown[], outs: Tensor[]): Tensor[] | null {
  const jvp = (cls as unknown as { jvp?: (ctx: FunctionCtx, ...t: (Tensor | null)[]) => Tensor | null | (Tensor | null)[] }).jvp;
  if (typeof jvp !== "function" || cls.backward !== Function.backward || !_dualLevelActive()) return null;
  const tangents = args.map((a) => (a instanceof Tensor ? unpack_dual(a).tangent : null));
  if (tangents.every((t) => t === null)) return null;
  const inTangents = tangents.map((t, i) => (t === null && args[i] instanceof Tensor ? zeros_like(args[i] as Tensor) : t));
  const raw = no_grad(() => jvp.call(cls, ctx, ...inTangents));
  const outTangents = Array.isArray(raw) ? raw : [raw];
  if (outTangents.length !== outs.length) {
    throw new RuntimeError(`function ${cls.name}.jvp returned an incorrect number of forward gradients (expected ${outs.length}, got ${outTangents.length})`);
  }
  return outs.map((o, i) => {
    const t = outTangents[i];
    if (t === null || t === undefined || ctx._isNonDifferentiable(o)) return o;
    if (!(t instanceof Tensor) || t.shape.join() !== o.shape.join()) {
      throw new RuntimeError(`function ${cls.name}.jvp returned an invalid forward gradient for output ${i}: expected a tensor of shape [${o.shape.join(", ")}]`);
    }
    return _setDualTangent(o, t);
  });
}

function zerosOf(t: Tensor): Tensor {
  return no_grad(() => zeros_like(t.detach())); // torch's materialized zeros (t.mul(0) gave -0. under negative values)
}

function checkGrads(name: string, raw: Grads, args: readonly unknown[]): (Tensor | null)[] {
  let grads = Array.isArray(raw) ? raw : [raw];
  // As torch 1.13: surplus gradients are dropped when they are all None (the conv-BN fusion
  // tutorial returns `grad_X, grad_input, None, None, None, None, None` for three inputs).
  if (grads.length > args.length && grads.slice(args.length).every((g) => g === null || g === undefined)) {
    grads = grads.slice(0, args.length);
  }
  if (grads.length !== args.length) {
    throw new RuntimeError(`function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
  }
  return grads.map((g, i) => {
    const a = args[i];
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor)) throw new TypeError_(`function ${name} returned a ${typeof g} as gradient ${i}; expected a tensor or null`);
    if (!(a instanceof Tensor)) {
      throw new RuntimeError(`function ${name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
    }
    const gs = g.shape;
    if (gs.join() !== a.shape.join()) {
      // torch 1.13's validate_outputs: a gradient the input's shape expands to is summed down to it
      // (the neural-ODE adjoint's [batch, n_params] gradient for its flat [n_params] parameters).
      const lead = gs.length - a.dim();
      const expandable = lead >= 0 && a.shape.every((s, k) => s === 1 || s === gs[lead + k]);
      if (!expandable) {
        throw new RuntimeError(`Function ${name} returned an invalid gradient at index ${i} - got [${gs.join(", ")}] but expected shape compatible with [${a.shape.join(", ")}]`);
      }
      return a.requires_grad ? sumToShape(g, a.shape) : null;
    }
    return a.requires_grad ? g : null;
  });
}

const ONCE_DIFFERENTIABLE_ERROR = "trying to differentiate twice a function that was marked with @once_differentiable";

/** The alias once_differentiable puts on a gradient: differentiating through it raises. */
class DelayedError extends Function {
  static forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x.clone();
  }

  static backward(): Grads {
    throw new RuntimeError(ONCE_DIFFERENTIABLE_ERROR);
  }
}

type Backward = (ctx: FunctionCtx, ...grads: (Tensor | null)[]) => Grads;

/**
 * torch.autograd.function.once_differentiable: wraps a custom backward so that it runs without
 * recording (it may use raw formulas, like torch.nn.grad.conv2d_input in the conv-BN fusion
 * tutorial). When a double backward could reach its results (create_graph with grad-requiring
 * gradients), each result becomes an alias whose own backward raises "trying to differentiate
 * twice a function that was marked with @once_differentiable", as torch 1.13's DelayedError.
 *
 *   static backward = once_differentiable((ctx, grad_out) => ...)
 */
export function once_differentiable<F extends Backward>(fn: F): F {
  const wrapped = (ctx: FunctionCtx, ...grads: (Tensor | null)[]): Grads => {
    const outputs = no_grad(() => fn(ctx, ...grads));
    if (!is_grad_enabled()) return outputs;
    // Only gradients (and non-tensors) reach here, so requires_grad means a graph is being built.
    if (!grads.some((g) => g instanceof Tensor && g.requires_grad)) return outputs;
    const alias = (t: Tensor | null | undefined): Tensor | null | undefined => {
      if (!(t instanceof Tensor)) return t;
      const v = t.detach();
      v.requires_grad = true;
      return DelayedError.apply(v);
    };
    return Array.isArray(outputs) ? outputs.map(alias) : alias(outputs);
  };
  return wrapped as F;
}
