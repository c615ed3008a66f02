/**
 * The size of a lesson's .ipynb export after "Run all", measured in Node with the same kernel
 * code the browser runs (the NodeKernel of lessons:check):
 *
 *   npx tsx --conditions=import scripts/outputs/measure-export.ts activation-functions
 *
 * Prints the whole export's size and the largest cells'.
 */
import { NodeKernel } from "../lessons-check/node-kernel";
import { readLesson } from "../../lib/lessons/files";
import { notebookParts } from "../../lib/lessons/notebook-parts";
import { toNotebook, type ExportPart } from "../../lib/kernel/nbformat";

async function main(slug: string): Promise<void> {
  const lesson = readLesson(slug);
  const kernel = new NodeKernel();
  const parts: ExportPart[] = [];
  for (const part of notebookParts(lesson.body)) {
    if (part.kind !== "code") {
      parts.push(part as ExportPart);
      continue;
    }
    const run = await kernel.run(part.source, part.cellId, 120_000);
    parts.push({ kind: "code", cellId: part.cellId, source: part.source, outputs: run.outputs, executionCount: parts.length });
}
const notebook = toNotebook(lesson.frontmatter.title, parts);
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value, null, 1));
const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
console.log(`${slug}: export ${mb(bytes(notebook))} (${notebook.cells.length} cells)`);
const cells = notebook.cells.map((cell) => ({ id: cell.id, size: bytes(cell) })).sort((a, b) => b.size - a.size);
for (const cell of cells.slice(0, 5)) console.log(`  ${cell.id}: ${mb(cell.size)}`);
}

void main(process.argv[2] ?? "activation-functions");
