import { listRuns } from "@/lib/db/experiments";
import { runsToCsv } from "@/lib/db/experiments-csv";
import { parseParams } from "@/lib/api/responses";
import { exportQuerySchema } from "@/lib/api/learner-schemas";
import { jsonRoute, queryOf, readingUser } from "@/lib/api/learner-route";

/** Downloads the caller's runs (filtered like the list) as CSV or JSON. */
export const GET = jsonRoute(async (request: Request) => {
  const query = parseParams(queryOf(request), exportQuerySchema);
  if (!query.ok) return query.response;
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const runs = await listRuns(user.id, { lessonSlug: query.value.lesson, name: query.value.name, withPoints: true });
  const filename = `gradbook-runs${query.value.name ? `-${query.value.name.replace(/[^A-Za-z0-9_.-]/g, "_")}` : ""}.${query.value.format}`;
  const headers = { "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" };
  if (query.value.format === "json") return new Response(JSON.stringify({ runs }, null, 2), { headers: { ...headers, "content-type": "application/json" } });
  return new Response(runsToCsv(runs), { headers: { ...headers, "content-type": "text/csv; charset=utf-8" } });
});
