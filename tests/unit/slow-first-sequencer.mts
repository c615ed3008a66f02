import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take minutes (the adversarial shards, whole-lesson and training runs) start
 * first, so the other workers' short files fill in around them instead of one long file running
 * alone at the end. Vitest would order a fresh clone (no timing cache, as in CI) by file size.
 */
const SLOW = [/adversarial-\d+\.test\.ts$/, /mnist-cnn\.test\.ts$/, /lessons-check.*\.test\.ts$/, /exercise-routes\.test\.ts$/];

/** Fisher-Yates with a small seeded generator (mulberry32): the same seed gives the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // `vitest run --sequence.seed=N` runs each project's files in a random order from that seed
    // instead (a custom sequencer makes vitest ignore --sequence.shuffle.files): the engine's files
    // share one module graph per worker, and two seeds show that none depends on what ran before
    // it. Projects stay in one block each, as vitest orders them: a worker is reused only for the
    // next file of its own project.
    const seed = this.ctx.config.sequence.seed;
    if (seed !== undefined) {
      const projects = [...new Set(sorted.map((file) => file.project.name))];
      return projects.flatMap((name) => shuffled(sorted.filter((file) => file.project.name === name), seed));
    }
    const rank = (file: TestSpecification) => {
      const index = SLOW.findIndex((pattern) => pattern.test(file.moduleId));
      return index === -1 ? SLOW.length : index;
    };
    return sorted.map((file, order) => ({ file, order })).sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order).map(({ file }) => file);
  }
}
