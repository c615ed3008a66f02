/**
 * F.batch_norm, fused: one pass for the per-channel statistics, one for the output, and the
 * closed-form backward for input, weight and bias.
 *
 * Input is (N, C) or (N, C, L); statistics are per channel C over N (and L). In training the
 * batch mean and biased variance normalise, and running_mean/running_var (when given) move by
 * `momentum` toward the batch mean and the *unbiased* variance, as in PyTorch. Otherwise the
 * running statistics normalise.
 */
import { parseArgs, type PyArgs } from "../../args";
import { differentiateThrough, record } from "../../autograd/function";
import { no_grad } from "../../autograd/grad_mode";
import { RuntimeError, ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { torchSize } from "../repr";
import { checkTensor, data, empty, floatType } from "./_util";
import { cppTypeName, float32 } from "../../dtype";
import { kernels } from "../../kernels/registry";
import { createLayerNormSimd } from "../../kernels/wasm/layernorm_simd";
import { onFirstUse } from "../../kernels/wasm/on_first_use";
import { emptyForOverwrite } from "../../ops/util";

/** The SIMD layer norm (kernels/wasm/layernorm_simd.ts), used on the WebAssembly backend (kernels.gemm set). */
const layerNormSimd = onFirstUse(createLayerNormSimd);

export interface BatchNormFunctionalOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
 * momentum=0.1, eps=1e-5)
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null | undefined,
  running_var: Tensor | null | undefined,
  ...args: PyArgs<
    [weight?: Tensor | null, bias?: Tensor | null, training?: boolean, momentum?: number, eps?: number],
    BatchNormFunctionalOptions
  >
): Tensor {
  const fn = "batch_norm";
  checkTensor(input, fn);
  const a = parseArgs<BatchNormFunctionalOptions>(fn, ["weight", "bias", "training", "momentum", "eps"], args);
  const weight = a.weight ?? null;
  const bias = a.bias ?? null;
  const training = a.training ?? false;
  const momentum = a.momentum ?? 0.1;
  const eps = a.eps ?? 1e-5;
  if (input.dim() < 2) {
    throw new ValueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
  // (N, C, d1, d2, ...) as torch takes it (a BatchNorm2d / 3d input): statistics over N and every trailing dim, the
  // result a tensor of its own (NativeBatchNormBackward0), not a view, so an in-place activation after it (DCGAN's
  // LeakyReLU(0.2, inplace=True)) records LeakyReluBackward1 and stays twice differentiable (WGAN-GP's penalty).
  const [N, C] = input.shape;
  const L = input.shape.slice(2).reduce((p, d) => p * d, 1);
  const count = N * L;
  if (!training && (!running_mean || !running_var)) {
    throw new RuntimeError(`${running_mean ? "running_var" : "running_mean"} must be defined in evaluation mode`);
  }
  for (const [t, what] of [[running_mean, "running_mean"], [running_var, "running_var"], [weight, "weight"], [bias, "bias"]] as const) {
    if (t && t.numel() !== C) {
      throw new RuntimeError(`${what} should contain ${C} elements not ${t.numel()}`);
    }
  }
  if (training && count <= 1) {
    throw new ValueError(`Expected more than 1 value per channel when training, got input size ${torchSize(input.shape)}`);
  }
  const dt = floatType(input);
  const x = data(input);
  const gamma = weight ? data(weight) : null;
  const beta = bias ? data(bias) : null;
  // Element (n, c, l) sits at ((n * C) + c) * L + l, l running over the trailing dims.
  const mean = new Float64Array(C);
  const invstd = new Float64Array(C);
  if (training) {
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * L;
        let s = 0;
        for (let l = 0; l < L; l++) s += x[base + l];
        mean[c] += s;
      }
    }
    for (let c = 0; c < C; c++) mean[c] /= count;
    const sq = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * L;
        const m = mean[c];
        let s = 0;
        for (let l = 0; l < L; l++) {
          const d = x[base + l] - m;
          s += d * d;
        }
        sq[c] += s;
      }
    }
    for (let c = 0; c < C; c++) invstd[c] = 1 / Math.sqrt(sq[c] / count + eps);
    if (running_mean && running_var) {
      no_grad(() => {
        const rm = running_mean._data;
        const rv = running_var._data;
        const om = running_mean._offset;
        const ov = running_var._offset;
        for (let c = 0; c < C; c++) {
          rm[om + c] = (1 - momentum) * rm[om + c] + momentum * mean[c];
          rv[ov + c] = (1 - momentum) * rv[ov + c] + momentum * (sq[c] / (count - 1));
        }
        running_mean._bump("batch_norm");
        running_var._bump("batch_norm");
      });
    }
  } else {
    const rm = data(running_mean!);
    const rv = data(running_var!);
    for (let c = 0; c < C; c++) {
      mean[c] = rm[c];
      invstd[c] = 1 / Math.sqrt(rv[c] + eps);
    }
  }
  const out = empty(input.shape, dt);
  const y = out._data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * L;
      const m = mean[c];
      const k = invstd[c] * (gamma ? gamma[c] : 1);
      const b = beta ? beta[c] : 0;
      for (let l = 0; l < L; l++) y[base + l] = (x[base + l] - m) * k + b;
    }
  }
  const inputs = [input, weight, bias];
  return record(
    out,
    "NativeBatchNormBackward0",
    inputs,
    (g) => {
      const gd = data(g);
      // Per channel: sum(dy) and sum(dy * xhat).
      const sumDy = new Float64Array(C);
      const sumDyXhat = new Float64Array(C);
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const base = (n * C + c) * L;
          const m = mean[c];
          const is = invstd[c];
          let s1 = 0;
          let s2 = 0;
          for (let l = 0; l < L; l++) {
            const dy = gd[base + l];
            s1 += dy;
            s2 += dy * (x[base + l] - m) * is;
          }
          sumDy[c] += s1;
          sumDyXhat[c] += s2;
        }
      }
      let gx: Tensor | null = null;
      if (input.requires_grad) {
        gx = empty(input.shape, dt);
        const r = gx._data;
        for (let n = 0; n < N; n++) {
          for (let c = 0; c < C; c++) {
            const base = (n * C + c) * L;
            const k = invstd[c] * (gamma ? gamma[c] : 1);
            if (training) {
              // dx = k * (dy - mean(dy) - xhat * mean(dy * xhat)): the batch statistics depend on x.
              const mDy = sumDy[c] / count;
              const mDyX = sumDyXhat[c] / count;
              for (let l = 0; l < L; l++) {
                const xhat = (x[base + l] - mean[c]) * invstd[c];
                r[base + l] = k * (gd[base + l] - mDy - xhat * mDyX);
              }
            } else {
              for (let l = 0; l < L; l++) r[base + l] = k * gd[base + l];
            }
          }
        }
      }
      let gw: Tensor | null = null;
      if (weight && weight.requires_grad) {
        gw = empty(weight.shape, weight.dtype);
        gw._data.set(sumDyXhat);
      }
      let gb: Tensor | null = null;
      if (bias && bias.requires_grad) {
        gb = empty(bias.shape, bias.dtype);
        gb._data.set(sumDy);
      }
      return [gx, gw, gb];
    },
    [input, ...(weight ? [weight] : [])],
    // create_graph: the same normalisation in recorded ops (batch statistics from x when training).
    (g) => differentiateThrough((xx, ww, bb) => {
      const along = input.shape.map((d, i) => (i === 1 ? C : 1));
      const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
      let yy: Tensor;
      if (training) {
        const d = xx.sub(xx.mean(dims, true));
        yy = d.mul(d.mul(d).mean(dims, true).add(eps).rsqrt());
      } else {
        const m = empty(along, dt);
        const k = empty(along, dt);
        m._data.set(mean);
        k._data.set(invstd);
        yy = xx.sub(m).mul(k);
      }
      if (ww) yy = yy.mul(ww.reshape(along));
      return bb ? yy.add(bb.reshape(along)) : yy;
    }, inputs, g),
  );
}

export interface LayerNormFunctionalOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5), fused: each row of
 * the trailing normalized_shape dims is normalised by its own mean and biased variance, then
 * scaled by weight and shifted by bias (both of shape normalized_shape). Unlike batch_norm the
 * statistics are per sample, so training and evaluation compute the same thing.
 */
export function layer_norm(
  input: Tensor,
  normalized_shape: number | readonly number[],
  ...args: PyArgs<[weight?: Tensor | null, bias?: Tensor | null, eps?: number], LayerNormFunctionalOptions>
): Tensor {
  const fn = "layer_norm";
  checkTensor(input, fn);
  if (!input.dtype.is_floating_point) throw new RuntimeError(`"LayerNormKernelImpl" not implemented for '${cppTypeName(input.dtype)}'`); // as torch 1.13 (every integer dtype and bool)
  const a = parseArgs<LayerNormFunctionalOptions>(fn, ["weight", "bias", "eps"], args);
  const shape = typeof normalized_shape === "number" ? [normalized_shape] : [...normalized_shape];
  const weight = a.weight ?? null;
  const bias = a.bias ?? null;
  const eps = a.eps ?? 1e-5;
  const k = shape.length;
  // torch 1.13's _check_layer_norm_inputs: normalized_shape, weight, bias, then the input's trailing dims
  if (k === 0) {
    throw new RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []");
  }
  for (const [t, what] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t && t.shape.join() !== shape.join()) {
      throw new RuntimeError(
        `Expected ${what} to be of same shape as normalized_shape, but got ${what} of shape [${t.shape.join(", ")}] and normalized_shape = [${shape.join(", ")}]`,
      );
    }
  }
  const tail = input.shape.slice(input.dim() - k);
  if (input.dim() < k || tail.join() !== shape.join()) {
    throw new RuntimeError(
      `Given normalized_shape=[${shape.join(", ")}], expected input with shape [*, ${shape.join(", ")}], but got input of size[${input.shape.join(", ")}]`,
    );
  }
  const M = shape.reduce((p, s) => p * s, 1);
  const rows = M === 0 ? 0 : input.numel() / M;
  const dt = floatType(input);
  const x = data(input);
  const gamma = weight ? data(weight) : null;
  const beta = bias ? data(bias) : null;
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  const out = emptyForOverwrite(input.shape, dt); // every row written below (SIMD or JS)
  const y = out._data;
  // float32 rows of a multiple of 4 on the WebAssembly backend: the SIMD kernel, both directions.
  const simd = kernels.gemm !== null && input.dtype === float32 && x instanceof Float32Array &&
    (!gamma || gamma instanceof Float32Array) && (!beta || beta instanceof Float32Array) && M % 4 === 0 && rows > 0 && M > 0 && layerNormSimd() !== null;
  const mean32 = simd ? new Float32Array(rows) : null;
  const rstd32 = simd ? new Float32Array(rows) : null;
  if (simd) layerNormSimd()!.forward(rows, M, x as Float32Array, gamma as Float32Array | null, beta as Float32Array | null, eps, y as Float32Array, mean32!, rstd32!);
  for (let r = 0; r < (simd ? 0 : rows); r++) {
    const base = r * M;
    let s = 0;
    for (let j = 0; j < M; j++) s += x[base + j];
    const m = s / M;
    let sq = 0;
    for (let j = 0; j < M; j++) {
      const d = x[base + j] - m;
      sq += d * d;
    }
    const is = 1 / Math.sqrt(sq / M + eps);
    mean[r] = m;
    rstd[r] = is;
    for (let j = 0; j < M; j++) y[base + j] = (x[base + j] - m) * is * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
  }
  return record(
    out,
    "NativeLayerNormBackward0",
    [input, weight, bias],
    (g) => {
      const gd = data(g);
      const gx = input.requires_grad ? emptyForOverwrite(input.shape, dt) : null; // every row written below
      const gw = weight && weight.requires_grad ? empty(weight.shape, weight.dtype) : null;
      const gb = bias && bias.requires_grad ? empty(bias.shape, bias.dtype) : null;
      const res = gx ? gx._data : null;
      if (simd && g.dtype === float32) {
        const sw32 = new Float32Array(M), sb32 = new Float32Array(M);
        layerNormSimd()!.backward(rows, M, gd as Float32Array, x as Float32Array, gamma as Float32Array | null, mean32!, rstd32!, res as Float32Array | null, sw32, sb32);
        if (gw) gw._data.set(sw32);
        if (gb) gb._data.set(sb32);
        return [gx, gw, gb];
      }
      if (simd) {
        // A gradient of another dtype (rare): the JS loops need the float64 row statistics.
        for (let r = 0; r < rows; r++) { mean[r] = mean32![r]; rstd[r] = rstd32![r]; }
      }
      const sw = gw ? new Float64Array(M) : null;
      const sb = gb ? new Float64Array(M) : null;
      // One row at a time, everything a row needs in two passes: the sums (and the weight/bias
      // gradients) first, then dx. With dxhat = dy * gamma:
      // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
      for (let r = 0; r < rows; r++) {
        const base = r * M;
        const m = mean[r];
        const is = rstd[r];
        let s1 = 0;
        let s2 = 0;
        for (let j = 0; j < M; j++) {
          const gv = gd[base + j];
          const xhat = (x[base + j] - m) * is;
          const dxh = gamma ? gv * gamma[j] : gv;
          s1 += dxh;
          s2 += dxh * xhat;
          if (sw) sw[j] += gv * xhat;
          if (sb) sb[j] += gv;
        }
        if (!res) continue;
        const m1 = s1 / M;
        const m2 = s2 / M;
        for (let j = 0; j < M; j++) {
          const xhat = (x[base + j] - m) * is;
          const dxh = gamma ? gd[base + j] * gamma[j] : gd[base + j];
          res[base + j] = is * (dxh - m1 - xhat * m2);
        }
      }
      if (gw && sw) gw._data.set(sw);
      if (gb && sb) gb._data.set(sb);
      return [gx, gw, gb];
    },
    [input, ...(weight ? [weight] : [])],
    // create_graph: the same normalisation in recorded ops.
    (g) => differentiateThrough((xx, ww, bb) => {
      const dims = shape.map((_, i) => input.dim() - k + i);
      const d = xx.sub(xx.mean(dims, true));
      let yy = d.mul(d.mul(d).mean(dims, true).add(eps).rsqrt());
      if (ww) yy = yy.mul(ww);
      return bb ? yy.add(bb) : yy;
    }, [input, weight, bias], g),
  );
}
