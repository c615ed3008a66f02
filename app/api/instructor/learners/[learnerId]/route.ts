import { route } from "@/lib/api/route";
import { HttpError } from "@/lib/api/http-error";
import { learnerRecord } from "@/lib/db/gradebook";
import { learnerParamsSchema } from "./schema";

/** One learner's submissions, newest first, with their code. Instructors only; 404 for an unknown learner (or an instructor). */
export const GET = route({ params: learnerParamsSchema, auth: "instructor" }, async ({ params }) => {
  const record = await learnerRecord(params.learnerId);
  if (!record) throw new HttpError(404, "No such learner");
  return Response.json(record, { headers: { "cache-control": "no-store" } });
});
