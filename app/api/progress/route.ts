import { progressOf } from "@/lib/db/progress";
import { route } from "@/lib/api/route";

/** The caller's progress in every lesson they have opened. */
export const GET = route({ auth: "reader" }, async ({ user }) => Response.json({ progress: await progressOf(user.id) }, { headers: { "cache-control": "no-store" } }));
