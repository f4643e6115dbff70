-- CreateTable
CREATE TABLE "UsageWeek" (
    "accountId" TEXT NOT NULL,
    "weekStart" DATE NOT NULL,
    "days" INTEGER NOT NULL,
    "activeUsersSum" BIGINT NOT NULL,
    "activeUsersMax" INTEGER NOT NULL,
    "activatedUsers" INTEGER NOT NULL,
    "seats" INTEGER NOT NULL,
    "logins" BIGINT NOT NULL,
    "coreFeaturesUsed" INTEGER NOT NULL,
    "coreFeaturesTotal" INTEGER NOT NULL,

    CONSTRAINT "UsageWeek_pkey" PRIMARY KEY ("accountId","weekStart")
);

-- CreateIndex
CREATE INDEX "UsageWeek_weekStart_idx" ON "UsageWeek"("weekStart");

-- AddForeignKey
ALTER TABLE "UsageWeek" ADD CONSTRAINT "UsageWeek_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
