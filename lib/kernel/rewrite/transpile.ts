import { transform } from "sucrase";

/** A cell's code that could not be parsed, located in the learner's own lines. */
export class CellSyntaxError extends Error {
  override name = "SyntaxError";
  constructor(message: string, readonly line: number | null, readonly column: number | null) {
    super(message);
  }
}

/**
 * Strips TypeScript types and nothing else: sucrase keeps every line where it was, so a
 * line number in the output is the learner's line number.
 */
export function stripTypes(source: string): string {
  try {
    return transform(source, { transforms: ["typescript"], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = /\((\d+):(\d+)\)/.exec(message);
    throw new CellSyntaxError(message.replace(/\s*\(\d+:\d+\)\s*$/, ""), where ? Number(where[1]) : null, where ? Number(where[2]) + 1 : null);
  }
}
