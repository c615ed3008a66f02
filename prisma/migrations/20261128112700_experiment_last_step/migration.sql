-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ExperimentRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "lessonSlug" TEXT NOT NULL,
    "cellId" TEXT,
    "name" TEXT NOT NULL,
    "params" TEXT NOT NULL DEFAULT '{}',
    "seed" BIGINT,
    "codeHash" TEXT,
    "engineVersion" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "statusReason" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "heartbeatAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finalMetrics" TEXT NOT NULL DEFAULT '{}',
    "lastStep" INTEGER NOT NULL DEFAULT -1,
    CONSTRAINT "ExperimentRun_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ExperimentRun" ("cellId", "codeHash", "endedAt", "engineVersion", "finalMetrics", "heartbeatAt", "id", "lessonSlug", "name", "params", "seed", "startedAt", "status", "statusReason", "userId") SELECT "cellId", "codeHash", "endedAt", "engineVersion", "finalMetrics", "heartbeatAt", "id", "lessonSlug", "name", "params", "seed", "startedAt", "status", "statusReason", "userId" FROM "ExperimentRun";
DROP TABLE "ExperimentRun";
ALTER TABLE "new_ExperimentRun" RENAME TO "ExperimentRun";
CREATE INDEX "ExperimentRun_userId_lessonSlug_name_idx" ON "ExperimentRun"("userId", "lessonSlug", "name");
CREATE INDEX "ExperimentRun_status_heartbeatAt_idx" ON "ExperimentRun"("status", "heartbeatAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
