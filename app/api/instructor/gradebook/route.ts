import { z } from "zod";
import { parseParams } from "@/lib/api/responses";
import { jsonRoute, queryOf } from "@/lib/api/learner-route";
import { requireInstructor } from "@/lib/auth/request-user";
import { buildGradebook, gradebookCsv } from "@/lib/grading/gradebook";

const querySchema = z.object({ format: z.enum(["json", "csv"]).default("json") }).strict();

/** The class gradebook, as JSON or (`?format=csv`) as a CSV download. Instructors only: 403 for learners. */
export const GET = jsonRoute(async (request: Request) => {
  const query = parseParams(queryOf(request), querySchema);
  if (!query.ok) return query.response;
  const user = await requireInstructor(request);
  if (user instanceof Response) return user;
  const gradebook = await buildGradebook();
  if (query.value.format === "csv") {
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(gradebookCsv(gradebook), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="gradebook-${stamp}.csv"`, "cache-control": "no-store" },
    });
  }
  return Response.json(gradebook, { headers: { "cache-control": "no-store" } });
});
