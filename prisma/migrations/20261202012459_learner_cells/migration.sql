-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CellState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "lessonSlug" TEXT NOT NULL,
    "cellId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "executionCount" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" TEXT,
    "version" BIGINT NOT NULL DEFAULT 0,
    "kind" TEXT,
    "anchor" TEXT,
    "position" REAL NOT NULL DEFAULT 0,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CellState_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_CellState" ("cellId", "code", "executionCount", "id", "lastStatus", "lessonSlug", "updatedAt", "userId", "version") SELECT "cellId", "code", "executionCount", "id", "lastStatus", "lessonSlug", "updatedAt", "userId", "version" FROM "CellState";
DROP TABLE "CellState";
ALTER TABLE "new_CellState" RENAME TO "CellState";
CREATE UNIQUE INDEX "CellState_userId_lessonSlug_cellId_key" ON "CellState"("userId", "lessonSlug", "cellId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
