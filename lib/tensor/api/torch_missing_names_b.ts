/**
 * torch 1.13 top-level names built from ops the engine has:
 *   - the RNN cell steps rnn_tanh_cell / rnn_relu_cell / lstm_cell / gru_cell (input, hx, w_ih, w_hh,
 *     b_ih=None, b_hh=None), with torch's input / hidden size checks (2-D input, as ATen's cells);
 *   - frobenius_norm(input, dim=[], keepdim=False) and nuclear_norm(input, keepdim=False) /
 *     nuclear_norm(input, dim, keepdim=False);
 *   - histogramdd(input, bins, range=None, weight=None, density=False) -> (hist, bin_edges);
 *   - native_layer_norm(input, normalized_shape, weight, bias, eps) -> (out, mean, rstd), native_dropout(input, p, train) -> (out, mask).
 * Spread into torch by ./index.ts.
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { linear } from "../nn/functional/linear";
import { gru_cell as gruStep, lstm_cell_output, lstm_cell_state } from "../nn/functional/recurrent";
import { matrixNorm, vectorNorm } from "../ops/norm";
import { Tensor } from "../tensor";
import { bernoulli } from "../ops/sampling";
import { bool, float32 } from "../dtype";
import { linspace, tensor as makeTensor } from "../ops/creation";

const torch_linspace = (lo: number, hi: number, n: number, dtype: Tensor["dtype"]): Tensor => linspace(lo, hi, n, { dtype });
const torch_tensor = (v: number[], dtype: Tensor["dtype"]): Tensor => makeTensor(v, { dtype });

const pyType = (v: unknown): string =>
  v === null || v === undefined ? "NoneType" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "bool" : typeof v === "string" ? "str" : Array.isArray(v) ? "list" : "object";

function tensorArg(fn: string, name: string, pos: number, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError_(`${fn}(): argument '${name}' (position ${pos}) must be Tensor, not ${pyType(x)}`);
  return x;
}

type CellOpts = { b_ih?: Tensor | null; b_hh?: Tensor | null };
type CellRest = PyArgs<[b_ih?: Tensor | null, b_hh?: Tensor | null], CellOpts>;

function cellArgs(fn: string, input: unknown, hx: unknown, w_ih: unknown, w_hh: unknown, rest: readonly unknown[]): CellOpts {
  const missing = (["input", "hx", "w_ih", "w_hh"] as const).filter((_, i) => [input, hx, w_ih, w_hh][i] === undefined);
  if (missing.length > 0) {
    // torch 1.13 prints "argument" for every count.
    throw new TypeError_(`${fn}() missing ${missing.length} required positional argument: ${missing.map((n) => `"${n}"`).join(", ")}`);
  }
  return parseArgs<CellOpts>(fn, ["b_ih", "b_hh"], rest);
}

/** ATen's check_rnn_cell_forward_input. */
function checkInput(input: Tensor, inputSize: number): void {
  if (input.dim() < 2) throw new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(input.dim(), 1)}, ${Math.max(input.dim(), 1) - 1}], but got 1)`);
  if (input.shape[1] !== inputSize) throw new RuntimeError(`input has inconsistent input_size: got ${input.shape[1]} expected ${inputSize}`);
}

/** ATen's check_rnn_cell_forward_hidden. */
function checkHidden(input: Tensor, hx: Tensor, hiddenSize: number, label: number): void {
  if (hx.dim() < 2) throw new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(hx.dim(), 1)}, ${Math.max(hx.dim(), 1) - 1}], but got 1)`);
  if (input.shape[0] !== hx.shape[0]) throw new RuntimeError(`Input batch size ${input.shape[0]} doesn't match hidden${label} batch size ${hx.shape[0]}`);
  if (hx.shape[1] !== hiddenSize) throw new RuntimeError(`hidden${label} has inconsistent hidden_size: got ${hx.shape[1]}, expected ${hiddenSize}`);
}

/** A one-state cell's operands, checked as ATen checks them: its input and hidden projections. */
function oneStateCell(fn: string, input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, rest: CellRest): { h: Tensor; gi: Tensor; gh: Tensor } {
  const o = cellArgs(fn, input, hx, w_ih, w_hh, rest);
  const x = tensorArg(fn, "input", 1, input);
  const h = tensorArg(fn, "hx", 2, hx);
  const wi = tensorArg(fn, "w_ih", 3, w_ih);
  const wh = tensorArg(fn, "w_hh", 4, w_hh);
  checkInput(x, wi.shape[1]);
  checkHidden(x, h, wh.shape[1], 0);
  return { h, gi: linear(x, wi, o.b_ih ?? null), gh: linear(h, wh, o.b_hh ?? null) };
}

function simpleCell(fn: string, act: (t: Tensor) => Tensor) {
  return (input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, ...rest: CellRest): Tensor => {
    const { gi, gh } = oneStateCell(fn, input, hx, w_ih, w_hh, rest);
    return act(gi.add(gh));
  };
}

/** torch.lstm_cell(input, hx=(h, c), w_ih, w_hh, b_ih=None, b_hh=None) -> (h', c'). */
function lstm_cell(input: Tensor, hx: readonly Tensor[], w_ih: Tensor, w_hh: Tensor, ...rest: CellRest): [Tensor, Tensor] {
  const fn = "lstm_cell";
  const o = cellArgs(fn, input, hx, w_ih, w_hh, rest);
  const x = tensorArg(fn, "input", 1, input);
  if (!Array.isArray(hx) || !hx.every((t) => t instanceof Tensor)) throw new TypeError_(`lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not ${hx instanceof Tensor ? "Tensor" : pyType(hx)}`);
  const wi = tensorArg(fn, "w_ih", 3, w_ih);
  const wh = tensorArg(fn, "w_hh", 4, w_hh);
  if (hx.length !== 2) throw new RuntimeError("lstm_cell expects two hidden states");
  checkInput(x, wi.shape[1]);
  checkHidden(x, hx[0], wh.shape[1], 0);
  checkHidden(x, hx[1], wh.shape[1], 0); // torch 1.13 labels both states hidden0
  const gates = linear(x, wi, o.b_ih ?? null).add(linear(hx[0], wh, o.b_hh ?? null));
  const c = lstm_cell_state(gates, hx[1]);
  return [lstm_cell_output(gates, c), c];
}

/** torch.gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> h'. */
function gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, ...rest: CellRest): Tensor {
  const { h, gi, gh } = oneStateCell("gru_cell", input, hx, w_ih, w_hh, rest);
  return gruStep(gi, gh, h);
}

const NORM_SIGS = {
  frobenius_norm: " * (Tensor input)\n * (Tensor input, tuple of ints dim, bool keepdim, *, Tensor out)\n",
  nuclear_norm: " * (Tensor input, tuple of ints dim, bool keepdim, *, Tensor out)\n * (Tensor input, bool keepdim, *, Tensor out)\n",
};

function invalidCombo(fn: keyof typeof NORM_SIGS, args: readonly unknown[]): never {
  const got = args.map((a) => (a instanceof Tensor ? "Tensor" : pyType(a))).join(", ");
  throw new TypeError_(`${fn}() received an invalid combination of arguments - got (${got}), but expected one of:\n${NORM_SIGS[fn]}`);
}

const isDims = (d: unknown): d is readonly number[] => Array.isArray(d) && d.every((v) => Number.isInteger(v));
const wrap = (d: number, n: number): number => (d < 0 ? d + Math.max(n, 1) : d);

/** torch.frobenius_norm(input, dim=(), keepdim=False): as torch 1.13, norm(input, 2, dim) for 0 or 1 dims, sqrt(sum(x * x, dim)) for 2. */
function frobenius_norm(input: Tensor, ...rest: PyArgs<[dim?: readonly number[] | number, keepdim?: boolean], { dim?: readonly number[] | number; keepdim?: boolean }>): Tensor {
  const a = parseArgs<{ dim?: readonly number[] | number; keepdim?: boolean }>("frobenius_norm", ["dim", "keepdim"], rest);
  const dimIn = typeof a.dim === "number" ? [a.dim] : a.dim ?? [];
  if (!(input instanceof Tensor) || !isDims(dimIn) || (a.keepdim !== undefined && typeof a.keepdim !== "boolean")) invalidCombo("frobenius_norm", [input, ...rest]);
  const keepdim = a.keepdim ?? false;
  if (dimIn.length > 2) throw new RuntimeError(`Expected at most 2 dimensions, but got ${dimIn.length} dimensions instead.`);
  if (dimIn.length < 2) return vectorNorm(input, 2, dimIn.length === 0 ? null : dimIn, keepdim, "NormBackward1");
  const d = dimIn.map((v) => wrap(v, input.dim()));
  if (d[0] === d[1]) throw new RuntimeError(`Expected dims to be different, got [${dimIn.join(", ")}] instead`);
  return input.mul(input).sum(d, keepdim).sqrt();
}

/** torch.nuclear_norm(input, keepdim=False) of a 2-D input, or nuclear_norm(input, dim, keepdim=False) over two dims. */
function nuclear_norm(input: Tensor, ...rest: PyArgs<[dimOrKeepdim?: readonly number[] | boolean, keepdim?: boolean], { dim?: readonly number[]; keepdim?: boolean }>): Tensor {
  const first = rest[0];
  if (!Array.isArray(first) && !(isOptions(first) && "dim" in first)) {
    const a = parseArgs<{ keepdim?: boolean }>("nuclear_norm", ["keepdim"], rest);
    if (!(input instanceof Tensor) || (a.keepdim !== undefined && typeof a.keepdim !== "boolean")) invalidCombo("nuclear_norm", [input, ...rest]);
    if (input.dim() !== 2) throw new RuntimeError(`Expected a tensor with 2 dimensions, but got a tensor with ${input.dim()} dimensions instead.`);
    return matrixNorm(input, "nuc", [0, 1], a.keepdim ?? false);
  }
  const a = parseArgs<{ dim?: readonly number[]; keepdim?: boolean }>("nuclear_norm", ["dim", "keepdim"], rest);
  if (!(input instanceof Tensor) || !isDims(a.dim) || (a.keepdim !== undefined && typeof a.keepdim !== "boolean")) invalidCombo("nuclear_norm", [input, ...rest]);
  if (a.dim.length !== 2) throw new RuntimeError("nuclear norm requires a 'dim' argument of size 2");
  return matrixNorm(input, "nuc", a.dim, a.keepdim ?? false);
}

type HistddOpts = { bins?: number | readonly number[] | readonly Tensor[]; range?: readonly number[] | null; weight?: Tensor | null; density?: boolean };

/**
 * torch.histogramdd(input, bins, range=None, weight=None, density=False) -> (hist, bin_edges): the points are the rows
 * of input flattened to [M, N]; each dimension has its own edges (N tensors, N counts or one count; count edges span
 * range[2d], range[2d + 1] or the data's min / max, widened by 0.5 when they are equal), the last bin closed. Not differentiable.
 */
function histogramdd(input: Tensor, ...rest: PyArgs<[bins?: number | readonly number[] | readonly Tensor[], range?: readonly number[] | null, weight?: Tensor | null, density?: boolean], HistddOpts>): [Tensor, Tensor[]] & { hist: Tensor; bin_edges: Tensor[] } {
  const a = parseArgs<HistddOpts>("histogramdd", ["bins", "range", "weight", "density"], rest);
  const x = tensorArg("histogramdd", "input", 1, input);
  if (a.bins === undefined) throw new TypeError_('histogramdd() missing 1 required positional argument: "bins"');
  if (x.dim() < 2) throw new RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions");
  const N = x.shape[x.dim() - 1];
  if (a.weight && JSON.stringify([...a.weight.shape]) !== JSON.stringify(x.shape.slice(0, -1))) {
    throw new RuntimeError(`torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape [${x.shape.join(", ")}] and weight with shape [${a.weight.shape.join(", ")}]`);
  }
  if (a.range && a.range.length !== 2 * N) throw new RuntimeError(`torch.histogramdd: for a ${N}-dimensional histogram range should have ${2 * N} elements, but got ${a.range.length}`);
  // torch 1.13 reads past a short bins list (an overflow error); said plainly here.
  if (typeof a.bins !== "number" && a.bins.length !== N) throw new RuntimeError(`torch.histogramdd: expected ${N} bin counts or edge tensors (the innermost dimension of input), but got ${a.bins.length}`);
  const pts = x.detach().reshape([-1, N]).contiguous();
  const M = pts.shape[0];
  const d = pts.tolist() as number[][];
  const w = a.weight ? (a.weight.detach().reshape([-1]).tolist() as number[]) : null;
  const bins = a.bins;
  const edges: Tensor[] = [];
  for (let k = 0; k < N; k++) {
    const b = typeof bins === "number" ? bins : bins[k];
    if (b instanceof Tensor) { edges.push(b.to(x.dtype)); continue; }
    let lo = a.range ? a.range[2 * k] : Infinity;
    let hi = a.range ? a.range[2 * k + 1] : -Infinity;
    if (!a.range) {
      for (let i = 0; i < M; i++) { lo = Math.min(lo, d[i][k]); hi = Math.max(hi, d[i][k]); }
      if (M === 0) lo = hi = 0;
    }
    if (lo > hi) throw new RuntimeError(`torch.histogramdd: min should not exceed max, but got min ${lo} max ${hi} for dimension ${k}`);
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    edges.push(torch_linspace(lo, hi, (b as number) + 1, x.dtype));
  }
  const e = edges.map((t) => t.tolist() as number[]);
  const sizes = e.map((v) => v.length - 1);
  const strides = sizes.map((_, k) => sizes.slice(k + 1).reduce((p, q) => p * q, 1));
  const hist = new Array<number>(sizes.reduce((p, q) => p * q, 1)).fill(0);
  for (let i = 0; i < M; i++) {
    let flat = 0;
    let inside = true;
    for (let k = 0; k < N && inside; k++) {
      const v = d[i][k];
      const ek = e[k];
      const nb = sizes[k];
      if (!(v >= ek[0] && v <= ek[nb])) { inside = false; break; }
      let lo = 0;
      let hi = nb;
      while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (v >= ek[mid]) lo = mid; else hi = mid; }
      flat += lo * strides[k];
    }
    if (inside) hist[flat] += w ? w[i] : 1;
  }
  if (a.density) {
    const total = hist.reduce((p, q) => p + q, 0);
    for (let f = 0; f < hist.length; f++) {
      let vol = 1;
      for (let k = 0; k < N; k++) { const j = Math.floor(f / strides[k]) % sizes[k]; vol *= e[k][j + 1] - e[k][j]; }
      hist[f] /= total * vol;
    }
  }
  const h = torch_tensor(hist, x.dtype).reshape(sizes);
  const result = [h, edges] as [Tensor, Tensor[]] & { hist: Tensor; bin_edges: Tensor[] };
  result.hist = h;
  result.bin_edges = edges;
  return result;
}

type LayerNormOpts = { normalized_shape?: readonly number[] | number; weight?: Tensor | null; bias?: Tensor | null; eps?: number };

/**
 * torch.native_layer_norm(input, normalized_shape, weight, bias, eps) -> (out, mean, rstd): mean and rstd = 1 / sqrt(var + eps)
 * (biased variance) over the last len(normalized_shape) dims, kept as size-1 dims; only out is differentiable (as 1.13).
 */
function native_layer_norm(input: Tensor, ...rest: PyArgs<[normalized_shape?: readonly number[] | number, weight?: Tensor | null, bias?: Tensor | null, eps?: number], LayerNormOpts>): [Tensor, Tensor, Tensor] {
  const a = parseArgs<LayerNormOpts>("native_layer_norm", ["normalized_shape", "weight", "bias", "eps"], rest);
  const missing = (["normalized_shape", "weight", "bias", "eps"] as const).filter((n) => !(n in a) || (n !== "weight" && n !== "bias" && a[n] === undefined));
  if (missing.length > 0) throw new TypeError_(`native_layer_norm() missing ${missing.length} required positional arguments: ${missing.map((n) => `"${n}"`).join(", ")}`);
  const x = tensorArg("native_layer_norm", "input", 1, input);
  const ns = typeof a.normalized_shape === "number" ? [a.normalized_shape] : [...(a.normalized_shape as readonly number[])];
  const tail = x.shape.slice(x.dim() - ns.length);
  if (ns.length > x.dim() || tail.some((v, i) => v !== ns[i])) {
    throw new RuntimeError(`Given normalized_shape=[${ns.join(", ")}], expected input with shape [*, ${ns.join(", ")}], but got input of size[${x.shape.join(", ")}]`);
  }
  const dims = ns.map((_, i) => x.dim() - ns.length + i);
  const mean = x.mean(dims, true);
  const rstd = x.var(dims, { unbiased: false, keepdim: true }).add(a.eps as number).rsqrt();
  let out = x.sub(mean).mul(rstd);
  if (a.weight) out = out.mul(a.weight);
  if (a.bias) out = out.add(a.bias);
  return [out, mean.detach(), rstd.detach()];
}

/**
 * torch.native_dropout(input, p, train) -> (out, mask): train (or None) draws a bool mask keeping each element with
 * probability 1 - p and out = input * mask / (1 - p); train=False gives a copy of input and an all-true mask.
 */
function native_dropout(input: Tensor, ...rest: PyArgs<[p?: number, train?: boolean | null], { p?: number; train?: boolean | null }>): [Tensor, Tensor] {
  const a = parseArgs<{ p?: number; train?: boolean | null }>("native_dropout", ["p", "train"], rest);
  const missing = (["p", "train"] as const).filter((n) => a[n] === undefined);
  // torch 1.13's plural: "argument" for two, "arguments" for one.
  if (missing.length > 0) throw new TypeError_(`native_dropout() missing ${missing.length} required positional argument${missing.length === 1 ? "s" : ""}: ${missing.map((n) => `"${n}"`).join(", ")}`);
  const x = tensorArg("native_dropout", "input", 1, input);
  const p = a.p as number;
  if (a.train === false) return [x.clone(), x.detach().ne(x.detach()).logical_not()];
  const mask = bernoulli(x.detach().to(x.dtype.is_floating_point ? x.dtype : float32), 1 - p).to(bool);
  return [x.mul(mask.to(x.dtype)).mul(p === 1 ? 0 : 1 / (1 - p)), mask];
}

export const missingNamesB = {
  native_dropout,
  native_layer_norm,
  histogramdd,
  rnn_tanh_cell: simpleCell("rnn_tanh_cell", (t) => t.tanh()),
  rnn_relu_cell: simpleCell("rnn_relu_cell", (t) => t.relu()),
  lstm_cell,
  gru_cell,
  frobenius_norm,
  nuclear_norm,
};
