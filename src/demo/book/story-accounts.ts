// The five story accounts (DEMO_STORIES, docs/demo.md): each one's plan - size, dates, the shape of
// its health, usage and activation - and the hand-written part of its history, patched over what
// the seed drew for it. Grouped by story, plan then patch.
import { rng } from "../random.js";
import type { AccountPlan, BookContext } from "./context.js";
import { addInteraction } from "./interactions.js";
import { memberId, TEAMS, type TeamSpec, teamId } from "./organisation.js";
import type { AccountRow, ContactRow, MilestoneRow } from "./rows.js";
import { DEMO_STORIES, type StoryKey } from "./stories.js";

/** The five story accounts, with the shape of their history fixed by hand. */
export const storyAccounts = (ctx: BookContext): AccountPlan[] => [
  championLeftAccount(ctx),
  onboardingAccount(ctx),
  renewalPromiseAccount(ctx),
  expansionAccount(ctx),
  detractorAccount(ctx),
];

/** The story's champion and decision maker, as drawn (the patch may rename or retire them). */
interface Cast {
  champion: ContactRow;
  dm: ContactRow;
}

/** The hand-written parts of each story, on top of what the seed drew. */
export function patchStory(ctx: BookContext, p: AccountPlan, contacts: ContactRow[]) {
  if (!p.story) return;
  const champion = contacts.find((c) => c.role === "champion")!;
  const dm = contacts.find((c) => c.role === "decision_maker")!;
  PATCHES[p.story](ctx, p, { champion, dm });
}

type Patch = (ctx: BookContext, p: AccountPlan, cast: Cast) => void;
const PATCHES: Record<StoryKey, Patch> = {
  championLeft: patchChampionLeft,
  onboarding: patchOnboarding,
  renewalPromise: patchRenewalPromise,
  expansion: patchExpansion,
  detractor: patchDetractor,
};

type StoryRow = Omit<AccountRow, "id" | "name" | "ownerId" | "teamId" | "stage">;

function storyPlan(
  ctx: BookContext,
  story: StoryKey,
  key: TeamSpec["key"],
  owner: string,
  row: StoryRow,
  h: (d: number) => number,
  extra: Partial<AccountPlan> = {},
): AccountPlan {
  const team = TEAMS.find((t) => t.key === key)!;
  return {
    row: {
      ...row,
      id: `demo-account-${story}`,
      name: DEMO_STORIES[story],
      ownerId: memberId(owner),
      teamId: teamId(key),
      stage: "steady",
    },
    team,
    lang: team.lang,
    r: rng(`${ctx.seed}:story:${story}`),
    h,
    lastUsageDay: 0,
    diligence: 0.8,
    story,
    ...extra,
  };
}

/** The account's rows in `rows`. */
const mine = <T extends { accountId: string }>(p: AccountPlan, rows: T[]) =>
  rows.filter((x) => x.accountId === p.row.id);

/** Removes the account's rows in `rows` that `keep` refuses. */
function drop<T extends { accountId: string }>(p: AccountPlan, rows: T[], keep: (x: T) => boolean) {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.accountId === p.row.id && !keep(rows[i]!)) rows.splice(i, 1);
}

// ---- championLeft: Northwind Logistics ----

function championLeftAccount(ctx: BookContext): AccountPlan {
  const { day } = ctx;
  return storyPlan(
    ctx,
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
  );
}

function patchChampionLeft(ctx: BookContext, p: AccountPlan, { champion, dm }: Cast) {
  const { book, day } = ctx;
  for (const i of mine(p, book.interactions)) if (i.contactName === champion.name) i.contactName = "Priya Raman";
  champion.name = "Priya Raman";
  champion.email = "priya.raman@northwind.example";
  champion.title = "Director of Digital Operations";
  champion.attitude = "supporter";
  champion.active = false;
  champion.leftAt = day(-18);
  dm.attitude = "neutral";
  // The last real conversation was with Priya, before she left; nothing since.
  drop(p, book.interactions, (i) => i.occurredAt < day(-24) || (i.kind === "email" && i.occurredAt < day(-18)));
  for (const i of mine(p, book.interactions))
    if (i.contactName === dm.name && i.occurredAt > day(-80)) i.contactName = champion.name;
  const call = addInteraction(ctx, p, "call", -24, "Priya Raman");
  // Keep the story about the relationship: no unrelated overdue promise.
  for (const x of mine(p, book.promises))
    if (x.status === "open" && x.dueDate < day(0)) Object.assign(x, { status: "kept", keptAt: x.dueDate });
  call.notes = "Priya mentioned she is moving on; handover to be planned";
  call.nextSteps = "Meet her successor and the COO";
  book.risks.push({
    id: ctx.nextId("risk"),
    accountId: p.row.id,
    kind: "champion_changed",
    severity: "medium",
    note: "Champion Priya Raman left; no successor named yet",
    raisedAt: day(-16),
    resolvedAt: null,
  });
}

// ---- onboarding: Brightwave Health ----

function onboardingAccount(ctx: BookContext): AccountPlan {
  const { day } = ctx;
  return storyPlan(
    ctx,
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
  );
}

function patchOnboarding(ctx: BookContext, p: AccountPlan) {
  const { book, day, nextId } = ctx;
  const { row } = p;
  drop(p, book.milestones, () => false);
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
}

// ---- renewalPromise: 杭州云帆科技有限公司 ----

function renewalPromiseAccount(ctx: BookContext): AccountPlan {
  const { day } = ctx;
  return storyPlan(
    ctx,
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
  );
}

function patchRenewalPromise(ctx: BookContext, p: AccountPlan) {
  const { book, day, nextId } = ctx;
  const { row } = p;
  drop(p, book.promises, () => false);
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
}

// ---- expansion: Summit Analytics ----

function expansionAccount(ctx: BookContext): AccountPlan {
  const { day } = ctx;
  return storyPlan(
    ctx,
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
  );
}

function patchExpansion(ctx: BookContext, p: AccountPlan, { champion }: Cast) {
  const { book, day, nextId } = ctx;
  const { row } = p;
  drop(p, book.surveys, (s) => s.kind !== "nps");
  book.surveys.push({
    id: nextId("survey"),
    accountId: row.id,
    kind: "nps",
    score: 10,
    respondent: champion.name,
    comment: "We want every regional team on it next year",
    respondedAt: day(-20),
  });
  addInteraction(ctx, p, "praise", -9, champion.name).notes =
    "Finance team asked for access after seeing the forecasting dashboards";
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
}

// ---- detractor: Kestrel Retail ----

function detractorAccount(ctx: BookContext): AccountPlan {
  const { day } = ctx;
  return storyPlan(
    ctx,
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
  );
}

function patchDetractor(ctx: BookContext, p: AccountPlan, { dm }: Cast) {
  const { book, day, nextId } = ctx;
  const { row } = p;
  drop(p, book.surveys, (s) => s.respondedAt < day(-60));
  book.surveys.push({
    id: nextId("survey"),
    accountId: row.id,
    kind: "nps",
    score: 3,
    respondent: dm.name,
    comment: "Report exports time out and support takes days to answer",
    respondedAt: day(-6),
  });
  addInteraction(ctx, p, "complaint", -6, dm.name).notes =
    "Escalation: report exports time out before their Monday meeting";
  book.feedback.push({
    id: nextId("feedback"),
    accountId: row.id,
    title: "Report exports time out",
    status: "open",
    severity: "high",
    raisedAt: day(-21),
    resolvedAt: null,
  });
}
