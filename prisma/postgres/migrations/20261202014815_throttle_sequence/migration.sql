-- AlterTable
ALTER TABLE "ThrottleHit" DROP CONSTRAINT "ThrottleHit_pkey",
DROP COLUMN "id",
ADD COLUMN     "id" SERIAL NOT NULL,
ADD CONSTRAINT "ThrottleHit_pkey" PRIMARY KEY ("id");
