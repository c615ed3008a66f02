/**
 * A stand-in pool thread for the thread pool's chooser tests: it claims each job, computes none of
 * it, and holds it `holdMs` before saying done, as a thread descheduled by other programs would.
 * It never says it is polling, so it sleeps in Atomics.wait between jobs. With `countAt`, it adds 1
 * to that control word for every job it claims. Source text: a worker runs it alone, so the
 * control layout goes in as literals.
 */
import { CONTROL } from "../../../../lib/tensor/kernels/wasm/threads";

export function holdingThreadSource(holdMs: number, countAt: number | null = null): string {
  const { WORDS, SEQ, STATE, ACC, READY } = CONTROL;
  return `const gemmThread = (init) => {
    const words = new Int32Array(init.control);
    const base = init.index * ${WORDS};
    Atomics.store(words, base + ${READY}, 1);
    let seen = 0;
    for (;;) {
      Atomics.wait(words, base + ${SEQ}, seen);
      seen = Atomics.load(words, base + ${SEQ});
      if (Atomics.compareExchange(words, base + ${STATE}, 1, 2) !== 1) continue;
      if (words[base + ${ACC}] < 0) return;
      ${countAt === null ? "" : `Atomics.add(words, ${countAt}, 1);`}
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs});
      Atomics.store(words, base + ${STATE}, 0);
      Atomics.notify(words, base + ${STATE});
    }
  };\n`;
}
