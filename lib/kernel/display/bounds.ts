import type { CellOutput, MimeBundle } from "../protocol";

/**
 * Output sizes are bounded everywhere an output lives: one output in the kernel before it is
 * posted, a cell's outputs while they accumulate, and what is stored per cell and per lesson.
 * Sizes are counted in characters of JSON, which is what is posted, stored and exported.
 */
export const MAX_OUTPUT_CHARS = 1_000_000;
/** New displays a cell may add while it runs (updates in place replace, they do not add). */
export const MAX_DISPLAY_CHARS_PER_CELL = 4_000_000;
export const MAX_DISPLAYS_PER_CELL = 500;

export function jsonSize(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

export function describeSize(chars: number): string {
  return chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} MB` : `${Math.ceil(chars / 1000)} KB`;
}

/**
 * One output's MIME bundle within `limit`: rich representations that do not fit are dropped and
 * the text form, cut to fit if it must be, says what was cut. A bundle within the limit is
 * returned as it is.
 */
export function boundBundle(bundle: MimeBundle, limit = MAX_OUTPUT_CHARS): MimeBundle {
  if (jsonSize(bundle) <= limit) return bundle;
  const cuts: string[] = [];
  let text = bundle["text/plain"];
  const textBudget = Math.floor(limit / 2);
  if (text.length > textBudget) {
    cuts.push(`${text.length - textBudget} characters of text`);
    text = `${text.slice(0, textBudget)}…`;
  }
  const kept: Record<string, unknown> = {};
  let used = jsonSize(text) + 200;
  for (const [mime, value] of Object.entries(bundle)) {
    if (mime === "text/plain") continue;
    const size = jsonSize(value);
    if (used + size <= limit) {
      kept[mime] = value;
      used += size;
    } else {
      cuts.push(`the ${mimeLabel(mime)} (${describeSize(size)})`);
    }
  }
  const note = `[output cut: ${cuts.join(" and ")} over the ${describeSize(limit)} limit for one output]`;
  return { ...kept, "text/plain": `${text}\n${note}` };
}

function mimeLabel(mime: string): string {
  if (mime.includes("plotly")) return "chart data";
  if (mime.includes("table")) return "table";
  if (mime.includes("grayscale") || mime.startsWith("image/")) return "image";
  return mime;
}

/** A stream note standing for outputs that were not kept. */
export function cutNote(text: string): CellOutput {
  return { output_type: "stream", name: "stderr", text: `[${text}]\n` };
}

/**
 * A cell's outputs within `limit` characters, for storing: each output bounded on its own, then
 * outputs kept in order while they fit; the rest are replaced by one note saying how many were
 * left out and how large they were.
 */
export function boundCellOutputs(outputs: readonly CellOutput[], limit: number): CellOutput[] {
  const kept: CellOutput[] = [];
  let used = 0;
  for (let i = 0; i < outputs.length; i++) {
    const output = boundOutput(outputs[i], Math.min(MAX_OUTPUT_CHARS, limit));
    const size = jsonSize(output);
    if (used + size > limit) {
      const rest = outputs.slice(i);
      kept.push(cutNote(`${rest.length} more ${rest.length === 1 ? "output" : "outputs"} (${describeSize(jsonSize(rest))}) not kept: a cell keeps at most ${describeSize(limit)} of outputs`));
      return kept;
    }
    kept.push(output);
    used += size;
  }
  return kept;
}

function boundOutput(output: CellOutput, limit: number): CellOutput {
  switch (output.output_type) {
    case "display_data":
    case "execute_result": {
      const data = boundBundle(output.data, limit);
      return data === output.data ? output : { ...output, data };
    }
    case "stream":
      if (output.text.length <= limit) return output;
      return { ...output, text: `${output.text.slice(0, limit - 200)}\n[output cut: ${output.text.length - (limit - 200)} more characters over the ${describeSize(limit)} limit]\n` };
    case "error":
      return output;
  }
}
