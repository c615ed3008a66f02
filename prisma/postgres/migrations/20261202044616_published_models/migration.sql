-- CreateTable
CREATE TABLE "PublishedModel" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "weights" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublishedModel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PublishedModel_userId_createdAt_idx" ON "PublishedModel"("userId", "createdAt");

-- AddForeignKey
ALTER TABLE "PublishedModel" ADD CONSTRAINT "PublishedModel_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
