/**
 * Loss functions with PyTorch's signatures, reductions ("mean" | "sum" | "none") and
 * numerics. Each is one fused op: the forward computes the per-element loss and its
 * derivative in one pass, and the recorded node (named as PyTorch names it, e.g.
 * NllLossBackward0) scales that derivative by the incoming gradient. This is faster than
 * composing small ops and gives PyTorch's exact edge cases (BCE's log clamp at -100 and its
 * 1e-12 denominator guard, the overflow-free BCE-with-logits form).
 */
import { parseArgs, type PyArgs } from "../../args";
import { needsGrad, record } from "../../autograd/function";
import { releaseScratch, takeScratch } from "../../buffer_pool";
import { bool, cppTypeName, int16, int32, int64, int8, promoteTypes, uint8, type DType, type Storage } from "../../dtype";
import { IndexError, RuntimeError, ValueError } from "../../errors";
import { kernels } from "../../kernels/registry";
import { broadcastShapes } from "../../shape";
import { createCrossEntropySimd } from "../../kernels/wasm/cross_entropy_simd";
import { emptyForOverwrite, sumToShape } from "../../ops/util";
import { Tensor } from "../../tensor";
import { torchSize } from "../repr";
import { logsigmoid } from "./activation_extra";
import { legacyReduction, lossKernelDtype, refuseTargetDtypeInBackward, warnTargetSize } from "./loss_composed";
import {
  checkReduction,
  checkTensor,
  data,
  dataAs,
  empty,
  floatType,
  scalarOf,
  type Reduction,
} from "./_util";

/**
 * Each loss's settings, shared with its module (nn.MSELoss(...) takes F.mse_loss's settings).
 * size_average and reduce are PyTorch's deprecated forms, accepted for the positional order.
 */
export interface RegressionLossOptions {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction;
}
export interface WeightedLossOptions extends RegressionLossOptions {
  weight?: Tensor | null;
}
export interface BCEWithLogitsOptions extends WeightedLossOptions {
  pos_weight?: Tensor | null;
}
export interface NLLLossOptions extends WeightedLossOptions {
  ignore_index?: number;
}
export interface CrossEntropyOptions extends NLLLossOptions {
  label_smoothing?: number;
}

type Legacy = [size_average?: boolean | null, reduce?: boolean | null];
/**
 * The reduction a loss runs with: the deprecated size_average / reduce pair decides it when either is
 * given (torch's legacy_get_string: reduce=False -> "none", size_average=False -> "sum"), else `reduction`.
 */
export function lossReduction(a: RegressionLossOptions): Reduction {
  if ((a.size_average ?? null) !== null || (a.reduce ?? null) !== null) return legacyReduction(a) as Reduction;
  return checkReduction(a.reduction);
}
export type RegressionLossArgs = PyArgs<[...Legacy, reduction?: Reduction], RegressionLossOptions>;
export type WeightedLossArgs = PyArgs<[weight?: Tensor | null, ...Legacy, reduction?: Reduction], WeightedLossOptions>;
export type BCEWithLogitsArgs = PyArgs<
  [weight?: Tensor | null, ...Legacy, reduction?: Reduction, pos_weight?: Tensor | null],
  BCEWithLogitsOptions
>;
export type NLLLossArgs = PyArgs<
  [weight?: Tensor | null, size_average?: boolean | null, ignore_index?: number, reduce?: boolean | null, reduction?: Reduction],
  NLLLossOptions
>;
export type CrossEntropyArgs = PyArgs<
  [
    weight?: Tensor | null,
    size_average?: boolean | null,
    ignore_index?: number,
    reduce?: boolean | null,
    reduction?: Reduction,
    label_smoothing?: number,
  ],
  CrossEntropyOptions
>;

export const parseRegressionLoss = (fn: string, args: readonly unknown[]) =>
  parseArgs<RegressionLossOptions>(fn, ["size_average", "reduce", "reduction"], args);
export const parseWeightedLoss = (fn: string, args: readonly unknown[]) =>
  parseArgs<WeightedLossOptions>(fn, ["weight", "size_average", "reduce", "reduction"], args);
export const parseBCEWithLogits = (fn: string, args: readonly unknown[]) =>
  parseArgs<BCEWithLogitsOptions>(fn, ["weight", "size_average", "reduce", "reduction", "pos_weight"], args);
export const parseNLLLoss = (fn: string, args: readonly unknown[]) =>
  parseArgs<NLLLossOptions>(fn, ["weight", "size_average", "ignore_index", "reduce", "reduction"], args);
export const parseCrossEntropy = (fn: string, args: readonly unknown[]) =>
  parseArgs<CrossEntropyOptions>(fn, ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"], args);

/**
 * Builds the output of a pointwise loss from per-element values and d(value)/d(input), and
 * records the backward. `dTarget`, when given, makes the target differentiable too.
 */
function pointwiseLoss(
  name: string,
  input: Tensor,
  target: Tensor | null,
  reduction: Reduction,
  values: Float64Array,
  dInput: Float64Array | null,
  dTarget: Float64Array | null,
  dt: DType,
  shape: readonly number[],
  derivative?: (x: Tensor, t: Tensor | null) => Tensor,
  /** d(value)/d(target) in recorded ops when it is not minus d/d(input) (the BCE losses). */
  targetDerivative?: (x: Tensor, t: Tensor) => Tensor,
): Tensor {
  const n = values.length;
  let out: Tensor;
  if (reduction === "none") {
    out = empty(shape, dt);
    out._data.set(values);
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[i];
    out = empty([], dt);
    out._data[0] = reduction === "mean" ? s / n : s;
  }
  const grads = (g: Tensor, d: Float64Array, sign: number): Tensor => {
    const res = empty(shape, dt);
    const r = res._data;
    if (reduction === "none") {
      const gd = data(g);
      for (let i = 0; i < n; i++) r[i] = sign * gd[i] * d[i];
    } else {
      const scale = (sign * scalarOf(g)) / (reduction === "mean" ? n : 1);
      for (let i = 0; i < n; i++) r[i] = scale * d[i];
    }
    return res;
  };
  const inputs = target && dTarget ? [input, target] : [input];
  // A result promoted past an operand's dtype (BCE with logits of a float32 input and a float64 target)
  // hands each operand its gradient in its own dtype, on both paths.
  const own = (t: Tensor, of: Tensor): Tensor => (t.dtype === of.dtype ? t : t.to(of.dtype));
  // create_graph: d(value)/d(input) as recorded ops, scaled like `grads` (the target's is its negative).
  const higher = derivative
    ? (g: Tensor): (Tensor | null)[] => {
      const d = derivative(input, target);
      const gd = (reduction === "none" ? g : reduction === "mean" ? g.div(n) : g).mul(d);
      const scaledG = reduction === "none" ? g : reduction === "mean" ? g.div(n) : g;
      const dt2 = targetDerivative && inputs.length === 2 ? scaledG.mul(targetDerivative(input, target!)) : gd.neg();
      const gt = inputs.length === 2 && target!.requires_grad ? own(sumToShape(dt2, target!.shape), target!) : null;
      const gi = input.requires_grad ? own(gd, input) : null;
      return inputs.length === 1 ? [gi] : [gi, gt];
    }
    : null;
  return record(out, name, inputs, (g) => {
    const gi = input.requires_grad && dInput ? own(grads(g, dInput, 1), input) : null;
    if (inputs.length === 1) return [gi];
    const gt = target!.requires_grad ? own(sumToShape(grads(g, dTarget!, 1), target!.shape), target!) : null;
    return [gi, gt];
  }, [], higher);
}

function broadcastShape(input: Tensor, target: Tensor, fn: string): readonly number[] {
  if (input.shape.join() === target.shape.join()) return input.shape;
  // PyTorch warns first, then broadcasts: [N, 1] predictions against [N] targets silently become an [N, N]
  // comparison, a classic bug. Shapes that cannot broadcast raise torch 1.13's infer_size message after the warning.
  warnTargetSize(input, target);
  return broadcastShapes(input.shape, target.shape, fn);
}

function regressionLoss(fn: string, node: string, input: Tensor, target: Tensor, args: RegressionLossArgs, l1: boolean): Tensor {
  checkTensor(input, fn);
  checkTensor(target, fn, "target");
  const a = parseRegressionLoss(fn, args);
  const reduction = lossReduction(a);
  const shape = broadcastShape(input, target, fn);
  if (!l1) lossKernelDtype("mse_cpu", input, target); // an integer / bool pair raises torch's dispatch error
  // torch 1.13's l1_loss is (input - target).abs() reduced: sub refuses bool operands, and two integer tensors
  // keep their promoted integer dtype (uint8 wrapping), whose mean torch cannot take
  if (l1 && (!input.dtype.is_floating_point || !target.dtype.is_floating_point)) {
    const diff = input.sub(target);
    if (!diff.dtype.is_floating_point) {
      const loss = diff.abs();
      if (reduction === "none") return loss;
      if (reduction === "sum") return loss.sum();
      throw new RuntimeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${cppTypeName(loss.dtype)}`);
    }
  }
  // a float64 target makes a float64 loss, as torch (an integer one keeps the input's)
  const dt = target.dtype.is_floating_point ? promoteTypes(floatType(input), target.dtype) : floatType(input);
  const x = dataAs(input, shape, "input", fn);
  const t = dataAs(target, shape, "target", fn);
  const n = x.length;
  const values = new Float64Array(n);
  const grad = needsGrad(input, target);
  const d = grad ? new Float64Array(n) : null;
  const dT = grad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const diff = x[i] - t[i];
    if (l1) {
      values[i] = Math.abs(diff);
      if (d) d[i] = diff > 0 ? 1 : diff < 0 ? -1 : 0;
    } else {
      values[i] = diff * diff;
      if (d) d[i] = 2 * diff;
    }
    if (dT && d) dT[i] = -d[i];
  }
  const inShape = input.shape.join() === shape.join();
  // torch 1.13 composes l1_loss as (input - target).abs() then mean / sum: its last node is what a printed loss shows
  if (l1) node = reduction === "none" ? "AbsBackward0" : reduction === "mean" ? "MeanBackward0" : "SumBackward0";
  const derivative = l1 ? (xx: Tensor, tt: Tensor | null) => xx.sub(tt!).sign() : (xx: Tensor, tt: Tensor | null) => xx.sub(tt!).mul(2);
  const res = pointwiseLoss(node, inShape ? input : input.expand(shape.slice()), target, reduction, values, d, dT, dt, shape, derivative);
  return res;
}

/** F.mse_loss(input, target, { reduction }) */
export function mse_loss(input: Tensor, target: Tensor, ...args: RegressionLossArgs): Tensor {
  return refuseTargetDtypeInBackward(regressionLoss("mse_loss", "MseLossBackward0", input, target, args, false), "MseLossBackward0", input, target);
}

/** F.l1_loss(input, target, { reduction }) */
export function l1_loss(input: Tensor, target: Tensor, ...args: RegressionLossArgs): Tensor {
  return regressionLoss("l1_loss", "L1LossBackward0", input, target, args, true);
}

function sameSize(input: Tensor, target: Tensor, logits = false): void {
  if (input.shape.join() === target.shape.join()) return;
  if (logits) {
    throw new ValueError(`Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  throw new ValueError(
    `Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`,
  );
}

/**
 * F.binary_cross_entropy(input, target, weight=None, { reduction }): input holds
 * probabilities in [0, 1]. Logs are clamped at -100 like PyTorch, so 0 and 1 stay finite.
 */
export function binary_cross_entropy(input: Tensor, target: Tensor, ...args: WeightedLossArgs): Tensor {
  const fn = "binary_cross_entropy";
  checkTensor(input, fn);
  checkTensor(target, fn, "target");
  const a = parseWeightedLoss(fn, args);
  const reduction = lossReduction(a);
  sameSize(input, target);
  if (target.dtype !== input.dtype) throw new RuntimeError(`Found dtype ${cppTypeName(target.dtype)} but expected ${cppTypeName(input.dtype)}`);
  const dt = floatType(input);
  const x = data(input);
  const t = data(target);
  const w = a.weight ? dataAs(a.weight, input.shape, "weight", fn) : null;
  const n = x.length;
  const values = new Float64Array(n);
  const d = needsGrad(input) ? new Float64Array(n) : null;
  // a soft target that requires grad gets torch's -w logit(p) (unclamped, as binary_cross_entropy_target_backward)
  const dT = needsGrad(target) ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const p = x[i];
    if (!(p >= 0 && p <= 1)) throw new RuntimeError("all elements of input should be between 0 and 1");
    const wi = w ? w[i] : 1;
    const logP = Math.max(Math.log(p), -100);
    const log1mP = Math.max(Math.log(1 - p), -100);
    values[i] = -wi * (t[i] * logP + (1 - t[i]) * log1mP);
    if (d) d[i] = (wi * (p - t[i])) / Math.max((1 - p) * p, 1e-12);
    if (dT) dT[i] = wi * (Math.log1p(-p) - Math.log(p));
  }
  // PyTorch's derivative w (x - t) / max((1 - x) x, 1e-12), in recorded ops for create_graph.
  const weight = a.weight ?? null;
  const derivative = (xx: Tensor): Tensor => {
    const r = xx.sub(target).div(xx.neg().add(1).mul(xx).clamp({ min: 1e-12 }));
    return weight ? r.mul(weight) : r;
  };
  const targetDerivative = (xx: Tensor): Tensor => {
    const r = xx.neg().log1p().sub(xx.log());
    return weight ? r.mul(weight) : r;
  };
  return pointwiseLoss("BinaryCrossEntropyBackward0", input, target, reduction, values, d, dT, dt, input.shape, derivative, targetDerivative);
}

/**
 * F.binary_cross_entropy_with_logits(input, target, weight=None, { reduction, pos_weight }):
 * sigmoid + BCE in the overflow-free form (1 - t) x + L (log1p(exp(-|x|)) + max(-x, 0)),
 * L = 1 + (pos_weight - 1) t. pos_weight broadcasts over the last (class) dimension.
 */
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor, ...args: BCEWithLogitsArgs): Tensor {
  const fn = "binary_cross_entropy_with_logits";
  checkTensor(input, fn);
  checkTensor(target, fn, "target");
  const a = parseBCEWithLogits(fn, args);
  const reduction = lossReduction(a);
  sameSize(input, target, true);
  // torch computes (1 - target) * input and more in the target's dtype: a bool or integer target raises.
  if (target.dtype.name === "bool") throw new RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  if (!target.dtype.is_floating_point) throw new RuntimeError(`result type ${cppTypeName(input.dtype)} can't be cast to the desired output type ${cppTypeName(target.dtype)}`);
  const dt = promoteTypes(floatType(input), target.dtype); // a float64 target makes a float64 loss, as torch
  const x = data(input);
  const t = data(target);
  const w = a.weight ? dataAs(a.weight, input.shape, "weight", fn) : null;
  const pw = a.pos_weight ? dataAs(a.pos_weight, input.shape, "pos_weight", fn) : null;
  const n = x.length;
  const values = new Float64Array(n);
  const d = needsGrad(input) ? new Float64Array(n) : null;
  // a target that requires grad gets torch's w (-x), or w (log_sigmoid(-x) - pos_weight log_sigmoid(x))
  const dT = needsGrad(target) ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const ti = t[i];
    const L = pw ? (pw[i] - 1) * ti + 1 : 1;
    const wi = w ? w[i] : 1;
    const softplusNeg = Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(-xi, 0); // -log_sigmoid(x)
    values[i] = wi * ((1 - ti) * xi + L * softplusNeg);
    if (dT) dT[i] = wi * (pw ? pw[i] * softplusNeg - (softplusNeg + xi) : -xi);
    if (d) {
      const sig = xi >= 0 ? 1 / (1 + Math.exp(-xi)) : Math.exp(xi) / (1 + Math.exp(xi));
      d[i] = wi * (L * sig - (pw ? pw[i] : 1) * ti);
    }
  }
  // d = w (L sigmoid(x) - pos_weight t), L = 1 + (pos_weight - 1) t, in recorded ops for create_graph.
  const weight = a.weight ?? null;
  const posWeight = a.pos_weight ?? null;
  const derivative = (xx: Tensor): Tensor => {
    const sig = xx.sigmoid();
    const r = posWeight ? sig.mul(posWeight.sub(1).mul(target).add(1)).sub(target.mul(posWeight)) : sig.sub(target);
    return weight ? r.mul(weight) : r;
  };
  const targetDerivative = (xx: Tensor): Tensor => {
    const r = posWeight ? logsigmoid(xx.neg()).sub(logsigmoid(xx).mul(posWeight)) : xx.neg();
    return weight ? r.mul(weight) : r;
  };
  return pointwiseLoss("BinaryCrossEntropyWithLogitsBackward0", input, target, reduction, values, d, dT, dt, input.shape, derivative, targetDerivative);
}

interface ClassLossOptions {
  weight: Storage | null;
  ignore_index: number;
  reduction: Reduction;
  label_smoothing: number;
}

/**
 * Moves the class dim of an (N, C, d1, ...) tensor last and flattens to (M, C), so the fused
 * kernels only handle the 2-D case. Returns the 2-D view and the per-row output shape.
 */
function toRows(input: Tensor, fn: string): { rows: Tensor; outShape: number[] } {
  if (input.dim() === 1) return { rows: input.unsqueeze(0), outShape: [] };
  if (input.dim() === 2) return { rows: input, outShape: [input.shape[0]] };
  if (input.dim() < 1) throw new ValueError(`${fn}: expected input with at least 1 dimension, got 0`);
  const perm = [0, ...Array.from({ length: input.dim() - 2 }, (_, i) => i + 2), 1];
  const moved = input.permute(perm);
  const C = input.shape[1];
  return { rows: moved.reshape(-1, C), outShape: [input.shape[0], ...input.shape.slice(2)] };
}

/**
 * Why a learner's class labels are float: JS numbers do not say int or float, so torch.tensor([1, 0, 4]),
 * int64 in PyTorch, is float32 here (core.ts). Said wherever class indices are refused for being float.
 */
export const FLOAT_LABELS_HINT =
  " (JS numbers do not say int or float, so torch.tensor([1, 0, 4]) is float32 here where PyTorch infers int64: " +
  "write torch.tensor([1, 0, 4], { dtype: torch.long }) for class indices)";

const shapeList = (s: readonly number[]): string => `[${s.join(", ")}]`;

/**
 * torch 1.13's shape checks for class-index targets (nll_loss_nd, then nll_loss / nll_loss2d), which run
 * before any dtype check: a batch of another size is a ValueError, a [N, 1] target for [N, C] logits is
 * "multi-target", spatial targets must be [N, d1, ...].
 */
function checkClassTargetShape(input: Tensor, target: Tensor): void {
  const n = input.dim(), t = target.dim();
  if (n !== 1 && input.shape[0] !== (t > 0 ? target.shape[0] : 0)) {
    throw new ValueError(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${t > 0 ? target.shape[0] : 0}).`);
  }
  if (n <= 2) {
    if (t > 1) throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
    if (n === 1 && t !== 0 && input.shape[0] !== target.shape[0]) throw new RuntimeError(`size mismatch (got input: ${shapeList(input.shape)}, target: ${shapeList(target.shape)})`);
    return;
  }
  if (n === 4) {
    if (t !== 3) throw new RuntimeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${t}`);
    if ([0, 2, 3].some((d, i) => input.shape[d] !== target.shape[i])) throw new RuntimeError(`size mismatch (got input: ${shapeList(input.shape)} , target: ${shapeList(target.shape)}`);
    return;
  }
  const want = [input.shape[0], ...input.shape.slice(2)];
  if (want.join() !== target.shape.join()) throw new RuntimeError(`Expected target size ${shapeList(want)}, got ${shapeList(target.shape)}`);
}

function targetRows(target: Tensor, outShape: readonly number[], fn: string, inputShape: readonly number[], input?: Tensor): Storage {
  if (input) checkClassTargetShape(input, target);
  if (target.dtype.is_floating_point) {
    throw new RuntimeError(`${fn}: expected target of dtype torch.int64 (class indices), got ${target.dtype}${FLOAT_LABELS_HINT}`);
  }
  // torch 1.13's nll_loss takes long class indices only (an int32 target: "expected scalar type Long but found Int"), or
  // uint8 ones for a (C,) / (N, C) input; nll_loss2d, behind every (N, C, d1, ...) input, refuses uint8 too (a mask read
  // from a PNG as uint8), and both refuse bool
  const refused = target.dtype === int32 || target.dtype === int16 || target.dtype === int8 || target.dtype === bool || (target.dtype === uint8 && inputShape.length >= 3);
  if (refused) throw new RuntimeError(`expected scalar type Long but found ${cppTypeName(target.dtype)}`);
  if (target.shape.join() !== outShape.join()) {
    throw new RuntimeError(
      `${fn}: expected target of shape ${torchSize(outShape)} for input of shape ${torchSize(inputShape)}, got ${torchSize(target.shape)}`,
    );
  }
  return data(target);
}

/**
 * For float32 logits x (M rows of C): ex = exp(x - rowmax) (one call of the exp kernel: SIMD on
 * the wasm backend, a Math.exp per logit costs about 20 ns here), lse = log sum exp per row and,
 * when given, invSum = 1 / sum exp(x - rowmax); sums in float64. Plain loops over locals (no
 * captured variables), so V8 keeps them tight.
 */
function logSumExpRows(x: Float32Array, M: number, C: number, ex: Float32Array, lse: Float64Array, invSum: Float64Array | null): void {
  if (simdRows()) {
    const sums = new Float64Array(M);
    ceSimd!.forward(M, C, x, ex, lse, sums, (n, from, to) => kernels.unary.exp(n, from, to, 0, 0));
    crossEntropyRows_.forwards++;
    for (let i = 0; i < M; i++) {
      const s = sums[i];
      if (invSum) invSum[i] = 1 / s;
      lse[i] += Math.log(s);
    }
    return;
  }
  for (let i = 0; i < M; i++) {
    const base = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (x[base + c] > m) m = x[base + c];
    lse[i] = m;
    for (let c = 0; c < C; c++) ex[base + c] = x[base + c] - m;
  }
  kernels.unary.exp(M * C, ex, ex, 0, 0);
  for (let i = 0; i < M; i++) {
    const base = i * C;
    let s = 0;
    for (let c = 0; c < C; c++) s += ex[base + c];
    if (invSum) invSum[i] = 1 / s;
    lse[i] += Math.log(s);
  }
}

/**
 * The row passes above and the backward's a * (p - onehot) as WebAssembly (kernels/wasm/
 * cross_entropy_simd.ts: the same arithmetic in the same order, so the same bits) on the
 * WebAssembly backend (selectBackend("ts") clears kernels.gemm); `enabled` is for benches
 * comparing the two in one process, the counts for tests.
 */
const ceSimd = createCrossEntropySimd();
export const crossEntropyRows_ = { enabled: true, forwards: 0, backwards: 0 };
const simdRows = (): boolean => ceSimd !== null && crossEntropyRows_.enabled && kernels.gemm !== null;

/** r[base + c] = a * (p_c - [c = y]) with p_c = ex[base + c] * inv (float64 products). */
function softmaxMinusOneHotRow(r: Storage, ex: Float32Array, base: number, C: number, a: number, inv: number, y: number): void {
  const as = a * inv;
  for (let c = 0; c < C; c++) r[base + c] = as * ex[base + c];
  r[base + y] = a * (ex[base + y] * inv - 1);
}

/**
 * The fused (M, C) kernel behind cross_entropy (logSoftmax = true) and nll_loss (input already
 * holds log-probabilities). Weighted "mean" divides by the sum of the targets' weights.
 */
function classLoss(
  node: string,
  rows: Tensor,
  y: Storage,
  opts: ClassLossOptions,
  logSoftmax: boolean,
  fn: string,
): { out: Float64Array; backward: (g: Tensor) => Tensor; higher: (g: Tensor) => Tensor; total: number; smoothTotal: number; scratch: Storage | null } {
  const [M, C] = rows.shape;
  const x = data(rows);
  const w = opts.weight;
  if (w && w.length !== C) {
    throw new RuntimeError(`${fn}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${w.length}]`);
  }
  const eps = opts.label_smoothing;
  const nll = new Float64Array(M); // per-row (weighted) -log p[y]
  const smooth = new Float64Array(M); // per-row sum_c w_c * -log p[c]
  const rowWeight = new Float64Array(M); // w[y], 0 for ignored rows
  const lse = new Float64Array(M);
  const wantProbs = logSoftmax && needsGrad(rows);
  // float32 logits: every row's exp(x - max) in one call of the exp kernel (SIMD on the wasm
  // backend) instead of a Math.exp per logit (about 20 ns each here); sums stay in float64. The
  // backward reads the probabilities as ex * invSum (in float64, as ex / sum would be): no
  // M x C float64 copy of them, and ex (every element written: pooled, unzeroed) goes back to the
  // scratch pool with the graph.
  let ex: Float32Array | null = null;
  let rowLse: Float64Array | null = null;
  let invSum: Float64Array | null = null;
  if (logSoftmax && x instanceof Float32Array && M * C >= 64) {
    ex = takeScratch(false, M * C) as Float32Array;
    rowLse = new Float64Array(M);
    if (wantProbs) invSum = new Float64Array(M);
    logSumExpRows(x, M, C, ex, rowLse, invSum);
  }
  // Softmax probabilities of the non-exp-kernel path, kept from the forward pass so backward needs no exp().
  let probs: Float64Array | null = null;
  let total = 0;
  let wSum = 0;
  for (let i = 0; i < M; i++) {
    const yi = y[i];
    const base = i * C;
    if (yi === opts.ignore_index) continue;
    if (!(yi >= 0 && yi < C) || !Number.isInteger(yi)) {
      throw new IndexError(`Target ${yi} is out of bounds.`);
    }
    let l = 0;
    if (rowLse) {
      l = rowLse[i];
    } else if (logSoftmax) {
      probs ??= wantProbs ? new Float64Array(M * C) : null;
      let m = -Infinity;
      for (let c = 0; c < C; c++) if (x[base + c] > m) m = x[base + c];
      let s = 0;
      if (probs) {
        for (let c = 0; c < C; c++) s += probs[base + c] = Math.exp(x[base + c] - m);
        for (let c = 0; c < C; c++) probs[base + c] /= s;
      } else {
        for (let c = 0; c < C; c++) s += Math.exp(x[base + c] - m);
      }
      l = m + Math.log(s);
    }
    lse[i] = l;
    const wy = w ? w[yi] : 1;
    rowWeight[i] = wy;
    wSum += wy;
    nll[i] = -wy * (x[base + yi] - l);
    total += nll[i];
    if (eps > 0) {
      let s = 0;
      for (let c = 0; c < C; c++) s -= (w ? w[c] : 1) * (x[base + c] - l);
      smooth[i] = s;
    }
  }
  let smoothTotal = 0;
  let kept = 0; // rows whose target is not ignore_index
  for (let i = 0; i < M; i++) {
    smoothTotal += smooth[i];
    if (y[i] !== opts.ignore_index) kept++;
  }
  // Normalisers of the two parts for "mean" (PyTorch's cross_entropy_loss_label_smoothing): the smoothing
  // term, like the nll term, averages over the targets that are not ignore_index (torch 1.13's true_mask.sum()).
  const nllDen = opts.reduction === "mean" ? wSum : 1;
  const smoothDen = opts.reduction === "mean" ? (w ? wSum : kept) : 1;
  const out = new Float64Array(opts.reduction === "none" ? M : 1);
  if (opts.reduction === "none") {
    for (let i = 0; i < M; i++) out[i] = (1 - eps) * nll[i] + (eps / C) * smooth[i];
  } else {
    out[0] = ((1 - eps) * total) / nllDen + (eps / C) * (smoothTotal / smoothDen);
  }
  let wAll = 0;
  if (w) for (let c = 0; c < C; c++) wAll += w[c];
  else wAll = C;
  const backward = (g: Tensor): Tensor => {
    const gd = opts.reduction === "none" ? data(g) : null;
    const g0 = gd ? 0 : scalarOf(g);
    if (invSum && eps === 0 && simdRows()) {
      // Every row's a * (p - onehot) in one call; ignored rows (y -1 there) stay zero.
      const coef = new Float64Array(M), ys = new Int32Array(M);
      for (let i = 0; i < M; i++) {
        if (rowWeight[i] === 0 && y[i] === opts.ignore_index) {
          ys[i] = -1;
          continue;
        }
        coef[i] = ((gd ? gd[i] : g0) * (1 - eps) * rowWeight[i]) / (gd ? 1 : nllDen);
        ys[i] = y[i];
      }
      const res = emptyForOverwrite(rows.shape, rows.dtype);
      ceSimd!.backward(M, C, ex!, coef, invSum, ys, res._data as Float32Array);
      crossEntropyRows_.backwards++;
      return res;
    }
    const res = empty(rows.shape, rows.dtype);
    const r = res._data;
    for (let i = 0; i < M; i++) {
      if (rowWeight[i] === 0 && y[i] === opts.ignore_index) continue;
      const gi = gd ? gd[i] : g0;
      const a = (gi * (1 - eps) * rowWeight[i]) / (gd ? 1 : nllDen); // scale of the nll part
      const b = eps > 0 ? (gi * eps) / C / (gd ? 1 : smoothDen) : 0; // scale of the smoothing part
      const base = i * C;
      const yi = y[i];
      if (invSum && eps === 0) {
        // No smoothing (the usual case): a * (p - onehot) without a branch per class.
        softmaxMinusOneHotRow(r, ex!, base, C, a, invSum[i], yi);
        continue;
      }
      if (probs && eps === 0) {
        for (let c = 0; c < C; c++) r[base + c] = a * probs[base + c];
        r[base + yi] = a * (probs[base + yi] - 1);
        continue;
      }
      for (let c = 0; c < C; c++) {
        const wc = w ? w[c] : 1;
        if (invSum || probs) {
          const p = invSum ? ex![base + c] * invSum[i] : probs![base + c];
          // d(-log p_y)/dx_c = p_c - [c = y]; d(sum_k -w_k log p_k)/dx_c = wAll p_c - w_c
          r[base + c] = a * (p - (c === yi ? 1 : 0)) + b * (wAll * p - wc);
        } else {
          r[base + c] = -(c === yi ? a : 0) - b * wc;
        }
      }
    }
    return res;
  };
  // create_graph: the same gradient in recorded ops, with the targets, weights and normalisers as constants.
  const higher = (g: Tensor): Tensor => {
    const onehot = empty(rows.shape, rows.dtype);
    const nllScale = empty([M, 1], rows.dtype); // (1 - eps) w[y] / nllDen, 0 for ignored rows
    const smoothScale = empty([M, 1], rows.dtype); // eps / C / smoothDen, 0 for ignored rows
    for (let i = 0; i < M; i++) {
      if (rowWeight[i] === 0 && y[i] === opts.ignore_index) continue;
      onehot._data[i * C + y[i]] = 1;
      nllScale._data[i] = ((1 - eps) * rowWeight[i]) / (opts.reduction === "none" ? 1 : nllDen);
      smoothScale._data[i] = eps / C / (opts.reduction === "none" ? 1 : smoothDen);
    }
    const gRows = opts.reduction === "none" ? g.reshape([M, 1]) : g.reshape([1, 1]);
    const wVec = empty([1, C], rows.dtype);
    for (let c = 0; c < C; c++) wVec._data[c] = w ? w[c] : 1;
    if (!logSoftmax) return gRows.mul(onehot.mul(nllScale).add(wVec.mul(smoothScale))).neg();
    const p = rows.softmax(1);
    const nllPart = p.sub(onehot).mul(nllScale);
    const smoothPart = p.mul(wAll).sub(wVec).mul(smoothScale);
    return gRows.mul(nllPart.add(smoothPart));
  };
  // Without a graph ex is dead now; with one, only the backward above reads it.
  const scratch = invSum ? ex : null;
  if (ex && !invSum) releaseScratch(ex);
  return { out, backward, higher, total, smoothTotal, scratch };
}

/**
 * torch 1.13's check of a class-weight vector's dtype and length, after the target's shape checks: nll_loss's message for a
 * (N, C) or (C,) input, nll_loss2d's shorter one for (N, C, d1, ...) inputs (every segmentation loss).
 */
function checkClassWeight(weight: Tensor | null | undefined, input: Tensor): void {
  if (!weight) return;
  // the kernels take a weight of the input's dtype only (class frequencies computed in float64 for float32 logits)
  if (weight.dtype !== input.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(input.dtype)} but found ${cppTypeName(weight.dtype)}`);
  const C = input.dim() === 1 ? input.shape[0] : input.shape[1];
  if (weight.numel() === C) return;
  if (input.dim() >= 3) throw new RuntimeError("weight tensor should be defined either for all or no classes");
  throw new RuntimeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(", ")}]`);
}

function finishClassLoss(
  node: string,
  input: Tensor,
  rows: Tensor,
  outShape: readonly number[],
  r: { out: Float64Array; backward: (g: Tensor) => Tensor; higher: (g: Tensor) => Tensor; scratch?: Storage | null },
  reduction: Reduction,
): Tensor {
  const dt = floatType(input);
  // torch 1.13 computes a (N, C, d1, ...) input with nll_loss2d (NllLoss2DBackward0), viewing a 3-d or 5-d one as
  // 4-d first: with reduction="none" the 4-d (and 1-d / 2-d) losses come out of the node, the others through a view
  if (input.dim() >= 3) node = node.replace("NllLossBackward0", "NllLoss2DBackward0");
  const direct = reduction === "none" && (input.dim() <= 2 || input.dim() === 4);
  const out = empty(reduction !== "none" ? [] : direct ? outShape.slice() : [rows.shape[0]], dt);
  out._data.set(r.out);
  const recorded = record(out, node, [rows], (g) => [r.backward(g)], [rows], (g) => [r.higher(g)]);
  // The backward's private buffer returns to the pool when the graph is freed.
  if (r.scratch && recorded.grad_fn) recorded.grad_fn.scratch = [r.scratch];
  return reduction === "none" && !direct ? recorded.view(outShape.slice()) : recorded;
}

/**
 * F.nll_loss(input, target, weight=None, { ignore_index=-100, reduction }): input holds
 * log-probabilities, (N, C) or (N, C, d1, ...), target class indices.
 */
export function nll_loss(input: Tensor, target: Tensor, ...args: NLLLossArgs): Tensor {
  const fn = "nll_loss";
  checkTensor(input, fn);
  checkTensor(target, fn, "target");
  const a = parseNLLLoss(fn, args);
  const reduction = lossReduction(a);
  const { rows, outShape } = toRows(input, fn);
  const y = targetRows(target, outShape, fn, input.shape, input);
  checkClassWeight(a.weight, input);
  const opts: ClassLossOptions = {
    weight: a.weight ? data(a.weight) : null,
    ignore_index: a.ignore_index ?? -100,
    reduction,
    label_smoothing: 0,
  };
  return finishClassLoss("NllLossBackward0", input, rows, outShape, classLoss("NllLossBackward0", rows, y, opts, false, fn), reduction);
}

/**
 * F.cross_entropy(input, target, weight=None, { ignore_index=-100, reduction,
 * label_smoothing=0 }): log_softmax over dim 1 plus nll_loss, fused. The target is either
 * class indices (int64) or class probabilities (a float tensor shaped like the input).
 */
export function cross_entropy(input: Tensor, target: Tensor, ...args: CrossEntropyArgs): Tensor {
  const fn = "cross_entropy";
  checkTensor(input, fn);
  checkTensor(target, fn, "target");
  const a = parseCrossEntropy(fn, args);
  const reduction = lossReduction(a);
  const label_smoothing = a.label_smoothing ?? 0;
  if (!(label_smoothing >= 0 && label_smoothing <= 1)) {
    throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${label_smoothing}`);
  }
  // torch 1.13 takes a target of the input's shape for class probabilities before anything else: it must be a
  // float one (a one-hot long target, CS224N a3's learner skipping .nonzero()[1], is this error) without ignore_index
  if (target.dim() === input.dim() && target.shape.every((s, i) => s === input.shape[i])) {
    if (!target.dtype.is_floating_point) throw new RuntimeError(`Expected floating point type for target with class probabilities, got ${cppTypeName(target.dtype)}`);
    if ((a.ignore_index ?? -100) >= 0) throw new RuntimeError("ignore_index is not supported for floating point target");
  }
  // torch 1.13: integer or bool logits (int64 ones too: the labels passed first, loss_fn(labels, logits)) then reach
  // log_softmax, which has no kernel for them; off the last dim (a 3-d or larger input) it is "softmax_kernel_impl"
  if (!input.dtype.is_floating_point) {
    throw new RuntimeError(`"${input.dim() <= 2 ? "log_softmax_lastdim" : "softmax"}_kernel_impl" not implemented for '${cppTypeName(input.dtype)}'`);
  }
  const weight = a.weight ? data(a.weight) : null;
  if (target.dtype.is_floating_point) {
    return softTargetCrossEntropy(input, target, weight, reduction, label_smoothing, a.weight?.dtype);
  }
  const { rows, outShape } = toRows(input, fn);
  const y = targetRows(target, outShape, fn, input.shape, input);
  checkClassWeight(a.weight, input);
  const opts: ClassLossOptions = {
    weight,
    ignore_index: a.ignore_index ?? -100,
    reduction,
    label_smoothing,
  };
  const loss = finishClassLoss("NllLossBackward0", input, rows, outShape, classLoss("NllLossBackward0", rows, y, opts, true, fn), reduction);
  // torch 1.13 adds the smoothing term to the nll last (AddBackward0 is what a printed smoothed loss shows); + 0 exactly
  return label_smoothing > 0 && loss.requires_grad ? loss.add(emptyForOverwrite([], loss.dtype).fill_(0)) : loss;
}

/** Cross-entropy against class probabilities: -sum_c w_c t_c log_softmax(x)_c per row. */
function softTargetCrossEntropy(
  input: Tensor,
  target: Tensor,
  weight: Storage | null,
  reduction: Reduction,
  eps: number,
  weightDtype?: DType,
): Tensor {
  const fn = "cross_entropy";
  if (input.shape.join() !== target.shape.join()) {
    // torch takes a float target of another shape for class indices: its shape checks come first
    checkClassTargetShape(input, target);
    const classShape = input.dim() === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
    throw new RuntimeError(
      `${fn}: expected class indices (a target of dtype torch.int64 and shape ${torchSize(classShape)}) or class ` +
        `probabilities (a float target of the input's shape ${torchSize(input.shape)}), but got a ${target.dtype} ` +
        `target of shape ${torchSize(target.shape)}. For labels use torch.tensor(labels, { dtype: torch.long }).`,
    );
  }
  const { rows, outShape } = toRows(input, fn);
  const { rows: tRows } = toRows(target, fn);
  const [M, C] = rows.shape;
  const x = data(rows);
  const t = data(tRows);
  const loss = new Float64Array(M);
  const probs = new Float64Array(M * C);
  const tw = new Float64Array(M * C); // w_c * smoothed t_c
  const logp = new Float64Array(M * C); // log_softmax, for the target's gradient
  for (let i = 0; i < M; i++) {
    const base = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (x[base + c] > m) m = x[base + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[base + c] - m);
    const lse = m + Math.log(s);
    let l = 0;
    for (let c = 0; c < C; c++) {
      const tc = t[base + c] * (1 - eps) + eps / C;
      const k = (weight ? weight[c] : 1) * tc;
      tw[base + c] = k;
      probs[base + c] = Math.exp(x[base + c] - lse);
      logp[base + c] = x[base + c] - lse;
      l -= k * (x[base + c] - lse);
    }
    loss[i] = l;
  }
  // torch computes -(log_softmax(x) * t * w).sum(): a float64 target or weight makes a float64 loss (the input's
  // gradient keeps its dtype)
  const outType = promoteTypes(promoteTypes(floatType(input), target.dtype), weightDtype ?? target.dtype);
  const out = empty(reduction === "none" ? [M] : [], outType);
  if (reduction === "none") out._data.set(loss);
  else {
    let s = 0;
    for (let i = 0; i < M; i++) s += loss[i];
    out._data[0] = reduction === "mean" ? s / M : s;
  }
  // The target (class probabilities) is differentiable too: d/dt_c = -(1 - eps) w_c log_softmax(x)_c.
  const wOf = (c: number): number => (weight ? weight[c] : 1);
  const recorded = record(out, "DivBackward1", [rows, tRows], (g) => {
    const gd = reduction === "none" ? data(g) : null;
    const g0 = gd ? 0 : scalarOf(g) / (reduction === "mean" ? M : 1);
    const res = empty(rows.shape, rows.dtype);
    for (let i = 0; i < M; i++) {
      const gi = gd ? gd[i] : g0;
      const base = i * C;
      let kSum = 0;
      for (let c = 0; c < C; c++) kSum += tw[base + c];
      for (let c = 0; c < C; c++) res._data[base + c] = gi * (kSum * probs[base + c] - tw[base + c]);
    }
    if (!tRows.requires_grad) return [rows.requires_grad ? res : null, null];
    const gt = empty(tRows.shape, tRows.dtype);
    for (let i = 0; i < M; i++) {
      const gi = gd ? gd[i] : g0;
      for (let c = 0; c < C; c++) gt._data[i * C + c] = -gi * (1 - eps) * wOf(c) * logp[i * C + c];
    }
    return [rows.requires_grad ? res : null, gt];
  }, [], (g) => {
    // create_graph: the same two gradients in recorded ops (k = w * smoothed target).
    const wVec = empty([1, C], rows.dtype);
    for (let c = 0; c < C; c++) wVec._data[c] = wOf(c);
    const k = tRows.mul(1 - eps).add(eps / C).mul(wVec);
    const gRows = reduction === "none" ? g.reshape([M, 1]) : g.reshape([1, 1]).div(reduction === "mean" ? M : 1);
    const lsm = rows.log_softmax(1);
    return [
      rows.requires_grad ? gRows.mul(lsm.exp().mul(k.sum(1, true)).sub(k)) : null,
      tRows.requires_grad ? gRows.mul(lsm).mul(wVec).mul(-(1 - eps)) : null,
    ];
  });
  return reduction === "none" ? recorded.reshape(outShape.slice()) : recorded;
}

/**
 * F.one_hot(tensor, num_classes=-1) or F.one_hot(tensor, { num_classes }): int64 tensor with a
 * trailing class dimension (-1: one more than the largest label).
 */
export function one_hot(tensor: Tensor, ...args: PyArgs<[num_classes?: number], { num_classes?: number }>): Tensor {
  checkTensor(tensor, "one_hot");
  if (tensor.dtype !== int64) throw new RuntimeError("one_hot is only applicable to index tensor."); // torch 1.13's words (int32 too)
  const idx = data(tensor);
  let C = parseArgs<{ num_classes?: number }>("one_hot", ["num_classes"], args).num_classes ?? -1;
  if (C === -1) {
    C = 0;
    for (let i = 0; i < idx.length; i++) C = Math.max(C, idx[i] + 1);
  }
  const out = empty([...tensor.shape, C], int64);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (k < 0) throw new RuntimeError("Class values must be non-negative.");
    if (k >= C) throw new RuntimeError("Class values must be smaller than num_classes.");
    out._data[i * C + k] = 1;
  }
  return out;
}
