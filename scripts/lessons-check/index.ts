/** `npm run lessons:check`: what an instructor runs before publishing a lesson. */
export { validateLessonFile, DEFAULT_CELL_BUDGET_MS, type LessonReport, type ValidateOptions } from "./validate-lesson";
export { formatProblem, type LessonProblem } from "./problems";
export { readAndCheckLesson, type ParsedLesson } from "./static-checks";
export { gradeExercises, type ExerciseVerdict } from "./grade-exercises";
export { NodeKernel, type NodeCellRun } from "./node-kernel";
export { lessonSummary, totalCellMs, courseTimeSummary } from "./summary";
