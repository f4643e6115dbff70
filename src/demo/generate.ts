import { makeContacts, setLastContacts } from "./book/contacts.js";
import { type AccountPlan, clamp, newBookContext, round100, USAGE_DAYS } from "./book/context.js";
import { addFeedback } from "./book/feedback.js";
import { addInteraction, addInteractions, addRenewalTalk, scheduleVisits } from "./book/interactions.js";
import { addMilestones } from "./book/milestones.js";
import { addOpportunities } from "./book/opportunities.js";
import {
  addTeamsAndMembers,
  DEMO_PEOPLE,
  memberId,
  ownerDiligence,
  TEAMS,
  type TeamSpec,
  teamId,
} from "./book/organisation.js";
import { addPromises } from "./book/promises.js";
import { addRisks } from "./book/risks.js";
import type { AccountRow, CallRow, ContactRow, DemoBook, MilestoneRow, RenewalRow, Tier } from "./book/rows.js";
import { DEMO_STORIES } from "./book/stories.js";
import { addSurveys } from "./book/surveys.js";
import { addUsage } from "./book/usage.js";
import * as N from "./names.js";
import { type Rng, rng } from "./random.js";

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

  // ---- accounts ----
  const usedNames = new Set<string>(Object.values(DEMO_STORIES));
  const usedBrands = new Set<string>(["云帆"]);
  const usedCompounds = new Set<string>(["Northwind", "Brightwave", "Summit", "Kestrel"]);
  const plans: AccountPlan[] = [];

  const nameFor = (r: Rng, team: TeamSpec, industry: (typeof N.INDUSTRIES)[number], region: string) => {
    for (;;) {
      if (team.lang === "zh") {
        const brand = r.pick(N.CN_BRAND_A) + r.pick(N.CN_BRAND_B);
        if (usedBrands.has(brand) || brand[0] === brand[1]) continue;
        const city = r.pick(N.CN_CITIES);
        const name = `${city}${brand}${industry.zh}${r.chance(0.3) ? "股份" : ""}有限公司`;
        if (usedNames.has(name)) continue;
        usedBrands.add(brand);
        usedNames.add(name);
        return { name, aliases: [`${brand}${industry.zh}`, brand], region: N.CN_REGION_OF_CITY[city] ?? "华东" };
      }
      const compound = r.pick(N.COMPOUND_A) + r.pick(N.COMPOUND_B);
      if (usedCompounds.has(compound)) continue;
      const legal = team.key === "emea" ? r.pick(N.LEGAL_EMEA[region] ?? [""]) : r.chance(0.25) ? "Inc." : "";
      const name = [compound, r.pick(industry.en), legal].filter(Boolean).join(" ");
      if (usedNames.has(name)) continue;
      usedCompounds.add(compound);
      usedNames.add(name);
      return { name, aliases: [compound], region };
    }
  };

  const TIER_BANDS: Record<Tier, { seats: [number, number]; arr: [number, number] }> = {
    strategic: { seats: [400, 2000], arr: [250_000, 900_000] },
    key: { seats: [120, 500], arr: [80_000, 250_000] },
    standard: { seats: [25, 150], arr: [15_000, 80_000] },
    long_tail: { seats: [5, 30], arr: [3_000, 15_000] },
  };

  for (const team of TEAMS) {
    const csms = DEMO_PEOPLE.filter((p) => p.team === team.key && p.role === "csm" && p.active !== false);
    for (let i = 0; i < team.accounts; i++) {
      const r = rng(`${seed}:account:${team.key}:${i}`);
      const tier = r.weighted<Tier>([
        ["strategic", 0.05],
        ["key", 0.2],
        ["standard", 0.45],
        ["long_tail", 0.3],
      ]);
      const industry = r.pick(N.INDUSTRIES);
      const n = nameFor(r, team, industry, team.regions.length ? r.pick(team.regions) : "");
      const band = TIER_BANDS[tier];
      const owner = memberId(csms[i % csms.length]!.handle);
      const seats = r.int(...band.seats);
      const arr = team.fx * r.range(...band.arr);
      // Hidden health: a level, a gentle drift, and for some a slide in the last weeks.
      const h0 = r.weighted<[number, number]>([
        [[0.12, 0.4], 0.2],
        [[0.4, 0.65], 0.32],
        [[0.65, 0.95], 0.48],
      ]);
      const level = r.range(...h0);
      const drift = r.normal() * 0.06;
      const slides = r.chance(0.07);
      const slide = r.range(0.2, 0.4);
      const slideStart = -r.int(20, 45);
      const h = (d: number) =>
        clamp(
          level +
            (drift * (d + USAGE_DAYS)) / USAGE_DAYS -
            (slides && d > slideStart ? (slide * (d - slideStart)) / -slideStart : 0),
          0.03,
          0.98,
        );
      // Lifecycle: new customers (signed in the last months) or established ones with a renewal ahead.
      const isNew = r.chance(0.1);
      let contractStart: number;
      let goLive: number;
      let renewal: number;
      let years = 1;
      if (isNew) {
        contractStart = -r.int(15, 170);
        goLive = contractStart + r.int(30, 60);
        renewal = contractStart + 365;
      } else {
        years = r.weighted([
          [1, 0.1],
          [2, 0.4],
          [3, 0.3],
          [4, 0.2],
        ]);
        renewal = r.int(1, 365);
        contractStart = renewal - 365 * years;
        goLive = contractStart + r.int(30, 60);
      }
      const row: AccountRow = {
        id: nextId("account"),
        externalId: `CRM-${team.key.toUpperCase()}-${String(1001 + i)}`,
        name: n.name,
        aliases: n.aliases,
        tier,
        industry: industry.key,
        region: n.region,
        ownerId: owner,
        teamId: teamId(team.key),
        arr: team.currency === "CNY" ? Math.round(arr / 1000) * 1000 : round100(arr),
        currency: team.currency,
        contractStart: day(contractStart),
        renewalDate: day(renewal),
        stage: "steady",
        goLiveDate: day(goLive),
        seats,
      };
      plans.push({ row, team, lang: team.lang, r, h, lastUsageDay: 0, diligence: diligence.get(owner) ?? 1 });
      if (years >= 2) planPastRenewals(plans.at(-1)!, renewal - 365, years);
    }
  }
  for (const s of storyAccounts(seed, day)) {
    plans.push(s);
    const ren = offsetOf(s.row.renewalDate);
    const years = Math.round((ren - offsetOf(s.row.contractStart)) / 365);
    if (years >= 2) planPastRenewals(s, ren - 365, years);
  }

  /** Last renewal before the upcoming one: its outcome is drawn from health two months before. */
  function planPastRenewals(p: AccountPlan, due: number, years: number) {
    const { r, row } = p;
    const risk = 1 - p.h(due - 60);
    const u = r.next();
    const pChurn = p.story ? 0 : risk * risk;
    const pDown = p.story ? 0 : 0.35 * risk;
    // Churn needs usage history to show it coming; older non-renewals are long gone from the book.
    const outcome = u < pChurn && due >= -110 ? "churned" : u < pChurn + pDown ? "downsized" : "renewed";
    let prevArr = row.arr;
    if (outcome === "downsized") prevArr = row.arr / r.range(0.65, 0.85);
    if (outcome === "renewed" && p.h(due - 60) > 0.7 && r.chance(0.5)) prevArr = row.arr / r.range(1.05, 1.2);
    prevArr = row.currency === "CNY" ? Math.round(prevArr / 1000) * 1000 : round100(prevArr);
    const closed = Math.min(0, due + r.int(-10, 3));
    book.renewals.push({
      id: nextId("renewal"),
      accountId: row.id,
      dueDate: day(due),
      arr: prevArr,
      status: outcome,
      outcomeArr: outcome === "churned" ? 0 : row.arr,
      closedAt: day(closed),
      termsClear: true,
      valueReportSent: r.chance(0.6),
      notes: null,
    });
    if (years >= 3)
      book.renewals.push({
        id: nextId("renewal"),
        accountId: row.id,
        dueDate: day(due - 365),
        arr: prevArr,
        status: "renewed",
        outcomeArr: prevArr,
        closedAt: day(due - 365 - r.int(0, 10)),
        termsClear: true,
        valueReportSent: r.chance(0.5),
        notes: null,
      });
    if (outcome === "churned") {
      row.stage = "churned";
      row.arr = prevArr;
      row.renewalDate = day(due);
      p.lastUsageDay = due;
    }
  }

  // ---- everything else per account ----
  for (const p of plans) {
    const { row } = p;
    book.accounts.push(row);
    const goLive = offsetOf(row.goLiveDate);
    const renewal = offsetOf(row.renewalDate);
    if (row.stage !== "churned") {
      const since = -goLive;
      row.stage =
        goLive > 0
          ? "handoff"
          : since < 90
            ? "onboarding"
            : since < 180
              ? "adoption"
              : renewal <= 60
                ? "renewal"
                : "steady";
      book.renewals.push(upcomingRenewal(p, renewal));
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
  makeCalls();
  setLastContacts(book);
  return book;

  function upcomingRenewal(p: AccountPlan, due: number): RenewalRow {
    const { r, row } = p;
    const hNow = p.h(0);
    return {
      id: nextId("renewal"),
      accountId: row.id,
      dueDate: day(due),
      arr: row.arr,
      status: due <= 60 ? "in_progress" : "upcoming",
      outcomeArr: null,
      closedAt: null,
      termsClear: due <= 120 ? r.chance(0.45 + 0.45 * hNow) : null,
      valueReportSent: due <= 60 ? r.chance(0.25 + 0.5 * hNow) : false,
      notes: null,
    };
  }

  /**
   * CSMs' renewal calls on open renewals due within 120 days, from their own stream (the rest of the
   * book is unchanged by them): some fresh, some older than 30 days (asked again). The renewal with
   * an overdue promise is called "commit" by its owner: a commit the model doubts.
   */
  function makeCalls() {
    const r = rng(`${seed}:calls`);
    const owners = new Map(book.accounts.map((a) => [a.id, a.ownerId]));
    const story = book.accounts.find((a) => a.name === DEMO_STORIES.renewalPromise)?.id;
    for (const ren of book.renewals) {
      if (ren.status !== "upcoming" && ren.status !== "in_progress") continue;
      const left = offsetOf(ren.dueDate);
      if (left < 0 || left > 120) continue;
      const doubted = ren.accountId === story;
      if (!doubted && !r.chance(0.6)) continue;
      const call: CallRow["call"] = doubted
        ? "commit"
        : ren.termsClear
          ? "commit"
          : r.weighted([
              ["likely", 0.7],
              ["at_risk", 0.25],
              ["lost", 0.05],
            ]);
      book.calls.push({
        id: nextId("call"),
        accountId: ren.accountId,
        dueDate: ren.dueDate,
        call,
        note: doubted ? "客户口头确认会续约" : null,
        memberId: owners.get(ren.accountId) ?? null,
        source: "import",
        calledAt: new Date(day(doubted ? -12 : -r.int(3, 50)).getTime() + 10 * 3_600_000),
      });
    }
  }

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
