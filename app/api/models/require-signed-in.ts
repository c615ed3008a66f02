import { HttpError } from "@/lib/api/http-error";
import type { RequestUser } from "@/lib/auth/request-user";

/** Publishing, listing and unpublishing are for accounts: a guest's models would have no owner to come back to them. */
export function requireSignedIn(user: RequestUser | null, doing: string): RequestUser {
  if (!user || user.anonymous) throw new HttpError(401, `Sign in to ${doing}: published models belong to an account`);
  return user;
}
