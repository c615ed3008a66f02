"use client";

import { useEffect } from "react";
import type { CellRegistry } from "./cell-registry";
import type { LearnerCellStore } from "./LearnerCellStore";

/**
 * Jupyter's two keyboard modes. Edit mode: the focus is in a cell's editor (Esc leaves it).
 * Command mode: a cell itself has the focus (highlighted), and single keys act on it: Enter
 * edits, arrows or J/K move between cells, A/B insert a cell of the learner's own, M/Y switch an
 * own cell between note and code, D D deletes an own cell (Z undoes), Shift/Ctrl+Enter run, and
 * ? lists every shortcut. I, I (interrupt) lives in useInterruptShortcut.
 */

/** Every shortcut, for the help dialog (ShortcutsHelp.tsx): keys, then what they do. */
export const SHORTCUTS: { mode: string; keys: string[]; action: string }[] = [
  { mode: "Edit mode (typing in a cell)", keys: ["Esc"], action: "Leave the editor: command mode on this cell" },
  { mode: "Edit mode (typing in a cell)", keys: ["Shift+Enter"], action: "Run the cell and go to the next one" },
  { mode: "Edit mode (typing in a cell)", keys: ["Ctrl+Enter"], action: "Run the cell" },
  { mode: "Edit mode (typing in a cell)", keys: ["Ctrl+M"], action: "Let Tab move the focus instead of indenting (Monaco's toggle)" },
  { mode: "Command mode (a cell selected)", keys: ["Enter"], action: "Edit the selected cell" },
  { mode: "Command mode (a cell selected)", keys: ["↑", "K"], action: "Select the cell above" },
  { mode: "Command mode (a cell selected)", keys: ["↓", "J"], action: "Select the cell below" },
  { mode: "Command mode (a cell selected)", keys: ["A"], action: "Insert a code cell of your own above" },
  { mode: "Command mode (a cell selected)", keys: ["B"], action: "Insert a code cell of your own below" },
  { mode: "Command mode (a cell selected)", keys: ["M"], action: "Turn your own cell into a Markdown note" },
  { mode: "Command mode (a cell selected)", keys: ["Y"], action: "Turn your own note into a code cell" },
  { mode: "Command mode (a cell selected)", keys: ["D, D"], action: "Delete your own cell (Undo brings it back)" },
  { mode: "Command mode (a cell selected)", keys: ["Z"], action: "Undo the last deletion" },
  { mode: "Command mode (a cell selected)", keys: ["Shift+Enter"], action: "Run the cell and select the next one" },
  { mode: "Command mode (a cell selected)", keys: ["Ctrl+Enter"], action: "Run the cell" },
  { mode: "Anywhere outside an editor", keys: ["I, I"], action: "Interrupt the running cell" },
  { mode: "Anywhere outside an editor", keys: ["?"], action: "Show these shortcuts" },
];

const DOUBLE_PRESS_MS = 600;
const EDITABLE = "input, textarea, select, [contenteditable=true], .monaco-editor, dialog";

function allCells(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>("section.cell"));
}

/** Selects a cell in command mode: focused (so highlighted) and scrolled into view. */
export function selectCell(cell: HTMLElement | undefined | null): void {
  if (!cell) return;
  cell.focus({ preventScroll: true });
  cell.scrollIntoView({ block: "nearest" });
}

type MonacoGlobal = { editor: { getEditors(): { getDomNode(): HTMLElement | null; focus(): void }[] } };

/**
 * Focuses the editor inside `cell`. Monaco's, through Monaco itself: with EditContext (Chromium)
 * the element that takes the keys is not a textarea. Before Monaco has mounted, its stand-in
 * (CodeEditor.tsx), which loads Monaco, and Monaco takes the focus over once mounted. False when
 * the cell has no editor (a note).
 */
function focusEditorIn(cell: HTMLElement): boolean {
  const monaco = (window as unknown as { monaco?: MonacoGlobal }).monaco;
  const editor = monaco?.editor.getEditors().find((candidate) => {
    const node = candidate.getDomNode();
    return node !== null && cell.contains(node);
  });
  const standIn = cell.querySelector<HTMLTextAreaElement>(".cell-editor-fallback-text");
  if (standIn) standIn.focus();
  else editor?.focus();
  return standIn !== null || editor !== undefined;
}

/** After Shift+Enter: the next cell's editor if it has one, else the next cell itself (a note). */
export function focusNextCell(current: HTMLElement | null): void {
  const cells = allCells();
  const next = cells[cells.indexOf(current as HTMLElement) + 1];
  if (next && !focusEditorIn(next)) selectCell(next);
}

/** Enter on a selected cell: its editor (a note opens its text area). */
function enterEditMode(cell: HTMLElement, store: LearnerCellStore): void {
  const id = cell.dataset.cellId ?? "";
  if (cell.dataset.ownCell === "note") store.setEditing(id, true);
  else focusEditorIn(cell);
}

export interface CommandModeOptions {
  store: LearnerCellStore;
  registry: CellRegistry;
  openHelp(): void;
}

export function useCommandMode({ store, registry, openHelp }: CommandModeOptions): void {
  useEffect(() => {
    let lastD = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      if (!target || target.closest(EDITABLE)) return;
      if (event.key === "?" && !event.ctrlKey) {
        event.preventDefault();
        openHelp();
        return;
      }
      // Command mode means a cell itself holds the focus (not one of its buttons).
      if (!target.matches("section.cell")) return;
      const cell = target;
      const id = cell.dataset.cellId ?? "";
      const own = store.has(id);
      const cells = allCells();
      const index = cells.indexOf(cell);
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (event.ctrlKey && key !== "Enter") return;
      const handled = () => event.preventDefault();

      if (key === "Enter") {
        handled();
        if (event.shiftKey || event.ctrlKey) {
          if (cell.dataset.ownCell !== "note") void registry.get(id)?.run();
          if (event.shiftKey) selectCell(cells[index + 1]);
        } else {
          enterEditMode(cell, store);
        }
      } else if (event.shiftKey) {
        return;
      } else if (key === "ArrowUp" || key === "k") {
        handled();
        selectCell(cells[index - 1]);
      } else if (key === "ArrowDown" || key === "j") {
        handled();
        selectCell(cells[index + 1]);
      } else if (key === "a" || key === "b") {
        handled();
        store.insert(id, key === "a" ? "before" : "after", "code", "command");
      } else if (key === "m" || key === "y") {
        handled();
        if (own) store.setKind(id, key === "m" ? "note" : "code");
        else store.tell("Only your own cells can change kind: press B to add one below.");
      } else if (key === "d") {
        handled();
        const now = Date.now();
        if (now - lastD > DOUBLE_PRESS_MS) {
          lastD = now;
          return;
        }
        lastD = 0;
        if (!own) {
          store.tell("The lesson's cells stay; only your own cells can be deleted (↺ resets a lesson cell).");
          return;
        }
        // Keep command mode: select the neighbour before the cell leaves the page.
        selectCell(cells[index + 1] ?? cells[index - 1]);
        store.remove(id);
      } else if (key === "z") {
        handled();
        store.undo();
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [store, registry, openHelp]);
}
