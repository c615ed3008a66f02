"use client";

import { useEffect, useRef, type KeyboardEvent } from "react";
import { SHORTCUTS } from "./command-mode";
import styles from "./learner-cells.module.css";

const FOCUSABLE = "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])";

/**
 * The keyboard shortcuts (`?`): a modal dialog. showModal() makes the page behind it inert and
 * Esc closes it; Tab and Shift+Tab cycle inside it; closing returns the focus where it was.
 */
export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const node = dialog.current;
    if (!node) return;
    if (open && !node.open) {
      returnFocus.current = document.activeElement as HTMLElement | null;
      node.showModal();
      node.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && node.open) {
      node.close();
    }
  }, [open]);

  const trapTab = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== "Tab") return;
    const focusable = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const groups = [...new Set(SHORTCUTS.map((shortcut) => shortcut.mode))];
  return (
    <dialog
      ref={dialog}
      className={styles.help}
      aria-labelledby="shortcuts-title"
      onKeyDown={trapTab}
      onClose={() => {
        onClose();
        returnFocus.current?.focus();
      }}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      {groups.map((mode) => (
        <table key={mode}>
          <caption>{mode}</caption>
          <tbody>
            {SHORTCUTS.filter((shortcut) => shortcut.mode === mode).map((shortcut) => (
              <tr key={shortcut.keys.join()}>
                <th scope="row">
                  {shortcut.keys.map((key, i) => (
                    <span key={key}>
                      {i > 0 ? " or " : null}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </th>
                <td>{shortcut.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <p>Tab reaches every button; in an editor, Esc first, then Tab.</p>
      <button type="button" data-autofocus onClick={() => dialog.current?.close()}>
        Close
      </button>
    </dialog>
  );
}
