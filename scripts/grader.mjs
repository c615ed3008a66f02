#!/usr/bin/env node
// `npm run grader`: a grader worker process. It claims submissions from the database
// (DATABASE_URL; PostgreSQL in a deployment with several app instances), grades them in the
// sandbox and records the grades. Run any number, on any machine that reaches the database:
// they share the queue's order and limits through it, and a worker that dies mid-grade has its
// jobs graded by another once their lease runs out (GRADER_LEASE_MS).
// Settings: DATABASE_URL, GRADER_CONCURRENCY (2), GRADER_LEASE_MS (30000), GRADER_POLL_MS (250),
// GRADER_NAME (host-pid), and the sandbox limits GRADER_MEMORY_MB, GRADER_SETUP_MS,
// GRADER_CHECK_MS, GRADER_TOTAL_MS. SIGTERM/SIGINT finish the jobs in hand, then exit.
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

// The worker's TypeScript (lib/api/submission-queue.ts and what it imports) bundled as one ES
// module, packages left to Node: run as ESM, every package resolves as it does under Next
// (some lesson-parsing packages are ESM-only). Rebuilt at each start (about a second).
const outfile = path.resolve("lib/generated/grader-worker/worker.mjs");
await build({
  stdin: { contents: 'export { startSubmissionWorker } from "./lib/api/submission-queue"; export { prisma } from "./lib/db/client"; export { sandboxesReleased } from "./lib/grading/sandbox/grader";', resolveDir: process.cwd(), loader: "ts" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  outfile,
  logLevel: "warning",
});
const { startSubmissionWorker, prisma, sandboxesReleased } = await import(pathToFileURL(outfile).href);

const name = process.env.GRADER_NAME || `${os.hostname()}-${process.pid}`;
const worker = startSubmissionWorker(name);
console.log(`▸ Grader ${name} working (${(process.env.DATABASE_URL || "file:./prisma/dev.db").replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")})`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`▸ Grader ${name}: finishing the jobs in hand (again to quit at once)`);
    await worker.stop();
    await prisma.$disconnect();
    await sandboxesReleased(); // exiting while isolated-vm frees an isolate crashes Node
    console.log(`▸ Grader ${name}: stopped after ${worker.finished} job(s)`);
    process.exit(0);
  });
}
