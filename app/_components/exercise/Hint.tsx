import type { ReactNode } from "react";

/**
 * A hint inside an <Exercise>. The exercise shows hints one at a time, on request; this
 * component only marks its content as a hint so <Exercise> can find it among its children.
 */
export function Hint({ children }: { children?: ReactNode }) {
  return <>{children}</>;
}
