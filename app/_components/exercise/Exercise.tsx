import { Children, isValidElement, type ReactNode } from "react";
import { Hint } from "./Hint";
import { ExerciseClient } from "./ExerciseClient";
import { visibleChecksSchema } from "./exercise-props";

/**
 * The MDX `<Exercise>` after lib/lessons/remark-exercises: string attributes for the
 * starter and the visible checks, instructions and `<Hint>`s as children. Hidden checks
 * and the solution were removed before compilation and are not in these props.
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
  children?: ReactNode;
}

export function Exercise({ id, title, points, attemptsBeforeSolution, starter, checks, hiddenCheckCount, hasSolution, children }: ExerciseProps) {
  const instructions: ReactNode[] = [];
  const hints: ReactNode[] = [];
  for (const child of Children.toArray(children)) {
    if (isValidElement(child) && child.type === Hint) hints.push(child);
    else instructions.push(child);
  }
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
      instructions={instructions}
      hints={hints}
    />
  );
}
