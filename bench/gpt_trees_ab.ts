/**
 * A/B of the GPT step (bench/gpt.ts) between two copies of the engine, for a change that has no
 * switch to flip (kernels built differently, say): both engines are loaded side by side in one
 * process (separate modules, kernels, memories and pools), the 6 losses of each from the same seed
 * are compared, and rounds alternate between the two steps (the order swapped every round),
 * medians of CPU and wall time per step, load before and after. Each copy is a checkout, e.g.
 *
 *   mkdir /tmp/old && git archive <commit> lib bench | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_trees_ab.ts /tmp/old . [rounds]
 *
 * The engine loaded second ran ~2 % faster in an A/A run here (two copies of one tree), so run
 * both orders (old new, then new old) and an A/A, and read the change off all three.
 */
import { resolve } from "node:path";
import { abLine, alternate, uptime } from "./ab";

async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2, 4);
  if (!a || !b) throw new Error("usage: bench/gpt_trees_ab.ts <first engine's directory (lib/, bench/)> <second's> [rounds]");
  const rounds = Number(process.argv[4] ?? 40);
  const makers: (() => () => number)[] = [];
  for (const dir of [a, b]) makers.push(((await import(resolve(dir, "bench/gpt.ts"))) as typeof import("./gpt")).gptStep);
  const losses = makers.map((make) => {
    const step = make();
    return Array.from({ length: 6 }, () => step());
  });
  console.log(`losses ${a}: ${losses[0].join(" ")}\nlosses ${b}: ${losses[1].join(" ")}`);
  console.log(`bit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
  const steps = makers.map((make) => make());
  for (const step of steps) for (let i = 0; i < 5; i++) step();
  let current = steps[0];
  console.log(uptime());
  const times = alternate(rounds, 3, (on) => (current = steps[on ? 1 : 0]), () => current());
  console.log(abLine([`${a}:`, `${b}:`], times));
  console.log(uptime());
}

void main();
