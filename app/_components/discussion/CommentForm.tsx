"use client";

import { useId, useState, type FormEvent } from "react";
import { MAX_COMMENT_CHARS } from "@/lib/discussion/limits";
import { DiscussionRequestError } from "./discussion-api";
import styles from "./discussion.module.css";
import { ErrorAlert } from "./ErrorAlert";

export interface CommentFormProps {
  /** The lesson's cells a comment may quote; none: no cell picker (replies). */
  cells?: string[];
  initialBody?: string;
  initialCellId?: string | null;
  submitLabel: string;
  placeholder?: string;
  /** Sends the comment; throws a DiscussionRequestError whose message the form shows. */
  onSubmit: (input: { body: string; cellId: string | null }) => Promise<void>;
  onCancel?: () => void;
  autoFocus?: boolean;
}

/** Writing a comment, a reply or an edit: Markdown with $math$ and code, optionally quoting a cell. */
export function CommentForm({ cells, initialBody = "", initialCellId = null, submitLabel, placeholder, onSubmit, onCancel, autoFocus }: CommentFormProps) {
  const [body, setBody] = useState(initialBody);
  const [cellId, setCellId] = useState<string | null>(initialCellId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const length = [...body.trim()].length;
  const tooLong = length > MAX_COMMENT_CHARS;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!body.trim() || tooLong) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ body, cellId });
      if (!initialBody) {
        setBody("");
        setCellId(null);
      }
    } catch (caught) {
      setError(caught instanceof DiscussionRequestError ? caught.message : "Something went wrong. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className={styles.form} onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-body`} className={styles.srOnly}>
        {submitLabel}
      </label>
      <textarea
        id={`${id}-body`}
        name="body"
        value={body}
        onChange={(event) => setBody(event.target.value)}
        placeholder={placeholder ?? "Write a comment. Markdown, $math$ and `code` work."}
        rows={initialBody ? 5 : 3}
        autoFocus={autoFocus}
        aria-invalid={tooLong || undefined}
      />
      <div className={styles.formRow}>
        {cells && cells.length > 0 ? (
          <label className={styles.cellPicker}>
            Quote a cell{" "}
            <select value={cellId ?? ""} onChange={(event) => setCellId(event.target.value || null)} aria-label="Quote a cell">
              <option value="">none</option>
              {cells.map((cell) => (
                <option key={cell} value={cell}>
                  {cell}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span className={tooLong ? styles.overLimit : styles.muted}>
          {length.toLocaleString("en-US")} / {MAX_COMMENT_CHARS.toLocaleString("en-US")}
        </span>
        {onCancel ? (
          <button type="button" className={styles.secondary} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        ) : null}
        <button type="submit" disabled={busy || !body.trim() || tooLong}>
          {submitLabel}
        </button>
      </div>
      <ErrorAlert error={error} />
    </form>
  );
}
