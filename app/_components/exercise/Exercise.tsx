import type { ReactNode } from "react";
import { ExerciseClient } from "./ExerciseClient";
import { visibleChecksSchema } from "./exercise-props";

/**
 * The MDX `<Exercise>` after lib/lessons/remark-exercises: string attributes for the
 * starter, the visible checks and the hint count, instructions as children. Hidden
 * checks, hints and the solution were removed before compilation and are not in these
 * props; hints come from the hint API when opened.
 */
export interface ExerciseProps {
  id: string;
  title: string;
  points: string;
  attemptsBeforeSolution: string;
  starter: string;
  checks: string;
  hiddenCheckCount: string;
  hasSolution: string;
  hintCount: string;
  children?: ReactNode;
}

export function Exercise({ id, title, points, attemptsBeforeSolution, starter, checks, hiddenCheckCount, hasSolution, hintCount, children }: ExerciseProps) {
  return (
    <ExerciseClient
      id={id}
      title={title}
      points={Number(points)}
      attemptsBeforeSolution={Number(attemptsBeforeSolution)}
      starter={starter}
      checks={visibleChecksSchema.parse(JSON.parse(checks))}
      hiddenCheckCount={Number(hiddenCheckCount)}
      hasSolution={hasSolution === "true"}
      instructions={children}
      hintCount={Number(hintCount)}
    />
  );
}
