-- AlterTable
ALTER TABLE "HealthScore" ADD COLUMN     "state" TEXT;

-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "answered" BOOLEAN;
