// The demo book: a believable CS organisation (3 teams, ~300 accounts, 120 days of usage) built
// from a seed and "today", as plain rows. Pure: no I/O, no clock, no Math.random - the same
// (seed, today) gives the same rows on every machine, so tests and docs can name what is in it.
//
// Every account has a hidden health trajectory h(d) in [0, 1]; usage, contact cadence, sentiment,
// open issues and past renewal outcomes are all drawn from it with noise. The score the health
// engine computes is never consulted, so whether it separates outcomes is a fair test.

import { planAccounts, stageOf } from "./book/accounts.js";
import { makeContacts, setLastContacts } from "./book/contacts.js";
import { type AccountPlan, newBookContext } from "./book/context.js";
import { addFeedback } from "./book/feedback.js";
import { addInteraction, addInteractions, addRenewalTalk, scheduleVisits } from "./book/interactions.js";
import { addMilestones } from "./book/milestones.js";
import { addOpportunities } from "./book/opportunities.js";
import { addTeamsAndMembers, memberId, ownerDiligence, TEAMS, type TeamSpec, teamId } from "./book/organisation.js";
import { addPromises } from "./book/promises.js";
import { addPastRenewals, addRenewalCalls, addUpcomingRenewal } from "./book/renewals.js";
import { addRisks } from "./book/risks.js";
import type { AccountRow, ContactRow, DemoBook, MilestoneRow } from "./book/rows.js";
import { DEMO_STORIES } from "./book/stories.js";
import { addSurveys } from "./book/surveys.js";
import { addUsage } from "./book/usage.js";
import { rng } from "./random.js";

export { USAGE_DAYS } from "./book/context.js";
export {
  DEMO_EMAIL_DOMAIN,
  DEMO_PEOPLE,
  demoEmail,
  demoFeishuOpenId,
  demoSlackUserId,
} from "./book/organisation.js";
export type { DemoBook } from "./book/rows.js";
export { DEMO_STORIES } from "./book/stories.js";

export const DEMO_SEED = "tend-demo-1";

/** Builds the demo book for `today` (YYYY-MM-DD). */
export function generateDemoBook(opts: { today: string; seed?: string }): DemoBook {
  const { today } = opts;
  const seed = opts.seed ?? DEMO_SEED;
  const ctx = newBookContext(today, seed);
  const { book, day, offsetOf, nextId } = ctx;
  addTeamsAndMembers(book);
  const diligence = ownerDiligence(seed);

  const plans = planAccounts(ctx, diligence);
  for (const s of storyAccounts(seed, day)) {
    plans.push(s);
    addPastRenewals(ctx, s);
  }

  // ---- everything else per account ----
  for (const p of plans) {
    const { row } = p;
    book.accounts.push(row);
    const goLive = offsetOf(row.goLiveDate);
    const renewal = offsetOf(row.renewalDate);
    if (row.stage !== "churned") {
      row.stage = stageOf(goLive, renewal);
      addUpcomingRenewal(ctx, p, renewal);
    }
    const contacts = makeContacts(ctx, p);
    addUsage(ctx, p, goLive);
    addInteractions(ctx, p, contacts);
    if (row.stage !== "churned") addRenewalTalk(ctx, p, contacts, renewal);
    addFeedback(ctx, p);
    addPromises(ctx, p);
    addSurveys(ctx, p, contacts);
    addMilestones(ctx, p, goLive);
    addRisks(ctx, p, goLive);
    addOpportunities(ctx, p);
    storyPatch(p, contacts);
    book.contacts.push(...contacts);
  }
  scheduleVisits(ctx, plans);
  addRenewalCalls(ctx);
  setLastContacts(book);
  return book;

  /** The hand-written parts of each story, on top of what the seed drew. */
  function storyPatch(p: AccountPlan, contacts: ContactRow[]) {
    if (!p.story) return;
    const { row } = p;
    const mine = <T extends { accountId: string }>(rows: T[]) => rows.filter((x) => x.accountId === row.id);
    const drop = <T extends { accountId: string }>(rows: T[], keep: (x: T) => boolean) => {
      for (let i = rows.length - 1; i >= 0; i--)
        if (rows[i]!.accountId === row.id && !keep(rows[i]!)) rows.splice(i, 1);
    };
    const champion = contacts.find((c) => c.role === "champion")!;
    const dm = contacts.find((c) => c.role === "decision_maker")!;
    switch (p.story) {
      case "championLeft": {
        for (const i of mine(book.interactions)) if (i.contactName === champion.name) i.contactName = "Priya Raman";
        champion.name = "Priya Raman";
        champion.email = "priya.raman@northwind.example";
        champion.title = "Director of Digital Operations";
        champion.attitude = "supporter";
        champion.active = false;
        champion.leftAt = day(-18);
        dm.attitude = "neutral";
        // The last real conversation was with Priya, before she left; nothing since.
        drop(book.interactions, (i) => i.occurredAt < day(-24) || (i.kind === "email" && i.occurredAt < day(-18)));
        for (const i of mine(book.interactions))
          if (i.contactName === dm.name && i.occurredAt > day(-80)) i.contactName = champion.name;
        addInteraction(ctx, p, "call", -24, "Priya Raman");
        // Keep the story about the relationship: no unrelated overdue promise.
        for (const x of mine(book.promises))
          if (x.status === "open" && x.dueDate < day(0)) Object.assign(x, { status: "kept", keptAt: x.dueDate });
        book.interactions.at(-1)!.notes = "Priya mentioned she is moving on; handover to be planned";
        book.interactions.at(-1)!.nextSteps = "Meet her successor and the COO";
        book.risks.push({
          id: nextId("risk"),
          accountId: row.id,
          kind: "champion_changed",
          severity: "medium",
          note: "Champion Priya Raman left; no successor named yet",
          raisedAt: day(-16),
          resolvedAt: null,
        });
        break;
      }
      case "onboarding": {
        drop(book.milestones, () => false);
        const ms: [string, number, MilestoneRow["status"], number | null][] = [
          ["Kick-off call", -104, "done", -104],
          ["SSO configured", -67, "done", -62],
          ["Go-live", -60, "done", -60],
          ["Admin training", -45, "done", -40],
          ["30-day adoption review", -30, "missed", null],
          ["Roll out to the radiology department", -10, "planned", null],
          ["60-day adoption review", 3, "planned", null],
          ["First QBR", 30, "planned", null],
        ];
        for (const [title, due, status, done] of ms)
          book.milestones.push({
            id: nextId("milestone"),
            accountId: row.id,
            title,
            dueDate: day(due),
            status,
            doneAt: done === null ? null : day(done),
          });
        book.feedback.push({
          id: nextId("feedback"),
          accountId: row.id,
          title: "Bulk user provisioning (SCIM)",
          status: "open",
          severity: "high",
          raisedAt: day(-41),
          resolvedAt: null,
        });
        book.risks.push({
          id: nextId("risk"),
          accountId: row.id,
          kind: "slow_go_live",
          severity: "medium",
          note: "Only the pilot ward uses it; rollout waits on user provisioning",
          raisedAt: day(-25),
          resolvedAt: null,
        });
        break;
      }
      case "renewalPromise": {
        drop(book.promises, () => false);
        book.promises.push(
          {
            id: nextId("promise"),
            accountId: row.id,
            title: "单点登录(SSO)对接企业微信上线",
            madeAt: day(-75),
            dueDate: day(-12),
            status: "open",
            keptAt: null,
          },
          {
            id: nextId("promise"),
            accountId: row.id,
            title: "提供季度使用分析报告",
            madeAt: day(-120),
            dueDate: day(-90),
            status: "kept",
            keptAt: day(-92),
          },
        );
        const ren = book.renewals.find((x) => x.accountId === row.id && x.status === "in_progress")!;
        ren.termsClear = false;
        ren.valueReportSent = false;
        ren.notes = "客户要求续约前完成SSO对接";
        book.feedback.push({
          id: nextId("feedback"),
          accountId: row.id,
          title: "对接企业微信单点登录",
          status: "in_progress",
          severity: "high",
          raisedAt: day(-80),
          resolvedAt: null,
        });
        break;
      }
      case "expansion": {
        drop(book.surveys, (s) => s.kind !== "nps");
        book.surveys.push({
          id: nextId("survey"),
          accountId: row.id,
          kind: "nps",
          score: 10,
          respondent: champion.name,
          comment: "We want every regional team on it next year",
          respondedAt: day(-20),
        });
        addInteraction(ctx, p, "praise", -9, champion.name);
        book.interactions.at(-1)!.notes = "Finance team asked for access after seeing the forecasting dashboards";
        book.opportunities.push(
          {
            id: nextId("opportunity"),
            accountId: row.id,
            kind: "upsell",
            title: "150 more seats for the Finance team",
            amount: 60_000,
            status: "open",
            currency: null,
            stage: "Proposal",
            expectedClose: day(40),
          },
          {
            id: nextId("opportunity"),
            accountId: row.id,
            kind: "cross_sell",
            title: "Advanced analytics module",
            amount: 25_000,
            status: "open",
            currency: null,
            stage: "Discovery",
            expectedClose: day(75),
          },
        );
        break;
      }
      case "detractor": {
        drop(book.surveys, (s) => s.respondedAt < day(-60));
        book.surveys.push({
          id: nextId("survey"),
          accountId: row.id,
          kind: "nps",
          score: 3,
          respondent: dm.name,
          comment: "Report exports time out and support takes days to answer",
          respondedAt: day(-6),
        });
        addInteraction(ctx, p, "complaint", -6, dm.name);
        book.interactions.at(-1)!.notes = "Escalation: report exports time out before their Monday meeting";
        book.feedback.push({
          id: nextId("feedback"),
          accountId: row.id,
          title: "Report exports time out",
          status: "open",
          severity: "high",
          raisedAt: day(-21),
          resolvedAt: null,
        });
        break;
      }
    }
  }
}

/** The five story accounts, with the shape of their history fixed by hand. */
function storyAccounts(seed: string, day: (offset: number) => Date): AccountPlan[] {
  const team = (key: TeamSpec["key"]) => TEAMS.find((t) => t.key === key)!;
  const plan = (
    story: keyof typeof DEMO_STORIES,
    key: TeamSpec["key"],
    owner: string,
    row: Omit<AccountRow, "id" | "name" | "ownerId" | "teamId" | "stage" | "externalId"> & { externalId: string },
    h: (d: number) => number,
    extra: Partial<AccountPlan> = {},
  ): AccountPlan => ({
    row: {
      ...row,
      id: `demo-account-${story}`,
      name: DEMO_STORIES[story],
      ownerId: memberId(owner),
      teamId: teamId(key),
      stage: "steady",
    },
    team: team(key),
    lang: team(key).lang,
    r: rng(`${seed}:story:${story}`),
    h,
    lastUsageDay: 0,
    diligence: 0.8,
    story,
    ...extra,
  });
  return [
    plan(
      "championLeft",
      "amer",
      "alice.chen",
      {
        externalId: "CRM-AMER-0001",
        aliases: ["Northwind", "NWL"],
        tier: "strategic",
        industry: "logistics",
        region: "US East",
        arr: 480_000,
        currency: "USD",
        contractStart: day(150 - 3 * 365),
        renewalDate: day(150),
        goLiveDate: day(150 - 3 * 365 + 45),
        seats: 800,
      },
      (d) => (d <= -40 ? 0.85 : d <= -18 ? 0.85 - (0.3 * (d + 40)) / 22 : 0.4),
      {
        activation: () => 0.82,
        // Steady until six weeks ago, sliding since, and falling off after the champion left.
        engagement: (d) => (d <= -40 ? 0.85 : d <= -8 ? 0.85 - (0.35 * (d + 40)) / 32 : 0.3),
      },
    ),
    plan(
      "onboarding",
      "emea",
      "grace.walsh",
      {
        externalId: "CRM-EMEA-0001",
        aliases: ["Brightwave"],
        tier: "key",
        industry: "healthcare",
        region: "UK & Ireland",
        arr: 96_000,
        currency: "EUR",
        contractStart: day(-110),
        renewalDate: day(255),
        goLiveDate: day(-60),
        seats: 250,
      },
      () => 0.45,
      // Activation crawls: 8% at go-live (the pilot ward), 20% sixty days later.
      { activation: (d) => 0.08 + (0.12 * Math.min(60, d + 60)) / 60, engagement: () => 0.6 },
    ),
    plan(
      "renewalPromise",
      "cn",
      "li.na",
      {
        externalId: "CRM-CN-0001",
        aliases: ["云帆科技", "云帆", "Yunfan"],
        tier: "key",
        industry: "software",
        region: "华东",
        arr: 1_200_000,
        currency: "CNY",
        contractStart: day(45 - 2 * 365),
        renewalDate: day(45),
        goLiveDate: day(45 - 2 * 365 + 40),
        seats: 400,
      },
      (d) => 0.62 - (0.08 * (d + 120)) / 120,
    ),
    plan(
      "expansion",
      "amer",
      "ben.carter",
      {
        externalId: "CRM-AMER-0002",
        aliases: ["Summit"],
        tier: "key",
        industry: "software",
        region: "US West",
        arr: 150_000,
        currency: "USD",
        contractStart: day(200 - 2 * 365),
        renewalDate: day(200),
        goLiveDate: day(200 - 2 * 365 + 30),
        seats: 300,
      },
      (d) => 0.9 + (0.05 * (d + 120)) / 120,
      // Nearly every seat is in use: the team is asking for more.
      { activation: () => 0.98, engagement: () => 0.93 },
    ),
    plan(
      "detractor",
      "emea",
      "felix.wagner",
      {
        externalId: "CRM-EMEA-0002",
        aliases: ["Kestrel"],
        tier: "standard",
        industry: "retail",
        region: "DACH",
        arr: 42_000,
        currency: "EUR",
        contractStart: day(100 - 2 * 365),
        renewalDate: day(100),
        goLiveDate: day(100 - 2 * 365 + 40),
        seats: 90,
      },
      (d) => 0.6 - (0.15 * (d + 120)) / 120,
    ),
  ];
}
