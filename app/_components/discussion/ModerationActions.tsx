"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DiscussionRequestError, moderateComment, type ModerationAction } from "./discussion-api";
import styles from "./discussion.module.css";

/** An instructor's buttons on /instructor/comments: the page reloads its list after each. */
export function ModerationActions({ commentId, isThread, pinned, hidden, reported }: { commentId: string; isThread: boolean; pinned: boolean; hidden: boolean; reported: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: ModerationAction, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      await moderateComment(commentId, action);
      router.refresh();
    } catch (caught) {
      setError(caught instanceof DiscussionRequestError ? caught.message : "Something went wrong. Try again.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={styles.actions}>
      {isThread ? (
        <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void act(pinned ? "unpin" : "pin")}>
          {pinned ? "Unpin" : "Pin"}
        </button>
      ) : null}
      <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void act(hidden ? "unhide" : "hide")}>
        {hidden ? "Unhide" : "Hide"}
      </button>
      <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void act("remove", "Remove this comment for everyone? Its text is erased.")}>
        Remove
      </button>
      {reported ? (
        <button type="button" className={styles.linkButton} disabled={busy} onClick={() => void act("dismiss-reports")}>
          Dismiss reports
        </button>
      ) : null}
      {error ? (
        <span className={styles.error} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
