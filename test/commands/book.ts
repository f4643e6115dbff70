// A small crafted book for conversation-core tests (the demo book from the data issue is used where
// it exists). Today is 2026-11-23.
import type { Db } from "../../src/store/db.js";
import { upsertUsage } from "../../src/store/repos/usage.js";

export const TODAY = "2026-11-23";
export const PEOPLE = {
  admin: "ada@tend.test",
  manager: "max@tend.test",
  csm: "cara@tend.test",
  csm2: "carl@tend.test",
  viewer: "vic@tend.test",
  zhCsm: "li.na@tend.test",
  inactive: "gone@tend.test",
} as const;

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const addDays = (s: string, n: number) => new Date(d(s).getTime() + n * 86_400_000).toISOString().slice(0, 10);

export async function seedBook(db: Db) {
  const east = await db.prisma.team.create({ data: { name: "East", locale: "en", timezone: "America/New_York" } });
  const china = await db.prisma.team.create({ data: { name: "华东", locale: "zh-CN", timezone: "Asia/Shanghai" } });
  const m = async (
    email: string,
    name: string,
    role: "admin" | "manager" | "csm" | "viewer",
    teamId: string | null,
    extra = {},
  ) => db.prisma.member.create({ data: { email, name, role, teamId, ...extra } });
  const admin = await m(PEOPLE.admin, "Ada Admin", "admin", null);
  const manager = await m(PEOPLE.manager, "Max Manager", "manager", east.id);
  const cara = await m(PEOPLE.csm, "Cara CSM", "csm", east.id);
  const carl = await m(PEOPLE.csm2, "Carl CSM", "csm", east.id);
  const vic = await m(PEOPLE.viewer, "Vic Viewer", "viewer", east.id);
  const lina = await m(PEOPLE.zhCsm, "李娜", "csm", china.id);
  await m(PEOPLE.inactive, "Gone", "csm", east.id, { active: false });

  const acct = (data: Record<string, unknown>) => db.prisma.account.create({ data: data as never });
  const acme = await acct({
    name: "Acme Corp",
    aliases: ["ACME"],
    tier: "strategic",
    industry: "manufacturing",
    ownerId: cara.id,
    teamId: east.id,
    arr: "240000",
    currency: "USD",
    renewalDate: d(addDays(TODAY, 40)),
    stage: "steady",
  });
  const acmeLabs = await acct({
    name: "Acme Labs",
    tier: "standard",
    ownerId: carl.id,
    teamId: east.id,
    arr: "30000",
    renewalDate: d(addDays(TODAY, 75)),
  });
  const globex = await acct({
    name: "Globex Corporation",
    aliases: ["Globex"],
    tier: "strategic",
    industry: "manufacturing",
    ownerId: carl.id,
    teamId: east.id,
    arr: "500000",
    renewalDate: d(addDays(TODAY, 200)),
  });
  const xingchen = await acct({
    name: "上海星辰科技有限公司",
    aliases: ["Xingchen", "星辰"],
    tier: "key",
    ownerId: lina.id,
    teamId: china.id,
    arr: "880000",
    currency: "CNY",
    renewalDate: d(addDays(TODAY, 20)),
  });

  // Health: 30 days each; Acme slides from green to red, Globex stays green.
  const score = async (accountId: string, f: (i: number) => number, reasons: unknown[] = []) => {
    for (let i = 29; i >= 0; i--) {
      const s = f(i);
      await db.prisma.healthScore.create({
        data: {
          accountId,
          day: d(addDays(TODAY, -i)),
          score: s,
          grade: s >= 76 ? "green" : s >= 51 ? "yellow" : "red",
          usageLevel: s >= 70 ? 2 : s >= 45 ? 1 : 0,
          valueLevel: s >= 60 ? 2 : 1,
          components: [
            {
              dimension: "activity",
              score: s,
              weight: 0.3,
              effectiveWeight: 0.35,
              inputs: { active_users: 40, seats: 100, activation_rate: 0.4 },
            },
            { dimension: "sentiment", score: null, weight: 0.15, effectiveWeight: 0, inputs: { nps: null } },
          ],
          reasons: (i === 0 ? reasons : []) as never,
        },
      });
    }
  };
  await score(acme.id, (i) => 40 + i, [
    { kind: "drag", dimension: "trend", key: "trend.active_users_down", params: { pct: 38 }, impact: 12 },
    {
      kind: "drag",
      dimension: "relationship",
      key: "relationship.champion_left",
      params: { name: "Li Wei", days: 12 },
      impact: 9,
    },
    { kind: "lift", dimension: "depth", key: "depth.core_features", params: { used: 6, total: 8 }, impact: 3 },
  ]);
  await score(globex.id, () => 88);
  await score(xingchen.id, () => 60);

  await upsertUsage(
    db,
    Array.from({ length: 56 }, (_, i) => ({
      accountId: acme.id,
      day: addDays(TODAY, -55 + i),
      activeUsers: i < 28 ? 60 : 36,
      activatedUsers: 45,
      seats: 100,
      logins: 100,
      coreFeaturesUsed: 3,
      coreFeaturesTotal: 8,
    })),
  );
  await upsertUsage(db, [
    {
      accountId: globex.id,
      day: TODAY,
      activeUsers: 90,
      activatedUsers: 95,
      seats: 100,
      logins: 500,
      coreFeaturesUsed: 7,
      coreFeaturesTotal: 8,
    },
  ]);
  await db.prisma.contact.createMany({
    data: [
      {
        accountId: acme.id,
        name: "Dana Decider",
        role: "decision_maker",
        attitude: "opponent",
        title: "CFO",
        lastContact: d(addDays(TODAY, -120)),
      },
      { accountId: acme.id, name: "Li Wei", role: "champion", active: false, leftAt: d(addDays(TODAY, -12)) },
    ],
  });
  await db.prisma.feedback.create({
    data: { accountId: acme.id, title: "SSO with Okta", status: "open", raisedAt: d(addDays(TODAY, -45)) },
  });
  await db.prisma.customerPromise.create({
    data: { accountId: acme.id, title: "Deliver SSO", madeAt: d(addDays(TODAY, -40)), dueDate: d(addDays(TODAY, -3)) },
  });
  await db.prisma.riskFlag.create({
    data: { accountId: acme.id, kind: "champion_changed", severity: "high", raisedAt: d(addDays(TODAY, -12)) },
  });
  await db.prisma.surveyResponse.createMany({
    data: [
      { accountId: acme.id, kind: "nps", score: 8, respondedAt: d(addDays(TODAY, -200)) },
      { accountId: acme.id, kind: "nps", score: 4, respondedAt: d(addDays(TODAY, -20)) },
    ],
  });
  await db.prisma.renewal.create({
    data: { accountId: acme.id, dueDate: d(addDays(TODAY, 40)), arr: "240000", termsClear: false },
  });
  await db.prisma.renewal.create({
    data: {
      accountId: globex.id,
      dueDate: d(addDays(TODAY, -60)),
      arr: "450000",
      status: "renewed",
      outcomeArr: "500000",
      closedAt: d(addDays(TODAY, -55)),
    },
  });
  await db.prisma.renewal.create({
    data: {
      accountId: acmeLabs.id,
      dueDate: d(addDays(TODAY, -30)),
      arr: "40000",
      status: "downsized",
      outcomeArr: "30000",
      closedAt: d(addDays(TODAY, -30)),
    },
  });
  return {
    teams: { east, china },
    members: { admin, manager, cara, carl, vic, lina },
    accounts: { acme, acmeLabs, globex, xingchen },
  };
}
