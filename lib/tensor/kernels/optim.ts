/**
 * The optimizers' fused per-parameter updates over flat arrays (plain TypeScript). An update
 * touches every weight once per step, so each is one loop with its flags decided per call; the
 * WebAssembly SIMD versions (wasm/elementwise_simd.ts) replace them for long float32 arrays.
 * The formulas are PyTorch 1.13's single-tensor rules, documented in optim/sgd.ts and optim/adam.ts.
 */
import type { Storage } from "../dtype";

/** SGD: d = sign*g (+ wd*w); buf = decay*buf + scale*d; w -= lr * (nesterov ? d + momentum*buf : buf). */
export interface SgdParams {
  lr: number;
  /** -1 when maximizing, else 1. */
  sign: number;
  weight_decay: number;
  /** 0 for plain SGD (no buffer). */
  momentum: number;
  /** The factor of the old buffer: 0 on the first step (buf = d), else momentum. */
  decay: number;
  /** The factor of d in the buffer: 1 on the first step, else 1 - dampening. */
  scale: number;
  nesterov: boolean;
}

/**
 * Adam/AdamW: w *= decay (AdamW); gi = sign*g + l2*w (Adam); m = beta1*m + (1-beta1)*gi;
 * v = beta2*v + (1-beta2)*gi^2; vmax = max(vmax, v) (amsgrad);
 * w -= stepSize * m / (sqrt(vmax or v) / bc2Sqrt + eps).
 */
export interface AdamParams {
  sign: number;
  l2: number;
  /** 1 - lr * weight_decay for AdamW, 1 for Adam. */
  decay: number;
  beta1: number;
  beta2: number;
  /** lr / (1 - beta1^t) */
  stepSize: number;
  /** sqrt(1 - beta2^t) */
  bc2Sqrt: number;
  eps: number;
}

export type SgdKernel = (w: Storage, g: Storage, buf: Storage | null, p: SgdParams) => void;
export type AdamKernel = (w: Storage, g: Storage, m: Storage, v: Storage, vmax: Storage | null, p: AdamParams) => void;

export interface OptimKernels {
  sgd: SgdKernel;
  adam: AdamKernel;
}

/** One SGD update of w (length n = w.length); buf is null without momentum. */
export function sgdStep(w: Storage, grad: Storage, b: Storage | null, p: SgdParams): void {
  const n = w.length;
  const { lr, sign, weight_decay: wd, momentum, decay, scale, nesterov } = p;
  if (b === null) {
    if (wd === 0) {
      const k = lr * sign;
      for (let i = 0; i < n; i++) w[i] -= k * grad[i];
    } else {
      for (let i = 0; i < n; i++) w[i] -= lr * (sign * grad[i] + wd * w[i]);
    }
  } else if (nesterov) {
    for (let i = 0; i < n; i++) {
      const d = sign * grad[i] + wd * w[i];
      const bi = (b[i] = decay * b[i] + scale * d);
      w[i] -= lr * (d + momentum * bi);
    }
  } else if (wd === 0) {
    for (let i = 0; i < n; i++) {
      const bi = (b[i] = decay * b[i] + scale * sign * grad[i]);
      w[i] -= lr * bi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const bi = (b[i] = decay * b[i] + scale * (sign * grad[i] + wd * w[i]));
      w[i] -= lr * bi;
    }
  }
}

/** One Adam/AdamW update of w's elements. */
export function adamStep(w: Storage, grad: Storage, m: Storage, v: Storage, vmax: Storage | null, p: AdamParams): void {
  const n = w.length;
  const { sign, l2, decay, beta1, beta2, stepSize, bc2Sqrt, eps } = p;
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  if (decay !== 1) for (let i = 0; i < n; i++) w[i] *= decay;
  for (let i = 0; i < n; i++) {
    const gi = l2 !== 0 ? sign * grad[i] + l2 * w[i] : sign * grad[i];
    // Read the moments back after the store so they carry float32 rounding, as in PyTorch.
    m[i] = beta1 * m[i] + a1 * gi;
    v[i] = beta2 * v[i] + a2 * gi * gi;
    const mi = m[i];
    let vi = v[i];
    if (vmax !== null) {
      if (vi > vmax[i]) vmax[i] = vi;
      vi = vmax[i];
    }
    w[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

export const optimKernels: OptimKernels = { sgd: sgdStep, adam: adamStep };
