-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "claimBoot" TEXT,
ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "outcomeUnknown" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Replica" (
    "id" TEXT NOT NULL,
    "boot" TEXT NOT NULL,
    "beatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Replica_pkey" PRIMARY KEY ("id")
);
