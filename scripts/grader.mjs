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
import { bundleForNode } from "./bundle-for-node.mjs";

// The worker's TypeScript (lib/api/submission-queue.ts and what it imports), rebuilt at each
// start (about a second).
const { startSubmissionWorker, prisma, sandboxesReleased } = await bundleForNode(
  'export { startSubmissionWorker } from "./lib/api/submission-queue"; export { prisma } from "./lib/db/client"; export { sandboxesReleased } from "./lib/grading/sandbox/grader";',
  "lib/generated/grader-worker/worker.mjs",
);

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
