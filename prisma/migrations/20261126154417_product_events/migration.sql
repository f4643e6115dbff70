-- CreateTable
CREATE TABLE "ProductEvent" (
    "messageId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ts" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT,
    "userKey" TEXT NOT NULL,
    "groupId" TEXT,
    "accountId" TEXT,
    "day" DATE,
    "feature" TEXT,
    "login" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "ProductEvent_pkey" PRIMARY KEY ("messageId")
);

-- CreateTable
CREATE TABLE "ProductGroup" (
    "groupId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "accountId" TEXT,
    "name" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductGroup_pkey" PRIMARY KEY ("groupId")
);

-- CreateTable
CREATE TABLE "ProductUser" (
    "userKey" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductUser_pkey" PRIMARY KEY ("userKey")
);

-- CreateTable
CREATE TABLE "ProductUserDay" (
    "accountId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "userKey" TEXT NOT NULL,
    "events" INTEGER NOT NULL DEFAULT 0,
    "logins" INTEGER NOT NULL DEFAULT 0,
    "features" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "ProductUserDay_pkey" PRIMARY KEY ("accountId","day","userKey")
);

-- CreateTable
CREATE TABLE "ProductAccountUser" (
    "accountId" TEXT NOT NULL,
    "userKey" TEXT NOT NULL,
    "firstDay" DATE NOT NULL,

    CONSTRAINT "ProductAccountUser_pkey" PRIMARY KEY ("accountId","userKey")
);

-- CreateTable
CREATE TABLE "ProductDirtyDay" (
    "accountId" TEXT NOT NULL,
    "day" DATE NOT NULL,

    CONSTRAINT "ProductDirtyDay_pkey" PRIMARY KEY ("accountId","day")
);

-- CreateTable
CREATE TABLE "ProductUnmappedEvent" (
    "name" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "firstSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductUnmappedEvent_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ProductIntakeDay" (
    "day" DATE NOT NULL,
    "outcome" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "events" INTEGER NOT NULL DEFAULT 0,
    "lastAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastNote" TEXT,

    CONSTRAINT "ProductIntakeDay_pkey" PRIMARY KEY ("day","outcome")
);

-- CreateIndex
CREATE INDEX "ProductEvent_userKey_idx" ON "ProductEvent"("userKey");

-- CreateIndex
CREATE INDEX "ProductEvent_receivedAt_idx" ON "ProductEvent"("receivedAt");
