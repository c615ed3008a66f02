import type { Code, Root, RootContent } from "mdast";
import { visit } from "unist-util-visit";

/** The parts of an `<Exercise>` code block, named by the first word of its meta. */
export type ExerciseBlockKind = "starter" | "check" | "hidden" | "solution";

export interface ExerciseCheck {
  name: string;
  code: string;
  hidden: boolean;
  /** 1-based body line of the check's fence. */
  line: number;
}

export interface LessonExercise {
  id: string;
  /** 1-based body line of the `<Exercise` tag. */
  line: number;
  title: string | null;
  points: number | null;
  dependsOn: string[];
  starter: { code: string; line: number } | null;
  solution: { code: string; line: number } | null;
  checks: ExerciseCheck[];
  hints: number;
  /** Structural mistakes found while reading it (duplicate starter, unnamed block...). */
  issues: { line: number; message: string }[];
}

interface JsxAttribute {
  type: string;
  name?: string;
  value?: string | { type: string; value: string } | null;
}

interface JsxElement {
  type: "mdxJsxFlowElement" | "mdxJsxTextElement";
  name: string | null;
  attributes: JsxAttribute[];
  children: RootContent[];
  position?: { start: { line: number } };
}

const BLOCK_KINDS = new Set<ExerciseBlockKind>(["starter", "check", "hidden", "solution"]);
const EXERCISE_LANGS = new Set(["ts", "typescript"]);

/** `check name="a b" x=1` -> kind "check", { name: "a b", x: "1" } (quotes keep spaces). */
export function parseExerciseMeta(meta: string | null | undefined): { kind: string; attributes: Map<string, string> } {
  const attributes = new Map<string, string>();
  const text = (meta ?? "").trim();
  const kind = /^\S*/.exec(text)?.[0] ?? "";
  const pattern = /([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))/g;
  for (const match of text.slice(kind.length).matchAll(pattern)) {
    attributes.set(match[1], match[2] ?? match[3] ?? match[4] ?? "");
  }
  return { kind, attributes };
}

/** The literal value of a JSX attribute: strings as written, `{2}` expressions as their source. */
function attributeText(element: JsxElement, name: string): string | null {
  const attribute = element.attributes.find((a) => a.type === "mdxJsxAttribute" && a.name === name);
  if (!attribute || attribute.value === null || attribute.value === undefined) return null;
  return typeof attribute.value === "string" ? attribute.value : attribute.value.value;
}

function countHints(nodes: RootContent[]): number {
  let hints = 0;
  for (const node of nodes) {
    const element = node as unknown as JsxElement;
    if ((element.type === "mdxJsxFlowElement" || element.type === "mdxJsxTextElement") && element.name === "Hint") hints++;
    if ("children" in node && Array.isArray(node.children)) hints += countHints(node.children as RootContent[]);
  }
  return hints;
}

function readExercise(element: JsxElement, index: number): LessonExercise {
  const line = element.position?.start.line ?? 0;
  const points = attributeText(element, "points");
  const exercise: LessonExercise = {
    id: attributeText(element, "id") ?? `exercise-${index + 1}`,
    line,
    title: attributeText(element, "title"),
    points: points === null ? null : Number(points),
    dependsOn: (attributeText(element, "dependsOn") ?? "").split(/[\s,]+/).filter(Boolean),
    starter: null,
    solution: null,
    checks: [],
    hints: countHints(element.children),
    issues: [],
  };
  if (attributeText(element, "id") === null) exercise.issues.push({ line, message: "<Exercise> needs an id attribute" });
  if (exercise.points !== null && !(Number.isFinite(exercise.points) && exercise.points > 0)) {
    exercise.issues.push({ line, message: `<Exercise id="${exercise.id}">: points must be a positive number, got ${points}` });
  }
  visit({ type: "root", children: element.children } as Root, "code", (node: Code) => {
    if (!EXERCISE_LANGS.has(node.lang ?? "")) return;
    const blockLine = node.position?.start.line ?? line;
    const { kind, attributes } = parseExerciseMeta(node.meta);
    if (!BLOCK_KINDS.has(kind as ExerciseBlockKind)) {
      exercise.issues.push({ line: blockLine, message: `exercise "${exercise.id}": a ts block inside <Exercise> must be marked starter, check, hidden or solution (got "${kind}")` });
      return;
    }
    if (kind === "starter" || kind === "solution") {
      if (exercise[kind]) exercise.issues.push({ line: blockLine, message: `exercise "${exercise.id}" has more than one ${kind} block` });
      exercise[kind] = { code: node.value, line: blockLine };
      return;
    }
    const name = attributes.get("name") ?? `${kind} ${exercise.checks.length + 1}`;
    exercise.checks.push({ name, code: node.value, hidden: kind === "hidden", line: blockLine });
  });
  return exercise;
}

/** Every `<Exercise>` of a lesson in document order. */
export function collectExercises(tree: Root): LessonExercise[] {
  const exercises: LessonExercise[] = [];
  visit(tree, (node) => {
    const element = node as unknown as JsxElement;
    if ((element.type === "mdxJsxFlowElement" || element.type === "mdxJsxTextElement") && element.name === "Exercise") {
      exercises.push(readExercise(element, exercises.length));
    }
  });
  return exercises;
}
