import { route } from "@/lib/api/route";

/** Who the caller is: an account ({ username, role }) or the anonymous learner. */
export const GET = route({ auth: "optional" }, async ({ user }) => Response.json({ user }, { headers: { "cache-control": "no-store" } }));
