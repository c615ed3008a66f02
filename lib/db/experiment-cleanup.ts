/** "Clear old runs": deletes a learner's repeated runs in a lesson, keeping the latest of each configuration. */
import { prisma } from "./client";
import { runConfigKey } from "./run-config";

export interface ClearResult {
  deleted: number;
  kept: number;
}

/**
 * Deletes the caller's ended runs in `lessonSlug` (of one `name` when given) that an equal
 * configuration (name, params, code hash) ran again later: the latest ended run of each
 * configuration stays, and so does every run still running. Only `userId`'s rows are read or
 * touched. Their points go with them (cascade).
 */
export async function clearOldRuns(userId: string, lessonSlug: string, name?: string): Promise<ClearResult> {
  const runs = await prisma.experimentRun.findMany({
    where: { userId, lessonSlug, ...(name ? { name } : {}) },
    select: { id: true, name: true, params: true, codeHash: true, status: true },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
  });
  const latest = new Set<string>();
  const old: string[] = [];
  for (const run of runs) {
    // A run still going is kept and is not the "latest" of its configuration: it may yet fail.
    if (run.status === "running") continue;
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(run.params) as Record<string, unknown>;
    } catch {
      // An unreadable params column is its own configuration: kept.
      latest.add(`unreadable:${run.id}`);
      continue;
    }
    const key = runConfigKey({ name: run.name, params, codeHash: run.codeHash });
    if (latest.has(key)) old.push(run.id);
    else latest.add(key);
  }
  if (old.length === 0) return { deleted: 0, kept: runs.length };
  const { count } = await prisma.experimentRun.deleteMany({ where: { userId, id: { in: old } } });
  return { deleted: count, kept: runs.length - count };
}
