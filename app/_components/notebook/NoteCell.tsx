"use client";

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useNotebook } from "./NotebookProvider";
import { useLearnerCellSnapshot } from "./LearnerCellSlot";
import { LearnerCellActions } from "./LearnerCellActions";
import { focusNextCell } from "./command-mode";
import type { OwnCell } from "./learner-cell-order";
import styles from "./learner-cells.module.css";

/**
 * The Markdown as sanitised HTML, by the discussion's renderer (lib/discussion/render.ts: no raw
 * HTML, safe link schemes, images as links, KaTeX math). Loaded on first use: most pages have no notes.
 */
function useRenderedMarkdown(markdown: string, enabled: boolean): string | null {
  const [rendered, setRendered] = useState<{ markdown: string; html: string } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    void import("@/lib/discussion/render").then(({ renderCommentMarkdown }) => {
      if (!cancelled) setRendered({ markdown, html: renderCommentMarkdown(markdown) });
    });
    return () => {
      cancelled = true;
    };
  }, [markdown, enabled]);
  return rendered?.markdown === markdown ? rendered.html : null;
}

/** A Markdown note of the learner's own: rendered, or a text area while they write it (Enter / Esc). */
export function NoteCell({ cell, index }: { cell: OwnCell; index: number }) {
  const { cellId } = cell;
  const { learnerCells, setActiveCell } = useNotebook();
  const editing = useLearnerCellSnapshot().editingNotes.has(cellId);
  const [text, setText] = useState(cell.code);
  const container = useRef<HTMLElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const html = useRenderedMarkdown(text, !editing);
  const [focusMode] = useState(() => learnerCells.takeFocus(cellId));

  // Newer text saved in another tab replaces what this tab shows.
  const [shownCode, setShownCode] = useState(cell.code);
  if (cell.code !== shownCode) {
    setShownCode(cell.code);
    if (cell.code !== text) setText(cell.code);
  }

  useEffect(() => {
    if (focusMode === "command") container.current?.focus();
  }, [focusMode]);
  useEffect(() => {
    if (editing) textarea.current?.focus();
  }, [editing]);

  const finish = (advance: boolean) => {
    learnerCells.setEditing(cellId, false);
    if (advance) focusNextCell(container.current);
    else container.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Escape" || (event.key === "Enter" && (event.ctrlKey || event.metaKey))) {
      event.preventDefault();
      finish(false);
    } else if (event.key === "Enter" && event.shiftKey) {
      event.preventDefault();
      finish(true);
    }
  };

  return (
    <section
      className={`cell ${styles.ownCell} ${styles.selectable}`}
      ref={container}
      id={cellId}
      tabIndex={0}
      data-cell-id={cellId}
      data-own-cell="note"
      data-editing={editing ? "true" : undefined}
      aria-label={`Your note ${index}`}
      onFocusCapture={() => setActiveCell(cellId)}
    >
      <div className="cell-gutter">
        <span className="cell-count" aria-hidden="true">
          ¶
        </span>
      </div>
      <div className="cell-body">
        <LearnerCellActions cell={cell} index={index} />
        {editing ? (
          <textarea
            ref={textarea}
            className={styles.noteEditor}
            aria-label={`Markdown of your note ${index} (Esc or Shift+Enter shows it)`}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              learnerCells.setCode(cellId, event.target.value);
            }}
            onKeyDown={onKeyDown}
          />
        ) : (
          <>
            {text.trim() === "" ? (
              <p className={`${styles.noteRendered} ${styles.noteEmpty}`}>Empty note: press Enter or Edit to write Markdown.</p>
            ) : (
              // Sanitised by the discussion's renderer: no learner HTML reaches the page.
              <div className={styles.noteRendered} data-testid="note-rendered" dangerouslySetInnerHTML={{ __html: html ?? "" }} onDoubleClick={() => learnerCells.setEditing(cellId, true)} />
            )}
            <button type="button" className={styles.insertButton} onClick={() => learnerCells.setEditing(cellId, true)} aria-label={`Edit your note ${index}`}>
              Edit
            </button>
          </>
        )}
      </div>
    </section>
  );
}
