import type { MimeBundle } from "../protocol";
import type { KernelSession } from "./session";
import { createExperiments } from "./experiments";

/** A display the cell can replace in place later (progress bars, live charts). */
export interface DisplayHandle {
  display_id: string;
  update(value: unknown): void;
}

/** Names every cell sees besides the engine: console, print, display, sleep. */
export function notebookBuiltins(session: KernelSession): Record<string, unknown> {
  const console = session.output.console();
  const display = (value: unknown, options: { display_id?: string } = {}): DisplayHandle => {
    const displayId = options.display_id ?? session.output.newDisplayId();
    session.output.display(session.mimeBundleOf(value), displayId);
    return {
      display_id: displayId,
      update: (next: unknown) => session.output.updateDisplay(session.mimeBundleOf(next) as MimeBundle, displayId),
    };
  };
  return {
    console,
    print: (...args: unknown[]) => console.log(...args),
    display,
    experiments: createExperiments(session),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
}
