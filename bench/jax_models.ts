/**
 * The peer models in jax-js (WebAssembly backend): an MLP 784-128-10 step and a LeNet-5 step,
 * each one jitted value-and-grad plus an SGD update, matching bench/mlp.ts and bench/lenet.ts.
 */
import type * as jaxTypes from "@jax-js/jax";
import { jaxRandom, jaxjs } from "./peer_jax";

type Arr = jaxTypes.numpy.Array;
type Params = Record<string, Arr>;

/** Cross-entropy of logits [N, 10] against one-hot labels [N, 10] (mean over the batch). */
function crossEntropy(jax: typeof jaxTypes, logits: Arr, onehot: Arr, n: number): Arr {
  return jax.nn.logSoftmax(logits, -1).mul(onehot).sum().mul(-1 / n);
}

/** Builds a timed step: jit(valueAndGrad(loss)) then p -= lr * g for every parameter. */
async function stepper(init: (jax: typeof jaxTypes) => { params: Params; x: Arr; y: Arr; loss: (p: Params, x: Arr, y: Arr) => Arr }): Promise<() => void> {
  const jax = await jaxjs();
  const { params, x, y, loss } = init(jax);
  const vg = jax.jit(jax.valueAndGrad(loss));
  let p = params;
  return () => {
    // Calls consume their array arguments: pass new references, keep p for the update.
    const refs: Params = {};
    for (const k of Object.keys(p)) refs[k] = p[k].ref;
    const [value, grads] = vg(refs, x.ref, y.ref) as unknown as [Arr, Params];
    const next: Params = {};
    for (const k of Object.keys(p)) next[k] = p[k].sub((grads[k] as Arr).mul(0.01));
    p = next;
    value.dataSync();
  };
}

export function jaxMlpStep(batch: number): Promise<() => void> {
  return stepper((jax) => {
    const np = jax.numpy;
    return {
      params: { w1: jaxRandom(np, [784, 128], 0.05), b1: np.zeros([128]), w2: jaxRandom(np, [128, 10], 0.05), b2: np.zeros([10]) },
      x: jaxRandom(np, [batch, 784]),
      y: jax.nn.oneHot(np.arange(batch).astype(np.int32).mod(10), 10),
      loss: (p, x, y) => {
        const h = jax.nn.relu(np.matmul(x, p.w1).add(p.b1));
        return crossEntropy(jax, np.matmul(h, p.w2).add(p.b2), y, batch);
      },
    };
  });
}

/** 2x2 max-pool of [N, C, H, W] (H, W even) by a reshape and a max over the two window axes. */
function maxPool2(np: typeof jaxTypes.numpy, x: Arr, shape: [number, number, number, number]): Arr {
  const [n, c, h, w] = shape;
  return np.max(x.reshape([n, c, h / 2, 2, w / 2, 2]), [3, 5]);
}

export function jaxLenetStep(batch: number): Promise<() => void> {
  return stepper((jax) => {
    const np = jax.numpy;
    const conv = (x: Arr, w: Arr, b: Arr, cout: number) => jax.lax.conv(x, w, [1, 1], "VALID").add(b.reshape([1, cout, 1, 1]));
    return {
      params: {
        w1: jaxRandom(np, [8, 1, 5, 5], 0.2), b1: np.zeros([8]),
        w2: jaxRandom(np, [16, 8, 5, 5], 0.07), b2: np.zeros([16]),
        w3: jaxRandom(np, [256, 10], 0.06), b3: np.zeros([10]),
      },
      x: jaxRandom(np, [batch, 1, 28, 28]),
      y: jax.nn.oneHot(np.arange(batch).astype(np.int32).mod(10), 10),
      loss: (p, x, y) => {
        let h = maxPool2(np, jax.nn.relu(conv(x, p.w1, p.b1, 8)), [batch, 8, 24, 24]);
        h = maxPool2(np, jax.nn.relu(conv(h, p.w2, p.b2, 16)), [batch, 16, 8, 8]);
        return crossEntropy(jax, np.matmul(h.reshape([batch, 256]), p.w3).add(p.b3), y, batch);
      },
    };
  });
}

/** jax-js matmul n x n @ n x n, timed per call by the caller. */
export async function jaxMatmul(n: number): Promise<() => void> {
  const jax = await jaxjs();
  const np = jax.numpy;
  const a = jaxRandom(np, [n, n]);
  const b = jaxRandom(np, [n, n]);
  return () => np.matmul(a.ref, b.ref).dataSync();
}

/** jax-js conv2d forward, NCHW / OIHW, valid padding, stride 1. */
export async function jaxConv(x: number[], w: number[]): Promise<() => void> {
  const jax = await jaxjs();
  const np = jax.numpy;
  const xa = jaxRandom(np, x);
  const wa = jaxRandom(np, w, 0.1);
  return () => jax.lax.conv(xa.ref, wa.ref, [1, 1], "VALID").dataSync();
}
