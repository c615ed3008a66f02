/**
 * Python's negative indices (`x.shape[-1]`, `seq[-1]`) on JavaScript objects: properties "-1" ...
 * "-count" on each prototype of `protos`, not enumerable (so never a key, a child or a state_dict
 * entry), each reading `read(this, k)` for the k-th element from the end, and with `write`, assigning
 * through `write(this, k, value)`. The reader and writer raise IndexError where Python would.
 * Prototypes that index alike share one accessor pair per index: every grading isolate creates
 * these and its lockdown freezes each one.
 */
export function defineNegativeIndices<T>(
  protos: readonly T[], count: number, read: (self: T, k: number) => unknown, write?: (self: T, k: number, value: unknown) => void,
): void {
  for (let k = 1; k <= count; k++) {
    const descriptor: PropertyDescriptor = {
      configurable: true,
      enumerable: false,
      get(this: T) {
        return read(this, k);
      },
      // `seq[-1] = layer` (Python's __setitem__ with a negative index), where the container has one
      ...(write === undefined ? {} : {
        set(this: T, value: unknown) {
          write(this, k, value);
        },
      }),
    };
    for (const proto of protos) Object.defineProperty(proto, String(-k), descriptor);
  }
}
