import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take minutes (the adversarial shards, whole-lesson and training runs) start
 * first, so the other workers' short files fill in around them instead of one long file running
 * alone at the end. Vitest would order a fresh clone (no timing cache, as in CI) by file size.
 */
const SLOW = [/adversarial-\d+\.test\.ts$/, /mnist-cnn\.test\.ts$/, /lessons-check.*\.test\.ts$/, /exercise-routes\.test\.ts$/];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW.findIndex((pattern) => pattern.test(file.moduleId));
      return index === -1 ? SLOW.length : index;
    };
    return sorted.map((file, order) => ({ file, order })).sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order).map(({ file }) => file);
  }
}
