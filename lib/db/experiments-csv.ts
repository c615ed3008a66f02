import type { RunSummary } from "./experiments";

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per metric point (long format), so any tool can pivot it; run fields repeat per row. */
export function runsToCsv(runs: RunSummary[]): string {
  const metricNames = [...new Set(runs.flatMap((run) => (run.points ?? []).flatMap((p) => Object.keys(p.values))))].sort();
  const paramNames = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  const header = ["run_id", "name", "lesson", "status", "seed", "code_hash", "engine_version", "started_at", "ended_at", ...paramNames.map((p) => `param_${p}`), "step", ...metricNames];
  const lines = [header.map(csvField).join(",")];
  for (const run of runs) {
    const fixed = [run.id, run.name, run.lessonSlug, run.status, run.seed, run.codeHash, run.engineVersion, run.startedAt, run.endedAt, ...paramNames.map((p) => run.params[p])];
    const points = run.points?.length ? run.points : [null];
    for (const point of points) lines.push([...fixed, point?.step ?? "", ...metricNames.map((m) => point?.values[m] ?? "")].map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
