/*
  Warnings:

  - The primary key for the `ThrottleHit` table will be changed. If it partially fails, the table could be left without primary key constraint.
  - You are about to alter the column `id` on the `ThrottleHit` table. The data in that column could be lost. The data in that column will be cast from `String` to `Int`.

*/
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ThrottleHit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);
INSERT INTO "new_ThrottleHit" ("at", "id", "key", "scope") SELECT "at", "id", "key", "scope" FROM "ThrottleHit";
DROP TABLE "ThrottleHit";
ALTER TABLE "new_ThrottleHit" RENAME TO "ThrottleHit";
CREATE INDEX "ThrottleHit_scope_key_at_idx" ON "ThrottleHit"("scope", "key", "at");
CREATE INDEX "ThrottleHit_at_idx" ON "ThrottleHit"("at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
