/**
 * Sampling from given probabilities on the seeded generator: multinomial and bernoulli.
 * The draws follow PyTorch 1.13's CPU recipes (no MKL), so after torch.manual_seed(s) the
 * samples are PyTorch's:
 *   bernoulli(p tensor): one uniform per element (24-bit for float32 p, 53-bit for float64), u < p.
 *   bernoulli(x, p scalar) / bernoulli_(p): one 53-bit uniform per element, u < p.
 *   multinomial with replacement (one sample or more): the row's cumulative sum (in the
 *   row's dtype) divided by its total, one 53-bit uniform per sample, binary search.
 *   multinomial without replacement: q ~ Exp(1) per entry (53-bit uniform, -log(1 - u),
 *   rounded to the dtype), then the top num_samples of p / q (Gumbel trick).
 *   torch 1.13 takes the Gumbel path only without replacement (measured on Debian's build):
 *   torch.multinomial(p, 1, True), which Categorical.sample() calls, draws one uniform per row,
 *   not one per category, and every later draw on the stream depends on it.
 */
import { cppTypeName, float64, int64 } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { default_generator, type Generator } from "../random";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

function checkProbs(p: Tensor, op: string): void {
  if (!p.dtype.is_floating_point) throw new RuntimeError(`${op}: expected a floating point probability tensor, got ${p.dtype}`);
}

/** Draws 0/1 with probability p (a tensor of probabilities, or a scalar p for every element of x's shape). */
export function bernoulli(x: Tensor, p?: number, gen: Generator = default_generator): Tensor {
  checkProbs(x, "bernoulli");
  const out = empty(x.shape, x.dtype);
  const od = out._data;
  if (p !== undefined) {
    if (!(p >= 0 && p <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    for (let i = 0; i < od.length; i++) od[i] = gen.uniform53() < p ? 1 : 0;
    return out;
  }
  const pd = contiguousData(x);
  for (let i = 0; i < pd.length; i++) {
    // torch 1.13's TORCH_CHECK text (bernoulli_tensor_cpu_p_ checks every p before drawing)
    if (!(pd[i] >= 0 && pd[i] <= 1)) {
      throw new RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
    }
  }
  const wide = x.dtype === float64;
  for (let i = 0; i < pd.length; i++) od[i] = (wide ? gen.uniform53() : gen.uniform24()) < pd[i] ? 1 : 0;
  return out;
}

/** Indices of num_samples draws from each row of non-negative weights (1-D or 2-D input). */
export function multinomial(probs: Tensor, numSamples: number, replacement = false, gen: Generator = default_generator): Tensor {
  // torch 1.13's words, which learners search for (sampling from logits instead of softmax probabilities)
  if (typeof numSamples !== "number" || !Number.isInteger(numSamples)) {
    throw new TypeError_(`multinomial(): argument 'num_samples' (position 2) must be int, not ${typeof numSamples === "number" ? "float" : typeof numSamples === "string" ? "str" : typeof numSamples === "boolean" ? "bool" : "object"}`);
  }
  if (!probs.dtype.is_floating_point) throw new RuntimeError(`multinomial only supports floating-point dtypes for input, got: ${cppTypeName(probs.dtype)}`);
  if (probs.dim() < 1 || probs.dim() > 2) throw new RuntimeError("prob_dist must be 1 or 2 dim");
  if (numSamples <= 0) throw new RuntimeError("cannot sample n_sample <= 0 samples");
  const cats = probs.shape[probs.dim() - 1];
  if (!replacement && numSamples > cats) throw new RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  const rows = probs.dim() === 2 ? probs.shape[0] : 1;
  const pd = contiguousData(probs);
  for (let i = 0; i < pd.length; i++) {
    if (!Number.isFinite(pd[i]) || pd[i] < 0) throw new RuntimeError("probability tensor contains either `inf`, `nan` or element < 0");
  }
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) sum += pd[r * cats + j];
    if (!(sum > 0)) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
  }
  const out = empty(probs.dim() === 2 ? [rows, numSamples] : [numSamples], int64);
  const round = probs.dtype === float64 ? (v: number) => v : Math.fround;
  if (!replacement) sampleGumbel(pd, rows, cats, numSamples, round, gen, out._data);
  else sampleWithReplacement(pd, rows, cats, numSamples, round, gen, out._data);
  return out;
}

/** p / q with q ~ Exp(1) drawn for the whole tensor first, then the top k per row. */
function sampleGumbel(pd: ArrayLike<number>, rows: number, cats: number, k: number, round: (v: number) => number, gen: Generator, out: Float32Array | Float64Array): void {
  const q = new Float64Array(rows * cats);
  for (let i = 0; i < q.length; i++) q[i] = round(-Math.log(1 - gen.uniform53()));
  for (let r = 0; r < rows; r++) {
    const score = Array.from({ length: cats }, (_, j) => round(pd[r * cats + j] / q[r * cats + j]));
    const order = score.map((_, j) => j).sort((a, b) => score[b] - score[a]);
    for (let s = 0; s < k; s++) out[r * k + s] = order[s];
  }
}

function sampleWithReplacement(pd: ArrayLike<number>, rows: number, cats: number, k: number, round: (v: number) => number, gen: Generator, out: Float32Array | Float64Array): void {
  const cum = new Float64Array(cats);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) {
      sum = round(sum + pd[r * cats + j]);
      cum[j] = sum;
    }
    for (let j = 0; j < cats; j++) cum[j] = round(cum[j] / sum);
    cum[cats - 1] = 1;
    for (let s = 0; s < k; s++) {
      const u = gen.uniform53();
      let lo = 0;
      let hi = cats;
      while (hi - lo > 0) {
        const mid = lo + ((hi - lo) >> 1);
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      out[r * k + s] = lo;
    }
  }
}
