import matter from "gray-matter";
import type { Root } from "mdast";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { collectCells, type LessonCell } from "../cells";
import { remarkCells } from "../remark-cells";
import { lessonFrontmatterSchema, type CourseOutline, type LessonFrontmatter } from "../frontmatter";
import { collectExercises, type LessonExercise } from "./exercises";
import type { LessonProblem } from "./problems";

/** A lesson file read for validation: its parts, and what was wrong before anything ran. */
export interface ParsedLesson {
  file: string;
  frontmatter: LessonFrontmatter | null;
  /** Lines before the MDX body (the frontmatter), added to body lines to get file lines. */
  bodyLineOffset: number;
  cells: LessonCell[];
  exercises: LessonExercise[];
  compiled: boolean;
  problems: LessonProblem[];
}

/**
 * The plugins the lesson page compiles with (lib/lessons/compile.tsx). Listed here rather than
 * imported because compile.tsx imports @mdx-js/mdx statically, which a CommonJS-transpiled
 * script (tsx, as `npm run lessons:check` runs) cannot load; a unit test keeps the lists equal.
 */
export const validatorRemarkPlugins = [remarkGfm, remarkMath, remarkCells];
export const validatorRehypePlugins = [rehypeKatex];

/** @mdx-js/mdx is ESM-only: imported dynamically so this module also loads under CommonJS. */
const loadMdx = () => import("@mdx-js/mdx");

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

/** The MDX compiles with the same plugins the lesson page uses. */
async function checkCompiles(file: string, body: string, offset: number): Promise<LessonProblem[]> {
  try {
    const { compile } = await loadMdx();
    await compile(body, { remarkPlugins: validatorRemarkPlugins, rehypePlugins: validatorRehypePlugins, development: false });
    return [];
  } catch (error) {
    const place = error as { line?: number; place?: { line?: number; start?: { line?: number } }; reason?: string; message?: string };
    const line = place.line ?? place.place?.line ?? place.place?.start?.line ?? 1;
    return [{ file, line: offset + line, message: `MDX does not compile: ${place.reason ?? place.message ?? String(error)}` }];
  }
}

function checkIds(file: string, offset: number, cells: LessonCell[], exercises: LessonExercise[]): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const seen = new Map<string, number>();
  const items = [
    ...cells.map((c) => ({ id: c.id, line: c.line, kind: "cell" })),
    ...exercises.map((e) => ({ id: e.id, line: e.line, kind: "exercise" })),
  ].sort((a, b) => a.line - b.line);
  for (const item of items) {
    const first = seen.get(item.id);
    if (first !== undefined) {
      problems.push({ file, line: offset + item.line, message: `duplicate id "${item.id}" (${item.kind}); first used at line ${offset + first}` });
    } else {
      seen.set(item.id, item.line);
    }
  }
  return problems;
}

function checkExerciseShape(file: string, offset: number, exercise: LessonExercise, cells: LessonCell[]): LessonProblem[] {
  const at = (line: number, message: string): LessonProblem => ({ file, line: offset + line, message });
  const problems = exercise.issues.map((issue) => at(issue.line, issue.message));
  const name = `exercise "${exercise.id}"`;
  if (!exercise.title) problems.push(at(exercise.line, `${name} needs a title attribute`));
  if (!exercise.starter) problems.push(at(exercise.line, `${name} has no \`\`\`ts starter block`));
  if (!exercise.solution) problems.push(at(exercise.line, `${name} has no \`\`\`ts solution block`));
  if (exercise.checks.length === 0) problems.push(at(exercise.line, `${name} has no \`\`\`ts check or hidden block`));
  for (const id of exercise.dependsOn) {
    const cell = cells.find((c) => c.id === id);
    if (!cell) problems.push(at(exercise.line, `${name} depends on "${id}", which is not a cell of this lesson`));
    else if (cell.line > exercise.line) problems.push(at(exercise.line, `${name} depends on "${id}", which comes after it (line ${offset + cell.line})`));
  }
  return problems;
}

/** Everything that can be checked without running code: frontmatter, outline, MDX, ids, exercise parts. */
export async function readAndCheckLesson(file: string, raw: string, outline: CourseOutline): Promise<ParsedLesson> {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(raw);
  } catch (error) {
    return { file, frontmatter: null, bodyLineOffset: 0, cells: [], exercises: [], compiled: false, problems: [{ file, line: 1, message: `frontmatter is not valid YAML: ${(error as Error).message}` }] };
  }
  const offset = bodyOffsetOf(raw, parsed.content);
  const { frontmatter, problems } = checkFrontmatter(file, raw, parsed.data, outline);
  const compileProblems = await checkCompiles(file, parsed.content, offset);
  problems.push(...compileProblems);
  if (compileProblems.length > 0) {
    return { file, frontmatter, bodyLineOffset: offset, cells: [], exercises: [], compiled: false, problems };
  }
  const { createProcessor } = await loadMdx();
  const tree = createProcessor({ remarkPlugins: [remarkGfm, remarkMath] }).parse(parsed.content) as Root;
  const cells = collectCells(tree);
  const exercises = collectExercises(tree);
  problems.push(...checkIds(file, offset, cells, exercises));
  for (const exercise of exercises) problems.push(...checkExerciseShape(file, offset, exercise, cells));
  return { file, frontmatter, bodyLineOffset: offset, cells, exercises, compiled: true, problems };
}
