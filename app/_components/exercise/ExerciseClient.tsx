"use client";

import type { ReactNode } from "react";
import type { VisibleCheck } from "@/lib/grading/check-cell";
import { CodeEditor } from "../notebook/CodeEditor";
import { exerciseModelPath } from "../notebook/monaco-setup";
import { CellOutputs } from "../notebook/CellOutputs";
import { usePersistedCode } from "../notebook/usePersistedCode";
import { ExerciseActions } from "./ExerciseActions";
import { ExerciseResults } from "./ExerciseResults";
import { HintList, SolutionPanel } from "./ExerciseHelp";
import { SubmissionStatus } from "./SubmissionStatus";
import { useExercise } from "./useExercise";
import { copySolutionIntoEditor } from "./copy-solution";
import styles from "./exercise.module.css";

export interface ExerciseClientProps {
  id: string;
  title: string;
  points: number;
  attemptsBeforeSolution: number;
  starter: string;
  checks: VisibleCheck[];
  hiddenCheckCount: number;
  hasSolution: boolean;
  instructions: ReactNode;
  hintCount: number;
}

/** An exercise: instructions, an editor with the learner's code, Check / Submit / hints / solution. */
export function ExerciseClient(props: ExerciseClientProps) {
  const { id, title, points, attemptsBeforeSolution, starter, checks, hiddenCheckCount, hasSolution, instructions, hintCount } = props;
  const code = usePersistedCode(`exercise-${id}`, starter);
  const { check, submission, progress, grade, gradeOutdated, hints, solution, error } = useExercise({ id, checks, hintCount, attemptsBeforeSolution, code: code.current });
  const runCheck = () => void check.check();

  return (
    <section className={styles.exercise} data-testid={`exercise-${id}`} aria-label={`Exercise: ${title}`}>
      <header className={styles.header}>
        <h3 className={styles.title}>Exercise: {title}</h3>
        <span className={styles.points}>
          {points} {points === 1 ? "point" : "points"}
        </span>
      </header>
      <div className={styles.instructions}>{instructions}</div>
      <div className={styles.editor}>
        <CodeEditor key={code.editorKey} modelPath={exerciseModelPath(id)} value={code.value} ariaLabel={`Your code for exercise ${title}`} onChange={code.onChange} onRun={runCheck} onRunAndAdvance={runCheck} />
      </div>
      <ExerciseActions
        points={points}
        hiddenCheckCount={hiddenCheckCount}
        progress={progress}
        check={check}
        submission={submission}
        hints={{ shown: hints.opened.length, count: hintCount, showHint: hints.showHint }}
        askForSolution={hasSolution && solution.code === null ? solution.ask : null}
      />

      <SubmissionStatus state={submission.state} elapsedMs={submission.elapsedMs} />
      <CellOutputs outputs={check.outputs} />
      <ExerciseResults note={check.note} checkResults={check.results} grade={grade} gradeOutdated={gradeOutdated} />

      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}

      <HintList hints={hints.opened} />
      <SolutionPanel
        attemptsBeforeSolution={attemptsBeforeSolution}
        {...solution}
        copyIntoEditor={() => solution.code !== null && copySolutionIntoEditor(solution.code, code, starter, (question) => window.confirm(question))}
      />
    </section>
  );
}
