import { lessonCellOutputs } from "@/lib/db/cell-outputs";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { requireAccount } from "./require-account";

/** The signed-in caller's last outputs of every cell of the lesson (403 for an anonymous learner). */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  requireAccount(user);
  return Response.json({ cells: await lessonCellOutputs(user.id, slug) }, { headers: { "cache-control": "no-store" } });
});
