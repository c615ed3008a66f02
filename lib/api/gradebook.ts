/**
 * The instructor's gradebook: learners by exercises (every exercise of the course, in course
 * order), with best score, attempts, hints used, solution viewed and last submission, plus
 * the pass rate of each exercise. A pass made after viewing the solution is shown as such and
 * counted apart from clean passes. Also its CSV form.
 */
import { gradebookRows, type GradebookCell, type GradebookLearner } from "../db/submissions";
import { readLessonExercises } from "../lessons/exercises";
import { lessonSlugs, readCourseOutline, readLesson } from "../lessons/files";

export interface GradebookExercise {
  /** `${lessonSlug}/${exerciseId}`, the key of a learner's cell. */
  key: string;
  lessonSlug: string;
  lessonTitle: string;
  exerciseId: string;
  title: string;
  points: number;
  /** Learners who submitted at least once. */
  attempted: number;
  /** Learners whose best submission passed every check (with or without the solution). */
  passedBy: number;
  /** passedBy / attempted, or null when nobody submitted. */
  passRate: number | null;
  /** Learners who passed before viewing the solution (or never viewed it): clean passes. */
  passedCleanBy: number;
  /** passedCleanBy / attempted, or null when nobody submitted. */
  cleanPassRate: number | null;
}

export interface Gradebook {
  exercises: GradebookExercise[];
  learners: GradebookLearner[];
}

/** Lessons in course order: by module as course.json lists them, then by `order`. */
function orderedLessons(): { slug: string; title: string }[] {
  const moduleIndex = new Map(readCourseOutline().modules.map((module, index) => [module.id, index]));
  return lessonSlugs()
    .map((slug) => ({ slug, frontmatter: readLesson(slug).frontmatter }))
    .sort((a, b) => (moduleIndex.get(a.frontmatter.module) ?? 99) - (moduleIndex.get(b.frontmatter.module) ?? 99) || a.frontmatter.order - b.frontmatter.order)
    .map(({ slug, frontmatter }) => ({ slug, title: frontmatter.title }));
}

export async function buildGradebook(): Promise<Gradebook> {
  const learners = await gradebookRows();
  const exercises: GradebookExercise[] = [];
  for (const lesson of orderedLessons()) {
    for (const exercise of readLessonExercises(lesson.slug).exercises) {
      const key = `${lesson.slug}/${exercise.id}`;
      const cells = learners.map((learner) => learner.cells[key]).filter((cell): cell is GradebookCell => cell !== undefined && cell.lastSubmissionAt !== null);
      const passedBy = cells.filter((cell) => cell.passed).length;
      const passedCleanBy = cells.filter((cell) => cell.passed && !cell.passedAfterSolution).length;
      exercises.push({
        key,
        lessonSlug: lesson.slug,
        lessonTitle: lesson.title,
        exerciseId: exercise.id,
        title: exercise.title,
        points: exercise.points,
        attempted: cells.length,
        passedBy,
        passRate: cells.length === 0 ? null : passedBy / cells.length,
        passedCleanBy,
        cleanPassRate: cells.length === 0 ? null : passedCleanBy / cells.length,
      });
    }
  }
  return { exercises, learners };
}

export function learnerLabel(learner: Pick<GradebookLearner, "userId" | "username">): string {
  return learner.username ?? `anonymous ${learner.userId.slice(0, 8)}`;
}

/** RFC 4180 quoting; a leading =, +, - or @ is defused so spreadsheets do not run it as a formula. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per learner and exercise they touched, then one pass-rate row per exercise.
 * `passed_after_solution` is true for a pass whose first passing submission came after the
 * solution was viewed; `passed` stays true for it, so filtering on `passed` keeps every pass.
 */
export function gradebookCsv(gradebook: Gradebook): string {
  const header = [
    "learner",
    "user_id",
    "lesson",
    "exercise",
    "best_score",
    "max_score",
    "passed",
    "passed_after_solution",
    "attempts",
    "hints_used",
    "solution_viewed",
    "solution_viewed_at",
    "last_submission",
    "last_status",
  ];
  const lines = [header.join(",")];
  for (const learner of gradebook.learners) {
    for (const exercise of gradebook.exercises) {
      const cell = learner.cells[exercise.key];
      if (!cell) continue;
      lines.push(
        [
          learnerLabel(learner),
          learner.userId,
          exercise.lessonSlug,
          exercise.exerciseId,
          cell.bestScore,
          exercise.points,
          cell.passed,
          cell.passedAfterSolution,
          cell.attempts,
          cell.hintsUsed,
          cell.solutionViewed,
          cell.solutionViewedAt,
          cell.lastSubmissionAt,
          cell.lastStatus,
        ]
          .map(csvField)
          .join(","),
      );
    }
  }
  lines.push("");
  lines.push(["lesson", "exercise", "learners_attempted", "learners_passed", "pass_rate", "learners_passed_clean", "clean_pass_rate"].join(","));
  const rate = (value: number | null) => (value === null ? null : value.toFixed(3));
  for (const exercise of gradebook.exercises) {
    lines.push([exercise.lessonSlug, exercise.exerciseId, exercise.attempted, exercise.passedBy, rate(exercise.passRate), exercise.passedCleanBy, rate(exercise.cleanPassRate)].map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}
