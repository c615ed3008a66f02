/**
 * More creation: Tensor.new_zeros / new_ones / new_empty / new_full / new_tensor (self's dtype
 * unless given), torch.normal (tensor or number mean and std), torch.poisson and torch.logspace.
 * Random draws follow PyTorch 1.13's CPU recipes on the seeded generator.
 */
import { parseArgs, type PyArgs } from "../args";
import { get_default_dtype } from "../default_dtype";
import { cppTypeName, float64, isIntegral, wrapInto, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { default_generator, type Generator } from "../random";
import { broadcastShapes } from "../shape";
import { Tensor, type NestedArray } from "../tensor";
import * as creation from "./creation";
import { lgammaScalar } from "./elementwise_extra";
import { contiguousData, empty } from "./util";

type Opts = creation.TensorOptions & { device?: unknown };

/** `x.new_zeros(2, 3)` / `x.new_zeros([2, 3], { dtype })`: x's dtype unless given. */
function withSelfDtype<O extends Opts>(self: Tensor, args: creation.ShapeArgs<O>, op: string): [number[], O] {
  const [shape, opts] = creation.splitShapeArgs<O>(args, op);
  return [shape, { ...opts, dtype: opts.dtype ?? self.dtype }];
}

export const new_zeros = (self: Tensor, ...args: creation.ShapeArgs<Opts>): Tensor => {
  const [shape, opts] = withSelfDtype(self, args, "new_zeros");
  return creation.zeros(shape, opts);
};
export const new_ones = (self: Tensor, ...args: creation.ShapeArgs<Opts>): Tensor => {
  const [shape, opts] = withSelfDtype(self, args, "new_ones");
  return creation.ones(shape, opts);
};
export const new_empty = (self: Tensor, ...args: creation.ShapeArgs<Opts>): Tensor => {
  const [shape, opts] = withSelfDtype(self, args, "new_empty");
  return creation.empty(shape, opts);
};
export function new_full(self: Tensor, size: readonly number[], fill_value: number | boolean, opts: Opts = {}): Tensor {
  if (fill_value === undefined) throw new TypeError_("new_full() missing 1 required positional argument: 'fill_value'");
  return creation.full(size, fill_value, { ...opts, dtype: opts.dtype ?? self.dtype });
}
/** A copy of `data` (never a view) in self's dtype unless given; a tensor argument is detached. */
export function new_tensor(self: Tensor, data: NestedArray | Tensor, opts: Opts = {}): Tensor {
  if (data instanceof Tensor) {
    creation.checkCreationOptions("tensor", opts); // as before: new_tensor went through torch.tensor
    return creation.copyConstruct(data, { ...opts, dtype: opts.dtype ?? data.dtype }, "tensor.new_tensor(sourceTensor)");
  }
  return creation.tensor(data, { ...opts, dtype: opts.dtype ?? (data instanceof Tensor ? data.dtype : self.dtype) });
}

export interface NormalOptions extends creation.TensorOptions {
  mean?: Tensor | number;
  std?: Tensor | number;
  size?: readonly number[];
  generator?: Generator;
}

/**
 * torch.normal(mean, std, size?, { generator }): mean and std tensors (broadcast) or numbers;
 * with two numbers, `size` is required. Draws standard normals (PyTorch's normal_ layout) and
 * scales them, as PyTorch does: out = randn * std + mean.
 */
export function normal(...args: PyArgs<[mean?: Tensor | number, std?: Tensor | number, size?: readonly number[]], NormalOptions>): Tensor {
  const a = parseArgs<NormalOptions>("normal", ["mean", "std", "size", "generator", "dtype", "requires_grad", "device"], args);
  creation.checkCreationOptions("normal", { device: a.device });
  const mean = a.mean ?? 0;
  const std = a.std ?? 1;
  const gen = a.generator ?? default_generator;
  const tm = mean instanceof Tensor ? mean : null;
  const ts = std instanceof Tensor ? std : null;
  if (!tm && !ts) {
    if (!a.size) throw new TypeError_("normal() received an invalid combination of arguments: (float mean, float std) needs size");
    if ((std as number) < 0) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
    const t = creation.empty(a.size.slice(), { dtype: a.dtype ?? get_default_dtype() });
    gen.fillNormal(t._data, mean as number, std as number, t.dtype === float64);
    return a.requires_grad ? t.requires_grad_(true) : t;
  }
  if (a.size) throw new TypeError_("normal(): size is only taken with a number mean and std");
  for (const t of [tm, ts]) if (t && !t.dtype.is_floating_point) throw new RuntimeError(`"normal_kernel_cpu" not implemented for '${cppTypeName(t.dtype)}'`);
  if (ts && ts.numel() > 0 && contiguousData(ts).some((v) => v < 0)) throw new RuntimeError("normal expects all elements of std >= 0.0");
  if (typeof std === "number" && std < 0) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const dtype: DType = tm && ts ? (tm.dtype === float64 || ts.dtype === float64 ? float64 : tm.dtype) : (tm ?? ts)!.dtype;
  const shape = tm && ts ? broadcastShapes(tm.shape, ts.shape, "normal") : (tm ?? ts)!.shape.slice();
  const out = empty(shape, dtype);
  // PyTorch: normal_(0, std) then add_(mean) for a number std; else normal_(0, 1), mul_(std), add_(mean).
  // The draws are not differentiable with respect to mean and std here (detached).
  gen.fillNormal(out._data, 0, ts ? 1 : (std as number), dtype === float64);
  return (ts ? out.mul(ts.detach()) : out).add(tm ? tm.detach() : mean);
}

/** One Poisson draw, PyTorch's sample_poisson (transformed rejection above 10, products of uniforms below). */
function samplePoisson(lambda: number, uniform: () => number): number {
  if (lambda >= 10) {
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = uniform() - 0.5;
      const V = uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lgammaScalar(k + 1)) return k;
    }
  }
  if (lambda === 0) return 0;
  const enlam = Math.exp(-lambda);
  let x = 0;
  let prod = 1;
  for (;;) {
    prod *= uniform();
    if (prod > enlam) x += 1;
    else return x;
  }
}

/** torch.poisson(rates, { generator }): a count per rate (same dtype as rates, not differentiable). */
export function poisson(rates: Tensor, ...args: PyArgs<[generator?: Generator], { generator?: Generator }>): Tensor {
  const gen = parseArgs<{ generator?: Generator }>("poisson", ["generator"], args).generator ?? default_generator;
  if (!rates.dtype.is_floating_point) throw new RuntimeError(`"poisson_cpu" not implemented for '${cppTypeName(rates.dtype)}'`);
  const r = contiguousData(rates);
  for (let i = 0; i < r.length; i++) if (!(r[i] >= 0)) throw new RuntimeError("invalid Poisson rate, expected rate to be non-negative");
  const out = empty(rates.shape, rates.dtype);
  const u = (): number => gen.uniform53();
  for (let i = 0; i < r.length; i++) out._data[i] = samplePoisson(r[i], u);
  return out;
}

export interface LogspaceOptions extends creation.TensorOptions {
  start?: number;
  end?: number;
  steps?: number;
  base?: number;
}

/**
 * torch.logspace(start, end, steps, base=10, { dtype }): base ** linspace(start, end, steps), PyTorch's symmetric fill.
 * Every argument may come by keyword: torch.logspace({ start: -10, end: 10, steps: 5 }).
 */
export function logspace(...args: PyArgs<[start?: number, end?: number, steps?: number, base?: number], LogspaceOptions>): Tensor {
  const { start, end, steps, base = 10, ...opts } = parseArgs<LogspaceOptions>("logspace", ["start", "end", "steps", "base", "dtype", "requires_grad", "device"], args);
  if (start === undefined || end === undefined) throw new TypeError_(`logspace() missing required argument '${start === undefined ? "start" : "end"}'`);
  creation.checkCreationOptions("logspace", opts);
  if (steps === undefined) throw new TypeError_('logspace() missing 1 required positional arguments: "steps"'); // torch's parser words it so
  // torch 1.13: a fractional steps is the argument parser's TypeError (no position when given by keyword), a negative one
  // the kernel's RuntimeError
  if (typeof steps === "number" && !Number.isInteger(steps)) {
    const positional = args.length >= 3 && typeof args[2] === "number";
    throw new TypeError_(`logspace(): argument 'steps'${positional ? " (position 3)" : ""} must be int, not float`);
  }
  if (steps < 0) throw new RuntimeError("number of steps must be non-negative");
  const dtype = opts.dtype ?? get_default_dtype();
  const t = creation.empty([steps], { dtype });
  // ATen's logspace_out (RangeFactories.cpp, a plain loop): start and end in the output's type,
  // their difference too, then the step and each exponent in double, pow in double, the result
  // stored in the output's type (int64 truncates).
  const r = dtype === float64 ? (v: number) => v : isIntegral(dtype) ? Math.trunc : Math.fround;
  const s = r(start);
  const e = r(end);
  const step = steps > 1 ? r(e - s) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    const exponent = i < half ? s + step * i : e - step * (steps - i - 1);
    t._data[i] = r(Math.pow(base, exponent));
  }
  if (steps === 1) t._data[0] = r(Math.pow(base, start));
  wrapInto(dtype, t._data); // int32 / int16 / int8 / uint8 keep the low bits
  return opts.requires_grad ? t.requires_grad_(true) : t;
}
