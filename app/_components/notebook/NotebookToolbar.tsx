"use client";

import { useState } from "react";
import type { KernelStatus } from "@/lib/kernel/client";
import type { SaveState } from "../persistence/useLessonPersistence";
import { KernelActivity } from "./KernelActivity";

export interface NotebookToolbarProps {
  status: KernelStatus;
  notice: string | null;
  canInterruptInPlace: boolean;
  saveState: SaveState;
  runAll(): void;
  runAllAbove(): void;
  interrupt(): void;
  restart(): void;
  clearOutputs(): void;
  exportNotebook(): void;
  openShortcuts(): void;
}

const SAVE_LABEL: Record<SaveState, string> = { saved: "Saved", saving: "Saving…", offline: "Offline" };

/**
 * The notebook's controls and the kernel's state, kept in view while scrolling. On a phone the
 * buttons fold into a menu (globals.css hides them until the toggle opens it), so the sticky bar
 * stays one line high; choosing an action closes the menu.
 */
export function NotebookToolbar(props: NotebookToolbarProps) {
  const { status, notice } = props;
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="kernel-bar" data-menu-open={menuOpen ? "" : undefined}>
      <button type="button" className="toolbar-menu-toggle" aria-expanded={menuOpen} aria-controls="notebook-toolbar" onClick={() => setMenuOpen((open) => !open)}>
        <span aria-hidden="true">☰</span> Notebook
      </button>
      <div
        className="toolbar-buttons"
        id="notebook-toolbar"
        role="toolbar"
        aria-label="Notebook"
        onClick={(event) => {
          if ((event.target as HTMLElement).closest("button")) setMenuOpen(false);
        }}
      >
        <button type="button" onClick={props.runAll}>
          Run all
        </button>
        <button type="button" onClick={props.runAllAbove} title="Run every cell above the selected one">
          Run all above
        </button>
        <button type="button" onClick={props.interrupt} disabled={status !== "busy"} title={props.canInterruptInPlace ? "Interrupt (I, I)" : "Interrupt: this browser can only restart the kernel"}>
          Interrupt
        </button>
        <button type="button" onClick={props.restart}>
          Restart kernel
        </button>
        <button type="button" onClick={props.clearOutputs}>
          Clear outputs
        </button>
        <button type="button" onClick={props.exportNotebook}>
          Export notebook
        </button>
        <button type="button" onClick={props.openShortcuts} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">
          Shortcuts
        </button>
      </div>
      <div className="kernel-state" role="status" aria-live="polite">
        <span className={`kernel-dot kernel-${status}`} aria-hidden="true" />
        <span>
          Kernel: <strong data-testid="kernel-status">{status}</strong>
        </span>
        <span className={`save-state save-${props.saveState}`} data-testid="save-state">
          {SAVE_LABEL[props.saveState]}
        </span>
        {notice ? (
          <span className="kernel-notice" data-testid="kernel-notice">
            {notice}
          </span>
        ) : null}
      </div>
      <KernelActivity />
    </div>
  );
}
