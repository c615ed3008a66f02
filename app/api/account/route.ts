import { getRequestUser } from "@/lib/auth/request-user";
import { jsonRoute } from "@/lib/api/learner-route";

/** Who the caller is: an account ({ username, role }) or the anonymous learner. */
export const GET = jsonRoute(async (request: Request) => {
  const user = await getRequestUser(request);
  return Response.json({ user }, { headers: { "cache-control": "no-store" } });
});
