import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { getPageUser } from "@/lib/auth/request-user";
import { buildGradebook, learnerLabel } from "@/lib/api/gradebook";
import styles from "./gradebook.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Gradebook" };

function percent(rate: number | null): string {
  return rate === null ? "–" : `${Math.round(rate * 100)}%`;
}

function formatTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "";
}

/** The class gradebook: learners by exercises. Instructors only; everyone else gets 403. */
export default async function InstructorPage() {
  const user = await getPageUser();
  if (!user || user.role !== "instructor") forbidden();
  const { exercises, learners } = await buildGradebook();
  return (
    <article className={styles.page}>
      <header className={styles.header}>
        <h1>Gradebook</h1>
        <a href="/api/instructor/gradebook?format=csv" download className={styles.export}>
          Export CSV
        </a>
      </header>
      <p className="lead">
        Best score, attempts, hints used and whether the solution was viewed, for each learner and exercise. A pass whose first passing submission came after
        the learner viewed the solution is marked &ldquo;passed after viewing the solution&rdquo; and is not counted as a clean pass. Grades are the
        server&apos;s (Submit), never the browser&apos;s.
      </p>
      {exercises.length === 0 ? <p>The course has no exercises yet.</p> : null}
      <div className={styles.scroll}>
        <table className={styles.table} data-testid="gradebook">
          <thead>
            <tr>
              <th scope="col">Learner</th>
              {exercises.map((exercise) => (
                <th scope="col" key={exercise.key} title={`${exercise.lessonTitle}: ${exercise.title}`}>
                  <Link href={`/lessons/${exercise.lessonSlug}`}>{exercise.title}</Link>
                  <span className={styles.sub}>
                    {exercise.lessonTitle} · {exercise.points} pt
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {learners.map((learner) => (
              <tr key={learner.userId} data-learner={learner.userId}>
                <th scope="row">{learnerLabel(learner)}</th>
                {exercises.map((exercise) => {
                  const cell = learner.cells[exercise.key];
                  if (!cell) return <td key={exercise.key} className={styles.empty} />;
                  const cellClass = cell.passedAfterSolution ? styles.passedAfterSolution : cell.passed ? styles.passed : cell.bestScore !== null ? styles.failed : undefined;
                  return (
                    <td key={exercise.key} className={cellClass} data-exercise={exercise.key} data-pass={cell.passedAfterSolution ? "after-solution" : cell.passed ? "clean" : undefined}>
                      <strong data-testid="best-score">{cell.bestScore === null ? "–" : `${cell.bestScore} / ${exercise.points}`}</strong>
                      {cell.passedAfterSolution ? (
                        <span className={styles.sub} data-testid="passed-after-solution">
                          passed after viewing the solution
                        </span>
                      ) : null}
                      <span className={styles.sub}>
                        {cell.attempts} {cell.attempts === 1 ? "attempt" : "attempts"} · {cell.hintsUsed} {cell.hintsUsed === 1 ? "hint" : "hints"}
                        {cell.solutionViewed && !cell.passedAfterSolution ? " · solution viewed" : ""}
                      </span>
                      {cell.lastSubmissionAt ? (
                        <span className={styles.sub}>
                          last {formatTime(cell.lastSubmissionAt)}
                          {cell.lastStatus && cell.lastStatus !== "graded" ? ` (${cell.lastStatus.replace("_", " ")})` : ""}
                        </span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Pass rate</th>
              {exercises.map((exercise) => (
                <td key={exercise.key} data-testid="pass-rate" data-exercise={exercise.key}>
                  {percent(exercise.passRate)}
                  <span className={styles.sub}>
                    {exercise.passedBy} of {exercise.attempted} passed
                  </span>
                  <span className={styles.sub} data-testid="clean-pass-rate">
                    {percent(exercise.cleanPassRate)} clean ({exercise.passedCleanBy} without the solution)
                  </span>
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      {learners.length === 0 ? <p>No learner has worked on an exercise yet.</p> : null}
    </article>
  );
}
