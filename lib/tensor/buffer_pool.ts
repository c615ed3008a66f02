/**
 * A bounded pool of large storage buffers, so a training loop does not allocate (and the browser
 * zero-fill and page in) a fresh multi-hundred-kilobyte array for the same gradient every step.
 *
 * Only the autograd engine gives buffers back, and only ones it can prove dead (engine.ts
 * releaseIfDead): gradients it allocated during the backward pass in progress, seen once, never
 * shown to a hook, user code or the caller. Everything else is left to the garbage collector. A
 * buffer handed out again is zero-filled, as allocStorage promises.
 */
import type { Storage } from "./dtype";

/** Smaller arrays are cheap to allocate: not pooled (64 KB of float32). */
export const MIN_POOLED = 16384;
/** At most this many free buffers of one length and kind, and this many bytes in all. */
const MAX_PER_SIZE = 4;
const MAX_BYTES = 32 * 1024 * 1024;

const free = new Map<number, Storage[]>();
let freeBytes = 0;

/** Buffers allocated while a backward pass runs (depth > 0): the only ones the engine may release. */
let backwardDepth = 0;
let bornInBackward = new WeakSet<Storage>();

/** Free lists keyed by length, float64 ones on negative keys. */
const keyOf = (wide: boolean, n: number) => (wide ? -n : n);

/**
 * A zero-filled pooled buffer of n elements, or null (the caller allocates). With zero false the
 * old contents stay: only for callers that overwrite every element.
 */
export function takePooled(wide: boolean, n: number, zero = true): Storage | null {
  if (n < MIN_POOLED) return null;
  const list = free.get(keyOf(wide, n));
  const buf = list?.pop();
  if (!buf) return null;
  freeBytes -= buf.byteLength;
  if (zero) buf.fill(0);
  return buf;
}

/** Called by allocStorage for every new or pooled buffer. */
export function noteAllocated(buf: Storage): void {
  if (backwardDepth > 0 && buf.length >= MIN_POOLED) bornInBackward.add(buf);
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
  if (buf.length < MIN_POOLED || freeBytes + buf.byteLength > MAX_BYTES) return;
  const key = keyOf(buf instanceof Float64Array, buf.length);
  let list = free.get(key);
  if (!list) free.set(key, (list = []));
  if (list.length >= MAX_PER_SIZE || list.includes(buf)) return;
  list.push(buf);
  freeBytes += buf.byteLength;
  bornInBackward.delete(buf);
}

/** For tests: the number of free buffers and their bytes. */
export function poolStats(): { buffers: number; bytes: number } {
  let buffers = 0;
  for (const l of free.values()) buffers += l.length;
  return { buffers, bytes: freeBytes };
}
