"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useNotebook } from "./NotebookProvider";

export interface PersistedCode {
  /**
   * What the editor should show when its text changes from outside (saved code loaded); the
   * learner's typing lives in the editor and in `current()`, never round-trips through state.
   */
  value: string;
  /** Changes when code from outside replaces the editor's text: the editor remounts with it. */
  editorKey: number;
  /** The code as it stands now: typed, loaded from the server or replaced. */
  current(): string;
  /** The editor's change handler: remembers and autosaves the learner's edit. */
  onChange(next: string): void;
  /** Shows code that came from outside this editor (another tab's newer save, a reset). */
  replace(code: string): void;
}

/**
 * The learner's code for one editor (a cell or an exercise): starts as the lesson's code,
 * switches to the saved code once it loads unless the learner has typed already, and saves
 * every edit. With `followExternalCode`, newer code saved in another tab replaces it too.
 */
export function usePersistedCode(cellId: string, initial: string, { followExternalCode = false } = {}): PersistedCode {
  const { savedCode, saveCode, onExternalCode } = useNotebook().persistence;
  const [value, setValue] = useState(initial);
  const [editorKey, setEditorKey] = useState(0);
  const code = useRef(initial);
  const edited = useRef(false);

  useEffect(() => {
    const saved = savedCode?.[cellId];
    if (saved !== undefined && !edited.current) {
      code.current = saved;
      setValue(saved);
    }
  }, [savedCode, cellId]);

  const onChange = useCallback(
    (next: string) => {
      edited.current = true;
      code.current = next;
      saveCode(cellId, next);
    },
    [cellId, saveCode],
  );

  const replace = useCallback((next: string) => {
    code.current = next;
    setValue(next);
    setEditorKey((key) => key + 1);
  }, []);

  useEffect(() => {
    if (!followExternalCode) return;
    return onExternalCode((changed, next) => changed === cellId && replace(next));
  }, [followExternalCode, onExternalCode, cellId, replace]);

  const current = useCallback(() => code.current, []);
  return { value, editorKey, current, onChange, replace };
}
