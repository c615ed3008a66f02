/**
 * The instructor's gradebook: learners by exercises (every exercise of the course in course
 * order, then any exercise that has grades but is no longer in the course), with each
 * learner's total and each exercise's pass rate and average. Filtering (signed-up learners or
 * guests), search, sorting and paging happen here on the server, so the page and the API send
 * one page of rows however large the class. Also the two CSV exports: the LMS grade import (one
 * row per learner, one column per exercise, and the total) and the per-exercise summary.
 */
import { gradebookMatrix, gradebookStamp, type GradebookMatrixRow } from "../db/gradebook";
import type { GradebookCell } from "../db/submissions";
import { readLessonExercises } from "../lessons/exercises";
import { lessonSlugs, readCourseOutline, readLesson } from "../lessons/files";
import type { GradebookView } from "./gradebook-query";
import { HttpError } from "./http-error";

export interface GradebookColumn {
  /** `${lessonSlug}/${exerciseId}`, the key of a learner's cell. */
  key: string;
  lessonSlug: string;
  lessonTitle: string;
  exerciseId: string;
  title: string;
  points: number;
  /** False for an exercise with grades that the course no longer has. */
  inCourse: boolean;
  /** The lesson's current version (null for an exercise the course no longer has). */
  lessonVersion: number | null;
}

export interface GradebookExercise extends GradebookColumn {
  /** Learners (of those shown) who submitted at least once. */
  attempted: number;
  /** Learners whose best submission passed every check (with or without the solution). */
  passedBy: number;
  /** passedBy / attempted, or null when nobody submitted. */
  passRate: number | null;
  /** Learners who passed before viewing the solution (or never viewed it): clean passes. */
  passedCleanBy: number;
  /** passedCleanBy / attempted, or null when nobody submitted. */
  cleanPassRate: number | null;
  /** Mean best score of the learners who submitted, or null. */
  averageScore: number | null;
}

export interface GradebookLearner extends GradebookMatrixRow {
  /** Never signed up: an anonymous learner. */
  guest: boolean;
  /** Sum of best scores over every exercise. */
  total: number;
  /** Exercises passed. */
  passed: number;
}

export interface Gradebook {
  columns: GradebookColumn[];
  learners: GradebookLearner[];
  /** The most points a learner can have. */
  maxTotal: number;
}

/** Lessons in course order: by module as course.json lists them, then by `order`. */
function orderedLessons(): { slug: string; title: string; version: number }[] {
  const moduleIndex = new Map(readCourseOutline().modules.map((module, index) => [module.id, index]));
  return lessonSlugs()
    .map((slug) => ({ slug, frontmatter: readLesson(slug).frontmatter }))
    .sort((a, b) => (moduleIndex.get(a.frontmatter.module) ?? 99) - (moduleIndex.get(b.frontmatter.module) ?? 99) || a.frontmatter.order - b.frontmatter.order)
    .map(({ slug, frontmatter }) => ({ slug, title: frontmatter.title, version: frontmatter.version }));
}

function courseColumns(): GradebookColumn[] {
  return orderedLessons().flatMap((lesson) =>
    readLessonExercises(lesson.slug).exercises.map((exercise) => ({
      key: `${lesson.slug}/${exercise.id}`,
      lessonSlug: lesson.slug,
      lessonTitle: lesson.title,
      exerciseId: exercise.id,
      title: exercise.title,
      points: exercise.points,
      inCourse: true,
      lessonVersion: lesson.version,
    })),
  );
}

/** Columns for grades of exercises the course no longer has, so no recorded grade disappears. */
function retiredColumns(rows: GradebookMatrixRow[], known: ReadonlySet<string>): GradebookColumn[] {
  const points = new Map<string, number>();
  for (const row of rows) {
    for (const [key, cell] of Object.entries(row.cells)) if (!known.has(key)) points.set(key, Math.max(points.get(key) ?? 0, cell.maxScore ?? 0));
  }
  return [...points.keys()].sort().map((key) => {
    const [lessonSlug, exerciseId] = key.split("/");
    return { key, lessonSlug, lessonTitle: `${lessonSlug} (no longer in the course)`, exerciseId, title: exerciseId, points: points.get(key) ?? 0, inCourse: false, lessonVersion: null };
  });
}

let cached: { stamp: string; gradebook: Promise<Gradebook> } | null = null;

/**
 * The whole gradebook, rebuilt only when the database stamp says something changed: reading
 * 30,000 submissions takes seconds, and an instructor sorting, searching and paging through a
 * large class should not pay that on every click. Callers must not mutate what it returns.
 */
export async function buildGradebook(): Promise<Gradebook> {
  const stamp = await gradebookStamp();
  if (cached?.stamp !== stamp) cached = { stamp, gradebook: assembleGradebook() };
  const current = cached;
  try {
    return await current.gradebook;
  } catch (error) {
    if (cached === current) cached = null;
    throw error;
  }
}

async function assembleGradebook(): Promise<Gradebook> {
  const rows = await gradebookMatrix();
  const course = courseColumns();
  const columns = [...course, ...retiredColumns(rows, new Set(course.map((c) => c.key)))];
  const learners = rows.map((row) => {
    let total = 0;
    let passed = 0;
    for (const cell of Object.values(row.cells)) {
      total += cell.bestScore ?? 0;
      if (cell.passed) passed++;
    }
    return { ...row, guest: row.username === null, total: Math.round(total * 1000) / 1000, passed };
  });
  return { columns, learners, maxTotal: columns.reduce((sum, column) => sum + column.points, 0) };
}

export function learnerLabel(learner: Pick<GradebookMatrixRow, "userId" | "username">): string {
  return learner.username ?? `guest ${learner.userId.slice(0, 8)}`;
}

/** The learners a view shows (who and search), before sorting and paging. */
export function selectLearners(learners: GradebookLearner[], view: Pick<GradebookView, "show" | "q">): GradebookLearner[] {
  const needle = view.q.toLowerCase();
  return learners.filter((learner) => {
    if (view.show === "learners" && learner.guest) return false;
    if (view.show === "guests" && !learner.guest) return false;
    if (!needle) return true;
    return [learner.username, learner.name, learner.email, learner.guest ? learner.userId : null].some((text) => text?.toLowerCase().includes(needle));
  });
}

/** Pass rates and averages of each column over `learners`. */
export function exerciseStats(columns: GradebookColumn[], learners: GradebookLearner[]): GradebookExercise[] {
  return columns.map((column) => {
    const cells = learners.map((learner) => learner.cells[column.key]).filter((cell): cell is GradebookCell => cell !== undefined && cell.lastSubmissionAt !== null);
    const passedBy = cells.filter((cell) => cell.passed).length;
    const passedCleanBy = cells.filter((cell) => cell.passed && !cell.passedAfterSolution).length;
    const rate = (count: number) => (cells.length === 0 ? null : count / cells.length);
    return {
      ...column,
      attempted: cells.length,
      passedBy,
      passRate: rate(passedBy),
      passedCleanBy,
      cleanPassRate: rate(passedCleanBy),
      averageScore: cells.length === 0 ? null : cells.reduce((sum, cell) => sum + (cell.bestScore ?? 0), 0) / cells.length,
    };
  });
}

/** The comparison a sort key stands for; 400 for an exercise the gradebook has no column for. */
function comparator(gradebook: Gradebook, sort: string): (a: GradebookLearner, b: GradebookLearner) => number {
  if (sort === "total") return (a, b) => a.total - b.total;
  if (sort === "passed") return (a, b) => a.passed - b.passed;
  if (sort.startsWith("exercise:")) {
    const key = sort.slice("exercise:".length);
    if (!gradebook.columns.some((column) => column.key === key)) throw new HttpError(400, `Invalid query: sort: the gradebook has no exercise "${key}"`);
    // Never attempted sorts below a score of 0 (an attempt that scored nothing).
    return (a, b) => (a.cells[key]?.bestScore ?? -1) - (b.cells[key]?.bestScore ?? -1);
  }
  return () => 0;
}

const byLabel = (a: GradebookLearner, b: GradebookLearner) => (a.guest === b.guest ? learnerLabel(a).localeCompare(learnerLabel(b)) : a.guest ? 1 : -1);

/** Sorted by the view's column and direction; ties (and "learner") by name, guests after accounts. */
export function sortLearners(gradebook: Gradebook, learners: GradebookLearner[], view: Pick<GradebookView, "sort" | "dir">): GradebookLearner[] {
  const compare = comparator(gradebook, view.sort);
  const sign = view.dir === "desc" ? -1 : 1;
  return [...learners].sort((a, b) => sign * compare(a, b) || byLabel(a, b));
}

export interface GradebookPage {
  /** Every column, with stats over all the learners the view selects (not only this page). */
  exercises: GradebookExercise[];
  learners: GradebookLearner[];
  /** Learners the view selects, over all pages. */
  matched: number;
  page: number;
  pageCount: number;
  pageSize: number;
  maxTotal: number;
}

/** One page of the view; a page past the end is the last page. */
export function gradebookPage(gradebook: Gradebook, view: GradebookView): GradebookPage {
  const selected = sortLearners(gradebook, selectLearners(gradebook.learners, view), view);
  const pageCount = Math.max(1, Math.ceil(selected.length / view.pageSize));
  const page = Math.min(view.page, pageCount);
  return {
    exercises: exerciseStats(gradebook.columns, selected),
    learners: selected.slice((page - 1) * view.pageSize, page * view.pageSize),
    matched: selected.length,
    page,
    pageCount,
    pageSize: view.pageSize,
    maxTotal: gradebook.maxTotal,
  };
}

/** RFC 4180 quoting; a leading =, +, - or @ is defused so spreadsheets do not run it as a formula. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: (string | number | boolean | null)[]) => fields.map(csvField).join(",");

/**
 * The grade import an LMS takes: one header row, then one row per learner with one column per
 * exercise (its best score, empty when never submitted) and the total. Each exercise column is
 * named `<lesson>/<exercise> (<points> pt)` so the points possible travel with it.
 */
export function gradebookCsv(columns: GradebookColumn[], learners: GradebookLearner[]): string {
  const maxTotal = columns.reduce((sum, column) => sum + column.points, 0);
  const lines = [csvLine(["username", "name", "email", "user_id", ...columns.map((c) => `${c.key} (${c.points} pt)`), `total (${maxTotal} pt)`])];
  for (const learner of learners) {
    lines.push(csvLine([learner.username, learner.name, learner.email, learner.userId, ...columns.map((c) => learner.cells[c.key]?.bestScore ?? null), learner.total]));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One row per exercise: how many learners submitted and passed, the pass rates (clean passes
 * are those made before viewing the solution) and the average best score.
 */
export function exerciseSummaryCsv(exercises: GradebookExercise[]): string {
  const rate = (value: number | null) => (value === null ? null : value.toFixed(3));
  const header = ["lesson", "exercise", "title", "max_score", "learners_attempted", "learners_passed", "pass_rate", "learners_passed_clean", "clean_pass_rate", "average_score", "in_course"];
  const lines = [csvLine(header)];
  for (const e of exercises) {
    lines.push(csvLine([e.lessonSlug, e.exerciseId, e.title, e.points, e.attempted, e.passedBy, rate(e.passRate), e.passedCleanBy, rate(e.cleanPassRate), rate(e.averageScore), e.inCourse]));
  }
  return `${lines.join("\n")}\n`;
}
