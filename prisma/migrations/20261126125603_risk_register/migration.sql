-- CreateEnum
CREATE TYPE "RiskSource" AS ENUM ('detected', 'person');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "RiskKind" ADD VALUE 'refusing_contact';
ALTER TYPE "RiskKind" ADD VALUE 'usage_collapse';
ALTER TYPE "RiskKind" ADD VALUE 'detractor';
ALTER TYPE "RiskKind" ADD VALUE 'renewal_unready';

-- AlterTable
ALTER TABLE "Opportunity" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "RiskFlag" ADD COLUMN     "closeNote" TEXT,
ADD COLUMN     "closedBy" "RiskSource",
ADD COLUMN     "closedById" TEXT,
ADD COLUMN     "confirmedAt" DATE,
ADD COLUMN     "evidenceKey" TEXT,
ADD COLUMN     "evidenceParams" JSONB,
ADD COLUMN     "externalId" TEXT,
ADD COLUMN     "nextStep" TEXT,
ADD COLUMN     "raisedById" TEXT,
ADD COLUMN     "source" "RiskSource" NOT NULL DEFAULT 'person',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE UNIQUE INDEX "Opportunity_externalId_key" ON "Opportunity"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "RiskFlag_externalId_key" ON "RiskFlag"("externalId");

-- CreateIndex
CREATE INDEX "RiskFlag_accountId_resolvedAt_idx" ON "RiskFlag"("accountId", "resolvedAt");
