import { rewriteCell } from "../kernel/rewrite/rewrite-cell";

const cache = new Map<string, readonly string[]>();

/**
 * The names an exercise grades: the top-level names its starter declares (`leaky_relu`,
 * `heads`, ...). Checks read these from the learner's code and nothing else of it, so a
 * learner's own `Math`, `expect` or copy of a dependency helper is invisible to them. A
 * starter that does not parse falls back to the reference solution's names.
 */
export function gradedNames(exercise: { starter: string; solution: string | null }): readonly string[] {
  const key = `${exercise.starter}\u0000${exercise.solution ?? ""}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let names: readonly string[] = [];
  for (const code of [exercise.starter, exercise.solution]) {
    if (code === null) continue;
    try {
      names = Object.freeze(rewriteCell(code, { sourceName: "starter.ts", interruptChecks: false }).declaredNames);
      break;
    } catch {
      // try the next source
    }
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, names);
  return names;
}

/** The top-level names the cells an exercise depends on declare, in lesson order. */
export function dependencyNames(cells: readonly { code: string }[]): string[] {
  const names: string[] = [];
  for (const cell of cells) {
    try {
      for (const name of rewriteCell(cell.code, { sourceName: "cell.ts", interruptChecks: false }).declaredNames) if (!names.includes(name)) names.push(name);
    } catch {
      // a cell that does not parse declares nothing; lessons:check reports it
    }
  }
  return names;
}
