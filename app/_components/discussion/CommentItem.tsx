"use client";

import { useState, type MouseEvent } from "react";
import { DiscussionRequestError, deleteComment, editComment, moderateComment, postComment, reportComment, type CommentView, type ModerationAction } from "./discussion-api";
import { CommentForm } from "./CommentForm";
import styles from "./discussion.module.css";
import { ErrorAlert } from "./ErrorAlert";

export interface CommentItemProps {
  comment: CommentView;
  lessonSlug: string;
  cells: string[];
  /** Called after anything changed, so the list reloads. */
  onChanged: () => Promise<void>;
  /** The thread's first comment, for "Reply" on a reply (replies join the thread). */
  threadId: string;
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** Scrolls to a quoted cell and flashes it. */
function jumpToCell(event: MouseEvent<HTMLAnchorElement>, cellId: string): void {
  const cell = document.getElementById(cellId);
  if (!cell) return;
  event.preventDefault();
  history.replaceState(null, "", `#${cellId}`);
  cell.scrollIntoView({ behavior: "smooth", block: "center" });
  // Flashed with an inline outline: the cell's own styles belong to the notebook.
  cell.style.outline = "3px solid #fab005";
  cell.style.outlineOffset = "4px";
  cell.dataset.quoted = "true";
  window.setTimeout(() => {
    cell.style.outline = "";
    cell.style.outlineOffset = "";
    delete cell.dataset.quoted;
  }, 2500);
}

/** One comment: its text (sanitised HTML from the server), the cell it quotes, and what the viewer may do with it. */
export function CommentItem({ comment, lessonSlug, cells, onChanged, threadId }: CommentItemProps) {
  const [mode, setMode] = useState<"view" | "edit" | "reply" | "report">("view");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState("");

  const act = async (work: () => Promise<unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      await work();
      setMode("view");
      await onChanged();
    } catch (caught) {
      setError(caught instanceof DiscussionRequestError ? caught.message : "Something went wrong. Try again.");
    } finally {
      setBusy(false);
    }
  };
  const moderate = (action: ModerationAction, confirmText?: string) => act(() => moderateComment(comment.id, action), confirmText);

  const withheld = comment.html === null;
  return (
    <article
      className={`${styles.comment} ${comment.status === "hidden" ? styles.hidden : ""} ${comment.pinned ? styles.pinned : ""}`}
      id={`comment-${comment.id}`}
      data-testid="comment"
      data-comment-id={comment.id}
      data-status={comment.status}
    >
      {withheld ? (
        <p className={styles.placeholder} data-testid="comment-placeholder">
          {comment.status === "deleted" ? (comment.removedByInstructor ? "Comment removed by an instructor" : "Comment deleted") : "Comment hidden by an instructor"}
        </p>
      ) : (
        <>
          <header className={styles.meta}>
            <span className={styles.author} data-testid="comment-author">
              {comment.author?.username}
            </span>
            {comment.author?.instructor ? <span className={styles.badge}>instructor</span> : null}
            <a href={`#comment-${comment.id}`} className={styles.time}>
              <time dateTime={comment.createdAt}>{formatTime(comment.createdAt)}</time>
            </a>
            {comment.editedAt ? <span className={styles.muted}>(edited)</span> : null}
            {comment.pinned ? <span className={styles.badge}>pinned</span> : null}
            {comment.status === "hidden" ? (
              <span className={styles.badgeWarn} title="Only instructors and the author see this comment">
                hidden
              </span>
            ) : null}
          </header>
          {comment.cellId && mode !== "edit" ? (
            <p className={styles.quote}>
              On cell{" "}
              <a href={`#${comment.cellId}`} onClick={(event) => jumpToCell(event, comment.cellId!)} data-testid="quoted-cell">
                {comment.cellId}
              </a>
            </p>
          ) : null}
          {mode === "edit" ? (
            <CommentForm
              cells={cells}
              initialBody={comment.body ?? ""}
              initialCellId={comment.cellId}
              submitLabel="Save"
              autoFocus
              onCancel={() => setMode("view")}
              onSubmit={async (input) => {
                await editComment(comment.id, input);
                setMode("view");
                await onChanged();
              }}
            />
          ) : (
            // The server rendered and sanitised this HTML (lib/discussion/render.ts).
            <div className={styles.body} data-testid="comment-body" dangerouslySetInnerHTML={{ __html: comment.html ?? "" }} />
          )}
        </>
      )}
      {comment.reports && comment.reports.length > 0 ? (
        <ul className={styles.reports} data-testid="comment-reports">
          {comment.reports.map((report, index) => (
            <li key={index}>
              Reported by {report.reporter ?? "a former learner"}: {report.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {mode === "view" ? (
        <div className={styles.actions}>
          {comment.can.reply ? (
            <button type="button" className={styles.linkButton} onClick={() => setMode("reply")}>
              Reply
            </button>
          ) : null}
          {comment.can.edit ? (
            <button type="button" className={styles.linkButton} onClick={() => setMode("edit")}>
              Edit
            </button>
          ) : null}
          {comment.can.delete && comment.mine ? (
            <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void act(() => deleteComment(comment.id), "Delete your comment? This cannot be undone.")}>
              Delete
            </button>
          ) : null}
          {comment.can.report ? (
            <button type="button" className={styles.linkButton} onClick={() => setMode("report")}>
              Report
            </button>
          ) : null}
          {comment.reportedByMe ? <span className={styles.muted}>Reported</span> : null}
          {comment.can.moderate ? (
            <span className={styles.moderation} aria-label="Moderation">
              {comment.parentId === null ? (
                <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void moderate(comment.pinned ? "unpin" : "pin")}>
                  {comment.pinned ? "Unpin" : "Pin"}
                </button>
              ) : null}
              <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void moderate(comment.status === "hidden" ? "unhide" : "hide")}>
                {comment.status === "hidden" ? "Unhide" : "Hide"}
              </button>
              <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void moderate("remove", "Remove this comment for everyone? Its text is erased.")}>
                Remove
              </button>
              {comment.reports && comment.reports.length > 0 ? (
                <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void moderate("dismiss-reports")}>
                  Dismiss reports
                </button>
              ) : null}
            </span>
          ) : null}
        </div>
      ) : null}
      {mode === "report" ? (
        <form
          className={styles.reportForm}
          onSubmit={(event) => {
            event.preventDefault();
            void act(() => reportComment(comment.id, reason));
          }}
        >
          <label>
            Why should an instructor look at this comment?{" "}
            <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} required autoFocus />
          </label>
          <button type="submit" disabled={busy || !reason.trim()}>
            Send report
          </button>
          <button type="button" className={styles.secondary} onClick={() => setMode("view")}>
            Cancel
          </button>
        </form>
      ) : null}
      {mode === "reply" ? (
        <CommentForm
          submitLabel="Reply"
          placeholder="Write a reply"
          autoFocus
          onCancel={() => setMode("view")}
          onSubmit={async (input) => {
            await postComment(lessonSlug, { body: input.body, parentId: threadId });
            setMode("view");
            await onChanged();
          }}
        />
      ) : null}
      <ErrorAlert error={error} />
    </article>
  );
}
