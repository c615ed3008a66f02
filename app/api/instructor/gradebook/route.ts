import { route } from "@/lib/api/route";
import { buildGradebook, exerciseSummaryCsv, gradebookCsv, gradebookPage, selectLearners, sortLearners, exerciseStats } from "@/lib/api/gradebook";
import { gradebookQuerySchema } from "./schema";

function csvResponse(body: string, name: string): Response {
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}-${stamp}.csv"`, "cache-control": "no-store" },
  });
}

/**
 * The class gradebook. JSON: one page of learners (sorted and filtered on the server) with the
 * exercises' stats over every selected learner. `format=csv`: every selected learner, one row
 * each (the LMS import); `format=summary-csv`: one row per exercise. Instructors only (403 for learners).
 */
export const GET = route({ query: gradebookQuerySchema, auth: "instructor" }, async ({ query }) => {
  const { format, ...view } = query;
  const gradebook = await buildGradebook();
  if (format === "json") return Response.json(gradebookPage(gradebook, view), { headers: { "cache-control": "no-store" } });
  const selected = sortLearners(gradebook, selectLearners(gradebook.learners, view), view);
  if (format === "csv") return csvResponse(gradebookCsv(gradebook.columns, selected), "gradebook");
  return csvResponse(exerciseSummaryCsv(exerciseStats(gradebook.columns, selected)), "gradebook-exercises");
});
