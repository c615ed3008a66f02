-- AlterTable
ALTER TABLE "ExerciseState" ADD COLUMN "solutionViewedAt" DATETIME;
