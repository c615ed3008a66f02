/**
 * `make()` on the first call and the same value after, null included. The SIMD kernels of ops most
 * cells never run (GELU, attention's softmax rows, layer norm, embedding) assemble their modules this
 * way, on the op's first call, instead of while the engine loads: every notebook worker, test
 * worker and grading isolate loads it, and each of those modules took a few milliseconds to build.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
