-- CreateTable
CREATE TABLE "GradingJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "lessonSlug" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "client" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "learnerSlot" TEXT,
    "clientSlot" TEXT,
    "turn" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "error" TEXT,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "GradingVerdict" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "checks" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ThrottleHit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "GradingJob_learnerSlot_key" ON "GradingJob"("learnerSlot");

-- CreateIndex
CREATE UNIQUE INDEX "GradingJob_clientSlot_key" ON "GradingJob"("clientSlot");

-- CreateIndex
CREATE INDEX "GradingJob_state_turn_queuedAt_idx" ON "GradingJob"("state", "turn", "queuedAt");

-- CreateIndex
CREATE INDEX "GradingJob_state_leaseExpiresAt_idx" ON "GradingJob"("state", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "GradingJob_userId_state_idx" ON "GradingJob"("userId", "state");

-- CreateIndex
CREATE INDEX "ThrottleHit_scope_key_at_idx" ON "ThrottleHit"("scope", "key", "at");

-- CreateIndex
CREATE INDEX "ThrottleHit_at_idx" ON "ThrottleHit"("at");
