import type { CellSaver } from "./cell-saver";
import { SaveQueue } from "./save-queue";
import { forgetSavedOutputs } from "../notebook/output-store";

/** The autosavers of the lesson pages open in this tab, so account changes can settle them first. */
const savers = new Set<CellSaver>();

export function registerSaver(saver: CellSaver): () => void {
  savers.add(saver);
  return () => savers.delete(saver);
}

/**
 * Before signing out: send every pending edit while the session still names its author, then
 * (after the sign-out succeeded) forget whatever could not be sent, so the next identity in this
 * browser never sends another person's code.
 */
export async function settleSavesBeforeSignOut(timeoutMs = 3000): Promise<void> {
  await Promise.race([Promise.all([...savers].map((saver) => saver.settle())), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
}

export async function forgetUnsentEdits(): Promise<void> {
  for (const saver of savers) saver.forgetPending();
  await new SaveQueue().clear();
  // Outputs kept in this browser are the signed-out person's too.
  await forgetSavedOutputs();
}
