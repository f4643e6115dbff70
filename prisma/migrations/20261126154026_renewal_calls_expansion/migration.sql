-- CreateEnum
CREATE TYPE "ForecastCall" AS ENUM ('commit', 'likely', 'at_risk', 'lost');

-- AlterTable
ALTER TABLE "Feedback" ADD COLUMN     "higherPlan" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Opportunity" ADD COLUMN     "currency" TEXT,
ADD COLUMN     "expectedClose" DATE,
ADD COLUMN     "stage" TEXT;

-- CreateTable
CREATE TABLE "RenewalCall" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "dueDate" DATE NOT NULL,
    "call" "ForecastCall" NOT NULL,
    "note" TEXT,
    "memberId" TEXT,
    "source" TEXT NOT NULL DEFAULT 'chat',
    "calledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RenewalCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RenewalCall_externalId_key" ON "RenewalCall"("externalId");

-- CreateIndex
CREATE INDEX "RenewalCall_accountId_dueDate_calledAt_idx" ON "RenewalCall"("accountId", "dueDate", "calledAt");

-- AddForeignKey
ALTER TABLE "RenewalCall" ADD CONSTRAINT "RenewalCall_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
