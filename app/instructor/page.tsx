import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { getPageUser } from "@/lib/auth/request-user";
import { buildGradebook, gradebookPage, learnerLabel, type GradebookExercise, type GradebookLearner } from "@/lib/api/gradebook";
import { DEFAULT_VIEW, gradebookViewSchema, PAGE_SIZES, viewSearch, type GradebookView } from "@/lib/api/gradebook-query";
import { HttpError } from "@/lib/api/http-error";
import { GradebookPager } from "./GradebookPager";
import { SortHeader } from "./SortHeader";
import styles from "./gradebook.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Gradebook" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function percent(rate: number | null): string {
  return rate === null ? "–" : `${Math.round(rate * 100)}%`;
}

const score = (value: number) => String(Math.round(value * 100) / 100);

/** The view the URL asks for; a malformed one falls back to the default view, saying why. */
function parseView(query: Record<string, string | string[] | undefined>): { view: GradebookView; problem: string | null } {
  const flat = Object.fromEntries(Object.entries(query).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  const parsed = gradebookViewSchema.safeParse(flat);
  if (parsed.success) return { view: parsed.data, problem: null };
  return { view: DEFAULT_VIEW, problem: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") };
}

/** A cell's details on hover, kept short: a page of 200 learners has 6,000 of them. */
function cellDetails(learner: GradebookLearner, key: string): string | undefined {
  const cell = learner.cells[key];
  if (!cell) return undefined;
  const parts = [`${cell.attempts} att.`, `${cell.hintsUsed} hint${cell.hintsUsed === 1 ? "" : "s"}`];
  if (cell.passedAfterSolution) parts.push("passed after viewing the solution");
  else if (cell.solutionViewed) parts.push("solution viewed");
  if (cell.lessonVersion !== null) parts.push(`best grade on lesson version ${cell.lessonVersion}`);
  if (cell.lastSubmissionAt) parts.push(`last ${cell.lastSubmissionAt.slice(0, 10)}${cell.lastStatus && cell.lastStatus !== "graded" ? ` (${cell.lastStatus.replace("_", " ")})` : ""}`);
  return parts.join(" · ");
}

function ScoreCell({ exercise, learner }: { exercise: GradebookExercise; learner: GradebookLearner }) {
  const cell = learner.cells[exercise.key];
  if (!cell) return <td className={styles.empty} />;
  const cellClass = cell.passedAfterSolution ? styles.passedAfterSolution : cell.passed ? styles.passed : cell.bestScore !== null ? styles.failed : undefined;
  return (
    <td className={cellClass} title={cellDetails(learner, exercise.key)} data-exercise={exercise.key} data-pass={cell.passedAfterSolution ? "after-solution" : cell.passed ? "clean" : undefined}>
      <span data-testid="best-score">{cell.bestScore === null ? "–" : score(cell.bestScore)}</span>
      {cell.passedAfterSolution ? (
        <abbr className={styles.mark} title="passed after viewing the solution" data-testid="passed-after-solution">
          S
        </abbr>
      ) : null}
      {cell.lessonVersion !== null && exercise.lessonVersion !== null && cell.lessonVersion < exercise.lessonVersion ? (
        <abbr className={styles.mark} title={`earned on version ${cell.lessonVersion} of the lesson (now version ${exercise.lessonVersion})`} data-testid="earlier-version">
          v{cell.lessonVersion}
        </abbr>
      ) : null}
    </td>
  );
}

/**
 * The class gradebook: learners by exercises, one page at a time, sorted, filtered and paged
 * on the server (the URL holds the view, so every view can be linked and reloaded). Instructors
 * only; everyone else gets 403.
 */
export default async function InstructorPage({ searchParams }: Props) {
  const user = await getPageUser();
  if (!user || user.role !== "instructor") forbidden();
  let { view, problem } = parseView(await searchParams);
  const gradebook = await buildGradebook();
  let page;
  try {
    page = gradebookPage(gradebook, view);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    problem = error.message;
    view = DEFAULT_VIEW;
    page = gradebookPage(gradebook, view);
  }
  const { exercises, learners } = page;
  const exportQuery = new URLSearchParams({ show: view.show, q: view.q, sort: view.sort, dir: view.dir }).toString();

  return (
    <article className={styles.page}>
      <header className={styles.header}>
        <h1>Gradebook</h1>
        <span className={styles.exports}>
          <a href={`/api/instructor/gradebook?format=csv&${exportQuery}`} download>
            Export grades (CSV)
          </a>
          <a href={`/api/instructor/gradebook?format=summary-csv&${exportQuery}`} download>
            Exercise summary (CSV)
          </a>
        </span>
      </header>
      <p className={styles.intro}>
        Best score per learner and exercise (the server&apos;s grade from Submit). Hover a cell for attempts, hints and the last submission;{" "}
        <abbr className={styles.mark}>S</abbr> marks a pass made after viewing the solution, which is not counted as a clean pass.
      </p>
      {problem ? (
        <p className="error" role="alert">
          That view could not be shown ({problem}); showing the default view.
        </p>
      ) : null}

      <form className={styles.controls} method="get" role="search" aria-label="Gradebook view">
        <label>
          Search
          <input type="search" name="q" defaultValue={view.q} placeholder="name or email" maxLength={100} />
        </label>
        <label>
          Show
          <select name="show" defaultValue={view.show}>
            <option value="learners">Signed-up learners</option>
            <option value="guests">Guests only</option>
            <option value="all">Learners and guests</option>
          </select>
        </label>
        <label>
          Rows per page
          <select name="pageSize" defaultValue={String(view.pageSize)}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <input type="hidden" name="sort" value={view.sort} />
        <input type="hidden" name="dir" value={view.dir} />
        <button type="submit">Apply</button>
      </form>

      <p className={styles.count} data-testid="gradebook-count">
        {page.matched} {page.matched === 1 ? "learner" : "learners"}
        {view.q ? ` matching “${view.q}”` : ""} · page {page.page} of {page.pageCount}
      </p>

      {exercises.length === 0 ? <p>The course has no exercises yet.</p> : null}
      <div className={styles.scroll} tabIndex={0} role="region" aria-label="Gradebook table (scrolls)">
        <table className={styles.table} data-testid="gradebook" data-rows={learners.length} data-columns={exercises.length}>
          <thead>
            <tr>
              <SortHeader view={view} sort="learner" label="Learner" className={styles.learnerCol} />
              <SortHeader view={view} sort="total" label="Total" sub={`of ${score(page.maxTotal)}`} />
              <SortHeader view={view} sort="passed" label="Passed" sub={`of ${exercises.length}`} />
              {exercises.map((exercise) => (
                <SortHeader key={exercise.key} view={view} sort={`exercise:${exercise.key}`} label={exercise.title} sub={`${exercise.points} pt`} title={`${exercise.lessonTitle}: ${exercise.title} (${exercise.points} pt)`} />
              ))}
            </tr>
          </thead>
          <tbody>
            {learners.map((learner) => (
              <tr key={learner.userId} data-learner={learner.userId}>
                <th scope="row" className={styles.learnerCol}>
                  <a href={`/instructor/learners/${encodeURIComponent(learner.userId)}`} data-testid="learner-link">
                    {learnerLabel(learner)}
                  </a>
                </th>
                <td className={styles.num} data-testid="learner-total">
                  {score(learner.total)}
                </td>
                <td className={styles.num}>{learner.passed}</td>
                {exercises.map((exercise) => (
                  <ScoreCell key={exercise.key} exercise={exercise} learner={learner} />
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" className={styles.learnerCol}>
                Pass rate
              </th>
              <td colSpan={2} className={styles.sub}>
                of learners who submitted
              </td>
              {exercises.map((exercise) => (
                <td key={exercise.key} data-testid="pass-rate" data-exercise={exercise.key} title={`${exercise.passedBy} of ${exercise.attempted} passed; ${percent(exercise.cleanPassRate)} clean (${exercise.passedCleanBy} without the solution)`}>
                  {percent(exercise.passRate)}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row" className={styles.learnerCol}>
                Average
              </th>
              <td colSpan={2} className={styles.sub}>
                best score
              </td>
              {exercises.map((exercise) => (
                <td key={exercise.key} data-testid="average-score" data-exercise={exercise.key}>
                  {exercise.averageScore === null ? "–" : score(exercise.averageScore)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      {page.matched === 0 ? <p>{view.q || view.show !== DEFAULT_VIEW.show ? "No learner matches this view." : "No learner has worked on an exercise yet."}</p> : null}
      <GradebookPager view={view} page={page.page} pageCount={page.pageCount} />
      <p className={styles.sub}>
        <a href={`/instructor${viewSearch(DEFAULT_VIEW)}`}>Reset the view</a>
      </p>
    </article>
  );
}
