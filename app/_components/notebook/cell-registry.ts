import type { CellOutput, ExecuteReply } from "@/lib/kernel/protocol";
import type { ExerciseSnapshot } from "./exercise-export";

/** What the notebook can ask of each mounted cell (run all, clear, export). */
export interface CellController {
  id: string;
  element(): HTMLElement | null;
  run(): Promise<ExecuteReply | null>;
  markQueued(): void;
  cancelQueued(): void;
  clearOutputs(): void;
  snapshot(): { code: string; outputs: CellOutput[]; executionCount: number | null };
}

/** The page's cells in document order, and what each exercise holds for the export. */
export class CellRegistry {
  private readonly cells = new Map<string, CellController>();
  private readonly exercises = new Map<string, () => ExerciseSnapshot>();

  /** An exercise's answer and grade, read when the notebook is exported. */
  registerExercise(id: string, snapshot: () => ExerciseSnapshot): () => void {
    this.exercises.set(id, snapshot);
    return () => {
      if (this.exercises.get(id) === snapshot) this.exercises.delete(id);
    };
  }

  exercise(id: string): ExerciseSnapshot | undefined {
    return this.exercises.get(id)?.();
  }

  register(cell: CellController): () => void {
    this.cells.set(cell.id, cell);
    return () => {
      if (this.cells.get(cell.id) === cell) this.cells.delete(cell.id);
    };
  }

  get(id: string): CellController | undefined {
    return this.cells.get(id);
  }

  inOrder(): CellController[] {
    return [...this.cells.values()].sort((a, b) => {
      const ea = a.element();
      const eb = b.element();
      if (!ea || !eb) return 0;
      return ea.compareDocumentPosition(eb) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
  }

  /** Runs cells one after another; after an error the rest are cancelled, as in Jupyter. */
  async runSequence(cells: CellController[]): Promise<void> {
    for (const cell of cells) cell.markQueued();
    for (let i = 0; i < cells.length; i++) {
      const reply = await cells[i].run();
      if (!reply || reply.status !== "ok") {
        for (const rest of cells.slice(i + 1)) rest.cancelQueued();
        return;
      }
    }
  }
}
