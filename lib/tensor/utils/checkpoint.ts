/**
 * torch.utils.checkpoint as torch 1.13 has it (torch/utils/checkpoint.py):
 *
 *   checkpoint(function, ...args, { use_reentrant = true, preserve_rng_state = true })
 *   checkpoint_sequential(functions, segments, input, { preserve_rng_state = true })
 *
 * checkpoint runs `function` without recording (torch.no_grad) and returns its outputs under one
 * CheckpointFunctionBackward node; backward runs `function` again on detached copies of the tensor
 * arguments with grad mode on and the random state of the first run (so a Dropout inside draws the
 * same mask), back-propagates the incoming gradients through that second graph (the parameters used
 * inside get their .grad there) and hands the arguments' gradients on. The values and gradients are
 * those of the plain call; only the memory profile differs, as in torch.
 * With use_reentrant: false the function runs recorded, as it is (torch's non-reentrant variant saves
 * the recomputation's tensors through saved-tensor hooks; the outputs carry the function's own
 * grad_fn there too), and further keywords go to the function as its trailing options object.
 * As in torch 1.13: the UserWarning when no tensor argument requires grad, the ValueError for other
 * keywords with use_reentrant, the RuntimeError of a recomputation with no output requiring grad, and
 * the RuntimeError when the node is reached by torch.autograd.grad (not supported by the reentrant form).
 * Found by the nlp_rasbt_models probe (rasbt/deeplearning-models' DenseNet-121 memory_efficient path and
 * its gradient-checkpointing NiN notebook).
 */
import { isOptions } from "../args";
import { backwardCapturing, runBackward } from "../autograd/engine";
import { Function as AutogradFunction, type FunctionCtx } from "../autograd/custom_function";
import { enable_grad } from "../autograd/grad_mode";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { Sequential } from "../nn/modules/container";
import { fork_rng, get_rng_state, set_rng_state } from "../random_namespace";
import { Tensor } from "../tensor";
import { warnOnce } from "../warnings";

type Fn = (...args: never[]) => unknown;

/** Splits a trailing plain object off as the keywords (torch's **kwargs). */
function splitKeywords(all: readonly unknown[]): [unknown[], Record<string, unknown>] {
  const last = all[all.length - 1];
  return isOptions(last) ? [all.slice(0, -1), { ...last }] : [all.slice(), {}];
}

function unexpectedKeywords(kwargs: Record<string, unknown>): void {
  const names = Object.keys(kwargs);
  if (names.length > 0) throw new ValueError(`Unexpected keyword arguments: ${names.join(",")}`);
}

/** The outputs as a list: a tensor is one output, an array its elements, anything else one non-tensor output. */
function asOutputs(out: unknown): unknown[] {
  return Array.isArray(out) ? out : [out];
}

class CheckpointFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, ...all: unknown[]): Tensor | Tensor[] {
    const [run_function, preserve_rng_state, ...args] = all as [Fn, boolean, ...unknown[]];
    if (!args.some((a) => a instanceof Tensor && a.requires_grad)) {
      warnOnce("UserWarning: None of the inputs have requires_grad=True. Gradients will be None");
    }
    ctx.run_function = run_function;
    ctx.preserve_rng_state = preserve_rng_state;
    if (preserve_rng_state) ctx.fwd_cpu_state = get_rng_state();
    ctx.inputs = args;
    ctx.save_for_backward(...args.filter((a): a is Tensor => a instanceof Tensor));
    // applyFunction runs forward under no_grad already (torch's `with torch.no_grad():` here)
    return run_function(...(args as never[])) as Tensor | Tensor[];
  }

  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    if (backwardCapturing()) {
      throw new RuntimeError(
        "Checkpointing is not compatible with .grad() or when an `inputs` parameter is passed to .backward(). " +
          "Please use .backward() and do not pass its `inputs` argument.",
      );
    }
    const inputs = ctx.inputs as unknown[];
    const detached = inputs.map((a) => (a instanceof Tensor ? a.detach().requires_grad_(a.requires_grad) : a));
    const rerun = (): unknown => {
      if (ctx.preserve_rng_state) set_rng_state(ctx.fwd_cpu_state as ReturnType<typeof get_rng_state>);
      return enable_grad(() => (ctx.run_function as Fn)(...(detached as never[])));
    };
    const outputs = asOutputs(ctx.preserve_rng_state ? fork_rng(rerun) : rerun());
    const withGrad: Tensor[] = [];
    const gradsOf: Tensor[] = [];
    outputs.forEach((o, i) => {
      if (o instanceof Tensor && o.requires_grad) {
        withGrad.push(o);
        // torch.autograd.backward(outputs_with_grad, args_with_grad): a missing gradient is ones, as there
        gradsOf.push(grads[i] ? grads[i]!.detach() : o.detach().new_ones(o.shape));
      }
    });
    if (withGrad.length === 0) throw new RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary");
    runBackward(withGrad, gradsOf);
    return [null, null, ...detached.map((d) => (d instanceof Tensor ? d.grad : null))];
  }
}

/**
 * torch.utils.checkpoint.checkpoint(function, *args, use_reentrant=True, preserve_rng_state=True): the
 * function's outputs, recomputed in backward instead of kept (see the file's comment).
 */
export function checkpoint<R>(fn: (...args: never[]) => R, ...all: unknown[]): R {
  const [args, kwargs] = splitKeywords(all);
  const preserve = "preserve_rng_state" in kwargs ? Boolean(kwargs.preserve_rng_state) : true;
  delete kwargs.preserve_rng_state;
  const use_reentrant = "use_reentrant" in kwargs ? Boolean(kwargs.use_reentrant) : true;
  delete kwargs.use_reentrant;
  if (!use_reentrant) return Object.keys(kwargs).length > 0 ? fn(...([...args, kwargs] as never[])) : fn(...(args as never[]));
  unexpectedKeywords(kwargs);
  return CheckpointFunction.apply(fn, preserve, ...args) as R;
}

type Layer = (input: never) => unknown;

/**
 * torch.utils.checkpoint.checkpoint_sequential(functions, segments, input, preserve_rng_state=True): a
 * Sequential (its children) or a list of modules / functions run in order, the first segments - 1 chunks
 * of len // segments each under checkpoint, the last chunk (and any remainder) run as it is.
 */
export function checkpoint_sequential(...all: unknown[]): Tensor {
  const [args, kwargs] = splitKeywords(all);
  const named = ["functions", "segments", "input"] as const;
  const vals = named.map((n, i) => (i < args.length ? args[i] : kwargs[n]));
  for (const n of named) delete kwargs[n];
  if (vals.some((v) => v === undefined)) {
    const missing = named.filter((_, i) => vals[i] === undefined);
    throw new TypeError_(`checkpoint_sequential() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${missing.map((m) => `'${m}'`).join(" and ")}`);
  }
  const [functions, segments] = vals as [Iterable<Layer> | Sequential, number];
  let input = vals[2];
  const preserve = "preserve_rng_state" in kwargs ? Boolean(kwargs.preserve_rng_state) : true;
  delete kwargs.preserve_rng_state;
  unexpectedKeywords(kwargs);
  const fns: Layer[] = functions instanceof Sequential ? ([...functions.children()] as Layer[]) : [...(functions as Iterable<Layer>)];
  const run_function = (start: number, end: number) => (x: unknown): unknown => {
    for (let j = start; j <= end; j++) x = fns[j](x as never);
    return x;
  };
  const segment_size = Math.floor(fns.length / segments);
  let end = -1;
  for (let start = 0; start < segment_size * (segments - 1); start += segment_size) {
    end = start + segment_size - 1;
    input = checkpoint(run_function(start, end), input, { preserve_rng_state: preserve });
  }
  return run_function(end + 1, fns.length - 1)(input) as Tensor;
}
