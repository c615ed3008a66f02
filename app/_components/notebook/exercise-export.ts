import type { ExportPart } from "@/lib/kernel/nbformat";
import type { GradeResult } from "@/lib/grading/types";
import type { NotebookPart } from "@/lib/lessons/notebook-parts";

/** What an exercise on the page holds for the export: the learner's answer and the last server grade. */
export interface ExerciseSnapshot {
  code: string;
  grade: GradeResult | null;
}

type ExercisePart = Extract<NotebookPart, { kind: "exercise" }>;

/** nbformat metadata naming the exercise (Jupyter keeps unknown metadata). */
const metadataOf = (exerciseId: string) => ({ gradbook: { exercise: exerciseId } });

/**
 * An exercise as notebook cells: its instructions as Markdown, the learner's answer as a code
 * cell (the starter when the page has none), and the grade as that cell's output: the score and
 * each check, as the page lists them (hidden checks by name only, as the page shows them).
 */
export function exportExercise(part: ExercisePart, snapshot: ExerciseSnapshot | undefined): ExportPart[] {
  const metadata = metadataOf(part.exerciseId);
  const grade = snapshot?.grade ?? null;
  return [
    { kind: "markdown", source: `### Exercise: ${part.title}\n\n${part.instructions}`, metadata },
    {
      kind: "code",
      cellId: `exercise-${part.exerciseId}`,
      source: snapshot?.code ?? part.starter,
      executionCount: null,
      outputs: [{ output_type: "display_data", data: { "text/plain": gradeText(grade), "text/markdown": gradeMarkdown(grade) } }],
      metadata,
    },
  ];
}

/** ✓ or ✗, and why when it is not a plain failure (time limit, memory limit, ...). */
function mark(check: GradeResult["checks"][number]): string {
  if (check.status === "passed") return "✓";
  return check.status === "failed" ? "✗" : `✗ (${check.status.replace(/_/g, " ")})`;
}

function gradeText(grade: GradeResult | null): string {
  if (!grade) return "Not submitted yet.";
  const lines = [`Graded on the server: ${grade.score} / ${grade.maxScore}${grade.passed ? " (all checks passed)" : ""}`];
  if (grade.setupError) lines.push(grade.setupError);
  for (const check of grade.checks) lines.push(`${mark(check)} ${check.name}${check.hidden ? " (hidden)" : ""}${check.message ? `: ${check.message}` : ""}`);
  return lines.join("\n");
}

function gradeMarkdown(grade: GradeResult | null): string {
  if (!grade) return "_Not submitted yet._";
  const head = `**Graded on the server: ${grade.score} / ${grade.maxScore}**${grade.passed ? " (all checks passed)" : ""}`;
  const checks = grade.checks.map((check) => `- ${mark(check)} ${escapeMarkdown(check.name)}${check.hidden ? " _(hidden)_" : ""}${check.message ? `: ${escapeMarkdown(check.message)}` : ""}`);
  return [head, grade.setupError ? escapeMarkdown(grade.setupError) : null, checks.join("\n")].filter(Boolean).join("\n\n");
}

/** Check names and messages are text, not Markdown. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-!|<>])/g, "\\$1");
}
