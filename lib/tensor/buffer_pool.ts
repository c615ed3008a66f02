/**
 * A bounded pool of large storage buffers, so a training loop does not allocate (and the browser
 * zero-fill and page in) a fresh multi-hundred-kilobyte array for the same gradient every step.
 *
 * Only the autograd engine gives buffers back, and only ones it can prove dead: gradients it
 * allocated during the backward pass in progress, seen once, never shown to a hook, user code or
 * the caller (engine.ts releaseIfDead), and forward activations of a built-in module's private
 * forward once the graph that saved them is freed (autograd/activation_recycling.ts). Everything
 * else is left to the garbage collector. A buffer handed out again is zero-filled, as allocStorage
 * promises. A buffer that keeps cycling through the pool never dies in V8's old space; one dropped
 * because its size's list is full does, so the per-size bound (32) is meant to cover the
 * same-sized activations and gradients a transformer step frees together.
 */
import type { Storage } from "./dtype";

/** Smaller arrays are cheap to allocate: not pooled (64 KB of float32). */
export const MIN_POOLED = 16384;
/** At most this many free buffers of one length and kind, and this many bytes in all. */
const MAX_PER_SIZE = 32;
const MAX_BYTES = 32 * 1024 * 1024;

/** Free lists keyed by length, float64 ones on negative keys. */
const keyOf = (wide: boolean, n: number) => (wide ? -n : n);

/** Free buffers of each length and kind, at most maxPerSize of one and MAX_BYTES in all. */
class FreeLists {
  private readonly lists = new Map<number, Storage[]>();
  bytes = 0;

  constructor(private readonly maxPerSize: number) {}

  take(wide: boolean, n: number): Storage | null {
    const buf = this.lists.get(keyOf(wide, n))?.pop();
    if (!buf) return null;
    this.bytes -= buf.byteLength;
    return buf;
  }

  /** Keeps buf for a later take, unless it is small, a duplicate or over the bounds. */
  give(buf: Storage): void {
    if (buf.length < MIN_POOLED || this.bytes + buf.byteLength > MAX_BYTES) return;
    const key = keyOf(buf instanceof Float64Array, buf.length);
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = []));
    if (list.length >= this.maxPerSize || list.includes(buf)) return;
    list.push(buf);
    this.bytes += buf.byteLength;
  }

  count(): number {
    let buffers = 0;
    for (const l of this.lists.values()) buffers += l.length;
    return buffers;
  }

  clear(): void {
    this.lists.clear();
    this.bytes = 0;
  }
}

const free = new FreeLists(MAX_PER_SIZE);

/** Buffers allocated while a backward pass runs (depth > 0): the only ones the engine may release. */
let backwardDepth = 0;
let bornInBackward = new WeakSet<Storage>();

/**
 * A zero-filled pooled buffer of n elements, or null (the caller allocates). With zero false the
 * old contents stay: only for callers that overwrite every element.
 */
export function takePooled(wide: boolean, n: number, zero = true): Storage | null {
  if (n < MIN_POOLED) return null;
  const buf = free.take(wide, n);
  if (!buf) return null;
  if (zero) buf.fill(0);
  return buf;
}

/**
 * Forward activations no user code can reach (autograd/activation_recycling.ts): buffers allocated
 * while a built-in module's forward runs in a private scope (privateDepth > 0), outside any backward.
 */
let privateDepth = 0;
const privateBuffers = new WeakSet<Storage>();

/** Called by allocStorage for every new or pooled buffer. */
export function noteAllocated(buf: Storage): void {
  if (buf.length < MIN_POOLED) return;
  if (backwardDepth > 0) bornInBackward.add(buf);
  else if (privateDepth > 0) privateBuffers.add(buf);
}

/** Buffers allocated until the matching leavePrivate are private (see privateBuffers). */
export function enterPrivate(): void {
  privateDepth++;
}

/** Returns the depth left (0: the outermost scope ended). */
export function leavePrivate(): number {
  return --privateDepth;
}

export function isPrivate(buf: Storage): boolean {
  return privateBuffers.has(buf);
}

/** buf is (or may be) seen by code outside the scope: never recycled as an activation. */
export function markEscaped(buf: Storage): void {
  privateBuffers.delete(buf);
}

export function enterBackward(): void {
  backwardDepth++;
}

export function leaveBackward(): void {
  if (--backwardDepth === 0) bornInBackward = new WeakSet();
}

export function allocatedInBackward(buf: Storage): boolean {
  return bornInBackward.has(buf);
}

/** Gives a dead buffer back (the engine's proof of death is its responsibility). */
export function releaseBuffer(buf: Storage): void {
  free.give(buf);
  bornInBackward.delete(buf);
  privateBuffers.delete(buf);
}

/**
 * Op-private scratch (GELU's derivative, attention's probabilities, cross_entropy's exponentials:
 * Node.scratch) cycles through a pool of its own: taken in the forward, given back when the graph
 * is freed, taken again by the next step's same op. Were it handed to any allocation (the pool
 * above), a buffer that had lived through a step (so sat in V8's old space) would become some
 * forward activation's storage and die with it in old space, reclaimable only by a full
 * mark-compact, while the activation's own fresh buffer would have died young.
 */
const scratchFree = new FreeLists(8);

/** A float32 (or float64 with `wide`) scratch buffer of n elements with arbitrary contents: the caller writes every element before reading. */
export function takeScratch(wide: boolean, n: number): Storage {
  return takePooledScratch(wide, n) ?? (wide ? new Float64Array(n) : new Float32Array(n));
}

/** A free scratch buffer of n elements, or null (takeScratch then allocates one). */
export function takePooledScratch(wide: boolean, n: number): Storage | null {
  return scratchFree.take(wide, n);
}

/** Gives back a scratch buffer nothing can read any more (small ones are left to the collector). */
export function releaseScratch(buf: Storage): void {
  scratchFree.give(buf);
}

/** For tests: the number of free buffers and their bytes, and the scratch pool's buffer count. */
export function poolStats(): { buffers: number; bytes: number; scratchBuffers: number } {
  return { buffers: free.count(), bytes: free.bytes, scratchBuffers: scratchFree.count() };
}

/**
 * For tests: forgets every free buffer of both pools. The engine's suites share one loaded engine
 * per worker, so a test that plants buffers must first make room: a pool left near its byte bound
 * by earlier files would silently refuse them.
 */
export function clearPools(): void {
  free.clear();
  scratchFree.clear();
}
