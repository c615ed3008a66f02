import path from "node:path";

/** One thing wrong with a lesson, pinned to a line of its file (1-based). */
export interface LessonProblem {
  file: string;
  line: number;
  message: string;
}

/** `lessons/x.mdx:12: message`, with the path relative to the working directory like a compiler's. */
export function formatProblem(problem: LessonProblem): string {
  return `${path.relative(process.cwd(), problem.file) || problem.file}:${problem.line}: ${problem.message}`;
}
