/**
 * The reference verdicts of lib/grading/grade-exercise.ts (how an exercise's solution and its
 * untouched starter fare on each check), shared by every grader process through the database:
 * the first worker to grade an exercise version computes them, the others read them.
 */
import { prisma } from "./client";
import type { CheckResult } from "../grading/types";
import type { VerdictStore } from "../grading/grade-exercise";

async function get(key: string): Promise<CheckResult[] | null> {
  const row = await prisma.gradingVerdict.findUnique({ where: { key } });
  if (!row) return null;
  try {
    const checks = JSON.parse(row.checks) as unknown;
    return Array.isArray(checks) ? (checks as CheckResult[]) : null;
  } catch {
    return null;
  }
}

async function put(key: string, checks: CheckResult[]): Promise<void> {
  // Two workers may compute the same verdict at once; both computed the same thing, keep the first.
  await prisma.gradingVerdict.upsert({ where: { key }, create: { key, checks: JSON.stringify(checks) }, update: {} });
}

export const databaseVerdicts: VerdictStore = { get, put };
