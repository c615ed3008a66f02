/** The durable grading queue's suite (tests/unit/grading/queue-suite.ts) on a throwaway PostgreSQL. */
import { describe } from "vitest";
import { hasPostgres, freshPostgresDatabase } from "../../helpers/postgres";

if (hasPostgres) {
  await freshPostgresDatabase();
  const { gradingQueueSuite } = await import("../grading/queue-suite");
  gradingQueueSuite("postgres");
} else describe.skip("PostgreSQL is not installed", () => {});
