-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "progress" JSONB;
