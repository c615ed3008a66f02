"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@/lib/discussion/limits";
import { fetchPage, postComment, DiscussionRequestError, type CommentOrder, type DiscussionPage, type ThreadView } from "./discussion-api";
import { commentsLabel, setCommentCount } from "./comment-count";
import { CommentForm } from "./CommentForm";
import { CommentItem } from "./CommentItem";
import styles from "./discussion.module.css";
import { ErrorAlert } from "./ErrorAlert";

/**
 * The discussion under a lesson. Loaded by the client, so the lesson page stays static and
 * shared-cacheable: what a visitor sees depends on who they are (guests read; signed-in accounts
 * write; instructors moderate and see hidden comments).
 */
export function LessonDiscussion({ lessonSlug }: { lessonSlug: string }) {
  const [order, setOrder] = useState<CommentOrder>("newest");
  const [page, setPage] = useState<DiscussionPage | null>(null);
  const [threads, setThreads] = useState<ThreadView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const loaded = useRef(0);
  const scrolledToHash = useRef(false);

  /** (Re)loads from the first page, as many threads as were shown. */
  const reload = useCallback(
    async (nextOrder: CommentOrder = order) => {
      try {
        const limit = Math.min(MAX_PAGE_SIZE, Math.max(DEFAULT_PAGE_SIZE, loaded.current));
        const fresh = await fetchPage(lessonSlug, nextOrder, { limit });
        loaded.current = fresh.threads.length;
        setPage(fresh);
        setThreads(fresh.threads);
        setNextCursor(fresh.nextCursor);
        setCommentCount(fresh.count);
        setError(null);
      } catch (caught) {
        setError(caught instanceof DiscussionRequestError ? caught.message : "Could not load the comments.");
      }
    },
    [lessonSlug, order],
  );

  useEffect(() => {
    void reload();
    // Only on mount and when the lesson changes; order changes call reload themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lessonSlug]);

  useEffect(() => () => setCommentCount(null), []);

  // A link to a comment (#comment-<id>, from the instructors' page) scrolls to it once it is there.
  useEffect(() => {
    if (scrolledToHash.current || !page) return;
    const hash = window.location.hash;
    if (!hash.startsWith("#comment-")) return;
    const target = document.getElementById(hash.slice(1));
    if (!target) return;
    scrolledToHash.current = true;
    target.scrollIntoView({ block: "center" });
  }, [page, threads]);

  const changeOrder = (next: CommentOrder) => {
    if (next === order) return;
    setOrder(next);
    loaded.current = 0;
    void reload(next);
  };

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const more = await fetchPage(lessonSlug, order, { cursor: nextCursor });
      setThreads((current) => [...current, ...more.threads.filter((thread) => !current.some((c) => c.id === thread.id))]);
      loaded.current += more.threads.length;
      setNextCursor(more.nextCursor);
      setCommentCount(more.count);
    } catch (caught) {
      setError(caught instanceof DiscussionRequestError ? caught.message : "Could not load more comments.");
    } finally {
      setLoadingMore(false);
    }
  };

  const count = page?.count ?? null;
  const viewer = page?.viewer;
  const returnTo = `/signin?next=${encodeURIComponent(`/lessons/${lessonSlug}#comments`)}`;

  return (
    <section id="comments" className={styles.discussion} aria-labelledby="comments-heading" data-testid="discussion">
      <header className={styles.discussionHeader}>
        <h2 id="comments-heading">{commentsLabel(count)}</h2>
        <div className={styles.order} role="group" aria-label="Order">
          {(["newest", "oldest"] as const).map((value) => (
            <button key={value} type="button" aria-pressed={order === value} className={order === value ? styles.orderActive : styles.orderButton} onClick={() => changeOrder(value)}>
              {value === "newest" ? "Newest first" : "Oldest first"}
            </button>
          ))}
        </div>
      </header>
      {viewer?.instructor ? (
        <p className={styles.muted}>
          <Link href="/instructor/comments">All comments across the course</Link>
        </p>
      ) : null}
      {page === null && !error ? <p className={styles.muted}>Loading comments…</p> : null}
      {viewer && viewer.signedIn ? (
        <CommentForm
          cells={page?.cells}
          submitLabel="Post comment"
          onSubmit={async (input) => {
            await postComment(lessonSlug, input);
            await reload();
          }}
        />
      ) : null}
      {viewer && !viewer.signedIn ? (
        <p className={styles.signIn} data-testid="discussion-sign-in">
          <Link href={returnTo}>Sign in to leave a comment</Link>
        </p>
      ) : null}
      <ErrorAlert error={error} />
      {page && threads.length === 0 ? <p className={styles.empty}>No comments yet. Be the first to comment!</p> : null}
      <ol className={styles.threads}>
        {threads.map((thread) => (
          <li key={thread.id} className={styles.thread} data-testid="thread" data-thread-id={thread.id}>
            <CommentItem comment={thread} threadId={thread.id} lessonSlug={lessonSlug} cells={page?.cells ?? []} onChanged={() => reload()} />
            {thread.replies.length > 0 ? (
              <ol className={styles.replies}>
                {thread.replies.map((reply) => (
                  <li key={reply.id}>
                    <CommentItem comment={reply} threadId={thread.id} lessonSlug={lessonSlug} cells={page?.cells ?? []} onChanged={() => reload()} />
                  </li>
                ))}
                {thread.moreReplies > 0 ? <li className={styles.muted}>{thread.moreReplies} older replies are not shown.</li> : null}
              </ol>
            ) : null}
          </li>
        ))}
      </ol>
      {nextCursor ? (
        <button type="button" className={styles.secondary} onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? "Loading…" : "Show more comments"}
        </button>
      ) : null}
    </section>
  );
}
