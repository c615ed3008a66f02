/**
 * linear(layer_norm(x)) as one op whose forward and backward run in the GEMM module's memory (a gemm
 * session, kernels/wasm/gemm_session.ts): a pre-norm TransformerEncoderLayer's norm1 feeding
 * self-attention's packed q/k/v projection. Op by op, the norm staged x into its own module and
 * copied its output out, the product staged that output into the GEMM's memory again; backward,
 * the product's dX left the GEMM memory and the norm's backward staged it and x into its own. Here
 * x is staged once, the norm (layernorm_simd's ln_fwd on the GEMM memory: F.layer_norm's kernel,
 * the same bits) writes straight where the product reads it, and only the projection is copied
 * out; the backward stages g, x and W, recomputes the norm (same kernel, same bits and row
 * statistics: cheaper than copying the normalised x out and back), runs ln_bwd on dX where the
 * product left it, and copies out dx, the norm's weight and bias sums, dW and db.
 *
 * Same bits as layer_norm then Linear: the products run as feed_forward_in_module.ts runs its
 * linears (the bias row added by gemm_bias, k cut at KC as gemm.ts's driver cuts it, each element
 * summed in k order), and the bias gradient is the same float64 column sums (sumSteps).
 *
 * normLinearInModule returns null, having done nothing, where that does not apply (float64, the
 * plain-TS backend, widths that are not whole panels or exceed one k slice, products small enough
 * that the op-by-op path runs them in JS, strided parameters): the caller then runs its modules.
 */
import { differentiateThrough, needsGrad, record } from "../../autograd/function";
import { float32 } from "../../dtype";
import { KC, NR } from "../../kernels/wasm/gemm";
import { kernels } from "../../kernels/registry";
import { openGemmSession } from "../../kernels/wasm/gemm_session";
import { rowKernelsOn } from "../../kernels/wasm/row_kernels";
import { MIN_WORK, colsumOn, sumSteps } from "../../kernels/wasm/matmul_simd";
import { addmm } from "../../ops/matmul";
import { contiguousData, emptyForOverwrite } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { normIn, normXAt, plan, runPlan, shapesOf, type Plan, type PreNorm } from "./feed_forward_in_module";
import { layer_norm } from "./normalization";

/** Whether the op runs in module memory (benches and tests turn it off), and how many forwards and backwards did. */
export const normLinearInModule_ = { enabled: true, forwards: 0, backwards: 0 };

const f32c = (t: Tensor): boolean => t.dtype === float32 && t.is_contiguous();

interface Plans {
  y: Plan; // y = xn W^T + b: [M, O], k = D
  dX: Plan; // dXn = g W: [M, D], k = O
  dW: Plan; // dW = g^T xn: [O, D], k = M
}

function plansFor(M: number, D: number, O: number): Plans | null {
  if (D % NR !== 0 || O % NR !== 0 || D > KC || O > KC || M * D * O < MIN_WORK) return null;
  const y = plan(M, O, D), dX = plan(M, D, O), dW = plan(O, D, M);
  return y && dX && dW ? { y, dX, dW } : null;
}

/**
 * linear(layer_norm(x, [D], norm.weight, norm.bias, norm.eps), w, b) with w [O, D] and b [O],
 * recorded as one node, or null (nothing done) where the in-module path does not apply.
 */
export function normLinearInModule(x: Tensor, norm: PreNorm, w: Tensor, b: Tensor): Tensor | null {
  if (!normLinearInModule_.enabled || !kernels.gemm) return null;
  if (x.dtype !== float32 || ![w, b, norm.weight, norm.bias].every(f32c) || w.dim() !== 2 || b.dim() !== 1 || norm.weight.dim() !== 1 || norm.bias.dim() !== 1) return null;
  const [O, D] = w.shape;
  if (x.dim() < 2 || x.shape[x.dim() - 1] !== D || b.shape[0] !== O || norm.weight.shape[0] !== D || norm.bias.shape[0] !== D) return null;
  const M = x.numel() / D;
  const plans = plansFor(M, D, O);
  if (!plans) return null;
  const shapes = [plans.y, plans.dX, plans.dW].flatMap(shapesOf);
  const sess = openGemmSession(kernels.gemm, shapes);
  // layer norm: row_kernels.ts's, its forward split across a thread pool's threads on its memory.
  const ln = sess && rowKernelsOn(sess.memory);
  if (!sess || !ln) return null;
  normLinearInModule_.forwards++;

  const xAt = normIn(sess, ln, contiguousData(x) as Float32Array, norm, M, D);
  const wAt = sess.stage(w._data as Float32Array, w._offset, w._offset + O * D) + w._offset;
  const bAt = sess.stage(b._data as Float32Array, b._offset, b._offset + O) + b._offset;
  const yAt = sess.alloc(M * O);
  runPlan(sess, plans.y, xAt, D, 1, wAt, 1, D, yAt, false, bAt); // B = W^T, + b
  const y = emptyForOverwrite([...x.shape.slice(0, -1), O], float32);
  (y._data as Float32Array).set(sess.heap().subarray(yAt, yAt + M * O));
  const inputs = [x, norm.weight, norm.bias, w, b];
  if (!needsGrad(...inputs)) return y;

  const plain = (ts: Tensor[]) => unfusedNormLinear(ts, norm.eps);
  return record(
    y, "NormLinearBackward", inputs,
    (g) => {
      const bs = openGemmSession(kernels.gemm, shapes);
      const bln = bs && rowKernelsOn(bs.memory);
      const bsums = bs && colsumOn(bs.memory);
      // The backend changed since the forward (selectBackend("ts")): the gradients in plain ops.
      if (!bs || !bln || !bsums) return differentiateThrough((...ts) => plain(ts), inputs, g).map((t) => t && t.detach());
      normLinearInModule_.backwards++;
      const gAt = bs.stage(contiguousData(g) as Float32Array, 0, M * O);
      // layer_norm(x) again: the same kernel on the same x, so the same bits and row statistics.
      const xIn = normIn(bs, bln, contiguousData(x) as Float32Array, norm, M, D);
      const wIn = bs.stage(w._data as Float32Array, w._offset, w._offset + O * D) + w._offset;
      const normGrad = x.requires_grad || norm.weight.requires_grad || norm.bias.requires_grad;
      const dxnAt = normGrad ? bs.alloc(M * D) : 0, dwAt = bs.alloc(O * D), accAt = bs.alloc(2 * O + 8);
      let dxAt = 0, swAt = 0;
      if (normGrad) {
        runPlan(bs, plans.dX, gAt, O, 1, wIn, D, 1, dxnAt, false); // dXn = g W
        // The norm's backward where dXn is: dx, and its weight's and bias's float32 row sums (zeroed first, as layer_norm does).
        dxAt = bs.alloc(M * D);
        swAt = bs.alloc(2 * D);
        bs.heap().fill(0, swAt, swAt + 2 * D);
        bln.ln_bwd(dxnAt * 4, normXAt(xIn, M, D) * 4, (xIn + M * D) * 4, (xIn + M * D + 2 * D) * 4, (xIn + M * D + 2 * D + M) * 4, dxAt * 4, swAt * 4, (swAt + D) * 4, M, D);
      }
      // The weight's gradient as Linear's backward computes it (g^T xn, A = g^T with contiguous rows) and the bias's from the same staged g.
      if (w.requires_grad) runPlan(bs, plans.dW, gAt, 1, O, xIn, D, 1, dwAt, false);
      const h = bs.heap();
      const gb = b.requires_grad ? emptyForOverwrite([O], float32) : null;
      if (gb) sumSteps({ kernels: bsums, out: gb._data as Float32Array, off: 0 }, h, O, M, gAt, O, accAt);
      const copy = (at: number, shape: number[]): Tensor => {
        const t = emptyForOverwrite(shape, float32);
        (t._data as Float32Array).set(h.subarray(at, at + t.numel()));
        return t;
      };
      return [
        x.requires_grad ? copy(dxAt, x.shape.slice()) : null,
        norm.weight.requires_grad ? copy(swAt, [D]) : null,
        norm.bias.requires_grad ? copy(swAt + D, [D]) : null,
        w.requires_grad ? copy(dwAt, [O, D]) : null,
        gb,
      ];
    },
    inputs,
    // create_graph: the same ops in plain form, differentiated through.
    (g) => differentiateThrough((...ts) => plain(ts), inputs, g),
  );
}

/** layer_norm then linear op by op (the create_graph formula's forward): ts = [x, norm weight, norm bias, w, b]. */
function unfusedNormLinear([x, nw, nb, w, b]: Tensor[], eps: number): Tensor {
  const D = x.shape[x.dim() - 1];
  const xn = layer_norm(x, [D], nw, nb, eps);
  return addmm(b, xn.reshape([-1, D]), w.t()).reshape([...x.shape.slice(0, -1), w.shape[0]]);
}
