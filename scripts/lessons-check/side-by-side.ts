/**
 * `npm run lessons:check -- --side-by-side lessons/x.mdx`: runs every cell of a lesson in order
 * (the same Node kernel as lessons:check) and prints each cell's outputs beside the prose that
 * comes before it, so an author can read a claim and the numbers that should back it together.
 *
 * Prose is everything between two cells (paragraphs, lists, tables, headings, reference code);
 * an exercise shows as one line. Outputs are shown as text: streams, tables, and a summary of
 * each chart that gives, per trace, its name and its values (all of them when there are few),
 * so a plot's claim can be read as numbers. Exercises are not graded in this mode.
 */
import { readFile } from "node:fs/promises";
import matter from "gray-matter";
import type { Root, RootContent } from "mdast";
import { isCellBlock, parseMeta } from "../../lib/lessons/cells";
import { EXERCISE_ELEMENT, isJsxElement } from "../../lib/lessons/exercises";
import { parseLessonTree } from "../../lib/lessons/parse";
import type { CellOutput } from "../../lib/kernel/protocol";
import { PLOTLY_MIME, TABLE_MIME, type PlotlyFigure, type TableData } from "../../lib/kernel/display/mime";
import { tableText } from "../../lib/kernel/display/table";
import { NodeKernel } from "./node-kernel";
import { DEFAULT_CELL_BUDGET_MS } from "./validate-lesson";

/** One cell with the prose that leads up to it; `cell` is null for the prose after the last cell. */
export interface ProseAndCell {
  /** The top-level blocks before the cell (paragraphs, headings, lists, tables, math, reference code), as written. */
  prose: string[];
  /** 1-based line in the file of the cell (or of the trailing prose). */
  line: number;
  cell: { id: string; code: string } | null;
}

export interface SideBySideOptions {
  /** Total width of a line (default 160): prose on the left, outputs on the right. */
  width?: number;
  /** Width of the prose column (default 72). */
  proseWidth?: number;
  /** Called with each block of text as soon as it is ready (default: collect only). */
  write?: (text: string) => void;
}

function slice(source: string, node: { position?: { start: { offset?: number }; end: { offset?: number } } }): string {
  return source.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0);
}

function exerciseLine(node: RootContent): string {
  const attrs = (node as unknown as { attributes?: { name?: string; value?: unknown }[] }).attributes ?? [];
  const attr = (name: string) => attrs.find((a) => a.name === name)?.value;
  const points = attr("points");
  const pointsText = typeof points === "object" && points !== null ? String((points as { value?: string }).value ?? "") : String(points ?? "1");
  return `[exercise ${String(attr("id") ?? "?")}: "${String(attr("title") ?? "")}", ${pointsText} point(s)]`;
}

/** Splits a lesson body into prose-then-cell pieces, in order. */
export function splitProseAndCells(body: string, bodyLineOffset = 0): ProseAndCell[] {
  const tree: Root = parseLessonTree(body);
  const pieces: ProseAndCell[] = [];
  let prose: string[] = [];
  let proseLine: number | null = null;
  const startLine = (node: RootContent) => bodyLineOffset + (node.position?.start.line ?? 1);
  for (const node of tree.children) {
    if (node.type === "code" && isCellBlock(node)) {
      const meta = parseMeta(node.meta);
      pieces.push({ prose, line: startLine(node), cell: { id: meta.get("id") || `cell-${pieces.length + 1}`, code: node.value } });
      prose = [];
      proseLine = null;
      continue;
    }
    if (node.type === "yaml") continue;
    proseLine ??= startLine(node);
    prose.push(isJsxElement(node, EXERCISE_ELEMENT) ? exerciseLine(node) : slice(body, node).trim());
  }
  if (prose.length > 0) pieces.push({ prose, line: proseLine ?? 1, cell: null });
  return pieces;
}

const BLOCK_START = /^\s*([-*+]\s|\d+\.\s|\||\$\$|```|#|>|<)/;

/** Joins the hard-wrapped lines of Markdown paragraphs (not of lists' items, tables, math or code) so they can be wrapped again. */
export function reflow(markdown: string): string {
  const out: string[] = [];
  let verbatim = false;
  for (const line of markdown.split("\n")) {
    const fence = /^\s*(```|\$\$)/.test(line);
    const previous = out.at(-1);
    const joins = !verbatim && !fence && previous !== undefined && previous.trim() !== "" && line.trim() !== "" &&
      !BLOCK_START.test(line) && !/^\s*(\||\$\$|```)/.test(previous) && !/^\s*#/.test(previous);
    if (joins) out[out.length - 1] = `${previous} ${line.trim()}`;
    else out.push(line);
    if (fence && !(line.trim().startsWith("$$") && line.trim().length > 2 && line.trim().endsWith("$$"))) verbatim = !verbatim;
  }
  return out.join("\n");
}

function fixed(value: unknown): string {
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** A chart as text: its title, and per trace its name, size, range and (when short) its values. */
export function describeFigure(figure: PlotlyFigure): string {
  const layout = figure.layout as { title?: { text?: string }; yaxis?: { type?: string } } | undefined;
  const lines = [`[chart] ${layout?.title?.text ?? "(untitled)"}${layout?.yaxis?.type === "log" ? " (log y)" : ""}`];
  for (const trace of figure.data) {
    const t = trace as { name?: string; type?: string; x?: unknown[]; y?: unknown[] };
    const values = (t.type === "histogram" ? t.x : t.y) ?? [];
    const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    let text = `  ${t.name ?? t.type ?? "trace"}: ${values.length} ${t.type === "histogram" ? "values" : "points"}`;
    if (numbers.length > 0) {
      // A loop, not Math.min(...numbers): a histogram can hold more values than the call stack allows arguments.
      let lo = Infinity, hi = -Infinity;
      for (const n of numbers) {
        lo = Math.min(lo, n);
        hi = Math.max(hi, n);
      }
      text += `, ${t.type === "histogram" ? "values" : "y"} from ${fixed(lo)} to ${fixed(hi)}`;
      if (values.length <= 12 && t.type !== "histogram") text += `: ${values.map(fixed).join(", ")}`;
      else if (t.type !== "histogram") text += ` (first ${fixed(values[0])}, last ${fixed(values[values.length - 1])})`;
    }
    lines.push(text);
  }
  return lines.join("\n");
}

/** The text an author reads for a cell's outputs. */
export function outputsAsText(outputs: readonly CellOutput[]): string {
  const parts: string[] = [];
  for (const output of outputs) {
    if (output.output_type === "stream") parts.push(output.text.replace(/\n$/, ""));
    else if (output.output_type === "error") parts.push(`!! ${output.ename}: ${output.evalue}${output.line ? ` (line ${output.line} of the cell)` : ""}`);
    else {
      const data = output.data as Record<string, unknown>;
      if (data[PLOTLY_MIME]) parts.push(describeFigure(data[PLOTLY_MIME] as PlotlyFigure));
      else if (data[TABLE_MIME]) parts.push(tableText(data[TABLE_MIME] as TableData));
      else parts.push(String(data["text/plain"] ?? ""));
    }
  }
  return parts.join("\n");
}

/** Wraps text to `width` columns, keeping existing line breaks; long words are cut. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    if (raw.length <= width) {
      out.push(raw);
      continue;
    }
    if (/\S {2,}\S/.test(raw.trimStart())) {
      // Table rows and other aligned text: cut at the width so the columns stay aligned.
      for (let i = 0; i < raw.length; i += width) out.push(raw.slice(i, i + width));
      continue;
    }
    const indent = /^\s*/.exec(raw)![0].slice(0, Math.floor(width / 3));
    let line = "";
    for (const word of raw.trim().split(/\s+/)) {
      let rest = word;
      while (rest.length > width - indent.length) {
        if (line) {
          out.push(line);
          line = "";
        }
        out.push(indent + rest.slice(0, width - indent.length));
        rest = rest.slice(width - indent.length);
      }
      if (!line) line = indent + rest;
      else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
      else {
        out.push(line);
        line = indent + rest;
      }
    }
    if (line) out.push(line);
  }
  return out;
}

/**
 * Runs every cell of the lesson in a fresh Node kernel and returns (and writes, as it goes)
 * the side-by-side text: the lesson's prose down the left, each cell's outputs on the right,
 * starting beside the last paragraph before the cell and running on beside the text after it
 * (where the lesson usually comments on them). Returns the number of cells that failed.
 */
export async function sideBySide(file: string, options: SideBySideOptions = {}): Promise<{ text: string; failed: number; seconds: number }> {
  const width = options.width ?? 160;
  const leftWidth = options.proseWidth ?? 72;
  const rightWidth = Math.max(20, width - leftWidth - 3);
  const raw = await readFile(file, "utf8");
  const parsed = matter(raw);
  const bodyStart = raw.indexOf(parsed.content);
  const offset = bodyStart > 0 ? raw.slice(0, bodyStart).split("\n").length - 1 : 0;
  const pieces = splitProseAndCells(parsed.content, offset);
  const kernel = new NodeKernel();
  const lines: string[] = [];
  let pending: string[] = [];
  let failed = 0;
  let totalMs = 0;
  const row = (left: string, right = pending.shift() ?? "") => {
    const text = `${left.padEnd(leftWidth)} │ ${right}`.trimEnd();
    lines.push(text);
    options.write?.(text);
  };
  const drain = () => {
    while (pending.length > 0) row("");
  };
  for (const piece of pieces) {
    let outputs: string[] = [];
    if (piece.cell) {
      const run = await kernel.run(piece.cell.code, piece.cell.id, DEFAULT_CELL_BUDGET_MS);
      totalMs += run.durationMs;
      if (run.error) failed++;
      const header = `▼ ${piece.cell.id} (line ${piece.line}, ${(run.durationMs / 1000).toFixed(2)} s)`;
      outputs = [header, ...wrap(outputsAsText(run.outputs) || "(no output)", rightWidth)];
    }
    piece.prose.forEach((block, i) => {
      if (piece.cell && i === piece.prose.length - 1) {
        drain();
        pending = outputs;
        outputs = [];
      }
      for (const line of wrap(reflow(block), leftWidth)) row(line);
      row("");
    });
    if (piece.cell) {
      if (outputs.length > 0) {
        drain();
        pending = outputs;
      }
      row(`▶ cell ${piece.cell.id}`);
      row("");
    }
  }
  drain();
  return { text: lines.join("\n"), failed, seconds: totalMs / 1000 };
}
