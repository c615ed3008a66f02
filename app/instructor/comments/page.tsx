import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { getPageUser } from "@/lib/auth/request-user";
import { discussionViewer, listCourseComments, type CourseComment } from "@/lib/discussion/comments";
import { courseCommentsQuerySchema } from "@/app/api/comments/schema";
import { ModerationActions } from "@/app/_components/discussion/ModerationActions";
import styles from "@/app/_components/discussion/discussion.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Comments across the course" };

const FILTERS = [
  ["all", "All"],
  ["reported", "Reported"],
  ["hidden", "Hidden"],
] as const;

function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function statusLabel(comment: CourseComment): string | null {
  if (comment.status === "deleted") return comment.removedByInstructor ? "removed by an instructor" : "deleted by its author";
  if (comment.status === "hidden") return "hidden";
  return null;
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** New comments across the course, newest first, with their reports: instructors only (403 for everyone else). */
export default async function InstructorCommentsPage({ searchParams }: Props) {
  const user = await getPageUser();
  if (!user || user.role !== "instructor") forbidden();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const parsed = courseCommentsQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : courseCommentsQuerySchema.parse({});
  const { comments, nextCursor } = await listCourseComments(discussionViewer(user), query);
  return (
    <article>
      <nav className="breadcrumbs">
        <Link href="/instructor">Gradebook</Link> / <span>Comments</span>
      </nav>
      <h1>Comments across the course</h1>
      <p className="lead">The newest comments and replies of every lesson. Hide what learners should not see (its author still does), remove what must go, pin what everyone should read first.</p>
      <nav className={styles.order} aria-label="Filter">
        {FILTERS.map(([value, label]) => (
          <Link key={value} href={value === "all" ? "/instructor/comments" : `/instructor/comments?filter=${value}`} className={query.filter === value ? styles.orderActive : styles.orderButton} aria-current={query.filter === value ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {comments.length === 0 ? <p className={styles.empty}>{query.filter === "all" ? "No comments yet." : `No ${query.filter} comments.`}</p> : null}
      <ol className={styles.threads} data-testid="course-comments">
        {comments.map((comment) => (
          <li key={comment.id} className={styles.thread} data-testid="course-comment" data-comment-id={comment.id} data-status={comment.status}>
            <div className={styles.meta}>
              <Link href={`/lessons/${comment.lessonSlug}#comment-${comment.parentId ?? comment.id}`}>{comment.lessonTitle}</Link>
              <span className={styles.author}>{comment.author?.username ?? "–"}</span>
              <time dateTime={comment.createdAt} className={styles.time}>
                {formatTime(comment.createdAt)}
              </time>
              {comment.parentId ? <span className={styles.muted}>reply</span> : null}
              {comment.pinned ? <span className={styles.badge}>pinned</span> : null}
              {statusLabel(comment) ? <span className={styles.badgeWarn}>{statusLabel(comment)}</span> : null}
              {comment.reportCount > 0 ? <span className={styles.badgeWarn}>{comment.reportCount} open {comment.reportCount === 1 ? "report" : "reports"}</span> : null}
            </div>
            {comment.cellId ? <p className={styles.quote}>On cell {comment.cellId}</p> : null}
            {comment.html !== null ? (
              // Rendered and sanitised on the server (lib/discussion/render.ts).
              <div className={styles.body} dangerouslySetInnerHTML={{ __html: comment.html }} />
            ) : (
              <p className={styles.placeholder}>Text erased</p>
            )}
            {comment.reports && comment.reports.length > 0 ? (
              <ul className={styles.reports}>
                {comment.reports.map((report, index) => (
                  <li key={index}>
                    {report.reporter ?? "a former learner"} ({formatTime(report.createdAt)}): {report.reason}
                  </li>
                ))}
              </ul>
            ) : null}
            {comment.status !== "deleted" ? <ModerationActions commentId={comment.id} isThread={comment.parentId === null} pinned={comment.pinned} hidden={comment.status === "hidden"} reported={comment.reportCount > 0} /> : null}
          </li>
        ))}
      </ol>
      {nextCursor ? (
        <p>
          <Link href={`/instructor/comments?${new URLSearchParams({ ...(query.filter === "all" ? {} : { filter: query.filter }), cursor: nextCursor })}`}>Older comments</Link>
        </p>
      ) : null}
    </article>
  );
}
