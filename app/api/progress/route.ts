import { progressOf } from "@/lib/db/progress";
import { jsonRoute, readingUser } from "@/lib/api/learner-route";

/** The caller's progress in every lesson they have opened. */
export const GET = jsonRoute(async (request: Request) => {
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  return Response.json({ progress: await progressOf(user.id) }, { headers: { "cache-control": "no-store" } });
});
