/**
 * The second peer: @jax-js/jax with its WebAssembly backend. In Node it runs on one thread (its
 * thread pool needs a global Worker, which Node lacks). Arrays are reference-counted: every use
 * but the last takes `.ref`.
 */
import * as jax from "@jax-js/jax";

let ready: Promise<typeof jax> | null = null;

export function jaxjs(): Promise<typeof jax> {
  if (!ready) {
    ready = (async () => {
      await jax.init("wasm");
      jax.defaultDevice("wasm");
      return jax;
    })();
  }
  return ready;
}

/** A float32 jax array of the given shape with uniform values in [-scale, scale). */
export function jaxRandom(np: typeof jax.numpy, shape: number[], scale = 1): jax.numpy.Array {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = 12345;
  const data = new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
  return np.array(data).reshape(shape);
}
