"use client";

import Editor, { loader, type BeforeMount, type OnMount } from "@monaco-editor/react";
import { configureMonaco } from "./monaco-setup";
import type { editor as MonacoEditor } from "monaco-editor";
import { useCallback, useEffect, useRef, useState } from "react";

// Monaco is copied to /vendor/monaco at set-up and served from our own origin; the React
// wrapper would otherwise fetch it from a CDN, which offline machines cannot reach.
loader.config({ paths: { vs: "/vendor/monaco/vs" } });

const LINE_HEIGHT = 20;
const MIN_LINES = 2;

export interface CodeEditorProps {
  /** A .ts path, so the editor's model is checked as TypeScript (not as a loose script). */
  modelPath?: string;
  value: string;
  ariaLabel: string;
  onChange(code: string): void;
  /** Shift+Enter. */
  onRunAndAdvance(): void;
  /** Ctrl/Cmd+Enter. */
  onRun(): void;
  /** Focus the editor once it has loaded (a cell the learner just inserted). */
  autoFocus?: boolean;
}

/**
 * Esc leaves the editor for command mode (command-mode.ts): the focus goes to the cell (the
 * enclosing section), so Tab, which indents inside the editor, no longer traps the keyboard.
 * Only when no widget (suggestions, find, rename...) is open: Esc closes those first.
 */
const LEAVE_EDITOR_WHEN = "editorTextFocus && !suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible && !inSnippetMode && !editorHasMultipleSelections && !markersNavigationVisible";

function leaveEditor(editor: MonacoEditor.ICodeEditor): void {
  // From our wrapper (.cell-editor): @monaco-editor/react puts its own <section> inside it.
  const cell = editor.getDomNode()?.closest(".cell-editor")?.closest<HTMLElement>("section");
  if (!cell) return;
  if (!cell.hasAttribute("tabindex")) cell.tabIndex = -1;
  cell.focus();
}

/**
 * A Monaco editor that grows with its content, like a notebook cell: never capped, so a long cell
 * is never cut off behind a hidden scrollbar (the page scrolls instead).
 */
export function CodeEditor({ modelPath, value, ariaLabel, onChange, onRunAndAdvance, onRun, autoFocus = false }: CodeEditorProps) {
  const [height, setHeight] = useState(() => Math.max(MIN_LINES, value.split("\n").length) * LINE_HEIGHT + 16);
  const handlers = useRef({ onRunAndAdvance, onRun });
  const editorRef = useRef<MonacoEditor.IStandaloneCodeEditor | null>(null);
  const focusOnMount = useRef(autoFocus);

  // The editor owns its text while the learner types (a controlled editor drops keystrokes
  // when React re-renders mid-typing); a new `value` from outside, such as the learner's
  // saved code arriving from the server, replaces it.
  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== value) editor.setValue(value);
  }, [value]);
  useEffect(() => {
    handlers.current = { onRunAndAdvance, onRun };
  }, [onRunAndAdvance, onRun]);

  const beforeMount = useCallback<BeforeMount>((monaco) => void configureMonaco(monaco), []);

  const onMount = useCallback<OnMount>((editor, monaco) => {
    editorRef.current = editor;
    editor.addAction({
      id: "gradbook.runAndAdvance",
      label: "Run cell and select below",
      keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      run: () => handlers.current.onRunAndAdvance(),
    });
    editor.addAction({
      id: "gradbook.run",
      label: "Run cell",
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => handlers.current.onRun(),
    });
    editor.addAction({
      id: "gradbook.leaveEditor",
      label: "Leave the editor (command mode)",
      keybindings: [monaco.KeyCode.Escape],
      keybindingContext: LEAVE_EDITOR_WHEN,
      run: (focused) => leaveEditor(focused),
    });
    if (focusOnMount.current) editor.focus();
    editor.onDidContentSizeChange(({ contentHeight }) => setHeight(Math.max(contentHeight, MIN_LINES * LINE_HEIGHT + 16)));
  }, []);

  return (
    <div className="cell-editor" style={{ height }}>
      <Editor
        path={modelPath}
        defaultValue={value}
        language="typescript"
        theme="vs"
        onChange={(code) => onChange(code ?? "")}
        beforeMount={beforeMount}
        onMount={onMount}
        loading={<pre className="cell-editor-fallback">{value}</pre>}
        options={{
          ariaLabel,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          lineNumbers: "on",
          lineNumbersMinChars: 3,
          fontSize: 14,
          lineHeight: LINE_HEIGHT,
          padding: { top: 8, bottom: 8 },
          scrollbar: { alwaysConsumeMouseWheel: false, vertical: "hidden" },
          overviewRulerLanes: 0,
          renderLineHighlight: "none",
          automaticLayout: true,
          tabSize: 2,
          fixedOverflowWidgets: true,
        }}
      />
    </div>
  );
}
