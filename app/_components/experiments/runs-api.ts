import type { RunSummary } from "@/lib/db/experiments";
import type { RunCurve } from "./RunChart";
import { learnerFetch } from "@/app/_components/learner-fetch";

export type { RunSummary };

/** The learner's runs from the API, filtered like /api/experiments/runs. */
export async function fetchRuns(filter: { lesson?: string; name?: string; points?: boolean }): Promise<RunSummary[]> {
  const query = new URLSearchParams();
  if (filter.lesson) query.set("lesson", filter.lesson);
  if (filter.name) query.set("name", filter.name);
  if (filter.points) query.set("points", "1");
  const response = await learnerFetch(`/api/experiments/runs?${query}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`Could not load runs (${response.status})`);
  return ((await response.json()) as { runs: RunSummary[] }).runs;
}

/** A short label for a run in legends: its params, else its start time. */
export function runLabel(run: RunSummary): string {
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${String(v)}`).join(" ");
  return `${run.name}${params ? ` (${params})` : ""} · ${new Date(run.startedAt).toLocaleTimeString()}`;
}

export function curveOf(run: RunSummary, metric: string): RunCurve {
  const points = (run.points ?? []).filter((p) => typeof p.values[metric] === "number");
  return { name: runLabel(run), steps: points.map((p) => p.step), values: points.map((p) => p.values[metric]) };
}
