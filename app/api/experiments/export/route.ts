import { listRuns } from "@/lib/db/experiments";
import { runsToCsv } from "@/lib/db/experiments-csv";
import { route } from "@/lib/api/route";
import { exportQuerySchema } from "./schema";

/** Downloads the caller's runs (filtered like the list) as CSV or JSON. */
export const GET = route({ query: exportQuerySchema, auth: "reader" }, async ({ query, user }) => {
  const runs = await listRuns(user.id, { lessonSlug: query.lesson, name: query.name, withPoints: true });
  const filename = `gradbook-runs${query.name ? `-${query.name.replace(/[^A-Za-z0-9_.-]/g, "_")}` : ""}.${query.format}`;
  const headers = { "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" };
  if (query.format === "json") return new Response(JSON.stringify({ runs }, null, 2), { headers: { ...headers, "content-type": "application/json" } });
  return new Response(runsToCsv(runs), { headers: { ...headers, "content-type": "text/csv; charset=utf-8" } });
});
