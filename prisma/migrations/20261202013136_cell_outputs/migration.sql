-- CreateTable
CREATE TABLE "CellOutputs" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "lessonSlug" TEXT NOT NULL,
    "cellId" TEXT NOT NULL,
    "outputs" TEXT NOT NULL,
    "executionCount" INTEGER,
    "codeHash" TEXT NOT NULL,
    "ranAt" BIGINT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CellOutputs_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CellOutputs_userId_lessonSlug_cellId_key" ON "CellOutputs"("userId", "lessonSlug", "cellId");
