import { describe, expect, it } from "vitest";
import { DEMO_STORIES, generateDemoBook, USAGE_DAYS } from "../../src/demo/generate.js";
import { addDays, daysBetween, isoDay } from "../../src/domain/dates.js";

const TODAY = "2026-11-23";
const book = generateDemoBook({ today: TODAY });
const day = (d: Date) => isoDay(d);
const han = /[\u4e00-\u9fff]/;

describe("the demo book generator", () => {
  it("is deterministic: the same seed and today give the same rows", () => {
    expect(generateDemoBook({ today: TODAY })).toEqual(book);
  });

  it("moves with today: same accounts, dates shifted, and another seed gives another book", () => {
    const later = generateDemoBook({ today: addDays(TODAY, 30) });
    expect(later.accounts.map((a) => a.name)).toEqual(book.accounts.map((a) => a.name));
    const shifted = book.accounts.map((a) =>
      daysBetween(a.renewalDate, later.accounts.find((b) => b.id === a.id)!.renewalDate),
    );
    expect(new Set(shifted)).toEqual(new Set([30]));
    expect(later.usage.at(-1)?.day).not.toBe(book.usage.at(-1)?.day);
    const other = generateDemoBook({ today: TODAY, seed: "another" });
    expect(other.accounts.map((a) => a.name)).not.toEqual(book.accounts.map((a) => a.name));
  });

  it("has three teams, one Chinese-speaking in Shanghai, each with a Slack channel and a Feishu chat", () => {
    expect(book.teams).toHaveLength(3);
    expect(book.teams.filter((t) => t.locale === "zh-CN").map((t) => t.timezone)).toEqual(["Asia/Shanghai"]);
    for (const t of book.teams) {
      expect(t.slackChannel).toMatch(/^C[0-9A-Z]+$/);
      expect(t.feishuChatId).toMatch(/^oc_[0-9a-f]{32}$/);
    }
  });

  it("has ~12 CSMs, 2 managers and an admin, each reachable on Slack, Feishu and by email", () => {
    const active = book.members.filter((m) => m.active);
    expect(active.filter((m) => m.role === "csm")).toHaveLength(12);
    expect(active.filter((m) => m.role === "manager")).toHaveLength(2);
    expect(active.filter((m) => m.role === "admin")).toHaveLength(1);
    for (const m of book.members) {
      expect(m.email).toMatch(/^[a-z.]+@demo\.tend$/);
      expect(m.slackUserId).toMatch(/^U[0-9A-Z]{8}$/);
      expect(m.feishuOpenId).toMatch(/^ou_[0-9a-f]{32}$/);
    }
    for (const key of ["email", "slackUserId", "feishuOpenId"] as const)
      expect(new Set(book.members.map((m) => m[key])).size).toBe(book.members.length);
    const zh = book.teams.find((t) => t.locale === "zh-CN")!;
    expect(book.members.filter((m) => m.teamId === zh.id).every((m) => han.test(m.name))).toBe(true);
    // Every live account has an active CSM of its own team as owner.
    const byId = new Map(book.members.map((m) => [m.id, m]));
    for (const a of book.accounts) {
      const owner = byId.get(a.ownerId)!;
      expect(owner.active && owner.role === "csm" && owner.teamId === a.teamId).toBe(true);
    }
  });

  it("has ~300 accounts across tiers, industries and regions, Chinese names in the Chinese team", () => {
    expect(book.accounts.length).toBeGreaterThanOrEqual(280);
    expect(book.accounts.length).toBeLessThanOrEqual(330);
    expect(new Set(book.accounts.map((a) => a.tier))).toEqual(new Set(["strategic", "key", "standard", "long_tail"]));
    expect(new Set(book.accounts.map((a) => a.industry)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(book.accounts.map((a) => a.region)).size).toBeGreaterThanOrEqual(10);
    const zh = book.teams.find((t) => t.locale === "zh-CN")!.id;
    const zhAccounts = book.accounts.filter((a) => a.teamId === zh);
    expect(zhAccounts.every((a) => han.test(a.name) && a.currency === "CNY")).toBe(true);
    const zhIds = new Set(zhAccounts.map((a) => a.id));
    expect(book.contacts.filter((c) => zhIds.has(c.accountId)).every((c) => han.test(c.name))).toBe(true);
  });

  it("names every account unambiguously: no name or alias is shared by two accounts", () => {
    const owner = new Map<string, string>();
    for (const a of book.accounts)
      for (const n of [a.name, ...a.aliases]) {
        const k = n.toLowerCase();
        expect(owner.get(k) ?? a.id, `"${n}"`).toBe(a.id);
        owner.set(k, a.id);
      }
  });

  it("has 120 days of daily usage ending today, within seats and activation", () => {
    const days = [...new Set(book.usage.map((u) => u.day))].sort();
    expect(days).toHaveLength(USAGE_DAYS);
    expect(days.at(-1)).toBe(TODAY);
    const bad = book.usage.filter(
      (u) => u.activeUsers > u.activatedUsers || u.activatedUsers > u.seats || u.coreFeaturesUsed > u.coreFeaturesTotal,
    );
    expect(bad).toEqual([]);
  });

  it("spreads renewals over the next 12 months and keeps past outcomes of each kind", () => {
    for (const a of book.accounts.filter((x) => x.stage !== "churned")) {
      const open = book.renewals.filter(
        (r) => r.accountId === a.id && (r.status === "upcoming" || r.status === "in_progress"),
      );
      expect(open).toHaveLength(1);
      const days = daysBetween(TODAY, open[0]!.dueDate);
      expect(days).toBeGreaterThan(0);
      expect(days).toBeLessThanOrEqual(366);
    }
    const quarters = new Set(
      book.renewals.filter((r) => r.status === "upcoming").map((r) => Math.floor(daysBetween(TODAY, r.dueDate) / 92)),
    );
    expect(quarters).toEqual(new Set([0, 1, 2, 3]));
    const past = book.renewals.filter((r) => r.closedAt);
    for (const s of ["renewed", "downsized", "churned"])
      expect(past.filter((r) => r.status === s).length).toBeGreaterThan(4);
    for (const r of past.filter((x) => x.status === "downsized")) expect(r.outcomeArr!).toBeLessThan(r.arr);
    const churned = book.accounts.filter((a) => a.stage === "churned");
    expect(churned.length).toBe(past.filter((r) => r.status === "churned").length);
  });

  it("puts visits on the calendar today and in the next days, and history behind every live account", () => {
    const planned = book.interactions.filter((i) => i.scheduled);
    expect(planned.length).toBeGreaterThanOrEqual(8);
    expect(planned.every((i) => day(i.occurredAt) >= TODAY)).toBe(true);
    expect(planned.some((i) => day(i.occurredAt) === TODAY)).toBe(true);
    expect(planned.some((i) => day(i.occurredAt) === addDays(TODAY, 1))).toBe(true);
    const withHistory = new Set(book.interactions.filter((i) => !i.scheduled).map((i) => i.accountId));
    expect(book.accounts.every((a) => withHistory.has(a.id))).toBe(true);
    for (const kind of ["feedback", "promises", "surveys", "milestones", "risks", "opportunities", "contacts"] as const)
      expect(book[kind].length, kind).toBeGreaterThan(20);
    expect(new Set(book.contacts.map((c) => c.role))).toEqual(
      new Set(["decision_maker", "champion", "admin", "user", "finance", "executive"]),
    );
  });

  it("draws outcomes from how the account was doing: churned accounts were using less two months before", () => {
    // Share of seats in use over the week ending 60 days before the renewal closed.
    const usage = new Map<string, Map<string, number>>();
    for (const u of book.usage) {
      const m = usage.get(u.accountId) ?? new Map<string, number>();
      m.set(u.day, u.activeUsers / u.seats);
      usage.set(u.accountId, m);
    }
    const before = (accountId: string, due: Date) => {
      const m = usage.get(accountId);
      const xs = Array.from({ length: 7 }, (_, k) => m?.get(addDays(day(due), -60 - k))).filter((x) => x !== undefined);
      return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : undefined;
    };
    const mean = (status: string) => {
      const xs = book.renewals
        .filter((r) => r.status === status)
        .map((r) => before(r.accountId, r.dueDate))
        .filter((x) => x !== undefined);
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    expect(mean("churned")).toBeLessThan(mean("renewed"));
  });

  it("names the five stories as accounts of the book", () => {
    const names = new Set(book.accounts.map((a) => a.name));
    for (const n of Object.values(DEMO_STORIES)) expect(names.has(n), n).toBe(true);
  });

  it("has the decision maker met before most renewals: a renewal conversation once it is in progress", () => {
    const dmMet = book.renewals
      .filter((r) => r.status === "in_progress" && daysBetween(TODAY, day(r.dueDate)) <= 30)
      .map((r) => {
        const dm = book.contacts.find((c) => c.accountId === r.accountId && c.role === "decision_maker" && c.active);
        return dm?.lastContact ? daysBetween(day(dm.lastContact), TODAY) <= 90 : false;
      });
    expect(dmMet.length).toBeGreaterThan(10);
    // Most, not all: unhealthy accounts and less diligent owners still reach the date unprepared.
    expect(dmMet.filter(Boolean).length / dmMet.length).toBeGreaterThan(0.6);
    expect(dmMet.some((x) => !x)).toBe(true);
  });
});
