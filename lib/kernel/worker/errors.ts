import { CellSyntaxError } from "../rewrite/transpile";

export interface LearnerError {
  ename: string;
  evalue: string;
  traceback: string[];
  line: number | null;
}

const CELL_SOURCE = /^gradbook-cell-(\d+)$/;

/**
 * Describes an error in the learner's terms: its name and message, the line in the cell
 * that raised it, and the cell frames that led there; frames inside the worker or the
 * engine are left out because they are ours, not the learner's.
 */
export function describeError(error: unknown, currentSource: string, labelOf: (executionCount: number) => string): LearnerError {
  if (error instanceof CellSyntaxError) {
    const where = error.line === null ? "" : ` (line ${error.line}${error.column ? `, column ${error.column}` : ""})`;
    return { ename: error.name, evalue: error.message, traceback: [`${error.name}: ${error.message}${where}`], line: error.line };
  }
  if (!(error instanceof Error)) {
    return { ename: "Error", evalue: `A non-error value was thrown: ${String(error)}`, traceback: [], line: null };
  }
  const frames = cellFrames(error.stack ?? "");
  if (isOutOfMemory(error)) {
    const evalue = `${error.message}. The kernel is out of memory: drop references to large tensors or arrays (set them to null) or restart the kernel. Names defined earlier are kept.`;
    return { ename: "MemoryError", evalue, traceback: [`MemoryError: ${evalue}`, ...frames.map((frame) => `  at ${frame.fn ? `${frame.fn} ` : ""}(${labelFor(frame.source, labelOf)}, line ${frame.line})`)], line: frames.find((f) => f.source === currentSource)?.line ?? null };
  }
  const inThisCell = frames.find((frame) => frame.source === currentSource);
  const traceback = [
    `${error.name}: ${error.message}`,
    ...frames.map((frame) => `  at ${frame.fn ? `${frame.fn} ` : ""}(${labelFor(frame.source, labelOf)}, line ${frame.line})`),
  ];
  return { ename: error.name, evalue: error.message, traceback, line: inThisCell?.line ?? null };
}

/** V8's words when a typed array or array buffer cannot be allocated. */
function isOutOfMemory(error: Error): boolean {
  return error instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer allocation|out of memory/i.test(error.message);
}

interface CellFrame {
  fn: string | null;
  source: string;
  line: number;
}

function cellFrames(stack: string): CellFrame[] {
  const frames: CellFrame[] = [];
  for (const raw of stack.split("\n")) {
    const match = /^\s*at (?:(.*?) \()?(?:async )?([^\s()]+):(\d+):(\d+)\)?$/.exec(raw);
    if (!match || !CELL_SOURCE.test(match[2])) continue;
    const fn = match[1] && !/^(eval|Object\.eval|async \*?eval|__gb_scope\.)/.test(match[1]) && match[1] !== "<anonymous>" ? match[1].replace(/^async /, "") : null;
    frames.push({ fn, source: match[2], line: Number(match[3]) });
  }
  return frames;
}

function labelFor(source: string, labelOf: (executionCount: number) => string): string {
  const match = CELL_SOURCE.exec(source);
  return match ? labelOf(Number(match[1])) : source;
}

export function sourceNameFor(executionCount: number): string {
  return `gradbook-cell-${executionCount}`;
}
