// A small book for value-report tests: an English account with a year of history and a Chinese
// account with almost none. Today is 2026-11-23.
import { addDays } from "../../src/domain/dates.js";
import type { Db } from "../../src/store/db.js";
import { upsertUsage } from "../../src/store/repos/usage.js";

export const TODAY = "2026-11-23";
export const WHO = { csm: "cara@tend.test", viewer: "vic@tend.test", zhCsm: "li.na@tend.test", admin: "ada@tend.test" };
/** A name with markup in it: every document must show it literally. */
export const TRICKY = "Acme <b>Corp</b> *star*";

const d = (s: string) => new Date(`${s}T00:00:00Z`);

export async function seedReportBook(db: Db) {
  const east = await db.prisma.team.create({ data: { name: "East", locale: "en", timezone: "UTC" } });
  const china = await db.prisma.team.create({ data: { name: "华东", locale: "zh-CN", timezone: "Asia/Shanghai" } });
  const cara = await db.prisma.member.create({
    data: { email: WHO.csm, name: "Cara CSM", role: "csm", teamId: east.id },
  });
  await db.prisma.member.create({ data: { email: WHO.viewer, name: "Vic", role: "viewer", teamId: east.id } });
  await db.prisma.member.create({ data: { email: WHO.admin, name: "Ada", role: "admin", locale: "en" } });
  const lina = await db.prisma.member.create({
    data: { email: WHO.zhCsm, name: "李娜", role: "csm", teamId: china.id, locale: "zh-CN" },
  });
  const goLive = addDays(TODAY, -200);
  const acme = await db.prisma.account.create({
    data: {
      name: TRICKY,
      ownerId: cara.id,
      teamId: east.id,
      arr: "120000",
      goLiveDate: d(goLive),
      seats: 60,
      renewalDate: d(addDays(TODAY, 100)),
    },
  });
  // 20 active users the first week after go-live, 45 in the last week; a gap in between is fine.
  const usage = [
    ...Array.from({ length: 7 }, (_, i) => ({ day: addDays(goLive, i), activeUsers: 20, activatedUsers: 24, core: 2 })),
    ...Array.from({ length: 30 }, (_, i) => ({
      day: addDays(TODAY, -29 + i),
      activeUsers: 45,
      activatedUsers: 54,
      core: 5,
    })),
  ];
  await upsertUsage(
    db,
    usage.map((u) => ({
      accountId: acme.id,
      day: u.day,
      activeUsers: u.activeUsers,
      activatedUsers: u.activatedUsers,
      seats: 60,
      logins: 0,
      coreFeaturesUsed: u.core,
      coreFeaturesTotal: 8,
    })),
  );
  const at = (days: number) => new Date(`${addDays(TODAY, days)}T10:00:00Z`);
  await db.prisma.interaction.createMany({
    data: [
      { accountId: acme.id, kind: "visit", occurredAt: at(-150) },
      { accountId: acme.id, kind: "visit", occurredAt: at(-40) },
      { accountId: acme.id, kind: "qbr", occurredAt: at(-60) },
      { accountId: acme.id, kind: "training", occurredAt: at(-180) },
      // Not help given: unanswered outreach, a visit still only planned, one from two years ago.
      { accountId: acme.id, kind: "call", occurredAt: at(-10), answered: false },
      { accountId: acme.id, kind: "visit", occurredAt: at(5), scheduled: true },
      { accountId: acme.id, kind: "visit", occurredAt: at(-700) },
    ],
  });
  await db.prisma.milestone.createMany({
    data: [
      {
        accountId: acme.id,
        title: "Go live in all plants",
        dueDate: d(addDays(TODAY, -190)),
        status: "done",
        doneAt: d(addDays(TODAY, -195)),
      },
      { accountId: acme.id, title: "Roll out to finance", dueDate: d(addDays(TODAY, 60)), status: "planned" },
    ],
  });
  await db.prisma.feedback.createMany({
    data: [
      {
        accountId: acme.id,
        title: "Export to <script>alert(1)</script>",
        status: "delivered",
        raisedAt: d(addDays(TODAY, -120)),
        resolvedAt: d(addDays(TODAY, -30)),
      },
      { accountId: acme.id, title: "SSO with Okta", status: "in_progress", raisedAt: d(addDays(TODAY, -50)) },
      { accountId: acme.id, title: "Dark mode", status: "open", raisedAt: d(addDays(TODAY, -20)) },
    ],
  });
  await db.prisma.customerPromise.createMany({
    data: [
      {
        accountId: acme.id,
        title: "Weekly usage digest",
        madeAt: d(addDays(TODAY, -100)),
        dueDate: d(addDays(TODAY, -70)),
        status: "kept",
        keptAt: d(addDays(TODAY, -72)),
      },
      {
        accountId: acme.id,
        title: "Onsite workshop",
        madeAt: d(addDays(TODAY, -10)),
        dueDate: d(addDays(TODAY, 20)),
        status: "open",
      },
    ],
  });
  await db.prisma.opportunity.create({
    data: { accountId: acme.id, kind: "upsell", title: "30 more seats for finance", amount: "20000" },
  });
  await db.prisma.renewal.create({ data: { accountId: acme.id, dueDate: d(addDays(TODAY, 100)), arr: "120000" } });

  const star = await db.prisma.account.create({
    data: { name: "星辰科技", ownerId: lina.id, teamId: china.id, arr: "500000", currency: "CNY" },
  });
  return { acme, star };
}
