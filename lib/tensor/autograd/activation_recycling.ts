/**
 * Forward activations back to the buffer pool once the backward pass that frees their graph is
 * done with them, so a training step's large intermediates (a transformer block's projections,
 * GELU inputs and outputs, layer norms) are not allocated afresh, page-faulted and collected every
 * step (a fresh 1 MB Float32Array costs several times a pooled one, and ones that die after
 * surviving a scavenge wait for a full mark-compact).
 *
 * Which buffers: only "private" ones (buffer_pool.ts isPrivate), allocated while a built-in
 * module's forward runs in a private scope (withPrivateActivations), where no user code, hook or
 * user-defined submodule can see a tensor, and not the scope's result (markEscaped). So the only
 * references left after the forward are the autograd graph's.
 *
 * When: a node reads in its backward only the tensors it lists as saved (the contract the version
 * check already relies on: a read that is not listed would miss an in-place change), its own
 * private scratch (Node.scratch) and buffers no node produced. So a private buffer that some
 * recorded op produced (owned) is dead once every node that saved a tensor over it has been
 * released by a plain backward (no retain_graph, create_graph or autograd.grad capture, no hook):
 * each such node counts as a hold, released nodes drop theirs, and the buffer is recycled when it
 * is seen in the backward with no hold and no pending gradient on it. A buffer no recorded op
 * produced (an op's private mask or copy, a module's cache) is never recycled.
 */
import { enterPrivate, isPrivate, leavePrivate, markEscaped, releaseBuffer } from "../buffer_pool";
import type { Storage } from "../dtype";
import type { Tensor } from "../tensor";

/** Private buffers some recorded op produced as its output. */
const owned = new WeakSet<Storage>();
/** Unreleased nodes that saved a tensor over each private buffer. */
const holds = new WeakMap<Storage, number>();

/**
 * Called for each new node: registers its output as owned and counts a hold on each private
 * buffer its saved tensors cover. Returns the held buffers (the node gives them back on release).
 */
export function registerNode(saved: readonly Tensor[], out: Tensor | null): Storage[] | null {
  if (out && out._base === null && isPrivate(out._data)) owned.add(out._data);
  let held: Storage[] | null = null;
  for (const t of saved) {
    const buf = t._data;
    if (!isPrivate(buf) || held?.includes(buf)) continue;
    holds.set(buf, (holds.get(buf) ?? 0) + 1);
    (held ??= []).push(buf);
  }
  return held;
}

/** A released node's holds (its closure can never run again). */
export function dropHolds(held: readonly Storage[]): void {
  for (const buf of held) holds.set(buf, (holds.get(buf) ?? 1) - 1);
}

/**
 * After a plain backward released a node (and dropped its holds), for its output's buffer and each
 * buffer it held: recycles buf if it is private, owned, held by no unreleased node and not a
 * pending gradient's storage (`inUse`: a formula may pass a saved tensor on as a gradient).
 */
export function recycleIfDead(buf: Storage, inUse: (buf: Storage) => boolean): void {
  if (!isPrivate(buf) || !owned.has(buf) || (holds.get(buf) ?? 0) > 0 || inUse(buf)) return;
  owned.delete(buf);
  holds.delete(buf);
  releaseBuffer(buf); // also ends its private mark: a buffer is recycled once
  recycled++;
}

let recycled = 0;

/** For tests: how many activation buffers have gone back to the pool so far. */
export function recycledActivations(): number {
  return recycled;
}

/**
 * Runs a built-in module's forward with its large allocations private (the caller checks that no
 * user code can run inside: no hooks, only built-in submodules). The result (and any buffer it
 * views) escapes to the caller, unless the caller is itself a private forward (a layer of an
 * encoder stack): then it escapes when the outermost one returns.
 */
export function withPrivateActivations(forward: () => Tensor): Tensor {
  let outermost = false;
  enterPrivate();
  let result: Tensor;
  try {
    result = forward();
  } finally {
    outermost = leavePrivate() === 0;
  }
  if (outermost) markEscaped(result._data);
  return result;
}
