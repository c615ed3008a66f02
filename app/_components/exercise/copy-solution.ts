/**
 * "Copy into editor": the solution replaces the learner's code, after asking when that would
 * throw away their own work (code that is neither the starter nor the solution already).
 * Answers whether the code was replaced.
 */
export function copySolutionIntoEditor(
  solution: string,
  editor: { current(): string; replace(code: string): void; onChange(code: string): void },
  starter: string,
  confirm: (question: string) => boolean,
): boolean {
  const mine = editor.current();
  if (mine === solution) return false;
  if (mine.trim() !== starter.trim() && !confirm("Replace your code in the editor with the reference solution? Your own code will be lost.")) return false;
  editor.replace(solution);
  // Saved like an edit, so a reload shows it.
  editor.onChange(solution);
  return true;
}
