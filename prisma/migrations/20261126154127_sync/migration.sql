-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "archivedNote" TEXT,
ADD COLUMN     "domain" TEXT;

-- CreateTable
CREATE TABLE "SyncCheckpoint" (
    "source" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "cursor" TEXT,
    "lastRunAt" TIMESTAMP(3),
    "lastSuccessAt" TIMESTAMP(3),
    "lastError" TEXT,
    "stats" JSONB,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncCheckpoint_pkey" PRIMARY KEY ("source","object")
);

-- CreateTable
CREATE TABLE "SyncQuarantine" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncQuarantine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLink" (
    "source" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "localId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncLink_pkey" PRIMARY KEY ("source","object","externalId")
);

-- CreateTable
CREATE TABLE "SyncWriteback" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "localId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "remoteId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncWriteback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SyncQuarantine_source_at_idx" ON "SyncQuarantine"("source", "at");

-- CreateIndex
CREATE UNIQUE INDEX "SyncQuarantine_source_object_externalId_key" ON "SyncQuarantine"("source", "object", "externalId");

-- CreateIndex
CREATE INDEX "SyncLink_source_object_localId_idx" ON "SyncLink"("source", "object", "localId");

-- CreateIndex
CREATE INDEX "SyncWriteback_source_status_idx" ON "SyncWriteback"("source", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SyncWriteback_source_kind_localId_key" ON "SyncWriteback"("source", "kind", "localId");
