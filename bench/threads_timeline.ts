/**
 * A ThreadSpawner for benches that makes each pool thread stamp its jobs: the thread's source text
 * (threads.ts THREAD_SOURCE) is rewritten at three places (the job's claim, each chunk taken, the
 * hand-back), so the engine itself carries no timing code. Stamps are absolute times in ms
 * (performance.timeOrigin + now(), comparable across threads) in a shared Float64Array per thread.
 */
import type { ThreadInit, ThreadSpawner } from "../lib/tensor/kernels/parallel";

/** What one pool thread recorded for its last job: claim and hand-back times (ms), units (panels or slices) it computed, the job's total. */
export interface JobStamps {
  claimed: number;
  done: number;
  units: number;
  total: number;
}

const STAMP = "performance.timeOrigin+performance.now()";

/** Inserts `text` before (or after) the last match of `re` in `source`; throws if the thread body no longer matches. */
function insertAt(source: string, re: RegExp, text: string, after: boolean): string {
  const matches = [...source.matchAll(new RegExp(re.source, "g"))];
  if (matches.length === 0) throw new Error(`threads_timeline: the pool thread's source no longer matches ${re}; update the anchors`);
  const hit = matches[matches.length - 1];
  const at = hit.index! + (after ? hit[0].length : 0);
  return source.slice(0, at) + text + source.slice(at);
}

/** The thread source with stamps into __tl (a Float64Array the init message carries as `timeline`). */
export function instrumentThreadSource(source: string): string {
  let s = insertAt(source, /function\s+gemmThread\s*\(\s*init\s*\)\s*\{/, `const __tl=new Float64Array(("data"in init?init.data:init).timeline);`, true);
  // The claim: right after the job's mode word is read (the compareExchange POSTED -> RUNNING succeeded).
  s = insertAt(s, /const\s+mode\s*=\s*words\[\s*base\s*\+\s*2\s*\]\s*;/, `__tl[0]=${STAMP};__tl[2]=0;__tl[3]=words[base+13];`, true);
  // Each chunk taken from the shared counter.
  s = insertAt(s, /if\s*\(\s*Atomics\.compareExchange\(\s*words\s*,\s*19\s*,\s*lo\s*,\s*lo\s*\+\s*n\s*\)\s*!==\s*lo\s*\)\s*continue\s*;/, "__tl[2]+=n;", true);
  // The hand-back: the last STATE = IDLE store (the first is the failure path's).
  s = insertAt(s, /Atomics\.store\(\s*words\s*,\s*base\s*\+\s*1\s*,\s*0\s*\)/, `__tl[1]=${STAMP};`, false);
  return s;
}

/** Wraps `spawn`: every thread runs the instrumented source; `of(t)` reads thread t's stamps. */
export function timelineSpawner(spawn: ThreadSpawner): { spawn: ThreadSpawner; of(t: number): JobStamps } {
  const buffers = new Map<number, Float64Array>();
  return {
    spawn(source, init) {
      const timeline = new SharedArrayBuffer(4 * 8);
      buffers.set(init.index, new Float64Array(timeline));
      return spawn(instrumentThreadSource(source), { ...init, timeline } as ThreadInit);
    },
    of(t) {
      const b = buffers.get(t);
      if (!b) throw new Error(`threads_timeline: no thread ${t}`);
      return { claimed: b[0], done: b[1], units: b[2], total: b[3] };
    },
  };
}
