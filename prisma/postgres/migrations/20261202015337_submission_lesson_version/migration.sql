-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "lessonVersion" INTEGER NOT NULL DEFAULT 1;
