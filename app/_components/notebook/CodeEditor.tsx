"use client";

import Editor, { loader, type BeforeMount, type OnMount } from "@monaco-editor/react";
import { configureMonaco, prefetchEngineTypes } from "./monaco-setup";
import type { editor as MonacoEditor } from "monaco-editor";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { openEditors, openEditorsWhenIdle, useEditorsOpen } from "./editor-gate";
import { useKernelStatus } from "./NotebookProvider";

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
  /** Focus the editor on mount (a cell the learner just inserted): its stand-in until Monaco has loaded. */
  autoFocus?: boolean;
}

/**
 * Esc leaves the editor for command mode (command-mode.ts): the focus goes to the cell (the
 * enclosing section), so Tab, which indents inside the editor, no longer traps the keyboard.
 * Only when no widget (suggestions, find, rename...) is open: Esc closes those first.
 */
const LEAVE_EDITOR_WHEN = "editorTextFocus && !suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible && !inSnippetMode && !editorHasMultipleSelections && !markersNavigationVisible";

/** Esc from an editor or its stand-in: the focus goes to the enclosing cell (command mode). */
function leaveEditor(from: HTMLElement | null | undefined): void {
  // From our wrapper (.cell-editor): @monaco-editor/react puts its own <section> inside it.
  const cell = from?.closest(".cell-editor")?.closest<HTMLElement>("section");
  if (!cell) return;
  if (!cell.hasAttribute("tabindex")) cell.tabIndex = -1;
  cell.focus();
}

const lineCount = (text: string) => text.split("\n").length;
/** Monaco's height for `lines` lines: its padding is 8 px above and below (options below). */
const heightFor = (lines: number) => Math.max(MIN_LINES, lines) * LINE_HEIGHT + 16;

/**
 * Monaco takes over from the stand-in: the text typed while it loaded, and, when the stand-in
 * has the focus, the caret (or selection) where the learner put it.
 */
function takeOver(editor: MonacoEditor.IStandaloneCodeEditor, standIn: HTMLTextAreaElement): void {
  const model = editor.getModel();
  if (!model) return;
  if (model.getValue() !== standIn.value) editor.setValue(standIn.value);
  if (document.activeElement !== standIn) return;
  const start = model.getPositionAt(standIn.selectionStart);
  const end = model.getPositionAt(standIn.selectionEnd);
  const [anchor, caret] = standIn.selectionDirection === "backward" ? [end, start] : [start, end];
  editor.setSelection({ selectionStartLineNumber: anchor.lineNumber, selectionStartColumn: anchor.column, positionLineNumber: caret.lineNumber, positionColumn: caret.column });
  editor.focus();
}

/**
 * A Monaco editor that grows with its content, like a notebook cell: never capped, so a long cell
 * is never cut off behind a hidden scrollbar (the page scrolls instead).
 *
 * Monaco loads only once the page is usable (editor-gate.ts: the kernel first reached idle, then
 * the main thread idled). Until it has mounted, a plain text area of the same size, font and line
 * height stands in: readable, focusable and editable. Focusing it (click, Tab, Enter in command
 * mode) loads Monaco at once for every editor, and Monaco takes over its text, caret and focus.
 */
export function CodeEditor({ modelPath, value, ariaLabel, onChange, onRunAndAdvance, onRun, autoFocus = false }: CodeEditorProps) {
  const mayLoad = useEditorsOpen();
  const kernelStatus = useKernelStatus();
  const [mounted, setMounted] = useState(false);
  // What the learner typed into the stand-in, and the `value` it was typed over: a new `value`
  // from outside (saved code arriving) replaces it, as it replaces Monaco's text.
  const [typed, setTyped] = useState<{ text: string; over: string } | null>(null);
  const standInText = typed !== null && typed.over === value ? typed.text : value;
  const [contentHeight, setContentHeight] = useState<number | null>(null);
  const height = contentHeight ?? heightFor(lineCount(standInText));
  const handlers = useRef({ onRunAndAdvance, onRun });
  const editorRef = useRef<MonacoEditor.IStandaloneCodeEditor | null>(null);
  const standInRef = useRef<HTMLTextAreaElement | null>(null);

  // A page with a kernel is usable once the kernel first leaves "starting" (idle, or dead with its
  // notice shown); a page without one (no NotebookProvider) is usable once mounted.
  useEffect(() => {
    if (kernelStatus !== "starting") openEditorsWhenIdle();
  }, [kernelStatus]);
  // The engine's declarations download while Monaco loads, not after it (monaco-setup.ts).
  useEffect(() => {
    if (mayLoad) void prefetchEngineTypes();
  }, [mayLoad]);
  useEffect(() => {
    if (autoFocus) standInRef.current?.focus();
  }, [autoFocus]);

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
      run: (focused) => leaveEditor(focused.getDomNode()),
    });
    if (standInRef.current) takeOver(editor, standInRef.current);
    setMounted(true);
    editor.onDidContentSizeChange(({ contentHeight }) => setContentHeight(Math.max(contentHeight, MIN_LINES * LINE_HEIGHT + 16)));
  }, []);

  // The stand-in's keys mirror Monaco's: Shift+Enter, Ctrl/Cmd+Enter and Esc (Tab moves the focus).
  const onStandInKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const run = event.key === "Enter" && event.shiftKey ? handlers.current.onRunAndAdvance : event.key === "Enter" && (event.ctrlKey || event.metaKey) ? handlers.current.onRun : null;
    if (run) {
      event.preventDefault();
      run();
    } else if (event.key === "Escape") {
      event.preventDefault();
      leaveEditor(event.currentTarget);
    }
  };

  const options = useMemo<MonacoEditor.IStandaloneEditorConstructionOptions>(
    () => ({
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
    }),
    [ariaLabel],
  );

  return (
    <div className="cell-editor" style={{ height }}>
      {mayLoad ? (
        <Editor
          path={modelPath}
          defaultValue={standInText}
          language="typescript"
          theme="vs"
          onChange={(code) => onChange(code ?? "")}
          beforeMount={beforeMount}
          onMount={onMount}
          loading={null}
          options={options}
        />
      ) : null}
      {mounted ? null : (
        // Over the (hidden, loading) editor until Monaco has mounted, so nothing moves meanwhile.
        <div className="cell-editor-fallback">
          <div className="cell-editor-fallback-lines" aria-hidden="true">
            {Array.from({ length: lineCount(standInText) }, (_, i) => (
              <div key={i}>{i + 1}</div>
            ))}
          </div>
          <textarea
            ref={standInRef}
            className="cell-editor-fallback-text"
            aria-label={ariaLabel}
            value={standInText}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            autoCorrect="off"
            onFocus={openEditors}
            onKeyDown={onStandInKey}
            onChange={(event) => {
              setTyped({ text: event.target.value, over: value });
              onChange(event.target.value);
            }}
          />
        </div>
      )}
    </div>
  );
}
