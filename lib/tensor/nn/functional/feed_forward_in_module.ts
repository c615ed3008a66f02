/**
 * A transformer layer's feed-forward block, linear2(act(linear1(x))) with exact GELU or ReLU, as one op whose forward and
 * backward run inside the GEMM module's memory (a gemm session, kernels/wasm/gemm_session.ts), as
 * fused attention does (attention_in_module.ts). Op by op, each linear copied its operands into
 * the GEMM's memory and its result out, and the GELU copied its input into its own module and its
 * result and derivative out: the hidden [rows, dim_feedforward] activation crossed the boundary
 * five times in the forward and about as often in the backward (~4.5 MB per layer in the GPT bench
 * forward, ~7 MB backward). Here x and the weights are staged once, the hidden activation stays in
 * module memory between the products and the GELU, and only y (and the activation's output
 * and, for GELU, its derivative, which the backward reads) are copied out; the backward stages g,
 * x, the weights and those, and copies out dX, dW1, db1, dW2, db2.
 *
 * Same bits as the op-by-op path: the same microkernels (gemm_set, gemm_bias adding the bias row,
 * or gemm_acc over earlier k slices, with k cut at KC as gemm.ts's driver cuts it), each element summed
 * in the same k order; the same GELU kernels (gelu_simd.ts, built the same way), ReLU's exact bit
 * kernels (elementwise_simd.ts) and the same
 * float64 column sums for the biases' gradients (matmul_simd.ts sumSteps, as Linear's backward).
 * Rows are cut into slices only to fit gemm_batch's jobs, which does not change any element's sum.
 *
 * feedForwardInModule returns null, having done nothing, where that does not apply (float64, the
 * plain-TS backend, widths that are not whole panels or exceed one k slice, products small enough
 * that the op-by-op path runs them in JS, strided weights): the caller then runs its modules.
 */
import { differentiateThrough, needsGrad, record } from "../../autograd/function";
import { takeScratch } from "../../buffer_pool";
import { float32 } from "../../dtype";
import { KC, MR, NR } from "../../kernels/wasm/gemm";
import { kernels } from "../../kernels/registry";
import { inModuleShape, openGemmSession, type BatchShape, type GemmSession } from "../../kernels/wasm/gemm_session";
import { allocResident, type ResidentBlock } from "../../kernels/wasm/resident";
import { MIN_WORK, colsumOn, sumSteps } from "../../kernels/wasm/matmul_simd";
import { kernelsOnMemory } from "../../kernels/wasm/on_memory";
import { addFunctions, reluFunctions } from "../../kernels/wasm/elementwise_simd";
import { rowKernelsOn, type LayerNormKernels, type RowKernels } from "../../kernels/wasm/row_kernels";
import { gelu, relu } from "../../ops/activations";
import { layer_norm } from "./normalization";
import { addmm } from "../../ops/matmul";
import { contiguousData, emptyForOverwrite } from "../../ops/util";
import type { Tensor } from "../../tensor";

/**
 * Whether the block runs in module memory, and whether a pre-norm and residual join it (benches turn
 * them off to compare in one process), and how many forwards and backwards did, with a pre-norm how many (for tests).
 */
export const feedForwardInModule_ = { enabled: true, preNorm: true, forwards: 0, backwards: 0, normForwards: 0 };

/**
 * Whether, behind a thread pool, plans cut a product into at least 3 row slices per thread where
 * slices of 32 rows or more allow it (sliceRows); benches switch it off to compare in one process.
 */
export const poolSliceRows = { enabled: true };

/**
 * Rows per gemm_batch slice of an m x n x k product that fits one job, or 0. Behind a pool of T
 * threads, at least 3T slices (down to 32 rows): the weight gradients' k = rows products (dW1's
 * 256 rows, the packed projection's 192, dW2's 64) were 4, 3 and 1 slices of 64 rows per job, so
 * a split job left one thread idle for up to a slice (join waited ~0.5-1 ms per GPT step) and dW2
 * never split. Same bits: each C element is still one kernel sum in k order, k slices added in turn.
 */
function sliceRows(m: number, n: number, k: number): number {
  const threads = poolSliceRows.enabled && kernels.gemm?.batch ? kernels.gemm.batch.threads : 1;
  const minSlices = threads > 1 ? 3 * threads : 0;
  for (const rows of [128, 64, 32, 16, 8, MR]) if (m % rows === 0 && inModuleShape(rows, n, k) && (m / rows >= minSlices || rows <= 32)) return rows;
  return 0;
}

/** A product C[m, n] = A @ B run as one or more jobs (k cut at KC); A's rows sliced by `rows`. */
export interface Plan {
  m: number;
  n: number;
  k: number;
  rows: number;
}

export const plan = (m: number, n: number, k: number): Plan | null => {
  // Each k slice is one job: rows must fit the widest (KC, or k itself below it).
  const rows = sliceRows(m, n, Math.min(k, KC));
  return rows ? { m, n, k, rows } : null;
};

/** The job shapes a plan runs (one per distinct k slice width). */
export function shapesOf(p: Plan): BatchShape[] {
  const count = p.m / p.rows;
  const out: BatchShape[] = [[count, p.rows, p.n, Math.min(p.k, KC)]];
  if (p.k > KC && p.k % KC !== 0) out.push([count, p.rows, p.n, p.k % KC]);
  return out;
}

/**
 * C = A @ B (+ what C holds with `acc`, or + the bias row of n floats at `biasAt` in every row) in
 * session memory: A[i, p] at aAt + i as0 + p as1, B[p, j] at bAt + p bs0 + j bs1, C dense [m, n]
 * at cAt. k slices after the first add to C (gemm_acc), as the driver does; the bias is added with
 * the first (gemm_bias: the bits of gemm_acc over C preloaded with the bias, as Linear's path).
 */
export function runPlan(sess: GemmSession, p: Plan, aAt: number, as0: number, as1: number, bAt: number, bs0: number, bs1: number, cAt: number, acc: boolean, biasAt = -1): void {
  const count = p.m / p.rows;
  const cs = Array.from({ length: count }, (_, i) => cAt + i * p.rows * p.n);
  for (let p0 = 0; p0 < p.k; p0 += KC) {
    const kc = Math.min(KC, p.k - p0);
    const as = Array.from({ length: count }, (_, i) => aAt + i * p.rows * as0 + p0 * as1);
    const bs = new Array<number>(count).fill(bAt + p0 * bs0);
    sess.batch(count, p.rows, p.n, kc, as, as0, as1, bs, bs0, bs1, cs, p.n, 0, acc || p0 > 0, p0 === 0 && !acc ? biasAt : -1);
  }
}

interface Plans {
  l1: Plan; // pre = x W1^T + b1: [M, F], k = D
  l2: Plan; // y = a W2^T + b2: [M, D], k = F
  dA: Plan; // dA = g W2: [M, F], k = D
  dW2: Plan; // dW2 = g^T a: [D, F], k = M
  dW1: Plan; // dW1 = dPre^T x: [F, D], k = M
}

function plansFor(M: number, D: number, F: number): Plans | null {
  if (D % NR !== 0 || F % NR !== 0 || D > KC || F > KC || M * D * F < MIN_WORK) return null;
  const l1 = plan(M, F, D), l2 = plan(M, D, F), dA = plan(M, F, D), dW2 = plan(D, F, M), dW1 = plan(F, D, M);
  return l1 && l2 && dA && dW2 && dW1 ? { l1, l2, dA, dW2, dW1 } : null;
}

interface ReluKernels {
  relu(px: number, pout: number, n4: number): void;
  relu_grad(pg: number, py: number, pout: number, n4: number): void;
}

const reluOn = kernelsOnMemory<ReluKernels>(reluFunctions);

export { layerNormOn, type LayerNormKernels } from "../../kernels/wasm/row_kernels";
const addOn = kernelsOnMemory<{ add_vv(pa: number, pb: number, s: number, pout: number, n4: number): void }>(addFunctions);

/**
 * A pre-norm residual around the block (norm_first TransformerEncoderLayer): out = x + block(layer_norm(x)),
 * the LayerNorm over the last dim with this weight, bias and eps. The norm runs on the GEMM memory with
 * layernorm_simd's kernels (the ones F.layer_norm runs on its own memory: the same bits), so its output
 * never leaves module memory, and its backward takes dX of the block where the products left it.
 */
export interface PreNorm {
  weight: Tensor;
  bias: Tensor;
  eps: number;
}

/** The block's activation: exact GELU or ReLU. */
export type FeedForwardActivation = "gelu" | "relu";

const f32c = (t: Tensor): boolean => t.dtype === float32 && t.is_contiguous();

/**
 * y = linear2(act(linear1(x))), both linears with biases, recorded as one node, or null (nothing
 * done) where the in-module path does not apply.
 */
export function feedForwardInModule(x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, activation: FeedForwardActivation, norm: PreNorm | null = null): Tensor | null {
  if (!feedForwardInModule_.enabled || !kernels.gemm) return null;
  if (x.dtype !== float32 || ![w1, b1, w2, b2].every(f32c) || w1.dim() !== 2 || w2.dim() !== 2 || b1.dim() !== 1 || b2.dim() !== 1) return null;
  const [F, D] = w1.shape;
  if (x.dim() < 2 || x.shape[x.dim() - 1] !== D || w2.shape[0] !== D || w2.shape[1] !== F || b1.shape[0] !== F || b2.shape[0] !== D) return null;
  if (norm && (!feedForwardInModule_.preNorm || !f32c(norm.weight) || !f32c(norm.bias) || norm.weight.dim() !== 1 || norm.bias.dim() !== 1 || norm.weight.shape[0] !== D || norm.bias.shape[0] !== D)) return null;
  const M = x.numel() / D;
  const plans = plansFor(M, D, F);
  if (!plans) return null;
  const shapes = [plans.l1, plans.l2, plans.dA, plans.dW2, plans.dW1].flatMap(shapesOf);
  const sess = openGemmSession(kernels.gemm, shapes);
  const isGelu = activation === "gelu";
  // GELU and layer norm: row_kernels.ts's, split across a thread pool's threads on its memory.
  const rowKernels = sess && rowKernelsOn(sess.memory);
  const act = sess && (isGelu ? rowKernels : reluOn(sess.memory));
  const sums = sess && colsumOn(sess.memory);
  const ln = sess && norm ? rowKernels : null;
  const add = sess && norm ? addOn(sess.memory) : null;
  if (!sess || !act || !sums || (norm && (!ln || !add))) return null;
  feedForwardInModule_.forwards++;
  if (norm) feedForwardInModule_.normForwards++;

  const grad = needsGrad(x, w1, b1, w2, b2, norm?.weight ?? null, norm?.bias ?? null);
  const xd = contiguousData(x) as Float32Array;
  // The products' input: x itself, or layer_norm(x) computed in place (normIn).
  const xAt = norm ? normIn(sess, ln!, xd, norm, M, D) : sess.stage(xd, 0, M * D);
  const w1At = sess.stage(w1._data as Float32Array, w1._offset, w1._offset + F * D) + w1._offset;
  const b1At = sess.stage(b1._data as Float32Array, b1._offset, b1._offset + F) + b1._offset;
  const w2At = sess.stage(w2._data as Float32Array, w2._offset, w2._offset + D * F) + w2._offset;
  const b2At = sess.stage(b2._data as Float32Array, b2._offset, b2._offset + D) + b2._offset;
  const preAt = sess.alloc(M * F), yAt = sess.alloc(M * D);
  // The activation and GELU's derivative, which the backward reads: kept where they are computed (resident.ts), or,
  // where the zone is full, in scratch copied out below. Allocated after every scratch region: none moves them now.
  const kept = grad ? keepBlocks(sess.memory, isGelu ? 2 : 1, M * F) : null;
  const aAt = kept ? kept[0].addressIn(sess.memory) : sess.alloc(M * F);
  const dAt = !grad || !isGelu ? 0 : kept ? kept[1].addressIn(sess.memory) : sess.alloc(M * F);
  const n4 = (M * F) >> 2;
  runPlan(sess, plans.l1, xAt, D, 1, w1At, 1, D, preAt, false, b1At); // B = W1^T, + b1
  if (!isGelu) (act as ReluKernels).relu(preAt * 4, aAt * 4, n4);
  else if (grad) (act as RowKernels).gelu_fwd(preAt * 4, aAt * 4, dAt * 4, n4);
  else (act as RowKernels).gelu_val(preAt * 4, aAt * 4, n4);
  runPlan(sess, plans.l2, aAt, F, 1, w2At, 1, F, yAt, false, b2At); // B = W2^T, + b2
  const y = emptyForOverwrite([...x.shape.slice(0, -1), D], float32);
  // The residual x + block in place: float32 sums, as add's kernel makes them (M D is a multiple of 8).
  if (norm) add!.add_vv(normXAt(xAt, M, D) * 4, yAt * 4, 0, yAt * 4, (M * D) >> 2);
  let h = sess.heap();
  (y._data as Float32Array).set(h.subarray(yAt, yAt + M * D));
  if (!grad) return y;
  // The activation's output (dW2's operand; ReLU's gradient mask) and GELU's derivative (dPre = dA * d) for the backward.
  const a = kept ? null : (takeScratch(false, M * F) as Float32Array), d = kept || !isGelu ? null : (takeScratch(false, M * F) as Float32Array);
  if (a) a.set(h.subarray(aAt, aAt + M * F));
  if (d) d.set(h.subarray(dAt, dAt + M * F));

  // With a pre-norm, x is an input twice: the residual (its gradient is g itself, as add's backward
  // gives) and the norm's input, so autograd sums the two as it does on the module path.
  const inputs = norm ? [x, x, norm.weight, norm.bias, w1, b1, w2, b2] : [x, w1, b1, w2, b2];
  const plain = (ts: Tensor[]) => unfusedFeedForward(ts, activation, norm?.eps ?? null);
  const out = record(
    y, norm ? "ResidualFeedForwardBackward" : "FeedForwardBackward", inputs,
    (g) => {
      const gd = contiguousData(g) as Float32Array;
      const bs = openGemmSession(kernels.gemm, shapes);
      // The backend changed since the forward (selectBackend("ts")): the block's gradients in plain ops.
      if (!bs) return differentiateThrough((...ts) => plain(ts), inputs, g).map((t) => t && t.detach());
      const bsums = colsumOn(bs.memory)!;
      const bRows = rowKernelsOn(bs.memory);
      const bln = norm ? bRows! : null;
      feedForwardInModule_.backwards++;
      const gAt = bs.stage(gd, 0, M * D);
      // Kept blocks elsewhere (another driver's memory, or copied out) are staged like the scratch copies.
      const aStaged = kept ? stageUnlessIn(bs, kept[0]) : bs.stage(a!, 0, M * F);
      const dStaged = !isGelu ? 0 : kept ? stageUnlessIn(bs, kept[1]) : bs.stage(d!, 0, M * F);
      // layer_norm(x) again (the same kernel on the same x: the same bits and row statistics) rather than kept from the forward.
      const xIn = norm ? normIn(bs, bln!, contiguousData(x) as Float32Array, norm, M, D) : bs.stage(contiguousData(x) as Float32Array, 0, M * D);
      const w1In = bs.stage(w1._data as Float32Array, w1._offset, w1._offset + F * D) + w1._offset;
      const w2In = bs.stage(w2._data as Float32Array, w2._offset, w2._offset + D * F) + w2._offset;
      const normGrad = norm !== null && (x.requires_grad || norm.weight.requires_grad || norm.bias.requires_grad);
      const dpAt = bs.alloc(M * F), dxAt = x.requires_grad || normGrad ? bs.alloc(M * D) : 0;
      const dw2At = bs.alloc(D * F), dw1At = bs.alloc(F * D);
      const accAt = bs.alloc(2 * Math.max(D, F) + 8);
      const dlnAt = normGrad ? bs.alloc(M * D) : 0, swAt = normGrad ? bs.alloc(2 * D) : 0;
      // After the last scratch region: kept blocks in this memory are where they will stay for this backward.
      const aIn = aStaged >= 0 ? aStaged : placeKept(bs, kept![0]);
      const dIn = !isGelu ? 0 : dStaged >= 0 ? dStaged : placeKept(bs, kept![1]);
      // dA = g W2, then dPre = dA * GELU'(pre), or dA where ReLU's output is nonzero, in place.
      runPlan(bs, plans.dA, gAt, D, 1, w2In, F, 1, dpAt, false);
      if (isGelu) bRows!.gelu_bwd(dpAt * 4, dIn * 4, dpAt * 4, n4);
      else reluOn(bs.memory)!.relu_grad(dpAt * 4, aIn * 4, dpAt * 4, n4);
      if (dxAt) runPlan(bs, plans.l2, dpAt, F, 1, w1In, D, 1, dxAt, false); // dX = dPre W1
      // The norm's backward on dX where it is: dx, and its weight's and bias's float32 row sums (zeroed first, as layer_norm does).
      if (normGrad) {
        bs.heap().fill(0, swAt, swAt + 2 * D);
        bln!.ln_bwd(dxAt * 4, normXAt(xIn, M, D) * 4, (xIn + M * D) * 4, (xIn + M * D + 2 * D) * 4, (xIn + M * D + 2 * D + M) * 4, dlnAt * 4, swAt * 4, (swAt + D) * 4, M, D);
      }
      // The weight gradients as Linear's backward computes them: (g^T a) with A = g^T (rows contiguous), and g's column sums from the same staged copy.
      runPlan(bs, plans.dW2, gAt, 1, D, aIn, F, 1, dw2At, false);
      runPlan(bs, plans.dW1, dpAt, 1, F, xIn, D, 1, dw1At, false);
      const gb2 = emptyForOverwrite([D], float32), gb1 = emptyForOverwrite([F], float32);
      h = bs.heap();
      sumSteps({ kernels: bsums, out: gb2._data as Float32Array, off: 0 }, h, D, M, gAt, D, accAt);
      sumSteps({ kernels: bsums, out: gb1._data as Float32Array, off: 0 }, h, F, M, dpAt, F, accAt);
      const copy = (at: number, shape: number[]): Tensor => {
        const t = emptyForOverwrite(shape, float32);
        (t._data as Float32Array).set(h.subarray(at, at + t.numel()));
        return t;
      };
      const blockGrads = [
        w1.requires_grad ? copy(dw1At, [F, D]) : null,
        b1.requires_grad ? gb1 : null,
        w2.requires_grad ? copy(dw2At, [D, F]) : null,
        b2.requires_grad ? gb2 : null,
      ];
      if (!norm) return [x.requires_grad ? copy(dxAt, x.shape.slice()) : null, ...blockGrads];
      return [
        x.requires_grad ? g : null,
        x.requires_grad ? copy(dlnAt, x.shape.slice()) : null,
        norm.weight.requires_grad ? copy(swAt, [D]) : null,
        norm.bias.requires_grad ? copy(swAt + D, [D]) : null,
        ...blockGrads,
      ];
    },
    inputs,
    // create_graph: the same block in plain ops, differentiated through.
    (g) => differentiateThrough((...ts) => plain(ts), inputs, g),
  );
  if (a) out.grad_fn!.scratch = d ? [a, d] : [a];
  else out.grad_fn!.kept = kept;
  return out;
}

/** `count` resident blocks of `floats` in `memory` (after the op's scratch regions), or null (none kept) where the zone is full. */
export function keepBlocks(memory: WebAssembly.Memory, count: number, floats: number): ResidentBlock[] | null {
  const blocks: ResidentBlock[] = [];
  for (let i = 0; i < count; i++) {
    const b = allocResident(memory, floats);
    if (!b) {
      for (const k of blocks) k.free();
      return null;
    }
    blocks.push(b);
  }
  return blocks;
}

/** -1 when `block` lives in the session's memory (placeKept gives its address after the scratch regions), else its values staged. */
export const stageUnlessIn = (sess: GemmSession, block: ResidentBlock): number =>
  block.addressIn(sess.memory) >= 0 ? -1 : sess.stage(block.view(), 0, block.floats);

/** A kept block's address in the session's memory, read after the op's last scratch region (staged if it was evicted meanwhile). */
export function placeKept(sess: GemmSession, block: ResidentBlock): number {
  const at = block.addressIn(sess.memory);
  return at >= 0 ? at : sess.stage(block.view(), 0, block.floats);
}

/**
 * layer_norm(x) over rows of D in session memory, as F.layer_norm's SIMD kernel computes it; returns
 * its float address. Layout from there (normXAt, the backward reads it): xn [M D], gamma [D], beta [D],
 * mean [M], rstd [M], x [M D].
 */
export function normIn(sess: GemmSession, ln: LayerNormKernels, xd: Float32Array, norm: PreNorm, M: number, D: number): number {
  const at = sess.alloc(2 * M * D + 2 * D + 2 * M);
  const h = sess.heap();
  const gAt = at + M * D, bAt = gAt + D, mAt = bAt + D, rAt = mAt + M, xAt = rAt + M;
  h.set(xd.subarray(0, M * D), xAt);
  h.set((norm.weight._data as Float32Array).subarray(norm.weight._offset, norm.weight._offset + D), gAt);
  h.set((norm.bias._data as Float32Array).subarray(norm.bias._offset, norm.bias._offset + D), bAt);
  ln.ln_fwd(xAt * 4, at * 4, gAt * 4, bAt * 4, mAt * 4, rAt * 4, M, D, norm.eps);
  return at;
}

/** Where normIn put x itself. */
export const normXAt = (at: number, M: number, D: number): number => at + M * D + 2 * D + 2 * M;

/** The block op by op (the create_graph formula's forward); with a pre-norm eps, x + block(layer_norm(x)) with x given twice. */
function unfusedFeedForward(ts: Tensor[], activation: FeedForwardActivation, eps: number | null): Tensor {
  const [x, w1, b1, w2, b2] = eps === null ? ts : [ts[1], ...ts.slice(4)];
  const xn = eps === null ? x : layer_norm(x, [x.shape[x.dim() - 1]], ts[2], ts[3], eps);
  const pre = addmm(b1, xn.reshape([-1, w1.shape[1]]), w1.t());
  const y = addmm(b2, activation === "gelu" ? gelu(pre) : relu(pre), w2.t()).reshape([...x.shape.slice(0, -1), w2.shape[0]]);
  return eps === null ? y : ts[0].add(y);
}
