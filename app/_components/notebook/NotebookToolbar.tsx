"use client";

import type { KernelStatus } from "@/lib/kernel/client";
import type { SaveState } from "../persistence/useLessonPersistence";

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

/** The notebook's controls and the kernel's state, kept in view while scrolling. */
export function NotebookToolbar(props: NotebookToolbarProps) {
  const { status, notice } = props;
  return (
    <div className="kernel-bar">
      <div className="toolbar-buttons" role="toolbar" aria-label="Notebook">
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
    </div>
  );
}
