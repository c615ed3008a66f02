/**
 * F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
 * zero_infinity=false): the Connectionist Temporal Classification loss, PyTorch 1.13's CPU
 * algorithm. log_probs (T, N, C) (or (T, C) unbatched) are log-softmax outputs; targets are
 * (N, S) padded or the N target sequences concatenated in 1-D; lengths are tensors or arrays.
 *
 * Forward: the alpha recursion over the target with blanks between and around its labels (length
 * 2L + 1), in log space; loss_n = -log p(target_n | input_n). "mean" divides each loss by its
 * target length (at least 1), then averages over the batch; zero_infinity turns impossible
 * alignments' infinite losses (and their gradients) into 0.
 *
 * Backward is PyTorch's: d loss / d log_probs[t, c] = exp(log_probs[t, c]) - posterior(t, c), the
 * gradient with respect to the logits under a log_softmax (PyTorch's fused formula; it reaches the
 * logits exactly through log_softmax's backward), 0 for t past the input's length. It is
 * computed directly, so it cannot be differentiated again.
 */
import { parseArgs, type PyArgs } from "../../args";
import { record } from "../../autograd/function";
import { bool, int64, isIntegral } from "../../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../../errors";
import { Tensor } from "../../tensor";
import { checkReduction, type Reduction } from "./_util";
import { pyTypeName } from "../../py_type_name";
import { contiguousData, empty } from "../../ops/util";
import { tensor as makeTensor, zeros } from "../../ops/creation";
import { where } from "../../ops/where";

export interface CTCLossOptions {
  blank?: number;
  reduction?: Reduction;
  zero_infinity?: boolean;
}

export type CTCLossArgs = PyArgs<[blank?: number, reduction?: Reduction, zero_infinity?: boolean], CTCLossOptions>;

type Lengths = Tensor | readonly number[];

function lengthsOf(v: Lengths, what: string, n: number): number[] {
  let list: number[];
  if (v instanceof Tensor) {
    if (v.dtype.is_floating_point) throw new RuntimeError(`${what} must be integral`); // torch 1.13's text
    list = Array.from(contiguousData(v));
  } else list = [...v];
  if (list.length !== n) throw new RuntimeError(`${what} must be of size batch_size`);
  // (negative lengths are checked with the other arguments, in torch's order and words)
  for (const x of list) if (!Number.isInteger(x)) throw new RuntimeError(`ctc_loss(): ${what} must be non-negative integers, but got ${x}`);
  return list;
}

const CHECKING = "(while checking arguments for ctc_loss_cpu)";

/**
 * torch.ctc_loss's two signatures take both lengths as int lists or both as tensors: an int, or a list with a
 * tensor, is its argument parser's TypeError (torch marks every length invalid in the list signature).
 */
function checkLengthsSignature(il: unknown, tl: unknown): void {
  const isT = (v: unknown) => v instanceof Tensor;
  if ((Array.isArray(il) && Array.isArray(tl)) || (isT(il) && isT(tl))) return;
  const [a, b] = [pyTypeName(il), pyTypeName(tl)];
  const asTensor = (n: string, v: unknown) => (isT(v) ? n : `!${n}!`);
  const why = "      didn't match because some of the arguments have invalid types: ";
  throw new TypeError_(
    `ctc_loss() received an invalid combination of arguments - got (Tensor, Tensor, ${a}, ${b}, int, int, bool), but expected one of:\n` +
      " * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints target_lengths, int blank, int reduction, bool zero_infinity)\n" +
      `${why}(Tensor, Tensor, !${a}!, !${b}!, int, int, bool)\n` +
      " * (Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, int blank, int reduction, bool zero_infinity)\n" +
      `${why}(Tensor, Tensor, ${asTensor(a, il)}, ${asTensor(b, tl)}, int, int, bool)\n`,
  );
}

const logAdd = (a: number, b: number): number => {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};

export function ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Lengths, target_lengths: Lengths, ...args: CTCLossArgs): Tensor;
/** F.ctc_loss(log_probs, targets, input_lengths=..., target_lengths=..., ...): the F namespace moves them to their places. */
export function ctc_loss(log_probs: Tensor, targets: Tensor, options: CTCLossOptions & { input_lengths: Lengths; target_lengths: Lengths }): Tensor;
export function ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Lengths, options: CTCLossOptions & { target_lengths: Lengths }): Tensor;
export function ctc_loss(log_probs: Tensor, targets: Tensor, inputLengths: unknown, targetLengths?: unknown, ...args: unknown[]): Tensor {
  const input_lengths = inputLengths as Lengths;
  const target_lengths = targetLengths as Lengths;
  const o = parseArgs<CTCLossOptions>("ctc_loss", ["blank", "reduction", "zero_infinity"], args);
  const blank = o.blank ?? 0;
  const reduction = checkReduction(o.reduction ?? "mean");
  const zeroInf = o.zero_infinity ?? false;
  if (!(log_probs instanceof Tensor) || !(targets instanceof Tensor)) throw new TypeError_("ctc_loss(): log_probs and targets must be tensors");
  checkLengthsSignature(input_lengths, target_lengths);
  if (!log_probs.dtype.is_floating_point) throw new RuntimeError("ctc_loss(): log_probs must be a floating point tensor");
  // torch 1.13 takes targets of any dtype as long (float labels truncated, bool ones 0 / 1)
  if (!isIntegral(targets.dtype) || targets.dtype === bool) targets = targets.to(int64);
  const unbatched = log_probs.dim() === 2;
  if (!unbatched && log_probs.dim() !== 3) {
    // torch unsqueezes a log_probs that is not 3-D at dim 1 (as an unbatched one), then checks for 3 dims
    if (log_probs.dim() === 0) throw new IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)");
    throw new RuntimeError(`Expected 3-dimensional tensor, but got ${log_probs.dim() + 1}-dimensional tensor for argument #1 'log_probs' ${CHECKING}`);
  }
  const [T, N, C] = unbatched ? [log_probs.shape[0], 1, log_probs.shape[1]] : log_probs.shape;
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C)) throw new RuntimeError("blank must be in label range");
  const inLen = lengthsOf(input_lengths, "input_lengths", N);
  const tgLen = lengthsOf(target_lengths, "target_lengths", N);
  // torch 1.13 has no check for negative lengths (it returns garbage, or corrupts memory); later releases' words
  for (const l of tgLen) if (l < 0) throw new RuntimeError(`Expected target_lengths to have value at least 0, but got value ${l} ${CHECKING}`);
  // Where each target sequence starts in the flat targets.
  const tgt = contiguousData(targets);
  const starts: number[] = [];
  if (targets.dim() === 1 && !unbatched) {
    let acc = 0;
    for (const l of tgLen) {
      starts.push(acc);
      acc += l;
    }
    // torch 1.13 wants exactly sum(target_lengths) concatenated targets
    if (acc !== tgt.length) throw new RuntimeError(`Expected tensor to have size ${acc} at dimension 0, but got size ${tgt.length} for argument #2 'targets' ${CHECKING}`);
  } else {
    const S = unbatched ? targets.shape[targets.dim() - 1] ?? 1 : targets.shape[1];
    if (targets.dim() !== (unbatched ? 1 : 2) || (!unbatched && targets.shape[0] !== N)) {
      throw new RuntimeError(`ctc_loss(): targets must be (N, S) or 1-D concatenated, got shape [${targets.shape.join(", ")}] for batch size ${N}`);
    }
    for (let n = 0; n < N; n++) {
      if (tgLen[n] > S) throw new RuntimeError(`Expected tensor to have size at least ${tgLen[n]} at dimension 1, but got size ${S} for argument #2 'targets' ${CHECKING}`);
      starts.push(n * S);
    }
  }
  for (let n = 0; n < N; n++) {
    if (inLen[n] < 0) throw new RuntimeError(`Expected input_lengths to have value at least 0, but got value ${inLen[n]} ${CHECKING}`);
    if (inLen[n] > T) throw new RuntimeError(`Expected input_lengths to have value at most ${T}, but got value ${inLen[n]} ${CHECKING}`);
    for (let s = 0; s < tgLen[n]; s++) {
      const c = tgt[starts[n] + s];
      if (!(c >= 0 && c < C)) throw new RuntimeError(`ctc_loss(): target label ${c} is out of range for ${C} classes`);
    }
  }

  const lp = contiguousData(log_probs);
  // log_probs[t, n, c] in (T, N, C) layout.
  const at = (t: number, n: number, c: number) => lp[(t * N + n) * C + c];
  const nll = new Float64Array(N);
  const alphas: Float64Array[] = [];
  const labelsOf: Int32Array[] = [];
  for (let n = 0; n < N; n++) {
    const L = tgLen[n];
    const S2 = 2 * L + 1;
    // The extended target: blank, l1, blank, l2, ..., blank.
    const lab = new Int32Array(S2).fill(blank);
    for (let s = 0; s < L; s++) lab[2 * s + 1] = tgt[starts[n] + s];
    labelsOf.push(lab);
    const Tn = inLen[n];
    const alpha = new Float64Array(Math.max(Tn, 1) * S2).fill(-Infinity);
    if (Tn > 0) {
      alpha[0] = at(0, n, blank);
      if (S2 > 1) alpha[1] = at(0, n, lab[1]);
      for (let t = 1; t < Tn; t++) {
        for (let s = 0; s < S2; s++) {
          let a = alpha[(t - 1) * S2 + s];
          if (s > 0) a = logAdd(a, alpha[(t - 1) * S2 + s - 1]);
          if (s > 1 && lab[s] !== blank && lab[s] !== lab[s - 2]) a = logAdd(a, alpha[(t - 1) * S2 + s - 2]);
          alpha[t * S2 + s] = a === -Infinity ? a : a + at(t, n, lab[s]);
        }
      }
      const last = (Tn - 1) * S2;
      nll[n] = -logAdd(alpha[last + S2 - 1], S2 > 1 ? alpha[last + S2 - 2] : -Infinity);
    } else nll[n] = L === 0 ? 0 : Infinity;
    alphas.push(alpha);
  }
  // As aten's ctc_loss, so the graph is torch 1.13's: the per-sample losses of _ctc_loss (CtcLossBackward0, over the
  // [T, 1, C] unsqueezed log_probs when unbatched), zero_infinity's where(res == inf, 0, res), then the reduction
  // (mean: (res / target_lengths.clamp_min(1)).mean(), sum: res.sum(), none: res, squeezed when unbatched).
  const input = unbatched ? log_probs.unsqueeze(1) : log_probs;
  const raw = empty([N], log_probs.dtype);
  raw._data.set(nll);
  let res = record(raw, "CtcLossBackward0", [input], (g) => {
    const gd = contiguousData(g);
    const grad = empty(input.shape, g.dtype);
    const gr = grad._data;
    for (let n = 0; n < N; n++) {
      const scale = gd[n];
      if (zeroInf && nll[n] === Infinity) continue;
      const lab = labelsOf[n];
      const S2 = lab.length;
      const Tn = inLen[n];
      const alpha = alphas[n];
      // beta[s] at time t, including the emission at t (PyTorch's convention), one row at a time.
      let beta = new Float64Array(S2).fill(-Infinity);
      for (let t = Tn - 1; t >= 0; t--) {
        const next = new Float64Array(S2).fill(-Infinity);
        for (let s = 0; s < S2; s++) {
          let b: number;
          if (t === Tn - 1) b = s >= S2 - 2 ? 0 : -Infinity;
          else {
            b = beta[s];
            if (s < S2 - 1) b = logAdd(b, beta[s + 1]);
            if (s < S2 - 2 && lab[s] !== blank && lab[s] !== lab[s + 2]) b = logAdd(b, beta[s + 2]);
          }
          next[s] = b === -Infinity ? b : b + at(t, n, lab[s]);
        }
        beta = next;
        // log of sum over s with label c of alpha * beta (the emission at t counted twice: removed below).
        const lcab = new Float64Array(C).fill(-Infinity);
        for (let s = 0; s < S2; s++) lcab[lab[s]] = logAdd(lcab[lab[s]], alpha[t * S2 + s] + beta[s]);
        for (let c = 0; c < C; c++) {
          const l = at(t, n, c);
          gr[(t * N + n) * C + c] = (Math.exp(l) - Math.exp(lcab[c] + nll[n] - l)) * scale;
        }
      }
    }
    return [grad];
  });
  if (zeroInf) res = where(res.eq(Infinity), zeros([], { dtype: res.dtype }), res);
  if (reduction === "mean") return res.div(makeTensor(tgLen, { dtype: res.dtype }).clamp_min(1)).mean();
  if (reduction === "sum") return res.sum();
  return unbatched ? res.squeeze(0) : res;
}
