/**
 * Python's negative indices (`x.shape[-1]`, `seq[-1]`) on JavaScript objects: properties "-1" ...
 * "-count" on a prototype, not enumerable (so never a key, a child or a state_dict entry), each
 * reading `read(this, k)` for the k-th element from the end. The reader raises IndexError where
 * Python would.
 */
export function defineNegativeIndices<T>(proto: T, count: number, read: (self: T, k: number) => unknown): void {
  for (let k = 1; k <= count; k++) {
    Object.defineProperty(proto, String(-k), {
      configurable: true,
      enumerable: false,
      get(this: T) {
        return read(this, k);
      },
    });
  }
}
