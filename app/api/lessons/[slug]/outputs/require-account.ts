import { HttpError } from "@/lib/api/http-error";
import type { RequestUser } from "@/lib/auth/request-user";

/** Outputs are kept on the server for accounts only: an anonymous learner has one browser, whose IndexedDB keeps them. */
export function requireAccount(user: RequestUser): void {
  if (user.anonymous) throw new HttpError(403, "Sign in to keep outputs on the server; this browser keeps them meanwhile");
}
