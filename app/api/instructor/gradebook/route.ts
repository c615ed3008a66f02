import { route } from "@/lib/api/route";
import { buildGradebook, gradebookCsv } from "@/lib/api/gradebook";
import { gradebookQuerySchema } from "./schema";

/** The class gradebook, as JSON or (`?format=csv`) as a CSV download. Instructors only: 403 for learners. */
export const GET = route({ query: gradebookQuerySchema, auth: "instructor" }, async ({ query }) => {
  const gradebook = await buildGradebook();
  if (query.format === "csv") {
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(gradebookCsv(gradebook), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="gradebook-${stamp}.csv"`, "cache-control": "no-store" },
    });
  }
  return Response.json(gradebook, { headers: { "cache-control": "no-store" } });
});
