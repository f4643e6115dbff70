-- AlterTable
-- Events stored before this get the stamp of events sent without one (1970-01-01): keyed by their
-- messageId alone, as they were (the intake checks a new event's messageId against those too).
ALTER TABLE "ProductEvent" DROP CONSTRAINT "ProductEvent_pkey",
ADD COLUMN     "stampedAt" TIMESTAMP(3) NOT NULL DEFAULT '1970-01-01 00:00:00',
ADD CONSTRAINT "ProductEvent_pkey" PRIMARY KEY ("stampedAt", "messageId");
ALTER TABLE "ProductEvent" ALTER COLUMN "stampedAt" DROP DEFAULT;
