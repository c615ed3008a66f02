import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { getPageUser } from "@/lib/auth/request-user";
import { learnerLabel } from "@/lib/api/gradebook";
import { learnerRecord, type LearnerSubmission } from "@/lib/db/gradebook";
import styles from "../../gradebook.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Learner · Gradebook" };

type Props = { params: Promise<{ id: string }> };

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** Submissions grouped by exercise (`lesson/exercise`), newest first within each, exercises by their latest submission. */
function byExercise(submissions: LearnerSubmission[]): [string, LearnerSubmission[]][] {
  const groups = new Map<string, LearnerSubmission[]>();
  for (const submission of submissions) {
    const key = `${submission.lessonSlug}/${submission.exerciseId}`;
    groups.set(key, [...(groups.get(key) ?? []), submission]);
  }
  return [...groups.entries()];
}

/** One learner's submissions with their code (read-only), for an instructor. 404 for an unknown learner. */
export default async function LearnerPage({ params }: Props) {
  const user = await getPageUser();
  if (!user || user.role !== "instructor") forbidden();
  const { id } = await params;
  const record = await learnerRecord(decodeURIComponent(id));
  if (!record) notFound();
  const { identity, submissions } = record;
  const groups = byExercise(submissions);
  return (
    <article className={styles.page}>
      <p>
        <Link href="/instructor">← Gradebook</Link>
      </p>
      <h1 data-testid="learner-name">{learnerLabel(identity)}</h1>
      <p className={styles.identity}>
        {identity.username === null ? "Guest (never signed up)" : [identity.name, identity.email].filter(Boolean).join(" · ")} · id <code>{identity.userId}</code>
      </p>
      {groups.length === 0 ? <p>No submissions yet.</p> : null}
      {groups.length > 0 ? (
        <table className={styles.summary} data-testid="learner-summary">
          <thead>
            <tr>
              <th scope="col">Exercise</th>
              <th scope="col">Best</th>
              <th scope="col">Submissions</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {groups.map(([key, list]) => (
              <tr key={key}>
                <th scope="row">
                  <a href={`#${key.replace("/", "--")}`}>{key}</a>
                </th>
                <td>
                  {Math.max(...list.map((s) => s.score))} / {list[0].maxScore}
                  {list.some((s) => s.passed) ? " · passed" : ""}
                </td>
                <td>{list.length}</td>
                <td>{when(list[0].createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {groups.map(([key, list]) => (
        <section key={key} id={key.replace("/", "--")} aria-label={`Submissions for ${key}`}>
          <h2>{key}</h2>
          {list.map((submission, index) => (
            <details key={submission.id} className={styles.submission} open={index === 0} data-testid="submission">
              <summary>
                {when(submission.createdAt)} · {submission.score} / {submission.maxScore} {submission.passed ? "· passed" : ""}
                {submission.status !== "graded" ? ` · ${submission.status.replace("_", " ")}` : ""}
                <span data-testid="submission-version"> · lesson version {submission.lessonVersion}</span>
              </summary>
              <pre className={styles.code} data-testid="submission-code" aria-label={`Code submitted ${when(submission.createdAt)}`} tabIndex={0}>
                <code>{submission.code}</code>
              </pre>
            </details>
          ))}
        </section>
      ))}
    </article>
  );
}
