import { compile } from "@mdx-js/mdx";
import matter from "gray-matter";
import { visit } from "unist-util-visit";
import { collectCells, type LessonCell } from "../../lib/lessons/cells";
import { rehypePlugins, remarkPlugins } from "../../lib/lessons/compile";
import { EXERCISE_ELEMENT, isJsxElement, parseExerciseNode, parseLessonTree, type LessonExercise } from "../../lib/lessons/exercises";
import { lessonFrontmatterSchema, type CourseOutline, type LessonFrontmatter } from "../../lib/lessons/frontmatter";
import type { LessonProblem } from "./problems";
import { checkVersions } from "./version-checks";
import { checkVideos } from "./video-checks";

/** A lesson file read for validation: its parts, and what was wrong before anything ran. */
export interface ParsedLesson {
  file: string;
  frontmatter: LessonFrontmatter | null;
  /** Lines before the MDX body (the frontmatter), added to body lines to get file lines. */
  bodyLineOffset: number;
  cells: LessonCell[];
  /** The exercises that parsed; a malformed one is a problem instead. */
  exercises: LessonExercise[];
  compiled: boolean;
  problems: LessonProblem[];
}

/** The exercise parser counts lines from the start of the MDX body: say file lines instead. */
function toFileLines(message: string, offset: number): string {
  return message.replace(/\bline (\d+)/g, (_match, n: string) => `line ${Number(n) + offset}`);
}

/** The 1-based file line where a frontmatter key is written, or 1 when it is missing. */
function frontmatterKeyLine(raw: string, key: string | undefined): number {
  if (!key) return 1;
  const index = raw.split("\n").findIndex((line) => line.startsWith(`${key}:`));
  return index === -1 ? 1 : index + 1;
}

function bodyOffsetOf(raw: string, body: string): number {
  const bodyStart = raw.indexOf(body);
  return bodyStart > 0 ? raw.slice(0, bodyStart).split("\n").length - 1 : 0;
}

function checkFrontmatter(file: string, raw: string, data: unknown, outline: CourseOutline): { frontmatter: LessonFrontmatter | null; problems: LessonProblem[] } {
  const result = lessonFrontmatterSchema.safeParse(data);
  if (!result.success) {
    return {
      frontmatter: null,
      problems: result.error.issues.map((issue) => {
        const key = issue.path.length ? String(issue.path[0]) : undefined;
        return { file, line: frontmatterKeyLine(raw, key), message: `frontmatter ${key ?? "(root)"}: ${issue.message}` };
      }),
    };
  }
  const known = outline.modules.map((m) => m.id);
  const problems = known.includes(result.data.module)
    ? []
    : [{ file, line: frontmatterKeyLine(raw, "module"), message: `frontmatter module: "${result.data.module}" is not a module of lessons/course.json (${known.join(", ")})` }];
  return { frontmatter: result.data, problems };
}

/** The MDX compiles with the plugins the lesson page uses (lib/lessons/compile.tsx). */
async function checkCompiles(file: string, body: string, offset: number): Promise<LessonProblem[]> {
  try {
    await compile(body, { remarkPlugins, rehypePlugins, development: false });
    return [];
  } catch (error) {
    const place = error as { line?: number; place?: { line?: number; start?: { line?: number } }; reason?: string; message?: string };
    const text = place.reason ?? place.message ?? String(error);
    // The message ends with the place in body coordinates, "(4:1-4:43)": the most precise
    // source of the line (the error's own `line` can point at where parsing gave up).
    const stated = /\((\d+):\d+(?:-\d+:\d+)?\)$/.exec(text);
    const line = stated ? Number(stated[1]) : (place.place?.start?.line ?? place.place?.line ?? place.line ?? 1);
    const reason = stated ? text.slice(0, stated.index).trimEnd() : text;
    return [{ file, line: offset + line, message: `MDX does not compile: ${reason}` }];
  }
}

/** Cells and exercises share one id space: both are addressed by id on the page and in saved work. */
function checkIds(file: string, offset: number, items: { id: string; line: number; kind: string }[]): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const seen = new Map<string, number>();
  for (const item of [...items].sort((a, b) => a.line - b.line)) {
    const first = seen.get(item.id);
    if (first !== undefined) {
      problems.push({ file, line: offset + item.line, message: `duplicate id "${item.id}" (${item.kind}); first used at line ${offset + first}` });
    } else {
      seen.set(item.id, item.line);
    }
  }
  return problems;
}

/** What the course asks of every exercise beyond what the grader needs to run it. */
function checkExerciseCompleteness(file: string, offset: number, exercise: LessonExercise): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const at = (message: string) => problems.push({ file, line: offset + exercise.line, message: `exercise "${exercise.id}": ${message}` });
  if (exercise.solution === null) at("has no ```ts solution block, so nothing proves its checks can be passed");
  if (!exercise.checks.some((check) => !check.hidden)) at("has no visible ```ts check block: learners get no feedback before they submit");
  return problems;
}

/**
 * Everything that can be checked without running code: frontmatter, the outline, that the
 * MDX compiles, ids, and each exercise's parts (with the parser the grader uses).
 */
export async function readAndCheckLesson(file: string, raw: string, outline: CourseOutline): Promise<ParsedLesson> {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(raw);
  } catch (error) {
    return { file, frontmatter: null, bodyLineOffset: 0, cells: [], exercises: [], compiled: false, problems: [{ file, line: 1, message: `frontmatter is not valid YAML: ${(error as Error).message}` }] };
  }
  const offset = bodyOffsetOf(raw, parsed.content);
  const { frontmatter, problems } = checkFrontmatter(file, raw, parsed.data, outline);
  let tree: ReturnType<typeof parseLessonTree>;
  try {
    tree = parseLessonTree(parsed.content);
  } catch {
    // The compiler says the same thing, with the place.
    problems.push(...(await checkCompiles(file, parsed.content, offset)));
    return { file, frontmatter, bodyLineOffset: offset, cells: [], exercises: [], compiled: false, problems };
  }
  const cells = collectCells(tree);
  const exercises: LessonExercise[] = [];
  const exerciseIds: { id: string; line: number; kind: string }[] = [];
  let malformedExercises = 0;
  visit(tree, (node) => {
    if (!isJsxElement(node, EXERCISE_ELEMENT)) return;
    const line = node.position?.start.line ?? 1;
    try {
      const exercise = parseExerciseNode(node, cells);
      exercises.push(exercise);
      exerciseIds.push({ id: exercise.id, line, kind: "exercise" });
      problems.push(...checkExerciseCompleteness(file, offset, exercise));
    } catch (error) {
      malformedExercises++;
      problems.push({ file, line: offset + line, message: toFileLines((error as Error).message, offset) });
    }
  });
  problems.push(...checkVideos(file, offset, tree));
  if (frontmatter) problems.push(...checkVersions(file, offset, frontmatter, cells));
  problems.push(...checkIds(file, offset, [...cells.map((c) => ({ id: c.id, line: c.line, kind: "cell" })), ...exerciseIds]));
  // A malformed exercise also stops the compiler (its remark plugin parses exercises the same
  // way), which would only repeat the message above without its line.
  const compileProblems = malformedExercises > 0 ? [] : await checkCompiles(file, parsed.content, offset);
  problems.push(...compileProblems);
  return { file, frontmatter, bodyLineOffset: offset, cells, exercises, compiled: compileProblems.length === 0, problems };
}
