-- CreateTable
CREATE TABLE "CalendarFeed" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "urlEnc" TEXT NOT NULL,
    "leadMinutes" INTEGER,
    "etag" TEXT,
    "lastModified" TEXT,
    "lastFetchAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "lastParsedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "failingSince" TIMESTAMP(3),
    "failureReported" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarFeed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "instanceKey" TEXT NOT NULL,
    "accountId" TEXT,
    "title" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "allDay" BOOLEAN NOT NULL DEFAULT false,
    "attendees" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'confirmed',
    "briefKey" TEXT,
    "interactionId" TEXT,
    "outcome" TEXT,
    "contactsBefore" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CalendarFeed_memberId_key" ON "CalendarFeed"("memberId");

-- CreateIndex
CREATE INDEX "Meeting_memberId_startsAt_idx" ON "Meeting"("memberId", "startsAt");

-- CreateIndex
CREATE INDEX "Meeting_accountId_startsAt_idx" ON "Meeting"("accountId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_memberId_instanceKey_key" ON "Meeting"("memberId", "instanceKey");
