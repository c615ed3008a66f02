/**
 * torch.Size for the engine: a tensor's shape is a frozen array of this class, so it stays a plain
 * number array to every caller (indexing, length, map, spread, JSON, structured clone) and also reads
 * Python's negative indices, which PyTorch code uses all the time (`x.shape[-1]`, `x.size()[-2]`):
 * on a bare array they are undefined and the mistake surfaces far away as a NaN. An index past the
 * front raises PyTorch's IndexError, as the tuple does. Array methods (map, slice, filter) return
 * plain arrays (species), so only shapes themselves carry the class.
 */
import { IndexError } from "./errors";
import { defineNegativeIndices } from "./negative_indices";

/** Array.prototype.slice's position: truncated, from the end when negative, clamped to [0, n]. */
function clampIndex(i: number, n: number): number {
  const k = Math.trunc(Number(i)) || 0;
  return k < 0 ? Math.max(n + k, 0) : Math.min(k, n);
}

export class Size extends Array<number> {
  static get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  // The methods the engine calls on shapes all the time, written out: on an Array subclass V8 takes
  // the generic path of Array.prototype's (the species lookup, element by element through the
  // prototype chain), 200-330 ns a call where a plain array's takes ~10 ns. Same results: plain
  // arrays, as the species gives.
  override slice(start?: number, end?: number): number[] {
    const n = this.length;
    const lo = start === undefined ? 0 : clampIndex(start, n), hi = end === undefined ? n : clampIndex(end, n);
    const out: number[] = [];
    for (let i = lo; i < hi; i++) out.push(this[i]);
    return out;
  }

  override map<U>(fn: (value: number, index: number, array: number[]) => U, thisArg?: unknown): U[] {
    if (typeof fn !== "function") throw new TypeError(`${String(fn)} is not a function`);
    const out: U[] = [];
    for (let i = 0; i < this.length; i++) out.push(fn.call(thisArg, this[i], i, this));
    return out;
  }

  /** print(x.shape) and `${x.shape}` read as PyTorch prints a shape: torch.Size([2, 3]) (an array's "2,3" before). */
  override toString(): string {
    return `torch.Size([${Array.prototype.join.call(this, ", ")}])`;
  }

  override filter(fn: (value: number, index: number, array: number[]) => unknown, thisArg?: unknown): number[] {
    if (typeof fn !== "function") throw new TypeError(`${String(fn)} is not a function`);
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (fn.call(thisArg, this[i], i, this)) out.push(this[i]);
    return out;
  }
}

/** Negative indices down to -MAX_NEGATIVE (no tensor has that many dimensions; torch allows 64). */
const MAX_NEGATIVE = 64;
defineNegativeIndices([Size.prototype], MAX_NEGATIVE, (self, k) => {
  const i = self.length - k;
  if (i < 0) throw new IndexError("tuple index out of range");
  return self[i];
});

// x.shape[2] of a 2-D tensor: Python's tuple raises IndexError where an array reads undefined (which surfaced far
// away as a NaN size). An index the Size holds is its own element and shadows these; only a missing one falls through.
for (let i = 0; i < MAX_NEGATIVE; i++) {
  Object.defineProperty(Size.prototype, String(i), {
    configurable: true,
    enumerable: false,
    get() {
      throw new IndexError("tuple index out of range");
    },
  });
}

function makeSize(sizes: readonly number[]): Size {
  const n = sizes.length;
  const out = new Size(n);
  // defined, not assigned: an assignment to a hole would reach the prototype's throwing index getter
  for (let i = 0; i < n; i++) Object.defineProperty(out, i, { value: sizes[i], writable: true, enumerable: true, configurable: true });
  return Object.freeze(out) as Size;
}

/**
 * Sizes made so far, by rank then dimension by dimension: a frozen Size is shared, and making one
 * (an Array subclass, frozen) cost ~1.3 us where a lookup costs ~50 ns; every tensor and view takes
 * one (~150 per step of the GPT bench). Cleared past SIZE_CACHE_LIMIT entries, so shapes that never
 * repeat cannot grow it without bound.
 */
interface SizeNode {
  size?: Size;
  next?: Map<number, SizeNode>;
}
const SIZE_CACHE_RANKS = 6;
const SIZE_CACHE_LIMIT = 4096;
let sizeRoots: SizeNode[] = [];
let sizeCached = 0;

/** A frozen Size holding `sizes` (a Size given is returned as it is: both are immutable). */
export function sizeOf(sizes: readonly number[]): Size {
  if (sizes instanceof Size && Object.isFrozen(sizes)) return sizes;
  const n = sizes.length;
  if (n > SIZE_CACHE_RANKS) return makeSize(sizes);
  let node = (sizeRoots[n] ??= {});
  for (let i = 0; i < n; i++) {
    const d = sizes[i];
    // Map keys compare -0 equal to 0: keep a -0 (never a real size) out of the cache.
    if (Object.is(d, -0)) return makeSize(sizes);
    const next = (node.next ??= new Map());
    let child = next.get(d);
    if (!child) {
      if (++sizeCached > SIZE_CACHE_LIMIT) {
        sizeRoots = [];
        sizeCached = 0;
        return makeSize(sizes);
      }
      next.set(d, (child = {}));
    }
    node = child;
  }
  return (node.size ??= makeSize(sizes));
}
