-- CreateTable
CREATE TABLE "SupportTicket" (
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "priority" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "solvedAt" TIMESTAMP(3),
    "reopens" INTEGER NOT NULL DEFAULT 0,
    "csat" TEXT,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupportTicket_pkey" PRIMARY KEY ("source","externalId")
);

-- CreateIndex
CREATE INDEX "SupportTicket_accountId_status_idx" ON "SupportTicket"("accountId", "status");
