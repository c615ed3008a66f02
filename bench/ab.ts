/**
 * What the bench's A/B scripts (bench/*_ab.ts) share. This machine's speed drifts by about ±12 %
 * from run to run, so a change is measured against the code it replaces in one process: a flag
 * switches between the two, rounds alternate them (the order swapped every round, so drift and
 * other programs' load fall on both alike), and the medians of CPU and wall time per call are
 * compared, with the median of the per-round ratios.
 */
import { execSync } from "node:child_process";
import { gptStep } from "./gpt";

/** This process's CPU time so far (user + system), in ms. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];

/** The machine's load, printed before and after a run. */
export const uptime = (): string => execSync("uptime").toString().trim();

/** Per-call times of each round, in ms: index 0 with the flag off (the old code), 1 with it on. */
export interface AbTimes {
  cpu: [number[], number[]];
  wall: [number[], number[]];
}

/** `rounds` rounds, each running `per` calls of `run` with the flag off and `per` with it on. */
export function alternate(rounds: number, per: number, switchTo: (on: boolean) => void, run: () => void): AbTimes {
  const times: AbTimes = { cpu: [[], []], wall: [[], []] };
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 ? [0, 1] : [1, 0]) {
      switchTo(v === 1);
      const c0 = cpuMs(), t0 = performance.now();
      for (let i = 0; i < per; i++) run();
      times.cpu[v].push((cpuMs() - c0) / per);
      times.wall[v].push((performance.now() - t0) / per);
    }
  }
  return times;
}

/** The median of the per-round ratios on / off. */
const ratio = (t: [number[], number[]]) => median(t[1].map((x, i) => x / t[0][i]));

/** "old CPU a wall b ms; new CPU c wall d ms; per round CPU x.. wall x..". */
export function abLine(names: [string, string], t: AbTimes, digits = 2): string {
  const side = (v: 0 | 1) => `${names[v]} CPU ${median(t.cpu[v]).toFixed(digits)} wall ${median(t.wall[v]).toFixed(digits)} ms`;
  return `${side(0)}; ${side(1)}; per round CPU x${ratio(t.cpu).toFixed(digits + 1)} wall x${ratio(t.wall).toFixed(digits + 1)}`;
}

/** "what: old CPU a ms, new b ms, per round x..", for a part timed alone. */
export function abCpuLine(what: string, names: [string, string], t: AbTimes): string {
  return `${what}: ${names[0]} CPU ${median(t.cpu[0]).toFixed(3)} ms, ${names[1]} ${median(t.cpu[1]).toFixed(3)} ms, per round x${ratio(t.cpu).toFixed(3)}`;
}

/**
 * The GPT step's first `steps` losses from the same seed with the flag off, then on, printed with
 * whether they are bit-equal (a change that keeps the arithmetic must keep the bits).
 */
export function gptLossesBothWays(switchTo: (on: boolean) => void, names: [string, string], steps = 6): number[][] {
  const losses = [false, true].map((on) => {
    switchTo(on);
    const step = gptStep();
    return Array.from({ length: steps }, () => step());
  });
  const width = Math.max(names[0].length, names[1].length);
  console.log(`losses ${names[0].padEnd(width)} ${losses[0].join(" ")}\nlosses ${names[1].padEnd(width)} ${losses[1].join(" ")}`);
  console.log(`bit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
  return losses;
}

/** The GPT step (bench/gpt.ts) timed with the flag off and on, alternated after 5 warm-up steps; prints the load and the line. */
export function gptStepAb(switchTo: (on: boolean) => void, names: [string, string], rounds: number, per = 3): AbTimes {
  const step = gptStep();
  for (let i = 0; i < 5; i++) step();
  console.log(uptime());
  const times = alternate(rounds, per, switchTo, step);
  console.log(abLine(names, times));
  return times;
}
