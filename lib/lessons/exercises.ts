/**
 * Exercises as authors write them in a lesson: an `<Exercise>` element holding Markdown
 * instructions, a ```ts starter block, visible ```ts check and secret ```ts hidden blocks,
 * a ```ts solution block and `<Hint>` elements. See docs/grading.md for the form.
 *
 * The same extraction serves three readers: the remark plugin (which strips the secret
 * parts before anything reaches the page), the server grader (which reads hidden checks
 * and the solution from the MDX file at grading time) and the lesson validator.
 */
import { statSync } from "node:fs";
import path from "node:path";
import type { Code, Paragraph, Root, RootContent } from "mdast";
import { parseLessonTree } from "./parse";
import { renderHintHtml } from "./render-hint";
import { visit } from "unist-util-visit";
import { z } from "zod";
import { collectCells, type LessonCell } from "./cells";
import { LESSONS_DIR, LessonFormatError, readLesson } from "./files";

export interface ExerciseCheck {
  name: string;
  /** TypeScript source of the check (the body of an async function). */
  code: string;
  hidden: boolean;
  /** A sanity check worth no points (```ts check name="…" free): the starter may pass it. */
  free?: boolean;
  /** 1-based line of the fence in the MDX body. */
  line: number;
}

export interface LessonExercise {
  id: string;
  title: string;
  points: number;
  /** Failed submissions after which "Show solution" opens without a warning. */
  attemptsBeforeSolution: number;
  /** Ids of earlier ```ts cell blocks whose code runs, in lesson order, before the learner's. */
  dependsOn: string[];
  starter: string;
  checks: ExerciseCheck[];
  solution: string | null;
  /** How many `<Hint>` elements the exercise has. */
  hintCount: number;
  /** Each hint as HTML; served only when the learner opens it. */
  hints: string[];
  /** 1-based line of the `<Exercise>` tag in the MDX body. */
  line: number;
}

export const EXERCISE_ELEMENT = "Exercise";
export const HINT_ELEMENT = "Hint";
export const DEFAULT_ATTEMPTS_BEFORE_SOLUTION = 3;

const CODE_LANGS = new Set(["ts", "typescript", "tsx"]);
export function isExerciseCodeLang(lang: string | null | undefined): boolean {
  return CODE_LANGS.has(lang ?? "");
}

const ROLES = new Set(["starter", "check", "hidden", "solution"]);

/** A role block nested deeper than the exercise's own children would be rendered as plain code: refuse it. */
function refuseNestedRoleBlocks(node: MdxJsxElementNode, label: string): void {
  for (const child of node.children) {
    if (!("children" in child)) continue;
    visit(child, "code", (code: Code) => {
      if (isExerciseCodeLang(code.lang) && ROLES.has(parseExerciseMeta(code.meta).kind)) {
        throw new Error(`${label}: the \`\`\`ts ${parseExerciseMeta(code.meta).kind} block at line ${lineOf(code)} must be a direct child of <Exercise>, not nested in other markup`);
      }
    });
  }
}

const exerciseIdSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase words joined by dashes, like leaky-relu");

const exerciseAttributesSchema = z
  .object({
    id: exerciseIdSchema,
    points: z.number().positive("must be a positive number").max(1000).default(1),
    title: z.string().min(1).optional(),
    attemptsBeforeSolution: z.number().int().min(0).max(100).default(DEFAULT_ATTEMPTS_BEFORE_SOLUTION),
    dependsOn: z.string().default(""),
  })
  .strict();

export interface MdxJsxAttributeNode {
  type: "mdxJsxAttribute" | "mdxJsxExpressionAttribute";
  name?: string;
  value?: string | { type: "mdxJsxAttributeValueExpression"; value: string } | null;
}

export interface MdxJsxElementNode {
  type: "mdxJsxFlowElement" | "mdxJsxTextElement";
  name: string | null;
  attributes: MdxJsxAttributeNode[];
  children: RootContent[];
  position?: { start: { line: number } };
}

export function isJsxElement(node: unknown, name: string): node is MdxJsxElementNode {
  const candidate = node as MdxJsxElementNode | null;
  return !!candidate && (candidate.type === "mdxJsxFlowElement" || candidate.type === "mdxJsxTextElement") && candidate.name === name;
}

/** `check name="matches F.relu" weight=2` -> kind "check", { name: "matches F.relu", weight: "2" }. Quotes may hold spaces. */
export function parseExerciseMeta(meta: string | null | undefined): { kind: string; options: Map<string, string> } {
  const options = new Map<string, string>();
  const tokens = [...(meta ?? "").matchAll(/([A-Za-z_][\w-]*)(?:=(?:"([^"]*)"|'([^']*)'|(\S+)))?/g)];
  let kind = "";
  for (const [, key, doubleQuoted, singleQuoted, bare] of tokens) {
    const value = doubleQuoted ?? singleQuoted ?? bare;
    if (value === undefined && !kind) kind = key;
    else options.set(key, value ?? "");
  }
  return { kind, options };
}

/** Literal attribute values: strings as written, `{2}` / `{true}` as numbers and booleans. */
function attributeValues(node: MdxJsxElementNode, where: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const attribute of node.attributes) {
    if (attribute.type !== "mdxJsxAttribute" || !attribute.name) throw new Error(`${where}: spread attributes are not supported on <Exercise>`);
    const raw = attribute.value;
    if (raw === null || raw === undefined) values[attribute.name] = true;
    else if (typeof raw === "string") values[attribute.name] = raw;
    else {
      const text = raw.value.trim();
      if (/^-?\d+(\.\d+)?$/.test(text)) values[attribute.name] = Number(text);
      else if (text === "true" || text === "false") values[attribute.name] = text === "true";
      else if (/^(["'`]).*\1$/s.test(text)) values[attribute.name] = text.slice(1, -1);
      else throw new Error(`${where}: attribute ${attribute.name}={${text}} must be a literal number, boolean or string`);
    }
  }
  return values;
}

/**
 * The `<Hint>` elements of a paragraph that holds nothing else: how one-line
 * `<Hint>…</Hint>` elements parse (consecutive lines share one paragraph). Null otherwise.
 */
export function hintsOfParagraph(node: RootContent): MdxJsxElementNode[] | null {
  if (node.type !== "paragraph") return null;
  const meaningful = (node as Paragraph).children.filter((child) => !(child.type === "text" && child.value.trim() === ""));
  if (meaningful.length === 0 || !meaningful.every((child) => isJsxElement(child, HINT_ELEMENT))) return null;
  return meaningful as unknown as MdxJsxElementNode[];
}

function lineOf(node: { position?: { start: { line: number } } }): number {
  return node.position?.start.line ?? 0;
}

/**
 * Reads one `<Exercise>` element. Throws an Error saying what is wrong (and where) for
 * anything malformed: the lesson build and the validator both stop on it.
 */
export function parseExerciseNode(node: MdxJsxElementNode, cells: readonly LessonCell[]): LessonExercise {
  const where = `<Exercise> at line ${lineOf(node)}`;
  const parsed = exerciseAttributesSchema.safeParse(attributeValues(node, where));
  if (!parsed.success) {
    throw new Error(`${where}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "attributes"}: ${issue.message}`).join("; ")}`);
  }
  const attributes = parsed.data;
  const label = `<Exercise id="${attributes.id}"> at line ${lineOf(node)}`;
  refuseNestedRoleBlocks(node, label);
  let starter: string | null = null;
  let solution: string | null = null;
  const checks: ExerciseCheck[] = [];
  const hints: string[] = [];

  for (const child of node.children) {
    if (isJsxElement(child, HINT_ELEMENT)) {
      hints.push(renderHintHtml((child as MdxJsxElementNode).children as RootContent[]));
      continue;
    }
    const inlineHints = hintsOfParagraph(child);
    if (inlineHints) {
      for (const hint of inlineHints) hints.push(renderHintHtml(hint.children as RootContent[]));
      continue;
    }
    if (child.type !== "code" || !isExerciseCodeLang(child.lang)) continue;
    const code = child as Code;
    const { kind, options } = parseExerciseMeta(code.meta);
    if (kind === "starter") {
      if (starter !== null) throw new Error(`${label}: more than one \`\`\`ts starter block`);
      starter = code.value;
    } else if (kind === "solution") {
      if (solution !== null) throw new Error(`${label}: more than one \`\`\`ts solution block`);
      solution = code.value;
    } else if (kind === "check" || kind === "hidden") {
      const name = options.get("name")?.trim();
      if (!name) throw new Error(`${label}: the \`\`\`ts ${kind} block at line ${lineOf(code)} needs a name="what it checks"`);
      if (checks.some((check) => check.name === name)) throw new Error(`${label}: two checks are named "${name}"`);
      const unknown = [...options.keys()].filter((key) => key !== "name" && key !== "free");
      if (unknown.length > 0) throw new Error(`${label}: the \`\`\`ts ${kind} block at line ${lineOf(code)} has unknown option(s) ${unknown.join(", ")} (known: name="…", free)`);
      checks.push({ name, code: code.value, hidden: kind === "hidden", free: options.has("free"), line: lineOf(code) });
    } else if (kind === "cell") {
      throw new Error(`${label}: a \`\`\`ts cell block cannot sit inside an exercise; put it before the <Exercise>`);
    } else {
      throw new Error(`${label}: the \`\`\`ts block at line ${lineOf(code)} needs a role: starter, check name="…", hidden name="…" or solution`);
    }
  }
  if (starter === null) throw new Error(`${label}: missing the \`\`\`ts starter block (the code the learner starts from)`);
  if (checks.length === 0) throw new Error(`${label}: needs at least one \`\`\`ts check or \`\`\`ts hidden block`);

  const dependsOn = attributes.dependsOn.split(/[\s,]+/).filter(Boolean);
  const exerciseLine = lineOf(node);
  for (const cellId of dependsOn) {
    const cell = cells.find((candidate) => candidate.id === cellId);
    if (!cell) throw new Error(`${label}: dependsOn names "${cellId}", but the lesson has no \`\`\`ts cell id=${cellId}`);
    if (cell.line > exerciseLine) throw new Error(`${label}: dependsOn names "${cellId}", which comes after the exercise`);
  }

  return {
    id: attributes.id,
    title: attributes.title ?? attributes.id,
    points: attributes.points,
    attemptsBeforeSolution: attributes.attemptsBeforeSolution,
    dependsOn,
    starter,
    checks,
    solution,
    hintCount: hints.length,
    hints,
    line: exerciseLine,
  };
}

/** Every exercise of a parsed lesson, in order; duplicate ids are an error. */
export function collectExercises(tree: Root): LessonExercise[] {
  const cells = collectCells(tree);
  const exercises: LessonExercise[] = [];
  visit(tree, (node) => {
    if (!isJsxElement(node, EXERCISE_ELEMENT)) return;
    const exercise = parseExerciseNode(node, cells);
    if (exercises.some((other) => other.id === exercise.id)) throw new Error(`Two exercises have the id "${exercise.id}"`);
    exercises.push(exercise);
  });
  return exercises;
}

export { parseLessonTree };

export interface LessonExercises {
  exercises: LessonExercise[];
  cells: LessonCell[];
}

const parsedLessons = new Map<string, { mtimeMs: number; size: number; value: LessonExercises }>();

/**
 * A lesson's exercises and cells, read from its MDX file (so hidden checks stay on the
 * server). Parsed once per version of the file: every submission asks.
 */
export function readLessonExercises(slug: string): LessonExercises {
  const file = path.join(LESSONS_DIR, `${slug}.mdx`);
  const { mtimeMs, size } = statSync(file);
  const cached = parsedLessons.get(slug);
  if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.value;
  const source = readLesson(slug);
  const tree = parseLessonTree(source.body);
  let value: LessonExercises;
  try {
    value = { exercises: collectExercises(tree), cells: collectCells(tree) };
  } catch (error) {
    throw new LessonFormatError(source.file, (error as Error).message);
  }
  parsedLessons.set(slug, { mtimeMs, size, value });
  return value;
}

export interface ExerciseWithDependencies {
  exercise: LessonExercise;
  /** The code of the cells it depends on, in lesson order. */
  dependencies: { id: string; code: string }[];
}

/** One exercise with the code of the cells it depends on, or null when the lesson has no such exercise. */
export function findExercise(slug: string, exerciseId: string): ExerciseWithDependencies | null {
  const { exercises, cells } = readLessonExercises(slug);
  const exercise = exercises.find((candidate) => candidate.id === exerciseId);
  if (!exercise) return null;
  const dependencies = cells.filter((cell) => exercise.dependsOn.includes(cell.id)).map((cell) => ({ id: cell.id, code: cell.code }));
  return { exercise, dependencies };
}
