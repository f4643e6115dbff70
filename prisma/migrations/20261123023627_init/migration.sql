-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'manager', 'csm', 'viewer');

-- CreateEnum
CREATE TYPE "Tier" AS ENUM ('strategic', 'key', 'standard', 'long_tail');

-- CreateEnum
CREATE TYPE "Stage" AS ENUM ('handoff', 'onboarding', 'adoption', 'steady', 'renewal', 'churned');

-- CreateEnum
CREATE TYPE "ContactRole" AS ENUM ('decision_maker', 'champion', 'admin', 'user', 'finance', 'executive');

-- CreateEnum
CREATE TYPE "Attitude" AS ENUM ('supporter', 'neutral', 'opponent');

-- CreateEnum
CREATE TYPE "InteractionKind" AS ENUM ('visit', 'call', 'qbr', 'exec_visit', 'training', 'email', 'praise', 'complaint');

-- CreateEnum
CREATE TYPE "FeedbackStatus" AS ENUM ('open', 'in_progress', 'delivered', 'declined');

-- CreateEnum
CREATE TYPE "PromiseStatus" AS ENUM ('open', 'kept', 'broken', 'cancelled');

-- CreateEnum
CREATE TYPE "SurveyKind" AS ENUM ('nps', 'csat');

-- CreateEnum
CREATE TYPE "MilestoneStatus" AS ENUM ('planned', 'done', 'missed');

-- CreateEnum
CREATE TYPE "RiskKind" AS ENUM ('wrong_fit', 'roi_gap', 'decision_maker_changed', 'slow_go_live', 'slow_feedback', 'champion_changed', 'requirement_not_delivered', 'payment_overdue', 'other');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('high', 'medium', 'low');

-- CreateEnum
CREATE TYPE "RenewalStatus" AS ENUM ('upcoming', 'in_progress', 'renewed', 'downsized', 'churned');

-- CreateEnum
CREATE TYPE "OpportunityKind" AS ENUM ('upsell', 'cross_sell', 'services');

-- CreateEnum
CREATE TYPE "OpportunityStatus" AS ENUM ('open', 'won', 'lost');

-- CreateEnum
CREATE TYPE "Grade" AS ENUM ('green', 'yellow', 'red');

-- CreateEnum
CREATE TYPE "Platform" AS ENUM ('slack', 'feishu');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sending', 'sent', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "slackChannel" TEXT,
    "feishuChatId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'csm',
    "teamId" TEXT,
    "slackUserId" TEXT,
    "feishuOpenId" TEXT,
    "locale" TEXT,
    "timezone" TEXT,
    "quietStart" INTEGER,
    "quietEnd" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "externalId" TEXT,
    "name" TEXT NOT NULL,
    "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tier" "Tier" NOT NULL DEFAULT 'standard',
    "industry" TEXT,
    "region" TEXT,
    "ownerId" TEXT,
    "teamId" TEXT,
    "arr" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "contractStart" DATE,
    "renewalDate" DATE,
    "stage" "Stage" NOT NULL DEFAULT 'steady',
    "goLiveDate" DATE,
    "seats" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "title" TEXT,
    "role" "ContactRole" NOT NULL DEFAULT 'user',
    "influence" INTEGER NOT NULL DEFAULT 3,
    "attitude" "Attitude" NOT NULL DEFAULT 'neutral',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "leftAt" DATE,
    "lastContact" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageSnapshot" (
    "accountId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "activeUsers" INTEGER NOT NULL,
    "activatedUsers" INTEGER NOT NULL,
    "seats" INTEGER NOT NULL,
    "logins" INTEGER NOT NULL DEFAULT 0,
    "coreFeaturesUsed" INTEGER NOT NULL DEFAULT 0,
    "coreFeaturesTotal" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UsageSnapshot_pkey" PRIMARY KEY ("accountId","day")
);

-- CreateTable
CREATE TABLE "Interaction" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "kind" "InteractionKind" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "scheduled" BOOLEAN NOT NULL DEFAULT false,
    "memberId" TEXT,
    "contactName" TEXT,
    "notes" TEXT,
    "nextSteps" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Interaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Feedback" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "title" TEXT NOT NULL,
    "detail" TEXT,
    "status" "FeedbackStatus" NOT NULL DEFAULT 'open',
    "severity" "Severity" NOT NULL DEFAULT 'medium',
    "raisedAt" DATE NOT NULL,
    "resolvedAt" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerPromise" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "title" TEXT NOT NULL,
    "madeAt" DATE NOT NULL,
    "dueDate" DATE NOT NULL,
    "status" "PromiseStatus" NOT NULL DEFAULT 'open',
    "keptAt" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerPromise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "kind" "SurveyKind" NOT NULL,
    "score" INTEGER NOT NULL,
    "respondent" TEXT,
    "comment" TEXT,
    "respondedAt" DATE NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Milestone" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "title" TEXT NOT NULL,
    "dueDate" DATE NOT NULL,
    "status" "MilestoneStatus" NOT NULL DEFAULT 'planned',
    "doneAt" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskFlag" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" "RiskKind" NOT NULL,
    "severity" "Severity" NOT NULL,
    "note" TEXT,
    "raisedAt" DATE NOT NULL,
    "resolvedAt" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskFlag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Opportunity" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" "OpportunityKind" NOT NULL,
    "title" TEXT NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "status" "OpportunityStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Opportunity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Renewal" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "externalId" TEXT,
    "dueDate" DATE NOT NULL,
    "arr" DECIMAL(14,2) NOT NULL,
    "status" "RenewalStatus" NOT NULL DEFAULT 'upcoming',
    "outcomeArr" DECIMAL(14,2),
    "closedAt" DATE,
    "termsClear" BOOLEAN,
    "valueReportSent" BOOLEAN NOT NULL DEFAULT false,
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Renewal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthScore" (
    "accountId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "score" INTEGER NOT NULL,
    "grade" "Grade" NOT NULL,
    "usageLevel" INTEGER NOT NULL,
    "valueLevel" INTEGER NOT NULL,
    "components" JSONB NOT NULL,
    "reasons" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HealthScore_pkey" PRIMARY KEY ("accountId","day")
);

-- CreateTable
CREATE TABLE "Snooze" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Snooze_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NudgeState" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "until" TIMESTAMP(3),
    "lastSentAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NudgeState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "externalId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "id" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "fireKey" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'running',
    "detail" JSONB,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "memberId" TEXT,
    "surface" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "accountId" TEXT,
    "detail" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Member_email_key" ON "Member"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Member_slackUserId_key" ON "Member"("slackUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Member_feishuOpenId_key" ON "Member"("feishuOpenId");

-- CreateIndex
CREATE INDEX "Member_teamId_idx" ON "Member"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_externalId_key" ON "Account"("externalId");

-- CreateIndex
CREATE INDEX "Account_ownerId_idx" ON "Account"("ownerId");

-- CreateIndex
CREATE INDEX "Account_teamId_idx" ON "Account"("teamId");

-- CreateIndex
CREATE INDEX "Account_renewalDate_idx" ON "Account"("renewalDate");

-- CreateIndex
CREATE INDEX "Contact_accountId_idx" ON "Contact"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_accountId_name_key" ON "Contact"("accountId", "name");

-- CreateIndex
CREATE INDEX "UsageSnapshot_day_idx" ON "UsageSnapshot"("day");

-- CreateIndex
CREATE UNIQUE INDEX "Interaction_externalId_key" ON "Interaction"("externalId");

-- CreateIndex
CREATE INDEX "Interaction_accountId_occurredAt_idx" ON "Interaction"("accountId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Feedback_externalId_key" ON "Feedback"("externalId");

-- CreateIndex
CREATE INDEX "Feedback_accountId_idx" ON "Feedback"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerPromise_externalId_key" ON "CustomerPromise"("externalId");

-- CreateIndex
CREATE INDEX "CustomerPromise_accountId_idx" ON "CustomerPromise"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_externalId_key" ON "SurveyResponse"("externalId");

-- CreateIndex
CREATE INDEX "SurveyResponse_accountId_respondedAt_idx" ON "SurveyResponse"("accountId", "respondedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Milestone_externalId_key" ON "Milestone"("externalId");

-- CreateIndex
CREATE INDEX "Milestone_accountId_idx" ON "Milestone"("accountId");

-- CreateIndex
CREATE INDEX "RiskFlag_accountId_idx" ON "RiskFlag"("accountId");

-- CreateIndex
CREATE INDEX "Opportunity_accountId_idx" ON "Opportunity"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Renewal_externalId_key" ON "Renewal"("externalId");

-- CreateIndex
CREATE INDEX "Renewal_dueDate_idx" ON "Renewal"("dueDate");

-- CreateIndex
CREATE UNIQUE INDEX "Renewal_accountId_dueDate_key" ON "Renewal"("accountId", "dueDate");

-- CreateIndex
CREATE INDEX "HealthScore_day_idx" ON "HealthScore"("day");

-- CreateIndex
CREATE UNIQUE INDEX "Snooze_memberId_accountId_key" ON "Snooze"("memberId", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "NudgeState_memberId_accountId_rule_key" ON "NudgeState"("memberId", "accountId", "rule");

-- CreateIndex
CREATE UNIQUE INDEX "Outbox_idempotencyKey_key" ON "Outbox"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Outbox_status_nextAttemptAt_idx" ON "Outbox"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_fireKey_key" ON "JobRun"("fireKey");

-- CreateIndex
CREATE INDEX "AuditLog_accountId_at_idx" ON "AuditLog"("accountId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_memberId_at_idx" ON "AuditLog"("memberId", "at");

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageSnapshot" ADD CONSTRAINT "UsageSnapshot_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerPromise" ADD CONSTRAINT "CustomerPromise_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Milestone" ADD CONSTRAINT "Milestone_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RiskFlag" ADD CONSTRAINT "RiskFlag_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Opportunity" ADD CONSTRAINT "Opportunity_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Renewal" ADD CONSTRAINT "Renewal_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthScore" ADD CONSTRAINT "HealthScore_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
